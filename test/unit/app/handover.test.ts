import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  batchCsv,
  batchJson,
  batchText,
  csvField,
  headerList,
  headersSentence,
  presignedMessage,
  type HandedOverUrl,
} from '../../../src/app/handover';

const EXPIRES = new Date('2026-03-01T12:00:00.000Z');
const NOW = new Date('2026-03-01T10:00:00.000Z');

function url(key: string, headers: Record<string, string>): HandedOverUrl {
  return {
    key,
    url: `https://demo-bucket.oss-cn-hangzhou.aliyuncs.com/${encodeURIComponent(key)}?x-oss-signature=abc&x-oss-expires=7200`,
    method: 'PUT',
    headers,
    expiresAt: EXPIRES,
  };
}

/** A minimal RFC 4180 reader, to check that what batchCsv writes reads back as the same fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  assert.equal(field + row.join(''), '', 'the CSV ends with a line break');
  return rows;
}

describe('hand-over texts', () => {
  it('names every header to send in the notification, Content-Type included', () => {
    assert.equal(
      presignedMessage({
        bucket: 'demo-bucket',
        urls: [url('uploads/hello.txt', { 'Content-Type': 'text/plain', 'x-oss-meta-owner': 'ana' })],
        formatLabel: 'URL',
        expiresAt: EXPIRES,
        now: NOW,
      }),
      'Presigned PUT for "demo-bucket/uploads/hello.txt" copied as URL (expires in 2 h). Send exactly: Content-Type: text/plain; x-oss-meta-owner: ana',
    );
  });

  it('says "Send no extra headers." when nothing was signed beyond the URL', () => {
    assert.equal(headersSentence([{}]), 'Send no extra headers.');
    assert.match(
      presignedMessage({ bucket: 'b', urls: [url('k', {})], formatLabel: 'curl', expiresAt: EXPIRES, now: NOW }),
      /\(expires in 2 h\)\. Send no extra headers\.$/,
    );
  });

  it('names the first three headers and counts the rest', () => {
    const headers = {
      'Content-Type': 'image/png',
      'Cache-Control': 'no-cache',
      'x-oss-storage-class': 'IA',
      'x-oss-forbid-overwrite': 'true',
      'x-oss-meta-owner': 'ana',
    };
    assert.equal(
      headersSentence([headers]),
      'Send exactly: Content-Type: image/png; Cache-Control: no-cache; x-oss-storage-class: IA; +2 more',
    );
    assert.equal(
      headersSentence([headers], 5),
      'Send exactly: Content-Type: image/png; Cache-Control: no-cache; x-oss-storage-class: IA; x-oss-forbid-overwrite: true; x-oss-meta-owner: ana',
    );
  });

  it('marks a header whose value differs between the files of a folder as per file', () => {
    const message = presignedMessage({
      bucket: 'bkt',
      urls: [
        url('a.txt', { 'Content-Type': 'text/plain', 'x-amz-meta-owner': 'ana' }),
        url('b.png', { 'Content-Type': 'image/png', 'x-amz-meta-owner': 'ana' }),
        url('c', { 'x-amz-meta-owner': 'ana' }),
      ],
      formatLabel: 'URLs with their headers',
      expiresAt: EXPIRES,
      now: NOW,
    });
    assert.equal(
      message,
      'Presigned PUT for 3 files in "bkt" copied as URLs with their headers (expires in 2 h). Send exactly: Content-Type: per file; x-amz-meta-owner: ana',
    );
  });

  it('pairs each URL of a batch with its headers, one block per file', () => {
    const a = url('uploads/a.txt', { 'Content-Type': 'text/plain', 'x-oss-meta-owner': 'ana' });
    const b = url('uploads/b.bin', {});
    assert.equal(
      batchText([a, b]),
      `# uploads/a.txt\n${a.url}\nContent-Type: text/plain\nx-oss-meta-owner: ana\n\n# uploads/b.bin (send no extra headers)\n${b.url}\n`,
    );
  });

  it('keeps a key with line breaks on its own line in the batch text', () => {
    const text = batchText([url('evil\nhttps://attacker.example/\r\nx', { 'Content-Type': 'text/plain' })]);
    assert.equal(text.split('\n')[0], '# evil\\nhttps://attacker.example/\\r\\nx');
    assert.equal(text.split('\n').length, 4);
  });

  it('writes JSON as an array of { key, url, method, headers, expiresAt }', () => {
    const a = url('docs/日本語/メモ.txt', { 'Content-Type': 'text/plain; charset=utf-8' });
    const b = url('empty', {});
    assert.deepEqual(JSON.parse(batchJson([a, b])), [
      {
        key: 'docs/日本語/メモ.txt',
        url: a.url,
        method: 'PUT',
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        expiresAt: '2026-03-01T12:00:00.000Z',
      },
      { key: 'empty', url: b.url, method: 'PUT', headers: {}, expiresAt: '2026-03-01T12:00:00.000Z' },
    ]);
  });

  it('quotes CSV fields with commas, quotes and line breaks (RFC 4180) and leaves plain ones bare', () => {
    assert.equal(csvField('plain/key.txt'), 'plain/key.txt');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\ronly'), '"cr\ronly"');
    assert.equal(csvField('日本語 メモ'), '日本語 メモ');
  });

  it('writes CSV rows key,url,expiresAt,headers that read back as the same fields', () => {
    const urls = [
      url('report, "final"\n2026.txt', { 'Content-Type': 'text/plain', 'x-amz-meta-note': 'a, "b"' }),
      url('docs/日本語/メモ.txt', { 'Content-Type': 'text/plain; charset=utf-8' }),
      url('none', {}),
    ];
    const csv = batchCsv(urls);
    assert.ok(csv.startsWith('key,url,expiresAt,headers\r\n'), csv);
    assert.deepEqual(parseCsv(csv), [
      ['key', 'url', 'expiresAt', 'headers'],
      [urls[0].key, urls[0].url, '2026-03-01T12:00:00.000Z', 'Content-Type: text/plain; x-amz-meta-note: a, "b"'],
      [urls[1].key, urls[1].url, '2026-03-01T12:00:00.000Z', 'Content-Type: text/plain; charset=utf-8'],
      ['none', urls[2].url, '2026-03-01T12:00:00.000Z', ''],
    ]);
  });

  it('lists headers as "Name: value; ..." in their signed order', () => {
    assert.equal(
      headerList({ 'Content-Type': 'a/b', 'x-oss-meta-z': '1', 'Cache-Control': 'no-cache' }),
      'Content-Type: a/b; x-oss-meta-z: 1; Cache-Control: no-cache',
    );
    assert.equal(headerList({}), '');
  });

  it('never puts the URL (a bearer credential) into the notification', () => {
    const one = url('k', { 'Content-Type': 'text/plain' });
    const message = presignedMessage({ bucket: 'b', urls: [one], formatLabel: 'URL', expiresAt: EXPIRES, now: NOW });
    assert.ok(!message.includes('x-oss-signature') && !message.includes(one.url), message);
  });
});
