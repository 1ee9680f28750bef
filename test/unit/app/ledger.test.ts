import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addLedgerEntry,
  formatLocalTime,
  isExpired,
  issuedTimes,
  ledgerRow,
  ledgerUrlKey,
  partitionExpired,
  sanitizeLedger,
  urlLocation,
  type LedgerEntry,
} from '../../../src/app/ledger';
import { effectiveExpiry } from '../../../src/app/expiry';

function entry(id: string, effectiveExpiresAt: string): LedgerEntry {
  return {
    id,
    profileId: 'p',
    provider: 's3',
    bucket: 'b',
    key: `k/${id}`,
    method: 'PUT',
    headerSet: 'Default',
    headers: { 'Content-Type': 'text/plain' },
    expirySeconds: 900,
    createdAt: '2026-01-01T00:00:00.000Z',
    urlExpiresAt: effectiveExpiresAt,
    effectiveExpiresAt,
    location: `http://h/b/k/${id}`,
  };
}
const now = new Date('2026-01-01T12:00:00Z');

describe('ledger model', () => {
  it('keeps URLs under a per-entry secret key', () => {
    assert.equal(ledgerUrlKey('abc'), 'ossPresign.ledger.abc.url');
  });

  it('strips query and fragment from the location', () => {
    assert.equal(urlLocation('https://b.host/k%20x?X-Amz-Signature=abc&X-Amz-Credential=AK#f'), 'https://b.host/k%20x');
  });

  it('knows expired entries', () => {
    assert.equal(isExpired(entry('a', '2026-01-01T11:59:59Z'), now), true);
    assert.equal(isExpired(entry('a', '2026-01-01T12:00:01Z'), now), false);
    const { kept, expired } = partitionExpired(
      [entry('a', '2026-01-01T11:00:00Z'), entry('b', '2026-01-01T13:00:00Z')],
      now,
    );
    assert.deepEqual(
      kept.map((e) => e.id),
      ['b'],
    );
    assert.deepEqual(expired, ['a']);
  });

  it('adds at the front and drops the oldest beyond the cap', () => {
    let list: LedgerEntry[] = [];
    const dropped: string[] = [];
    for (const id of ['1', '2', '3']) {
      const r = addLedgerEntry(list, entry(id, '2026-01-02T00:00:00Z'), 2);
      list = r.entries;
      dropped.push(...r.dropped);
    }
    assert.deepEqual(
      list.map((e) => e.id),
      ['3', '2'],
    );
    assert.deepEqual(dropped, ['1']);
  });

  it('drops malformed entries and any carrying a query string when read back', () => {
    const good = entry('g', '2026-01-02T00:00:00Z');
    const leaky = { ...entry('x', '2026-01-02T00:00:00Z'), location: 'http://h/b/k?X-Amz-Signature=abc' };
    assert.deepEqual(sanitizeLedger([good, leaky, null, { id: 1 }]), [good]);
    assert.deepEqual(sanitizeLedger('nope'), []);
  });

  it('formats times one way, in local time: YYYY-MM-DD HH:mm', () => {
    assert.equal(formatLocalTime(new Date(2026, 4, 1, 9, 5, 59)), '2026-05-01 09:05');
  });

  it('puts the countdown first in the row, so a narrow sidebar cuts the key, not the time', () => {
    const e = { ...entry('a', '2026-01-01T13:30:00Z'), key: 'a/very/long/key/that/would/fill/the/row.txt' };
    const row = ledgerRow(e, now, 'Sandbox');
    assert.equal(row.label, '1 h 30 min left · a/very/long/key/that/would/fill/the/row.txt');
    assert.equal(row.description, 'b · Default');
    assert.equal(row.expired, false);
    const expired = ledgerRow(entry('x', '2026-01-01T11:57:00Z'), now, 'Sandbox');
    assert.equal(expired.label, 'expired 3 min ago · k/x');
    assert.equal(expired.expired, true);
  });

  it('names the profile in the tooltip, or says it was removed, never its id', () => {
    const e = { ...entry('a', '2026-01-01T13:00:00Z'), profileId: 'internal-id-42' };
    assert.match(
      ledgerRow(e, now, 'Sandbox (local s3rver)').tooltip,
      /Profile: Sandbox \(local s3rver\) · header set: Default/,
    );
    const gone = ledgerRow(e, now, undefined).tooltip;
    assert.match(gone, /Profile: removed from settings \(Re-issue asks which profile signs\)/);
    assert.doesNotMatch(gone, /internal-id-42/);
  });

  it('writes every time of the tooltip as local YYYY-MM-DD HH:mm, never ISO', () => {
    const e = { ...entry('a', '2026-01-01T13:00:00Z'), createdAt: '2026-01-01T12:00:00.000Z', expirySeconds: 3600 };
    const tip = ledgerRow(e, now, 'P').tooltip;
    assert.ok(tip.includes(`Issued ${formatLocalTime(new Date('2026-01-01T12:00:00Z'))}, valid for 1 h`), tip);
    assert.ok(tip.includes(`Works until ${formatLocalTime(new Date('2026-01-01T13:00:00Z'))} (expires in 1 h)`), tip);
    assert.doesNotMatch(tip, /T\d\d:\d\d/);
  });
});

describe('issuedTimes', () => {
  const signedAt = new Date('2026-01-01T12:00:00Z');
  const urlExpiresAt = new Date('2026-01-01T13:00:00Z');
  it("records the URL's expiry and, for an STS URL ending with its token, the earlier effective one", () => {
    const tokenExpiresAt = new Date('2026-01-01T12:30:00Z');
    const expiry = effectiveExpiry({
      urlExpiresAt,
      signedAt,
      signatureVersion: 'v4',
      hasSecurityToken: true,
      tokenExpiresAt,
    });
    assert.deepEqual(issuedTimes(expiry, signedAt), {
      createdAt: '2026-01-01T12:00:00.000Z',
      urlExpiresAt: '2026-01-01T13:00:00.000Z',
      effectiveExpiresAt: '2026-01-01T12:30:00.000Z',
    });
  });
  it('marks a token whose expiry is unknown', () => {
    const expiry = effectiveExpiry({ urlExpiresAt, signedAt, signatureVersion: 'v4', hasSecurityToken: true });
    assert.equal(issuedTimes(expiry, signedAt).tokenExpiryUnknown, true);
    assert.equal('tokenExpiryUnknown' in issuedTimes({ ...expiry, tokenExpiryUnknown: false }, signedAt), false);
  });
});
