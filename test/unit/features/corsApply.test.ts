// src/features/presign/checkCors.ts: "Apply Suggested CORS Rule..." over the fake vscode and a loopback S3 that keeps
// a bucket's CORS configuration (GET/PUT ?cors) and answers preflights (OPTIONS) by the rules last written. What the
// user sees (the diff, the modal question, the result) and what reaches the server.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as vscode from 'vscode';
import type { CorsRule } from '../../../src/core/index';
import type { CorsApplyResult } from '../../../src/features/presign/checkCors';
import { createHarness, profile, type Harness } from '../fakes/services';

const EXISTING = `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration><CORSRule><ID>site</ID><AllowedOrigin>https://site.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

/** A loopback bucket `bkt`: its CORS XML, the requests it got, and preflights allowed once rules were written. */
function corsBucket() {
  const state = {
    xml: EXISTING as string | undefined,
    requests: [] as { method: string; url: string; body: string; headers: IncomingMessage['headers'] }[],
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      if (req.method === 'GET' && req.url === '/bkt/?cors=') {
        if (state.xml) return void res.writeHead(200, { 'Content-Type': 'application/xml' }).end(state.xml);
        return void res
          .writeHead(404, { 'Content-Type': 'application/xml' })
          .end('<Error><Code>NoSuchCORSConfiguration</Code><Message>none</Message></Error>');
      }
      if (req.method === 'PUT' && req.url === '/bkt/?cors=') {
        state.xml = body;
        return void res.writeHead(200).end();
      }
      if (req.method === 'OPTIONS') {
        // Allowed once a configuration naming the origin was written (enough for the flow; radosgw judges for real).
        const origin = String(req.headers.origin);
        const written = state.requests.some((r) => r.method === 'PUT' && r.body.includes(`>${origin}<`));
        if (!written) return void res.writeHead(403).end();
        return void res
          .writeHead(200, {
            'Access-Control-Allow-Origin': origin,
            'Access-Control-Allow-Methods': String(req.headers['access-control-request-method']),
            ...(req.headers['access-control-request-headers']
              ? { 'Access-Control-Allow-Headers': String(req.headers['access-control-request-headers']) }
              : {}),
          })
          .end();
      }
      res.writeHead(400).end();
    });
  });
  return {
    state,
    writes: () => state.requests.filter((r) => r.method === 'PUT'),
    start: async () => {
      server.listen(0, '127.0.0.1');
      await new Promise((done) => server.once('listening', done));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

const BUCKET_NODE = { kind: 'bucket', id: 'b', profileId: 'p', bucket: 'bkt', prefix: '' };
const OPTIONS = {
  origin: 'http://localhost:3000',
  headerSet: 'Browser upload (Content-Type + Cache-Control: no-cache)',
};
const SUGGESTED = {
  AllowedOrigins: ['http://localhost:3000'],
  AllowedMethods: ['PUT'],
  // upload.bin stands in for the files: application/octet-stream is no CORS-safelisted type.
  AllowedHeaders: ['cache-control', 'content-type'],
  ExposeHeaders: ['ETag'],
  MaxAgeSeconds: 600,
};
const KEPT = {
  ID: 'site',
  AllowedOrigins: ['https://site.example'],
  AllowedMethods: ['GET'],
  AllowedHeaders: ['*'],
  MaxAgeSeconds: 3000,
};

describe('Apply Suggested CORS Rule', () => {
  const bucket = corsBucket();
  let endpoint = '';
  let h: Harness;
  let diffs: { left: unknown; right: unknown; title: string }[];
  const execute = <T>(id: string, ...args: unknown[]) => h.fake.vscode.commands.executeCommand<T>(id, ...args);
  const documentText = async (uri: unknown) =>
    (
      await h.fake.vscode.workspace.openTextDocument(
        uri as Parameters<typeof h.fake.vscode.workspace.openTextDocument>[0],
      )
    ).getText();
  const modals = () => h.spy.messages.filter((m) => m.options?.modal);

  before(async () => {
    endpoint = await bucket.start();
  });
  after(() => bucket.stop());

  beforeEach(async () => {
    bucket.state.xml = EXISTING;
    bucket.state.requests.length = 0;
    h = createHarness();
    await h.setProfiles([profile('p', { endpoint, buckets: ['bkt'] })]);
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../../src/features/presign/commands')>('features/presign/commands.js');
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, presignCommands(h.services()));
    diffs = [];
    h.context.subscriptions.push(
      h.fake.vscode.commands.registerCommand('vscode.diff', (left: unknown, right: unknown, title: unknown) => {
        diffs.push({ left, right, title: String(title) });
      }),
    );
  });
  afterEach(() => h.dispose());

  it('shows the rules now and with the suggested rule first as a diff, and writes nothing without confirmation', async () => {
    h.fake.answers.messages.push(undefined);
    const result = await execute<CorsApplyResult>('ossPresign.applyCorsRule', BUCKET_NODE, OPTIONS);
    assert.deepEqual(h.log.at('error'), []);
    assert.equal(diffs.length, 1);
    assert.match(diffs[0].title, /^CORS of bkt: now ↔ with the rule for http:\/\/localhost:3000$/);
    assert.deepEqual(JSON.parse(await documentText(diffs[0].left)), { CORSRules: [KEPT] });
    assert.deepEqual(JSON.parse(await documentText(diffs[0].right)), { CORSRules: [SUGGESTED, KEPT] });

    assert.equal(modals().length, 1);
    assert.equal(modals()[0].text, 'Write 2 CORS rules to bkt?');
    assert.match(modals()[0].options?.detail ?? '', /The 1 existing rule stays after it, unchanged/);
    assert.deepEqual(bucket.writes(), []);
    assert.equal(result.applied, false);
    assert.equal(bucket.state.xml, EXISTING);
  });

  it('after confirmation writes the merged rules (existing ones kept), then reports the preflight', async () => {
    h.fake.answers.messages.push('Apply');
    const result = await execute<CorsApplyResult>('ossPresign.applyCorsRule', BUCKET_NODE, OPTIONS);
    assert.deepEqual(h.log.at('error'), []);
    const [write] = bucket.writes();
    assert.ok(write, 'nothing was written');
    assert.match(write.body, /^<\?xml[^]*<CORSConfiguration><CORSRule><AllowedOrigin>http:\/\/localhost:3000</);
    assert.ok(write.body.includes('<CORSRule><ID>site</ID><AllowedOrigin>https://site.example</AllowedOrigin>'));
    assert.deepEqual(
      result.rules.map((r: CorsRule) => r.allowedOrigins[0]),
      ['http://localhost:3000', 'https://site.example'],
    );

    const options = bucket.state.requests.filter((r) => r.method === 'OPTIONS');
    assert.equal(options.length, 1);
    assert.deepEqual(
      [options[0].url, options[0].headers.origin, options[0].headers['access-control-request-method']],
      ['/bkt/oss-presign-cors-check', 'http://localhost:3000', 'PUT'],
    );
    assert.equal(options[0].headers['access-control-request-headers'], 'cache-control,content-type');
    assert.equal(result.preflight?.allowed, true);
    const last = h.fake.record.messages.at(-1);
    assert.equal(last?.level, 'info');
    assert.match(
      last?.text ?? '',
      /^Applied: bkt has 2 CORS rules, and its own preflight now lets a browser PUT from http:\/\/localhost:3000 with cache-control, content-type\.$/,
    );
  });

  it('writes nothing when the rules changed while the diff was open', async () => {
    const messages = h.fake.vscode.window as unknown as { showWarningMessage: (...a: unknown[]) => unknown };
    const original = messages.showWarningMessage;
    messages.showWarningMessage = (...args: unknown[]) => {
      // Someone else writes the bucket's rules before the user confirms.
      bucket.state.xml = EXISTING.replace('site.example', 'other.example');
      return original(...args);
    };
    h.fake.answers.messages.push('Apply');
    await execute('ossPresign.applyCorsRule', BUCKET_NODE, OPTIONS);
    assert.deepEqual(bucket.writes(), []);
    assert.match(h.fake.record.messages.at(-1)?.text ?? '', /changed while the diff was open, so nothing was written/);
  });

  it('says there is nothing to apply when the rules already allow the upload', async () => {
    bucket.state.xml = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>`;
    const result = await execute<CorsApplyResult>('ossPresign.applyCorsRule', BUCKET_NODE, OPTIONS);
    assert.equal(result.applied, false);
    assert.deepEqual(diffs, []);
    assert.deepEqual(bucket.writes(), []);
    assert.match(
      h.fake.record.messages.at(-1)?.text ?? '',
      /already let a browser PUT from http:\/\/localhost:3000 \(rule 1\): nothing to apply/,
    );
  });

  it('Check Browser Upload offers "Apply Suggested Rule..." when the upload would be blocked', async () => {
    await execute('ossPresign.checkCors', BUCKET_NODE, OPTIONS);
    const warning = h.fake.record.messages.find((m) => m.level === 'warning');
    assert.match(warning?.text ?? '', /^A browser PUT from http:\/\/localhost:3000 to bkt would be blocked by CORS/);
    assert.deepEqual(warning?.items, ['Apply Suggested Rule...', 'Show Rule to Add']);
    assert.deepEqual(bucket.writes(), []);
  });

  it('on a POST form entry of the ledger checks a POST without headers', async () => {
    h.fake.answers.messages.push(undefined);
    const entry = await execute('ossPresign.presignPost', undefined, {
      profileId: 'p',
      bucket: 'bkt',
      keyPrefix: 'in/',
      maxBytes: 1024,
      contentTypePrefix: '',
      expirySeconds: 60,
      format: 'form',
    });
    h.fake.answers.messages.length = 0;
    h.fake.answers.messages.push('Apply');
    const result = await execute<CorsApplyResult>('ossPresign.applyCorsRule', entry, { origin: 'https://app.example' });
    assert.deepEqual(h.log.at('error'), []);
    assert.deepEqual(
      [result.rules[0].allowedOrigins, result.rules[0].allowedMethods, result.rules[0].allowedHeaders],
      [['https://app.example'], ['POST'], []],
    );
    const preflight = bucket.state.requests.find((r) => r.method === 'OPTIONS');
    assert.deepEqual(
      [preflight?.url, preflight?.headers['access-control-request-method']],
      ['/bkt/in/oss-presign-cors-check', 'POST'],
    );
  });
});
