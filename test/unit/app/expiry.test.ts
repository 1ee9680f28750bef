import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeRemaining,
  effectiveExpiry,
  expiryLimitOf,
  EXPIRY_PRESETS,
  formatDuration,
  parseDuration,
} from '../../../src/app/expiry';
import { ConfigError } from '../../../src/core/errors';

const url = new Date('2026-01-01T13:00:00Z');

describe('expiry', () => {
  it('offers the presets up to the 7-day cap', () => {
    assert.deepEqual(
      EXPIRY_PRESETS.map((p) => p.seconds),
      [900, 3600, 43200, 86400, 604800],
    );
  });

  it('parses custom durations', () => {
    assert.equal(parseDuration('3600'), 3600);
    assert.equal(parseDuration('30m'), 1800);
    assert.equal(parseDuration(' 1d 12h '), 129600);
    assert.equal(parseDuration('7d'), 604800);
    assert.equal(parseDuration('45S'), 45);
  });

  it('enforces the 7-day cap and rejects non-durations', () => {
    assert.throws(
      () => parseDuration('7d1s'),
      (e: unknown) => e instanceof ConfigError && /longer than 7 days/.test(e.message),
    );
    assert.throws(() => parseDuration('604801'), ConfigError);
    assert.throws(() => parseDuration('0'), ConfigError);
    assert.throws(() => parseDuration('soon'), /not a duration/);
    assert.throws(() => parseDuration('1.5h'), ConfigError);
  });

  it('is the URL expiry without a token', () => {
    const e = effectiveExpiry({ urlExpiresAt: url, signatureVersion: 'v4', hasSecurityToken: false });
    assert.equal(e.effectiveExpiresAt, url);
    assert.equal(e.limitedBy, 'url');
    assert.deepEqual(e.warnings, []);
  });

  it('is the token expiry when the STS token expires first, and warns with both times', () => {
    const token = new Date('2026-01-01T12:30:00Z');
    const e = effectiveExpiry({
      urlExpiresAt: url,
      signatureVersion: 'v4',
      hasSecurityToken: true,
      tokenExpiresAt: token,
    });
    assert.equal(e.effectiveExpiresAt, token);
    assert.equal(e.limitedBy, 'token');
    assert.equal(e.warnings.length, 1);
    assert.match(e.warnings[0], /2026-01-01T12:30:00.000Z.*2026-01-01T13:00:00.000Z/);
  });

  it('is the URL expiry when the token outlives it', () => {
    const e = effectiveExpiry({
      urlExpiresAt: url,
      signatureVersion: 'v4',
      hasSecurityToken: true,
      tokenExpiresAt: new Date('2026-01-02T00:00:00Z'),
    });
    assert.equal(e.effectiveExpiresAt, url);
    assert.deepEqual(e.warnings, []);
  });

  it('says so when the token expiry is unknown', () => {
    const e = effectiveExpiry({ urlExpiresAt: url, signatureVersion: 'v4', hasSecurityToken: true });
    assert.equal(e.tokenExpiryUnknown, true);
    assert.match(e.warnings[0], /expiry is unknown/);
  });

  it('states the absolute expiry of V1 URLs', () => {
    const e = effectiveExpiry({ urlExpiresAt: url, signatureVersion: 'v1', hasSecurityToken: false });
    assert.match(e.warnings[0], /absolute expiry.*2026-01-01T13:00:00.000Z/);
  });

  it('formats durations and countdowns', () => {
    assert.equal(formatDuration(604800), '7 d');
    assert.equal(formatDuration(90061), '1 d 1 h');
    assert.equal(formatDuration(3660), '1 h 1 min');
    assert.equal(formatDuration(59), '59 s');
    assert.equal(describeRemaining(url, new Date('2026-01-01T12:45:00.500Z')), 'expires in 15 min');
    assert.equal(describeRemaining(url, new Date('2026-01-01T12:59:30Z')), 'expires in 30 s');
    assert.equal(describeRemaining(url, new Date('2026-01-01T15:00:00Z')), 'expired 2 h ago');
  });
});

