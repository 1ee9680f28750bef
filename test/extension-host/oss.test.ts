// An OSS profile end to end in the real extension host: the OSS test gateway (test/gateway/ossGateway.ts, started
// here as a child process in front of the S3 server) verifies every request's OSS signature with ali-oss's signer and
// serves two regions' host names; the extension reaches it through VS Code's `http.proxy` setting, curl through
// `--proxy`. The tree, presign from the Explorer, the copied curl (and a changed header getting OSS's 403), the
// doctor reading that 403 body, a multipart upload and the multipart kit.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { LedgerEntry } from '../../src/app/ledger';
import type { Profile } from '../../src/app/profiles';
import type { ConnectionOptions } from '../../src/core/types';
import type { OssGatewayOptions } from '../gateway/ossGateway';
import { runBash, type S3Env, type S3Suite, type TestHooks, setUpS3Suite, waitFor, workspaceFile } from './helpers';

const suffix = randomBytes(3).toString('hex');
const PROFILE_ID = `oss-${suffix}`;
const HZ = 'cn-hangzhou';
const BJ = 'cn-beijing';
const HZ_BUCKET = `host-hz-${suffix}`;
const BJ_BUCKET = `host-bj-${suffix}`;
const ACCESS_KEY_ID = 'LTAI5tHostSuiteKey';
const SECRET = `host-secret-${suffix}`;
const MiB = 1024 * 1024;

/** Starts the gateway as a plain Node process (Electron's, as Node, on desktop hosts) and resolves its proxy URL. */
function startGateway(env: S3Env): Promise<{ url: string; child: ChildProcess }> {
  const options: OssGatewayOptions = {
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: SECRET,
    upstream: {
      endpoint: env.endpoint,
      region: env.region,
      accessKeyId: env.accessKey,
      secretAccessKey: env.secretKey,
    },
    buckets: { [HZ]: [HZ_BUCKET], [BJ]: [BJ_BUCKET] },
    deleteBucketsOnClose: true,
  };
  const child = spawn(
    process.execPath,
    [path.join(__dirname, '..', 'gateway', 'ossGateway.js'), JSON.stringify(options)],
    {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b));
    child.stdout!.on('data', (b: Buffer) => {
      out += b;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.on('exit', (code) => reject(new Error(`the OSS gateway exited (${code}): ${err}`)));
  });
}

