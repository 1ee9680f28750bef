// The presigned-POST snippets send every field exactly as presignPost returned it, then the file last: the curl
// command is run by bash with a recording `curl` function, the fetch snippet in a VM with a recording FormData and
// fetch, and the HTML form is read back input by input. Values that a shell, curl's -F parser, JavaScript or HTML
// would otherwise interpret are used on purpose.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import vm from 'node:vm';
import {
  buildPostCurl,
  buildPostFetch,
  buildPostForm,
  presignPost,
  type PresignPostOptions,
} from '../../../src/core/index';

const options: PresignPostOptions = {
  provider: 's3',
  endpoint: 'https://s3.eu-west-1.amazonaws.com',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  accessKeySecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  bucket: 'examplebucket',
  keyPrefix: "it's $HOME `x` <b>/",
  expiresSeconds: 3600,
  date: '2024-01-02T03:04:05Z',
  metadata: { note: '@/etc/passwd;type=text/html "q" & </script>' },
};
const exact = presignPost({ ...options, contentType: 'text/plain' });
const family = presignPost({ ...options, contentTypePrefix: 'image/' });

/** The arguments curl would get: bash runs the snippet with `curl` defined as a function that prints them. */
function curlArgs(snippet: string): string[] {
  const run = spawnSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }\n${snippet}`], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\0').slice(0, -1);
}

/** Runs the fetch snippet's upload(file) with a recording FormData and fetch. */
async function runFetch(snippet: string, file: { type: string }) {
  const appended: Array<[string, unknown]> = [];
  const requests: Array<{ url: string; method: string; body: unknown }> = [];
  class FormData {
    append(name: string, value: unknown) {
      appended.push([name, value]);
    }
  }
  const fetch = async (url: string, init: { method: string; body: unknown }) => {
    requests.push({ url, method: init.method, body: init.body });
    return { ok: true, status: 204, text: async () => '' };
  };
  const context = vm.createContext({ FormData, fetch });
  vm.runInContext(snippet, context);
  await (vm.runInContext('upload', context) as (f: unknown) => Promise<unknown>)(file);
  return { appended, requests };
}

const unescapeHtml = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

describe('buildPostCurl', () => {
  it('every field literally with --form-string, in order, then -F file=@path last, the status format, then the URL', () => {
    const args = curlArgs(buildPostCurl(exact, '/data/report.txt'));
    const fields = Object.entries(exact.fields).flatMap(([name, value]) => ['--form-string', `${name}=${value}`]);
    assert.deepEqual(args, [
      '--fail-with-body',
      ...fields,
      '-F',
      'file=@/data/report.txt',
      '-w',
      '\\nHTTP %{http_code}\\n',
      exact.url,
    ]);
  });

  it('a path with ";", "," or a quote is quoted for curl\'s -F parser', () => {
    const args = curlArgs(buildPostCurl(exact, '/data/a;b,"c".txt'));
    assert.equal(args.at(-4), 'file=@"/data/a;b,\\"c\\".txt"');
  });

  it('with contentTypePrefix, the file type detected from its name when it fits the prefix', () => {
    const args = curlArgs(buildPostCurl(family, '/data/photo.png'));
    assert.deepEqual(args.slice(-7), [
      '--form-string',
      'Content-Type=image/png',
      '-F',
      'file=@/data/photo.png',
      '-w',
      '\\nHTTP %{http_code}\\n',
      family.url,
    ]);
  });

  it('with contentTypePrefix and a file of another type, a comment says to set it (the prefix is the placeholder)', () => {
    const snippet = buildPostCurl(family, '/data/notes.txt');
    assert.match(
      snippet,
      /^# Set Content-Type to the file's type: the policy accepts only types starting with "image\/"\.\n/,
    );
    assert.ok(curlArgs(snippet).includes('Content-Type=image/'));
  });
});

describe('buildPostFetch', () => {
  it('appends every field in order, then the file, and POSTs the FormData to the bucket URL', async () => {
    const file = { type: 'text/plain' };
    const { appended, requests } = await runFetch(buildPostFetch(exact), file);
    assert.deepEqual(appended, [...Object.entries(exact.fields), ['file', file]]);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.url, exact.url);
    assert.equal(requests[0]!.method, 'POST');
  });

  it("with contentTypePrefix, sends the file's own type before the file, and refuses a type outside the prefix", async () => {
    const png = { type: 'image/png' };
    const { appended } = await runFetch(buildPostFetch(family), png);
    assert.deepEqual(appended.slice(-2), [
      ['Content-Type', 'image/png'],
      ['file', png],
    ]);
    await assert.rejects(runFetch(buildPostFetch(family), { type: 'text/html' }), /Only files of type image\/\*/);
  });
});

describe('buildPostForm', () => {
  it('a multipart form to the bucket URL with every field hidden, in order, then the file input', () => {
    const html = buildPostForm(exact);
    assert.match(html, new RegExp(`<form action="${exact.url}" method="post" enctype="multipart/form-data">`));
    const inputs = [...html.matchAll(/<input type="([^"]+)" name="([^"]*)"(?: value="([^"]*)")?/g)].map((m) => [
      m[1],
      unescapeHtml(m[2]!),
      m[3] === undefined ? undefined : unescapeHtml(m[3]),
    ]);
    assert.deepEqual(inputs, [
      ...Object.entries(exact.fields).map(([name, value]) => ['hidden', name, value]),
      ['file', 'file', undefined],
    ]);
    assert.ok(!html.includes('</script>'), 'values are escaped');
  });

  it('with contentTypePrefix, a required Content-Type text input pre-filled with the prefix, before the file', () => {
    const html = buildPostForm(family);
    assert.match(
      html,
      /<input type="text" name="Content-Type" value="image\/" required><\/label>\n {2}<input type="file"/,
    );
  });
});
