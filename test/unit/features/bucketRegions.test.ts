// Buckets in other regions than the profile's endpoint: the extension's requests go through a loopback HTTP proxy
// that answers as the OSS and S3 hosts would (no DNS needed), so presign, the tree and the ProfileStore meet
// `bkt.oss-cn-hangzhou.aliyuncs.com` and friends. Every operation on a bucket uses the bucket's own endpoint and
// region: from a listing, else GetBucketLocation, else the redirect it answers; custom endpoints are not looked up.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { Profile } from '../../../src/app/profiles';
import type { TreeNode } from '../../../src/features/buckets/nodes';
import { createHarness, profile, type Harness } from '../fakes/services';

type Core = typeof import('../../../src/core/index');
type TreeModule = typeof import('../../../src/features/buckets/treeProvider');
type KitModule = typeof import('../../../src/features/upload/multipartKit');
type CorsModule = typeof import('../../../src/features/presign/checkCors');

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const LIST_BUCKETS = `<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult><Owner><ID>1</ID></Owner><Buckets>
<Bucket><Name>beijing-photos</Name><Location>oss-cn-beijing</Location><ExtranetEndpoint>oss-cn-beijing.aliyuncs.com</ExtranetEndpoint><IntranetEndpoint>oss-cn-beijing-internal.aliyuncs.com</IntranetEndpoint><Region>cn-beijing</Region><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>
<Bucket><Name>hangzhou-logs</Name><Location>oss-cn-hangzhou</Location><ExtranetEndpoint>oss-cn-hangzhou.aliyuncs.com</ExtranetEndpoint><Region>cn-hangzhou</Region></Bucket>
</Buckets></ListAllMyBucketsResult>`;
const EMPTY_LISTING =
  '<ListBucketResult><Name>beijing-photos</Name><Prefix></Prefix><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>';
const DENIED = '<Error><Code>AccessDenied</Code><Message>You have no right to access this object.</Message></Error>';

/** How the OSS and S3 hosts of these tests answer: `host` without port, `path` with the query. */
function answer(method: string, host: string, path: string): Answer {
  if (method === 'HEAD') return { status: 200 };
  if (host === 'oss-cn-hangzhou.aliyuncs.com' && path.startsWith('/?')) return { status: 200, body: LIST_BUCKETS };
  if (host === 'beijing-photos.oss-cn-hangzhou.aliyuncs.com' && path === '/?location')
    return { status: 200, body: '<LocationConstraint>oss-cn-beijing</LocationConstraint>' };
  if (host === 'locked.oss-cn-hangzhou.aliyuncs.com' && path === '/?location') return { status: 403, body: DENIED };
  if (host === 'beijing-photos.oss-cn-beijing.aliyuncs.com' && path.includes('list-type=2'))
    return { status: 200, body: EMPTY_LISTING };
  if (host === 'beijing-photos.oss-cn-beijing.aliyuncs.com' && path === '/?cors')
    return {
      status: 200,
      body: '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>',
    };
  if (method === 'POST' && host === 'beijing-photos.oss-cn-beijing.aliyuncs.com' && path === '/k/big.bin?uploads')
    return {
      status: 200,
      body: '<InitiateMultipartUploadResult><Bucket>beijing-photos</Bucket><Key>k/big.bin</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>',
    };
  if (host === 'eu-assets.s3.us-east-1.amazonaws.com' && path === '/?location=')
    return {
      status: 301,
      headers: { 'x-amz-bucket-region': 'eu-west-1' },
      body: '<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Endpoint>eu-assets.s3.amazonaws.com</Endpoint><Bucket>eu-assets</Bucket></Error>',
    };
  return {
    status: 404,
    body: '<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message></Error>',
  };
}