suite('OSS profile through the OSS gateway (two regions, ali-oss-verified signatures)', () => {
  let env: S3Env | undefined;
  let hooks: TestHooks;
  let api: S3Suite['api'];
  let gateway: { url: string; child: ChildProcess } | undefined;
  const scratch: string[] = [];
  const conn = (region: string): ConnectionOptions => ({
    provider: 'oss',
    endpoint: `http://oss-${region}.aliyuncs.com`,
    region,
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: SECRET,
  });
  const http = () => vscode.workspace.getConfiguration('http');
  const curlViaGateway = (curl: string) => curl.replace(/^curl /, `curl --proxy '${gateway!.url}' `);

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ env, api, hooks } = await setUpS3Suite(this));
    gateway = await startGateway(env);
    // The extension's transport follows http.proxy; loopback (the S3 server of the other suites) stays direct.
    await http().update('proxy', gateway.url, vscode.ConfigurationTarget.Global);
    await http().update('noProxy', ['127.0.0.1', 'localhost'], vscode.ConfigurationTarget.Global);
    const profile: Profile = {
      id: PROFILE_ID,
      name: `OSS gateway ${suffix}`,
      provider: 'oss',
      endpoint: `http://oss-${HZ}.aliyuncs.com`,
      region: HZ,
      addressing: 'virtual',
      accessKeyId: ACCESS_KEY_ID,
      credentialSource: 'secretStorage',
    };
    await hooks.profiles.add(profile, { secret: SECRET });
    // The proxy setting reaches the transport through a configuration event: wait until a request gets through.
    await waitFor(() => api.listBuckets(conn(HZ)).then(() => true), 20_000, 'ListBuckets through the gateway');
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    if (!env) return;
    for (const [region, bucket] of [
      [HZ, HZ_BUCKET],
      [BJ, BJ_BUCKET],
    ]) {
      const c = { ...conn(region), bucket };
      const uploads = await api.listMultipartUploads(c).catch(() => undefined);
      for (const u of uploads?.uploads ?? [])
        await api.abortMultipartUpload({ ...c, key: u.key, uploadId: u.uploadId }).catch(() => undefined);
      const page = await api.listObjects({ ...c, maxKeys: 1000 }).catch(() => undefined);
      for (const o of page?.objects ?? []) await api.deleteObject({ ...c, key: o.key }).catch(() => undefined);
    }
    if (hooks?.profiles.get(PROFILE_ID)) await hooks.profiles.remove({ id: PROFILE_ID });
    await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await http().update('noProxy', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace
      .getConfiguration('ossPresign')
      .update('multipartThresholdMiB', undefined, vscode.ConfigurationTarget.Global);
    // On SIGTERM the gateway deletes its (now empty) per-run buckets upstream, then exits.
    if (gateway && gateway.child.exitCode === null) {
      const exited = new Promise((resolve) => gateway!.child.once('exit', resolve));
      gateway.child.kill('SIGTERM');
      await exited;
    }
    for (const p of scratch) fs.rmSync(p, { recursive: true, force: true });
  });

  test('the tree lists the buckets of both regions, and a bucket of the other region lists its objects', async () => {
    const key = `tree/in-beijing-${suffix}.txt`;
    await api.uploadFile({ ...conn(BJ), bucket: BJ_BUCKET, key, filePath: workspaceFile('hello.txt').fsPath });
    const profile = (await hooks.tree.getChildren()).find((n) => n.kind === 'profile' && n.profileId === PROFILE_ID);
    assert.ok(profile, 'the OSS profile is not in the tree');
    const buckets = await hooks.tree.getChildren(profile);
    const byName = new Map(buckets.filter((n) => n.kind === 'bucket').map((n) => [n.bucket, n]));
    assert.equal(byName.get(HZ_BUCKET)?.bucketRegion, HZ, `buckets: ${[...byName.keys()].join(', ')}`);
    assert.equal(byName.get(BJ_BUCKET)?.bucketRegion, BJ);
    const folders = await hooks.tree.getChildren(byName.get(BJ_BUCKET));
    const tree = folders.find((n) => n.kind === 'prefix' && n.prefix === 'tree/');
    assert.ok(tree, `the Beijing bucket's listing: ${folders.map((n) => n.id).join(', ')} (see the OSS Presign log)`);
    const objects = await hooks.tree.getChildren(tree);
    assert.ok(objects.some((n) => n.kind === 'object' && n.key === key));
  });

  let tampered: { url: string; headers: Record<string, string>; body: string } | undefined;

  for (const [bucket, region] of [
    [HZ_BUCKET, HZ],
    [BJ_BUCKET, BJ],
  ]) {
    test(`presign from the Explorer into ${region}: the copied curl uploads through the gateway, with a changed header it gets OSS's 403`, async () => {
      const file = workspaceFile('nested/deeper/report.csv');
      const entries = await vscode.commands.executeCommand<LedgerEntry[]>('ossPresign.presignPut', file, {
        profileId: PROFILE_ID,
        bucket,
        headerSet: 'Default (Content-Type only)',
        expirySeconds: 900,
        copyFormat: 'curl',
      });
      assert.ok(entries?.length === 1, `presignPut returned ${JSON.stringify(entries)}; see the "OSS Presign" output`);
      const [entry] = entries;
      assert.deepEqual(entry.headers, { 'Content-Type': 'text/csv' });
      const curl = await vscode.env.clipboard.readText();
      assert.match(curl, new RegExp(`^curl .*'http://${bucket}\\.oss-${region}\\.aliyuncs\\.com/`, 's'));
      assert.match(curl, /x-oss-signature-version=OSS4-HMAC-SHA256/);

      const good = runBash(curlViaGateway(curl));
      assert.ok(good.ok, `the copied curl command failed through the gateway:\n${good.output}`);
      const stored = await api.readBody(await api.getObject({ ...conn(region), bucket, key: entry.key }));
      assert.equal(stored, fs.readFileSync(file.fsPath, 'utf8'));

      const changed = curlViaGateway(curl).replace("'Content-Type: text/csv'", "'Content-Type: text/plain'");
      const bad = runBash(changed);
      assert.equal(bad.ok, false, 'curl with a changed Content-Type still uploaded');
      assert.match(bad.output, /<Code>SignatureDoesNotMatch<\/Code>/);
      assert.match(bad.output, /<EC>0002-00000040<\/EC>/);
      assert.match(bad.output, /<CanonicalRequest>PUT\n/);
      const url = await hooks.context.secrets.get(`ossPresign.ledger.${entry.id}.url`);
      assert.ok(url);
      tampered = {
        url,
        headers: { 'Content-Type': 'text/plain' },
        body: bad.output.slice(bad.output.indexOf('<?xml'), bad.output.indexOf('</Error>') + '</Error>'.length),
      };
    });
  }

  test("the doctor reads the gateway's 403 body and names the changed header", async function () {
    if (!tampered) return this.skip();
    const result = await vscode.commands.executeCommand<{
      causes: Array<{ code: string; message: string; header?: string }>;
    }>('ossPresign.diagnose', { url: tampered.url, sentHeaders: tampered.headers, errorXml: tampered.body });
    assert.ok(result, 'the doctor returned nothing');
    const named = result.causes.filter((c) => c.header?.toLowerCase() === 'content-type');
    assert.ok(
      named.length > 0 && named.every((c) => /content-type/i.test(c.message)),
      `the doctor does not name Content-Type: ${JSON.stringify(result.causes)}`,
    );
  });

  test("a URL signed for the wrong region's endpoint: the gateway answers as OSS does, the doctor names the bucket's endpoint", async () => {
    const signed = api.presignPut({
      ...conn(HZ),
      bucket: BJ_BUCKET,
      key: `doctor/wrong-region-${suffix}.txt`,
      expiresSeconds: 600,
      headers: { 'Content-Type': 'text/plain' },
    });
    const put = runBash(
      `curl -sS -X PUT --proxy '${gateway!.url}' -H 'Content-Type: text/plain' --data-binary x '${signed.url}'`,
    );
    assert.match(put.output, /<Code>AccessDenied<\/Code>/);
    assert.match(put.output, /<Endpoint>oss-cn-beijing\.aliyuncs\.com<\/Endpoint>/);
    const result = await vscode.commands.executeCommand<{
      causes: Array<{ code: string; message: string; endpoint?: string }>;
    }>('ossPresign.diagnose', { url: signed.url, sentHeaders: signed.headers, errorXml: put.output });
    assert.ok(
      result?.causes.some((c) => c.message.includes('oss-cn-beijing.aliyuncs.com')),
      `the doctor does not name the bucket's endpoint: ${JSON.stringify(result?.causes)}`,
    );
  });

  test('"Upload to Bucket..." of a large file goes multipart through the gateway', async function () {
    this.timeout(120_000);
    await vscode.workspace
      .getConfiguration('ossPresign')
      .update('multipartThresholdMiB', 5, vscode.ConfigurationTarget.Global);
    const dir = workspaceFile(`oss-${suffix}`);
    scratch.push(dir.fsPath);
    fs.mkdirSync(dir.fsPath, { recursive: true });
    const file = vscode.Uri.joinPath(dir, 'big.bin');
    const bytes = randomBytes(12 * MiB);
    fs.writeFileSync(file.fsPath, bytes);
    const key = `multipart/big-${suffix}.bin`;
    const result = await vscode.commands.executeCommand<Array<{ key: string; bytes: number }>>(
      'ossPresign.uploadFile',
      file,
      {
        profileId: PROFILE_ID,
        bucket: BJ_BUCKET,
        key,
      },
    );
    assert.deepEqual(
      result?.map((r) => [r.key, r.bytes]),
      [[key, bytes.length]],
    );
    const head = await api.headObject({ ...conn(BJ), bucket: BJ_BUCKET, key });
    assert.equal(head?.size, bytes.length);
    assert.match(head?.etag ?? '', /-\d+$/, 'not a multipart object');
  });

  test('"Create Presigned Multipart Kit..." gives a script that uploads through the gateway', async function () {
    this.timeout(120_000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'oss-kit-'));
    scratch.push(out);
    const dir = workspaceFile(`oss-kit-${suffix}`);
    scratch.push(dir.fsPath);
    fs.mkdirSync(dir.fsPath, { recursive: true });
    const file = vscode.Uri.joinPath(dir, 'kit.bin');
    fs.writeFileSync(file.fsPath, randomBytes(11 * MiB));
    const key = `kit/kit-${suffix}.bin`;
    const kit = await vscode.commands.executeCommand<{ scriptPath: string; uploadId: string; parts: number }>(
      'ossPresign.createMultipartKit',
      file,
      { profileId: PROFILE_ID, bucket: HZ_BUCKET, key, expiresSeconds: 600, partSize: 5 * MiB, outputDir: out },
    );
    assert.ok(kit, 'the command returned nothing (see the OSS Presign output)');
    assert.equal(kit.parts, 3);
    // curl takes the proxy from http_proxy, as a recipient behind a proxy would set it.
    const run = runBash(`bash '${kit.scriptPath}' '${file.fsPath}'`, {
      PATH: process.env.PATH,
      http_proxy: gateway!.url,
    });
    assert.ok(run.ok, `the kit script failed:\n${run.output}`);
    const head = await api.headObject({ ...conn(HZ), bucket: HZ_BUCKET, key });
    assert.equal(head?.size, 11 * MiB);
  });
});
