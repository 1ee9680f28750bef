import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { presignPut } from '../../../src/core/presign';
import {
  SNIPPET_FORMATS,
  buildCurl,
  buildSnippet,
  hasDotSegments,
  shellQuote,
  type SnippetFormat,
  type SnippetInput,
} from '../../../src/core/snippets';

// Compiled to out/test/unit/<dir>/: the fixtures stay in the source tree.
const FIXTURES = resolve(__dirname, '../../../../test/unit/fixtures/snippets');

/** A URL and headers as presignPut returns them, with a quote in a header value and in the file path. */
const GOLDEN_INPUT: SnippetInput = {
  url: 'https://test-bucket.oss-cn-hangzhou.aliyuncs.com/reports/Q3%20report.csv?x-oss-credential=AKID%2F20260101%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20260101T000000Z&x-oss-expires=900&x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-signature=0123abcd',
  headers: {
    'Content-Type': 'text/csv',
    'Content-Disposition': `attachment; filename="it's.csv"`,
    'x-oss-meta-owner': 'ana',
  },
  filePath: "/home/ana/it's here/Q3 report.csv",
  expiresAt: new Date('2026-01-01T00:15:00Z'),
};

const GOLDEN: Record<Exclude<SnippetFormat, 'url'>, string> = {
  curl: 'curl.sh',
  fetch: 'fetch.js',
  python: 'python.py',
  powershell: 'powershell.ps1',
};

describe('snippets', () => {
  for (const [format, file] of Object.entries(GOLDEN) as [SnippetFormat, string][]) {
    it(`renders ${format} as the golden file ${file}`, () => {
      assert.equal(buildSnippet(format, GOLDEN_INPUT), readFileSync(join(FIXTURES, file), 'utf8'));
    });
  }

  it('copies the bare URL for "url"', () => {
    assert.equal(buildSnippet('url', GOLDEN_INPUT), GOLDEN_INPUT.url);
  });

  it('quotes for POSIX shells, escaping single quotes', () => {
    assert.equal(shellQuote("a'b"), `'a'\\''b'`);
    assert.equal(shellQuote('$HOME `x` "y"'), `'$HOME \`x\` "y"'`);
  });

  it('uses -T, never --data-binary, and adds --path-as-is only for dot segments', () => {
    const plain = buildCurl(GOLDEN_INPUT);
    assert.match(plain, /-T /);
    assert.doesNotMatch(plain, /--data-binary|--path-as-is/);
    const dotted = buildCurl({ ...GOLDEN_INPUT, url: 'http://127.0.0.1:7480/b/a/../x?X-Amz-Signature=1' });
    assert.match(dotted, /^curl --fail-with-body --path-as-is -T/);
    assert.equal(hasDotSegments('http://h/b/./x'), true);
    assert.equal(hasDotSegments('http://h/b/..x/y.z'), false);
    assert.equal(hasDotSegments('http://h/b/x?a=/../'), false);
  });

  it('never sets a header that was not signed, and sets every one that was', () => {
    for (const format of ['curl', 'fetch', 'python', 'powershell'] as const) {
      const s = buildSnippet(format, GOLDEN_INPUT);
      // PowerShell takes Content-Type as -ContentType (it rejects or replaces it in -Headers).
      const names = Object.keys(GOLDEN_INPUT.headers).map((n) =>
        format === 'powershell' && n === 'Content-Type' ? '-ContentType' : n,
      );
      for (const name of names) assert.ok(s.includes(name), `${format} lacks ${name}`);
      assert.doesNotMatch(s, /Content-Length|Authorization|FormData\(/i);
    }
  });

  it('never contains the secret key (an STS token travels in the URL itself), for either provider', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const token = 'FQoGZXIvYXdzEXAMPLETOKEN';
    for (const provider of ['oss', 's3'] as const) {
      const signed = presignPut({
        provider,
        endpoint: provider === 'oss' ? 'https://oss-cn-hangzhou.aliyuncs.com' : 'https://s3.us-east-1.amazonaws.com',
        accessKeyId: 'AKIDEXAMPLE',
        accessKeySecret: secret,
        securityToken: token,
        bucket: 'b-1',
        key: 'k.txt',
        expiresSeconds: 60,
        headers: { 'Content-Type': 'text/plain' },
        date: new Date('2026-01-01T00:00:00Z'),
      });
      for (const format of SNIPPET_FORMATS) {
        const s = buildSnippet(format, { url: signed.url, headers: signed.headers, filePath: 'k.txt' });
        assert.ok(
          !s.includes(secret) && !s.includes(encodeURIComponent(secret)),
          `${provider} ${format} contains the secret`,
        );
      }
    }
  });
});