describe('effectiveExpiry: min(URL expiry, token expiry, 7 days) with the reason', () => {
  const signedAt = new Date('2026-01-01T12:00:00Z');
  const v4 = { urlExpiresAt: url, signedAt, signatureVersion: 'v4' as const };

  it('is the token expiry, limited by the token, when the token expires first', () => {
    const token = new Date('2026-01-01T12:20:00Z');
    const e = effectiveExpiry({ ...v4, hasSecurityToken: true, tokenExpiresAt: token });
    assert.deepEqual([e.effectiveExpiresAt, e.limitedBy, e.tokenExpiresAt], [token, 'token', token]);
    assert.match(e.reason, /STS token expires then \(the profile's tokenExpiresAt\)/);
    assert.match(e.warnings.join(' '), /\(the profile's tokenExpiresAt\), before the URL/);
  });

  it('is the URL expiry when the token expires later, without a warning', () => {
    const e = effectiveExpiry({ ...v4, hasSecurityToken: true, tokenExpiresAt: new Date('2026-01-01T18:00:00Z') });
    assert.deepEqual([e.effectiveExpiresAt, e.limitedBy, e.reason], [url, 'url', "the URL's own expiry"]);
    assert.deepEqual(e.warnings, []);
  });

  it('ignores a token expiry when the URL carries no token', () => {
    const e = effectiveExpiry({ ...v4, hasSecurityToken: false, tokenExpiresAt: new Date('2026-01-01T12:10:00Z') });
    assert.deepEqual([e.effectiveExpiresAt, e.limitedBy, e.tokenExpiresAt], [url, 'url', undefined]);
  });

  it('names the real field and the Set Secret step when the token expiry is unknown', () => {
    const e = effectiveExpiry({ ...v4, hasSecurityToken: true });
    assert.equal(e.tokenExpiryUnknown, true);
    assert.match(e.reason, /or earlier if its STS token expires first/);
    assert.equal(e.warnings.length, 1);
    assert.match(e.warnings[0], /run "OSS Presign: Set Secret" and give the token's expiry after the token/);
    assert.match(
      e.warnings[0],
      /set "tokenExpiresAt" \(ISO 8601, e\.g\. 2026-05-01T12:00:00Z\) in the profile \(setting "ossPresign\.profiles"\)/,
    );
  });

  it('says a token that expired before signing makes the URL useless', () => {
    const token = new Date('2026-01-01T11:00:00Z');
    const e = effectiveExpiry({ ...v4, hasSecurityToken: true, tokenExpiresAt: token });
    assert.equal(e.effectiveExpiresAt, token);
    assert.match(e.warnings.join(' '), /The STS token expired at 2026-01-01T11:00:00\.000Z.*Set Secret/);
  });

  it('caps a V1 URL at 7 days after signing, and states its absolute expiry', () => {
    const far = new Date('2026-01-20T12:00:00Z');
    const e = effectiveExpiry({ urlExpiresAt: far, signedAt, signatureVersion: 'v1', hasSecurityToken: false });
    assert.equal(e.effectiveExpiresAt.toISOString(), '2026-01-08T12:00:00.000Z');
    assert.equal(e.limitedBy, 'maxValidity');
    assert.match(e.reason, /7 days after signing/);
    assert.match(e.warnings[0], /V1 URL carries an absolute expiry/);
  });

  it('tells what limited a ledger entry from the times it stores', () => {
    assert.equal(expiryLimitOf({ urlExpiresAt: url.toISOString(), effectiveExpiresAt: url.toISOString() }), 'url');
    assert.equal(
      expiryLimitOf({ urlExpiresAt: url.toISOString(), effectiveExpiresAt: '2026-01-01T12:20:00.000Z' }),
      'token',
    );
  });
});