/** An HTTP proxy (CONNECT tunnels and absolute URIs) that answers itself, as `answer` says; records `METHOD host/path`. */
async function startStoreHosts() {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    req.resume();
    const absolute = req.url?.startsWith('http') ? new URL(req.url) : undefined;
    const host = (absolute?.host ?? req.headers.host ?? '').replace(/:80$/, '');
    const path = absolute ? absolute.pathname + absolute.search : (req.url ?? '/');
    seen.push(`${req.method} ${host}${path}`);
    const a = answer(req.method ?? 'GET', host, path);
    res.writeHead(a.status, { date: new Date().toUTCString(), 'content-type': 'application/xml', ...a.headers });
    res.end(req.method === 'HEAD' ? undefined : (a.body ?? ''));
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // A tunnel to any host ends here: the same server reads the requests sent through it.
  server.on('connect', (_req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    server.emit('connection', socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const OSS_HANGZHOU: Partial<Profile> = {
  provider: 'oss',
  endpoint: 'http://oss-cn-hangzhou.aliyuncs.com',
  region: 'cn-hangzhou',
  addressing: 'virtual',
};
const S3_US_EAST: Partial<Profile> = {
  endpoint: 'http://s3.us-east-1.amazonaws.com',
  region: 'us-east-1',
  addressing: 'virtual',
};

describe('buckets in other regions', () => {
  let h: Harness;
  let hosts: Awaited<ReturnType<typeof startStoreHosts>>;
  const lookups = () => hosts.seen.filter((l) => /\?location=?$/.test(l));
  const presign = async (bucket: string) => {
    writeFileSync(join(h.dir, 'one.txt'), 'one');
    await h.fake.vscode.commands.executeCommand('ossPresign.presignPut', h.file('one.txt'), {
      profileId: 'p',
      bucket,
      headerSet: 'Default (Content-Type only)',
      expirySeconds: 600,
      key: 'k/one.txt',
      copyFormat: 'url',
    });
    assert.deepEqual(h.log.at('error'), []);
    return new URL(await h.fake.vscode.env.clipboard.readText());
  };

  beforeEach(async () => {
    h = createHarness();
    hosts = await startStoreHosts();
    h.load<Core>('core/index.js').configureTransport({ proxy: hosts.url, noProxy: '' });
    const { registerCommands } = h.load<typeof import('../../../src/vscode/commands')>('vscode/commands.js');
    const { presignCommands } =
      h.load<typeof import('../../../src/features/presign/commands')>('features/presign/commands.js');
    registerCommands(h.context as unknown as vscode.ExtensionContext, h.log, presignCommands(h.services()));
  });
  afterEach(async () => {
    h.dispose();
    await hosts.close();
  });

  it("presign from the palette, for a bucket the tree listed in another region, signs for that bucket's endpoint", async () => {
    await h.setProfiles([profile('p', OSS_HANGZHOU)]);
    const { BucketTreeProvider } = h.load<TreeModule>('features/buckets/treeProvider.js');
    const tree = new BucketTreeProvider(h.services().profiles, h.log, () => 2);
    h.context.subscriptions.push(tree);
    const buckets = await tree.getChildren((await tree.getChildren())[0]);
    assert.deepEqual(
      buckets.map((b: TreeNode) => b.bucket),
      ['beijing-photos', 'hangzhou-logs'],
    );

    const url = await presign('beijing-photos');
    assert.equal(url.host, 'beijing-photos.oss-cn-beijing.aliyuncs.com');
    assert.match(url.searchParams.get('x-oss-credential') ?? '', /\/cn-beijing\/oss\/aliyun_v4_request$/);
    assert.deepEqual(lookups(), [], 'the listing named the region: no GetBucketLocation');
    assert.equal((await presign('hangzhou-logs')).host, 'hangzhou-logs.oss-cn-hangzhou.aliyuncs.com');
  });

  it('looks a bucket typed by hand on an OSS profile up before signing, once', async () => {
    await h.setProfiles([profile('p', OSS_HANGZHOU)]);
    const url = await presign('beijing-photos');
    assert.equal(hosts.seen[0], 'GET beijing-photos.oss-cn-hangzhou.aliyuncs.com/?location');
    assert.equal(url.host, 'beijing-photos.oss-cn-beijing.aliyuncs.com');
    assert.match(url.searchParams.get('x-oss-credential') ?? '', /\/cn-beijing\/oss\/aliyun_v4_request$/);
    await presign('beijing-photos');
    assert.equal(lookups().length, 1);
  });

  it('learns the region from the redirect S3 answers, once, and signs there from then on', async () => {
    await h.setProfiles([profile('p', S3_US_EAST)]);
    const url = await presign('eu-assets');
    assert.equal(url.host, 'eu-assets.s3.eu-west-1.amazonaws.com');
    assert.match(url.searchParams.get('X-Amz-Credential') ?? '', /\/eu-west-1\/s3\/aws4_request$/);
    const again = await presign('eu-assets');
    assert.equal(again.host, 'eu-assets.s3.eu-west-1.amazonaws.com');
    assert.deepEqual(lookups(), ['GET eu-assets.s3.us-east-1.amazonaws.com/?location=']);
  });

  it("uses the profile's endpoint when the lookup is refused, says so in the log, and does not ask again", async () => {
    await h.setProfiles([profile('p', OSS_HANGZHOU)]);
    assert.equal((await presign('locked')).host, 'locked.oss-cn-hangzhou.aliyuncs.com');
    assert.equal((await presign('locked')).host, 'locked.oss-cn-hangzhou.aliyuncs.com');
    assert.equal(lookups().length, 1);
    assert.match(
      h.log.at('warn').join('\n'),
      /could not find the region of bucket locked \(profile p\), using the profile's endpoint: Access denied/,
    );
  });

  it('asks again once the secret changes (a wrong key is refused too)', async () => {
    await h.setProfiles([profile('p', OSS_HANGZHOU)]);
    await presign('locked');
    await h.services().profiles.setSecret('p', 'the-right-secret');
    await presign('locked');
    assert.equal(lookups().length, 2);
  });

  it('does no lookup on a custom endpoint', async () => {
    await h.setProfiles([profile('p', { endpoint: hosts.url })]);
    const url = await presign('any');
    assert.equal(url.origin, hosts.url);
    assert.deepEqual(lookups(), []);
  });

  it('lists a folder of a bucket from the fixed list of a profile at the endpoint of its region', async () => {
    await h.setProfiles([profile('p', { ...OSS_HANGZHOU, buckets: ['beijing-photos'] })]);
    const { BucketTreeProvider } = h.load<TreeModule>('features/buckets/treeProvider.js');
    const tree = new BucketTreeProvider(h.services().profiles, h.log, () => 2);
    h.context.subscriptions.push(tree);
    const [bucket] = await tree.getChildren((await tree.getChildren())[0]);
    await tree.getChildren(bucket);
    assert.deepEqual(h.log.at('warn'), []);
    assert.deepEqual(
      hosts.seen.map((l) => l.replace(/\?.*/, '')),
      ['GET beijing-photos.oss-cn-hangzhou.aliyuncs.com/', 'GET beijing-photos.oss-cn-beijing.aliyuncs.com/'],
    );
  });

  it("starts a multipart kit for a bucket typed by hand at that bucket's endpoint, and presigns its parts there", async () => {
    await h.setProfiles([profile('p', OSS_HANGZHOU)]);
    writeFileSync(join(h.dir, 'big.bin'), 'ten bytes!');
    const { createMultipartKitCommand } = h.load<KitModule>('features/upload/multipartKit.js');
    const kit = await createMultipartKitCommand(h.services(), h.file('big.bin'), {
      profileId: 'p',
      bucket: 'beijing-photos',
      key: 'k/big.bin',
      expiresSeconds: 3600,
      outputDir: h.dir,
    });
    assert.deepEqual(
      hosts.seen.filter((l) => !l.startsWith('HEAD')),
      [
        'GET beijing-photos.oss-cn-hangzhou.aliyuncs.com/?location',
        'POST beijing-photos.oss-cn-beijing.aliyuncs.com/k/big.bin?uploads',
      ],
    );
    const manifest = JSON.parse(readFileSync(kit.manifestPath, 'utf8')) as { parts: { url: string }[] };
    assert.deepEqual(
      manifest.parts.map((part) => new URL(part.url).host),
      ['beijing-photos.oss-cn-beijing.aliyuncs.com'],
    );
  });

  it("checks the CORS rules of a bucket typed by hand at that bucket's endpoint", async () => {
    await h.setProfiles([profile('p', OSS_HANGZHOU)]);
    const { checkBrowserUpload } = h.load<CorsModule>('features/presign/checkCors.js');
    const verdict = await checkBrowserUpload(h.services(), {
      profile: h.services().profiles.require('p'),
      bucket: 'beijing-photos',
      headers: { 'content-type': 'text/plain' },
      afterSigning: false,
      origin: 'http://localhost:3000',
    });
    assert.equal(verdict?.allowed, true);
    assert.deepEqual(hosts.seen, [
      'GET beijing-photos.oss-cn-hangzhou.aliyuncs.com/?location',
      'GET beijing-photos.oss-cn-beijing.aliyuncs.com/?cors',
    ]);
  });
});
