import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeRemaining,
  effectiveExpiry,
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
