// src/features/doctor: "Diagnose a Failed Upload..." from every entry point (a Presigned URLs row, the palette with a
// pasted URL, a caller's arguments), the server's error body from the clipboard or a pasted editor, and the report.
// Over the fake vscode and the real stores; URLs are signed locally and nothing leaves the process.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { urlLocation, type LedgerEntry } from '../../../src/app/ledger';
import { diagnose } from '../../../src/core/doctor';
import { diagnoseFromErrorXml } from '../../../src/core/doctorRun';
import { presignPut } from '../../../src/core/presign';
import type { PresignPutOptions } from '../../../src/core/types';
import { reportText, summaryText, type ReportInput } from '../../../src/features/doctor/report';
import { createHarness, profile, ROOT, type Harness } from '../fakes/services';
import { Uri } from '../fakes/vscode';

type DoctorResult = import('../../../src/features/doctor/report').DoctorResult;

const SECRET = 'test-secret';
const SIGNED = { 'Content-Type': 'text/plain', 'x-amz-meta-owner': 'ana' };
/** A URL of the harness profile "p" (S3, path style, key id AKIDP), as presign issues it. */
const s3Options = (extra: Partial<PresignPutOptions> = {}): PresignPutOptions => ({
  provider: 's3',
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  addressing: 'path',
  bucket: 'bkt',
  key: 'docs/report.txt',
  accessKeyId: 'AKIDP',
  accessKeySecret: SECRET,
  expiresSeconds: 3600,
  headers: { 'Content-Type': 'text/plain' },
  metadata: { owner: 'ana' },
  ...extra,
});

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
function errorXml(fields: Record<string, string>): string {
  const body = Object.entries(fields)
    .map(([k, v]) => `  <${k}>${escapeXml(v)}</${k}>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>SignatureDoesNotMatch</Code>\n  <Message>The request signature we calculated does not match the signature you provided.</Message>\n${body}\n  <RequestId>tx-1</RequestId>\n</Error>\n`;
}
/** The server's 403 body for `url` when the uploader sent `sent`: its CanonicalRequest (or V1 StringToSign). */
function serverBody(url: string, sent: Record<string, string>): string {
  const d = diagnose({ url, sentHeaders: sent, now: new Date() });
  return errorXml({ [d.dialect === 'oss-v1' ? 'StringToSign' : 'CanonicalRequest']: d.server! });
}
const oneLine = (text: string) => text.replace(/\r?\n/g, ' ');

/** "undefined", "null" or "NaN" as a word: a field that was missing, printed. */
const MISSING = /\b(?:undefined|null|NaN)\b/;

describe('doctor commands', () => {
  let h: Harness;
  /** Untitled documents opened (the paste editor) and what the user pastes into the next one. */
  let untitled: { language?: string }[];
  let pasted: string;
  const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
  const executed = (id: string) => h.fake.record.executed.filter((e) => e.id === id);
  const report = async () =>
    (
      await h.fake.vscode.workspace.openTextDocument(Uri.from({ scheme: 'ossPresign-doc', path: '/doctor/report.md' }))
    ).getText();
  const seed = async (url: string, headers: Record<string, string>, id = 'e1'): Promise<LedgerEntry> => {
    const entry: LedgerEntry = {
      id,
      profileId: 'p',
      provider: 's3',
      bucket: 'bkt',
      key: 'docs/report.txt',
      method: 'PUT',
      headerSet: 'Owner',
      headers,
      expirySeconds: 3600,
      createdAt: new Date().toISOString(),
      urlExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
      effectiveExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
      location: urlLocation(url),
    };
    await h.services().ledger.add(entry, url);
    return entry;
  };

  beforeEach(async () => {
    // The environment only a profile with credentialSource "env" reads (one test has such a profile).
    h = createHarness({ env: { AWS_ACCESS_KEY_ID: 'AKIDP', AWS_SECRET_ACCESS_KEY: SECRET } });
    untitled = [];
    pasted = '';
    await h.setProfiles([profile('p')], SECRET);
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { doctorCommands } =
      h.load<typeof import('../../../src/features/doctor/commands')>('features/doctor/commands.js');
    const ctx = h.context as unknown as vscode.ExtensionContext;
    registerCommands(ctx, h.log, doctorCommands(h.services()));
    // VS Code's own commands the doctor opens its results with.
    for (const id of ['vscode.diff', 'markdown.showPreview'])
      h.context.subscriptions.push(h.fake.vscode.commands.registerCommand(id, () => undefined));
    // The fake opens no untitled documents: this one holds what the user pastes before choosing Continue.
    const workspace = h.fake.vscode.workspace as unknown as Record<string, (arg: unknown) => unknown>;
    const open = workspace.openTextDocument;
    workspace.openTextDocument = (arg: unknown) => {
      if (arg instanceof Uri) return open(arg);
      untitled.push(arg as { language?: string });
      return Promise.resolve({
        uri: Uri.from({ scheme: 'untitled', path: 'Untitled-1' }),
        isUntitled: true,
        getText: () => pasted,
      });
    };
  });
  afterEach(() => h.dispose());

  it('Diagnose on a Presigned URLs row asks no URL: it uses the stored URL and prefills the signed headers', async () => {
    const { url } = presignPut(s3Options());
    const entry = await seed(url, SIGNED);
    await h.fake.vscode.env.clipboard.writeText('something else');
    const sent = { 'Content-Type': 'text/html', 'x-amz-meta-owner': 'ana' };
    pasted = serverBody(url, sent);
    h.fake.answers.inputBoxes.push('Content-Type: text/html; x-amz-meta-owner: ana');
    h.fake.answers.messages.push('Continue', 'Open Report');

    const result = await execute<DoctorResult>('ossPresign.diagnose', entry);

    assert.deepEqual(h.fake.record.questions, ['Diagnose a Failed Upload (2/3): headers the uploader sent']);
    assert.equal(h.spy.inputs[0].value, 'Content-Type: text/plain; x-amz-meta-owner: ana');
    assert.deepEqual(
      untitled.map((u) => u.language),
      ['xml'],
    );
    assert.deepEqual(
      result.causes.map((c) => [c.code, c.header]),
      [['HeaderDiffers', 'content-type']],
    );
    assert.match(result.causes[0].message, /sent as "text\/html" but signed as "text\/plain"/);
    assert.equal(executed('vscode.diff').length, 1);
    assert.equal(executed('markdown.showPreview').length, 1);
    const text = await report();
    assert.match(text, /from the Presigned URLs entry `bkt\/docs\/report\.txt`/);
    assert.match(text, /Error body: pasted into the editor/);
    assert.match(text, /\| `content-type` \| `text\/plain` \| `text\/html` \|/);
    assert.ok(!text.includes(new URL(url).search.slice(1)), 'the report shows the query (the signature)');
  });

  it('asks for the URL of a row whose URL is gone from secret storage', async () => {
    const { url } = presignPut(s3Options());
    const entry = await seed(url, SIGNED);
    await h.services().context.secrets.delete(`ossPresign.ledger.${entry.id}.url`);
    h.fake.answers.inputBoxes.push(url, 'Content-Type: text/plain; x-amz-meta-owner: ana');
    h.fake.answers.messages.push('Diagnose Without It');
    await execute('ossPresign.diagnose', entry);
    assert.deepEqual(h.fake.record.questions, [
      'Diagnose a Failed Upload (1/3): the presigned URL',
      'Diagnose a Failed Upload (2/3): headers the uploader sent',
    ]);
    assert.equal(h.spy.inputs[1].value, 'Content-Type: text/plain; x-amz-meta-owner: ana');
  });

  it('refuses a form (POST) row with a message that says why, asking nothing', async () => {
    const { url } = presignPut(s3Options());
    const entry = { ...(await seed(url, {})), method: 'POST' } as unknown as LedgerEntry;
    assert.equal(await execute('ossPresign.diagnose', entry), undefined);
    assert.deepEqual(h.fake.record.questions, []);
    const error = h.fake.record.messages.find((m) => m.level === 'error');
    assert.match(error?.text ?? '', /HTML form upload \(POST\): the doctor reads presigned PUT URLs/);
  });

  for (const [how, shape] of [
    ['with its line breaks', (x: string) => x],
    ['flattened onto one line', oneLine],
  ] as const) {
    it(`reads the error XML from the clipboard ${how}, without opening an editor`, async () => {
      const { url } = presignPut(s3Options());
      // The uploader believes it sent the signed headers; the server's body shows what it received.
      const sent = { 'Content-Type': 'text/html', 'x-amz-meta-owner': 'ana' };
      const body = serverBody(url, sent);
      await h.fake.vscode.env.clipboard.writeText(shape(body));
      h.fake.answers.inputBoxes.push(url, 'Content-Type: text/plain; x-amz-meta-owner: ana');

      const result = await execute<DoctorResult>('ossPresign.diagnose');

      assert.deepEqual(untitled, [], 'an editor was opened although the clipboard held the XML');
      assert.ok(!h.fake.record.messages.some((m) => m.items.includes('Continue')));
      const expected = diagnose({ url, sentHeaders: sent, now: new Date() }).server;
      assert.equal(result.serverError?.canonicalRequest, expected);
      assert.deepEqual(
        result.diff.map((l) => [l.signed, l.server]),
        [['content-type:text/plain', 'content-type:text/html']],
      );
      assert.match(await report(), /Error body: read from the clipboard/);
    });
  }

  it('matches a pasted URL to its Presigned URLs entry (same location and signature) and uses its signed headers', async () => {
    const first = presignPut(s3Options());
    // Re-issued for the same key with another Content-Type: same location, other signature.
    const second = presignPut(s3Options({ headers: { 'Content-Type': 'text/csv' }, expiresSeconds: 600 }));
    await seed(first.url, SIGNED, 'first');
    await seed(second.url, { 'Content-Type': 'text/csv', 'x-amz-meta-owner': 'ana' }, 'second');
    await h.fake.vscode.env.clipboard.writeText(second.url);
    h.fake.answers.inputBoxes.push(second.url, 'x-amz-meta-owner: ana');
    h.fake.answers.messages.push('Diagnose Without It');

    const result = await execute<DoctorResult>('ossPresign.diagnose');

    assert.equal(h.spy.inputs[0].value, second.url, 'the URL on the clipboard is offered');
    assert.equal(h.spy.inputs[1].value, 'Content-Type: text/csv; x-amz-meta-owner: ana');
    const missing = result.causes.find((c) => c.code === 'HeaderMissing');
    assert.match(missing?.message ?? '', /content-type: text\/csv/);
    assert.match(await report(), /\| `content-type` \| `text\/csv` \| \(not sent\) \|/);
  });

  it('does not match a URL of another issuance (another signature and signing time)', async () => {
    const issued = presignPut(s3Options());
    await seed(issued.url, SIGNED);
    const other = presignPut(s3Options({ expiresSeconds: 60, date: new Date(Date.now() - 120_000) })).url;
    h.fake.answers.inputBoxes.push(other, '');
    h.fake.answers.messages.push('Diagnose Without It');
    await execute('ossPresign.diagnose');
    assert.equal(h.spy.inputs[1].value, '');
    assert.match(await report(), /the signed values are not known|\(not known\)/);
  });

  it('matches a pasted URL whose expiry was edited to its entry (same signing time) and names the edited parameter', async () => {
    const { url } = presignPut(s3Options());
    await seed(url, SIGNED);
    const edited = url.replace('X-Amz-Expires=3600', 'X-Amz-Expires=86400');
    h.fake.answers.inputBoxes.push(edited, 'Content-Type: text/plain; x-amz-meta-owner: ana');
    h.fake.answers.messages.push('Diagnose Without It');

    const result = await execute<DoctorResult>('ossPresign.diagnose');

    assert.equal(h.spy.inputs[1].value, 'Content-Type: text/plain; x-amz-meta-owner: ana', 'the entry was not matched');
    assert.deepEqual(
      result.causes.map((c) => c.code),
      ['UrlEdited'],
    );
    assert.match(result.causes[0].message, /X-Amz-Expires \(86400 instead of 3600\)/);
    assert.match(await report(), /from the Presigned URLs entry `bkt\/docs\/report\.txt`/);
  });

  it('a correct request from the palette: "the signature is fine" and what else to check, no diff', async () => {
    const { url, headers } = presignPut(s3Options());
    await seed(url, SIGNED);
    h.fake.answers.inputBoxes.push(url, 'Content-Type: text/plain; x-amz-meta-owner: ana');
    h.fake.answers.messages.push('Diagnose Without It', 'Open Report');

    const result = await execute<DoctorResult>('ossPresign.diagnose');

    assert.equal(result.verified, true);
    assert.deepEqual(result.causes, []);
    assert.deepEqual(headers, SIGNED);
    const info = h.fake.record.messages.find((m) => m.level === 'info' && /signature is fine/.test(m.text));
    assert.ok(info, JSON.stringify(h.fake.record.messages));
    assert.match(info.text, /s3:PutObject/);
    assert.match(info.text, /region/);
    assert.deepEqual(executed('vscode.diff'), []);
    assert.match(await report(), /^# The signature verifies/);
  });

  it('checks the signature of a profile that reads its keys from the environment (no key id in settings)', async () => {
    const { accessKeyId: _noKeyIdInSettings, ...fromEnv } = profile('p', { credentialSource: 'env' });
    await h.setProfiles([fromEnv], undefined);
    const { url } = presignPut(s3Options());
    const entry = await seed(url, SIGNED);
    h.fake.answers.inputBoxes.push('Content-Type: text/plain; x-amz-meta-owner: ana');
    h.fake.answers.messages.push('Diagnose Without It');

    const result = await execute<DoctorResult>('ossPresign.diagnose', entry);

    assert.equal(result.signatureChecked, true);
    assert.equal(result.verified, true);
  });

  it('a row whose upload got AccessDenied: the signature is fine, the missing permission is named', async () => {
    const { url } = presignPut(s3Options());
    const entry = await seed(url, SIGNED);
    await h.fake.vscode.env.clipboard.writeText(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>tx-9</RequestId></Error>',
    );
    h.fake.answers.inputBoxes.push('Content-Type: text/plain; x-amz-meta-owner: ana');
    h.fake.answers.messages.push(undefined);

    const result = await execute<DoctorResult>('ossPresign.diagnose', entry);

    assert.equal(result.verified, true);
    assert.deepEqual(
      result.causes.map((c) => c.code),
      ['PermissionDenied'],
    );
    const warning = h.fake.record.messages.find((m) => m.level === 'warning');
    assert.match(warning?.text ?? '', /^The signature is fine\. .*s3:PutObject/);
    assert.match(await report(), /The signature verifies with this profile's keys/);
  });

  it("the presign notification's route: a URL and its signed headers ask only what the uploader sent and show the result", async () => {
    const { url, headers } = presignPut(s3Options());
    h.fake.answers.inputBoxes.push('Content-Type: text/plain; x-amz-meta-owner: ana');
    h.fake.answers.messages.push('Diagnose Without It');
    await execute('ossPresign.diagnose', { url, signedHeaderValues: headers });
    assert.deepEqual(h.fake.record.questions, ['Diagnose a Failed Upload (2/3): headers the uploader sent']);
    assert.ok(h.fake.record.messages.some((m) => m.level === 'warning' || m.level === 'info'));
  });

  it('Escape on the paste prompt cancels silently: no report, no error', async () => {
    const { url } = presignPut(s3Options());
    h.fake.answers.inputBoxes.push(url, '');
    h.fake.answers.messages.push(undefined);
    assert.equal(await execute('ossPresign.diagnose'), undefined);
    assert.equal(await report(), '');
    assert.deepEqual(h.log.at('error'), []);
    assert.ok(!h.fake.record.messages.some((m) => m.level === 'error'));
  });

  it('with every question answered by the arguments, shows nothing and returns the diagnosis', async () => {
    const { url, headers } = presignPut(s3Options());
    const result = await execute<DoctorResult>('ossPresign.diagnose', {
      url,
      sentHeaders: headers,
      signedHeaderValues: headers,
      errorXml: oneLine(serverBody(url, headers)),
    });
    assert.deepEqual(h.fake.record.questions, []);
    assert.deepEqual(executed('vscode.diff'), []);
    assert.deepEqual(result.diff, []);
    assert.match(await report(), /Error body: given by the caller/);
  });
});

describe('doctor report', () => {
  const now = new Date();
  const DIALECTS: Array<[string, PresignPutOptions]> = [
    ['S3', s3Options()],
    ['OSS V4', s3Options({ provider: 'oss', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', region: 'cn-hangzhou' })],
    [
      'OSS V1',
      s3Options({
        provider: 'oss',
        endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
        region: 'cn-hangzhou',
        signatureVersion: 'v1',
      }),
    ],
  ];

  it('never prints "undefined", "null" or "NaN", over dialects, headers, error bodies and missing fields', () => {
    const checked: string[] = [];
    for (const [name, options] of DIALECTS) {
      for (const [when, date] of [
        ['fresh', now],
        ['expired', new Date(now.getTime() - 3 * 3600_000)],
      ] as const) {
        const r = presignPut({ ...options, date });
        const sentCases: Record<string, Record<string, string>> = {
          'as signed': r.headers,
          none: {},
          different: { ...r.headers, 'Content-Type': 'text/html' },
          added: { ...r.headers, 'x-oss-meta-extra': '1', 'x-amz-meta-extra': '1', 'Cache-Control': 'no-cache' },
        };
        const server = (sent: Record<string, string>) => diagnose({ url: r.url, sentHeaders: sent, now }).server!;
        const field = name === 'OSS V1' ? 'StringToSign' : 'CanonicalRequest';
        const bodies: Record<string, string | undefined> = {
          absent: undefined,
          full: serverBody(r.url, sentCases.different),
          flattened: oneLine(serverBody(r.url, sentCases.different)),
          'lines lost entirely': errorXml({ [field]: server(sentCases.different).replace(/\n/g, '') }),
          'code only': '<Error><Code>SignatureDoesNotMatch</Code></Error>',
          empty: '<Error></Error>',
          'message only': '<Error><Message>Access Denied</Message></Error>',
          'access denied with EC': errorXml({
            EC: '0003-00000001',
            RecommendDoc: 'https://api.aliyun.com/troubleshoot',
          }),
          'not XML': '<html><body>502 Bad Gateway</body></html>',
          'only the method': errorXml({ [field]: 'PUT' }),
        };
        for (const [sentName, sent] of Object.entries(sentCases))
          for (const [bodyName, body] of Object.entries(bodies))
            for (const signed of [r.headers, undefined])
              for (const credentials of [{ accessKeyId: 'AKIDP', accessKeySecret: SECRET }, undefined]) {
                const result = diagnoseFromErrorXml({
                  url: r.url,
                  sentHeaders: sent,
                  signedHeaderValues: signed,
                  errorXml: body,
                  ...(credentials ? { credentials } : {}),
                  now,
                });
                const input: ReportInput = {
                  result,
                  url: r.url,
                  sentHeaders: sent,
                  signedHeaderValues: signed,
                  errorSource: body ? 'clipboard' : undefined,
                };
                const label = `${name} ${when}, sent ${sentName}, body ${bodyName}, signed ${signed ? 'known' : 'unknown'}, ${credentials ? 'with' : 'without'} keys`;
                for (const line of [...reportText(input).split('\n'), summaryText(result)]) {
                  assert.doesNotMatch(line, MISSING, `${label}: ${line}`);
                  checked.push(line);
                }
              }
      }
    }
    // A trial upload's report and one with a matched entry and a result that verifies, built by hand.
    const r = presignPut(s3Options());
    const verified: DoctorResult = { dialect: 's3-v4', causes: [], diff: [], verified: true, signatureChecked: true };
    for (const line of [
      ...reportText({ result: verified, url: r.url, sentHeaders: {}, trialStatus: 403, errorSource: 'trial' }).split(
        '\n',
      ),
      summaryText(verified),
    ]) {
      assert.doesNotMatch(line, MISSING, line);
      checked.push(line);
    }
    assert.ok(checked.length > 1000, `only ${checked.length} lines checked`);
  });

  it('says the signature is fine and what else to check when the request verifies', () => {
    const verified: DoctorResult = { dialect: 'oss-v4', causes: [], diff: [], verified: true, signatureChecked: true };
    const text = reportText({ result: verified, url: presignPut(DIALECTS[1][1]).url, sentHeaders: {} });
    assert.match(text, /^# The signature verifies/);
    assert.match(text, /oss:PutObject/);
    assert.match(summaryText(verified), /The signature is fine/);
  });
});

describe('doctor entry points in package.json', () => {
  interface MenuItem {
    command?: string;
    when?: string;
    group?: string;
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: {
      menus: Record<string, MenuItem[]>;
      walkthroughs: { steps: { id: string; media: { markdown?: string }; completionEvents?: string[] }[] }[];
    };
  };
  const menus = pkg.contributes.menus;

  it('offers Diagnose on every Presigned URLs row (the context values the ledger view gives, live and expired)', () => {
    const h = createHarness();
    try {
      // The tree provider the ledger view registers, to read the context values of its rows.
      let provider: { getTreeItem(e: LedgerEntry): { contextValue?: string } } | undefined;
      const window = h.fake.vscode.window as unknown as Record<string, (...a: unknown[]) => unknown>;
      const create = window.createTreeView;
      window.createTreeView = (id: unknown, options: unknown) => {
        provider = (options as { treeDataProvider: typeof provider }).treeDataProvider;
        return create(id, options);
      };
      const { createLedgerView } =
        h.load<typeof import('../../../src/features/ledger/view')>('features/ledger/view.js');
      createLedgerView(h.services());
      const row = (expiresAt: Date): LedgerEntry => ({
        id: `x${expiresAt.getTime()}`,
        profileId: 'p',
        provider: 's3',
        bucket: 'bkt',
        key: 'k',
        method: 'PUT',
        headerSet: 'Owner',
        headers: {},
        expirySeconds: 60,
        createdAt: new Date().toISOString(),
        urlExpiresAt: expiresAt.toISOString(),
        effectiveExpiresAt: expiresAt.toISOString(),
        location: 'http://127.0.0.1:9/bkt/k',
      });
      const values = [new Date(Date.now() + 3600_000), new Date(Date.now() - 3600_000)].map(
        (d) => provider!.getTreeItem(row(d)).contextValue ?? '',
      );
      const item = (menus['view/item/context'] ?? []).find((m) => m.command === 'ossPresign.diagnose');
      assert.ok(item, 'no view/item/context entry for ossPresign.diagnose');
      assert.match(item.when ?? '', /\bview == ossPresign\.ledger\b/);
      const pattern = /viewItem =~ \/(.+?)\//.exec(item.when ?? '')?.[1];
      assert.ok(pattern, `the when clause tests no viewItem: ${item.when}`);
      for (const value of values) assert.match(value, new RegExp(pattern), `row "${value}" gets no Diagnose`);
    } finally {
      h.dispose();
    }
  });

  it("puts Diagnose in the Presigned URLs view's title bar and keeps it in the Command Palette", () => {
    const title = (menus['view/title'] ?? []).find((m) => m.command === 'ossPresign.diagnose');
    assert.ok(title, 'no view/title entry for ossPresign.diagnose');
    assert.equal(title.when, 'view == ossPresign.ledger');
    assert.ok(
      !(menus.commandPalette ?? []).some((m) => m.command === 'ossPresign.diagnose' && m.when === 'false'),
      'hidden from the palette',
    );
  });

  it('has a walkthrough step whose page links the command and which completes when it runs', () => {
    const step = pkg.contributes.walkthroughs
      .flatMap((w) => w.steps)
      .find((s) => s.completionEvents?.includes('onCommand:ossPresign.diagnose'));
    assert.ok(step, 'no walkthrough step completes on ossPresign.diagnose');
    assert.ok(step.media.markdown, 'the step has no markdown page');
    assert.match(readFileSync(join(ROOT, step.media.markdown), 'utf8'), /\(command:ossPresign\.diagnose\)/);
  });
});
