// src/core/doctorRun.ts: the server's error body as people paste it. A single-line paste (an input box, a terminal,
// a log line) turns the newlines of CanonicalRequest / StringToSign into spaces; the doctor rebuilds the lines from
// each dialect's layout and diagnoses exactly as from the body with its line breaks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../../../src/core/doctor';
import { diagnoseFromErrorXml } from '../../../src/core/doctorRun';
import { presignPut } from '../../../src/core/presign';
import type { PresignPutOptions } from '../../../src/core/types';

const SIGNED_AT = new Date('2026-03-01T10:00:00Z');
const during = new Date(SIGNED_AT.getTime() + 60_000);
const creds = { accessKeyId: 'AKIDOCTOR', accessKeySecret: 'doctor/secret+key' };
// Values with spaces, and one whose second word looks like a header line ("host:" sorts before the meta header).
const headers = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Content-Disposition': 'attachment; filename="a b.txt"',
};
const metadata = { note: 'two words host:fake' };
const common = { key: 'in/photo 1.txt', ...creds, expiresSeconds: 3600, date: SIGNED_AT, headers, metadata };
const DIALECTS: Array<[string, PresignPutOptions]> = [
  ['S3 SigV4', { provider: 's3', endpoint: 'https://s3.eu-west-1.amazonaws.com', bucket: 'media', ...common }],
  ['OSS V4', { provider: 'oss', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'media', ...common }],
  [
    'OSS V1',
    {
      provider: 'oss',
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
      bucket: 'media',
      signatureVersion: 'v1',
      ...common,
    },
  ],
];

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A SignatureDoesNotMatch body as OSS and S3 send it, with the given fields. */
function errorXml(fields: Record<string, string>): string {
  const body = Object.entries(fields)
    .map(([k, v]) => `  <${k}>${escapeXml(v)}</${k}>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>SignatureDoesNotMatch</Code>\n  <Message>The request signature we calculated does not match the signature you provided.</Message>\n${body}\n  <RequestId>5F0A1B2C</RequestId>\n</Error>\n`;
}

/** What a one-line input box does to a paste (Chromium): each line break becomes one space. */
const oneLine = (text: string) => text.replace(/\r?\n/g, ' ');
/** What a terminal or a log line often does: every run of whitespace becomes one space. */
const collapsed = (text: string) => text.replace(/\s+/g, ' ');

describe('diagnoseFromErrorXml: flattened server text', () => {
  for (const [name, options] of DIALECTS) {
    const field = name === 'OSS V1' ? 'StringToSign' : 'CanonicalRequest';
    const prop = name === 'OSS V1' ? 'stringToSign' : 'canonicalRequest';
    const r = presignPut(options);
    // The uploader sent another Content-Type: the server's text is the request as it received it.
    const sent = { ...r.headers, 'Content-Type': 'text/html' };
    const serverText = diagnose({ url: r.url, sentHeaders: sent, now: during }).server!;
    const input = { url: r.url, sentHeaders: sent, signedHeaderValues: r.headers, credentials: creds, now: during };
    const withBreaks = diagnoseFromErrorXml({ ...input, errorXml: errorXml({ [field]: serverText }) });

    it(`${name}: the body with its line breaks names the differing header and shows the changed line`, () => {
      assert.deepEqual(
        withBreaks.causes.map((c) => [c.code, c.header]),
        [['HeaderDiffers', 'content-type']],
      );
      assert.ok(withBreaks.diff.some((l) => l.server.includes('text/html')));
    });

    for (const [how, flatten] of [
      ['pasted on one line', oneLine],
      ['with whitespace runs collapsed', collapsed],
    ] as const) {
      it(`${name}: a ${field} ${how} is rebuilt line by line and diagnosed the same`, () => {
        const flat = flatten(serverText);
        assert.ok(!flat.includes('\n'));
        const d = diagnoseFromErrorXml({ ...input, errorXml: errorXml({ [field]: flat }) });
        assert.equal(d.serverError?.[prop], serverText);
        assert.deepEqual(d.causes, withBreaks.causes);
        assert.deepEqual(d.diff, withBreaks.diff);
        assert.match(d.notes?.join(' ') ?? '', new RegExp(`${field} had lost its line breaks`));
      });
    }

    it(`${name}: the string to sign and canonical request the server sends for a correct request survive a one-line paste`, () => {
      const fields: Record<string, string> = { StringToSign: oneLine(r.steps.stringToSign) };
      if (r.steps.canonicalRequest) fields.CanonicalRequest = oneLine(r.steps.canonicalRequest);
      const d = diagnoseFromErrorXml({ ...input, sentHeaders: r.headers, errorXml: errorXml(fields) });
      assert.equal(d.serverError?.stringToSign, r.steps.stringToSign);
      assert.equal(d.serverError?.canonicalRequest, r.steps.canonicalRequest);
    });
  }

  it('S3: reports the path the server verified, never "undefined", for a one-line CanonicalRequest', () => {
    const [, s3] = DIALECTS[0];
    const r = presignPut({ ...s3, key: 'a/./b.txt', addressing: 'path' });
    const signed = diagnose({ url: r.url, sentHeaders: r.headers, now: during }).signed!;
    const server = signed.replace('/media/a/./b.txt', '/media/a/b.txt');
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: r.headers,
      now: during,
      errorXml: errorXml({ CanonicalRequest: oneLine(server) }),
    });
    const path = d.causes.find((c) => c.code === 'PathMismatch');
    assert.ok(path, JSON.stringify(d.causes));
    assert.match(path.message, /verified the path "\/media\/a\/b\.txt" but the URL signs "\/media\/a\/\.\/b\.txt"/);
    assert.ok(!JSON.stringify(d).includes('undefined'), JSON.stringify(d));
  });

  it('S3: uses CanonicalRequestBytes, which no paste can flatten, when the text lost its line breaks', () => {
    const [, s3] = DIALECTS[0];
    const r = presignPut(s3);
    const text = r.steps.canonicalRequest!;
    const bytes = [...Buffer.from(text, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: r.headers,
      now: during,
      errorXml: oneLine(errorXml({ CanonicalRequest: text, CanonicalRequestBytes: bytes })),
    });
    assert.equal(d.serverError?.canonicalRequest, text);
    assert.match(d.notes?.join(' ') ?? '', /from CanonicalRequestBytes/);
  });

  it('leaves out a CanonicalRequest it cannot read, says so, and still diagnoses from the headers sent', () => {
    const [, s3] = DIALECTS[0];
    const r = presignPut(s3);
    const d = diagnoseFromErrorXml({
      url: r.url,
      sentHeaders: {},
      signedHeaderValues: r.headers,
      now: during,
      errorXml: errorXml({ CanonicalRequest: 'PUT/media/in/photo%201.txtX-Amz-Algorithm=AWS4-HMAC-SHA256' }),
    });
    assert.equal(d.serverError?.canonicalRequest, undefined);
    assert.equal(d.serverError?.code, 'SignatureDoesNotMatch');
    assert.match(d.notes?.join(' ') ?? '', /could not be read line by line/);
    assert.ok(d.causes.some((c) => c.code === 'HeaderMissing'));
    assert.ok(!JSON.stringify(d).includes('undefined'), JSON.stringify(d));
  });

  it('finds the <Error> body inside `curl -i` output and notes text that holds none', () => {
    const [, s3] = DIALECTS[0];
    const r = presignPut(s3);
    const input = { url: r.url, sentHeaders: r.headers, now: during };
    const curl = `HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n\r\n${errorXml({ CanonicalRequest: r.steps.canonicalRequest! })}`;
    const d = diagnoseFromErrorXml({ ...input, errorXml: curl });
    assert.equal(d.serverError?.requestId, '5F0A1B2C');
    assert.equal(d.serverError?.canonicalRequest, r.steps.canonicalRequest);
    assert.equal(d.notes, undefined);

    const html = diagnoseFromErrorXml({ ...input, errorXml: '<html><body>502 Bad Gateway</body></html>' });
    assert.equal(html.serverError, undefined);
    assert.match(html.notes?.join(' ') ?? '', /holds no XML <Error> body/);
  });
});
