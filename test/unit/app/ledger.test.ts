import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addLedgerEntry,
  isExpired,
  ledgerUrlKey,
  partitionExpired,
  sanitizeLedger,
  urlLocation,
  type LedgerEntry,
} from '../../../src/app/ledger';

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
});
