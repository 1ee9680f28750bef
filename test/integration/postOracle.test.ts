// The official SDKs as oracles for presignPost, on generated cases (deterministic PRNG):
// - S3: @aws-sdk/s3-presigned-post `createPresignedPost`, given the same key, conditions, fields and time, must give
//   the same URL, the same fields (its extra `bucket` field aside) and so the same Policy, byte for byte, and signature.
// - OSS V4: ali-oss `signPostObjectPolicyV4(policy, date)` over our decoded policy must give our `x-oss-signature`, and
//   ali-oss's own encoding of that policy our `policy` field; the conditions must be the set the ali-oss README recipe
//   builds (with ali-oss's getCredential and getStandardRegion).
// - OSS V1: ali-oss `calculatePostSignature(policy)` must give our OSSAccessKeyId, policy and Signature fields, with
//   the same condition set.
// No server is needed; it lives in test/integration beside the presignPut oracles (loading both SDKs takes seconds).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { presignPost, type PostPolicy, type PresignPostOptions } from '../../src/core/index';
import { AliOssClient, atFixedTime, type AliOss } from './helpers/aliOss';

/** The two ali-oss POST signers (ali-oss ships no types). */
type AliOssPost = AliOss & {
  signPostObjectPolicyV4(policy: object, date: Date): string;
  calculatePostSignature(policy: object): { OSSAccessKeyId: string; Signature: string; policy: string };
};
// ali-oss's own helpers (its README recipe for a V4 POST uses them), and its date formatter.
const requireFromAliOss = createRequire(require.resolve('ali-oss'));
const { getCredential } = requireFromAliOss('ali-oss/lib/common/signUtils') as {
  getCredential(day: string, region: string, accessKeyId: string): string;
};
const { getStandardRegion } = requireFromAliOss('ali-oss/lib/common/utils/getStandardRegion') as {
  getStandardRegion(region: string): string;
};
const { policy2Str } = requireFromAliOss('ali-oss/lib/common/utils/policy2Str') as {
  policy2Str(policy: object): string;
};
const dateformat = requireFromAliOss('dateformat') as (date: Date, mask: string) => string;

/** mulberry32: a small deterministic PRNG, so every run checks the same cases. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!, chance: (p: number) => next() < p };
}

const KEY_PIECES = ['uploads/', 'a', 'report 2026', 'x+y', "it's", '(copy)', 'ü', '名前/', '😀', '.txt', 'dir/', '%20'];
const META_VALUES = ['ana', 'two  spaces', 'a=b;c', 'UPPER lower 123', '"quoted"', '@starts-with-at'];
const CONTENT_TYPES = ['text/plain; charset=utf-8', 'image/png', 'application/json'];
const CONTENT_TYPE_PREFIXES = ['image/', 'text/', 'application/vnd.'];

type Kind = 'oss-v4' | 'oss-v1' | 's3';
interface Case {
  title: string;
  kind: Kind;
  options: PresignPostOptions;
  /** ali-oss's spelling of the region (OSS) or the SDK client's region (S3). */
  oracleRegion: string;
  /** Whether the core serves this bucket path style (IP or localhost endpoint, or addressing 'path'). */
  pathStyle: boolean;
}

const OSS_ENDPOINTS = [
  { endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', oracleRegion: 'oss-cn-hangzhou' },
  { endpoint: 'https://oss-eu-central-1.aliyuncs.com', region: 'eu-central-1', oracleRegion: 'eu-central-1' },
  { endpoint: 'http://oss-cn-shanghai-internal.aliyuncs.com', oracleRegion: 'oss-cn-shanghai' },
  { endpoint: 'https://static.example.com', region: 'oss-cn-shenzhen', oracleRegion: 'oss-cn-shenzhen' },
];
const S3_ENDPOINTS = [
  { endpoint: 'https://s3.us-west-2.amazonaws.com', oracleRegion: 'us-west-2' },
  { endpoint: 'https://s3.eu-central-1.amazonaws.com', region: 'eu-central-1', oracleRegion: 'eu-central-1' },
  { endpoint: 'http://127.0.0.1:7480', oracleRegion: 'us-east-1' },
  { endpoint: 'http://minio.internal:9000', region: 'ap-northeast-1', oracleRegion: 'ap-northeast-1' },
  { endpoint: 'https://0123abcd.r2.cloudflarestorage.com', oracleRegion: 'auto' },
];

function makeKey(r: ReturnType<typeof prng>): string {
  let key = '';
  for (let n = 1 + r.int(4); n > 0; n--) key += r.pick(KEY_PIECES);
  return key;
}

function generate(count: number, seed: number): Case[] {
  const r = prng(seed);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const kind = (['oss-v4', 'oss-v1', 's3'] as const)[i % 3]!;
    const provider = kind === 's3' ? 's3' : 'oss';
    const ep = r.pick(kind === 's3' ? S3_ENDPOINTS : OSS_ENDPOINTS);
    const cname = ep.endpoint === 'https://static.example.com';
    const addressing = cname ? 'cname' : r.pick(['virtual', 'path'] as const);
    const bucket =
      kind === 's3' && r.chance(0.2) ? 'my.dotted.bucket' : r.pick(['examplebucket', 'b-1', 'test-bucket']);
    const host = new URL(ep.endpoint);
    const pathStyle =
      addressing === 'path' ||
      /^\d+\.\d+\.\d+\.\d+$/.test(host.hostname) ||
      (provider === 's3' && host.protocol === 'https:' && bucket.includes('.'));

    // A third of the cases let the uploader choose the key under a prefix; some exact keys end in ${filename}
    // (OSS also takes it mid-key; the AWS SDK understands it only at the end).
    const keyChoice = r.pick(['exact', 'exact', 'prefix', 'filename'] as const);
    const base = makeKey(r);
    const keyOptions =
      keyChoice === 'prefix'
        ? { keyPrefix: base.endsWith('/') ? base : base + '/' }
        : keyChoice === 'filename'
          ? { key: kind !== 's3' && r.chance(0.5) ? `${base}/\${filename}.bak` : `${base}/\${filename}` }
          : { key: base };
    const metadata: Record<string, string> = {};
    for (let n = r.int(3); n > 0; n--)
      metadata[r.pick(['Owner', 'project', 'x.y', 'under_score', 'Dash-Name'])] = r.pick(META_VALUES);
    const min = r.int(1000);
    const options: PresignPostOptions = {
      provider,
      endpoint: ep.endpoint,
      region: ep.region,
      addressing,
      signatureVersion: kind === 'oss-v1' ? 'v1' : 'v4',
      accessKeyId: kind === 's3' ? 'AKIAIOSFODNN7EXAMPLE' : 'LTAI5tExampleKeyId',
      accessKeySecret: r.pick(['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'secret+with/odd=chars', 'ünïcode-secret']),
      securityToken: r.chance(0.3) ? `STS.${r.int(1e9)}/tok+en==` : undefined,
      bucket,
      ...keyOptions,
      // Milliseconds too: the core signs whole seconds, as the AWS SDK's iso8601 does.
      date: new Date(Date.UTC(2024, 0, 1) + r.int(900 * 86400 * 1000)),
      expiresSeconds: r.pick([1, 60, 3600, 86400, 604800, 1 + r.int(604800)]),
      contentLengthRange: r.chance(0.6) ? [min, min + r.int(5 * 1024 ** 3 - min)] : undefined,
      ...(r.chance(0.5)
        ? r.chance(0.5)
          ? { contentType: r.pick(CONTENT_TYPES) }
          : { contentTypePrefix: r.pick(CONTENT_TYPE_PREFIXES) }
        : {}),
      metadata,
      successActionStatus: r.chance(0.4) ? r.pick([200, 201, 204] as const) : undefined,
    };
    const title =
      `#${i} ${kind} ${addressing} ${ep.endpoint} bucket=${bucket} ` +
      `${options.key !== undefined ? `key=${JSON.stringify(options.key)}` : `keyPrefix=${JSON.stringify(options.keyPrefix)}`}` +
      `${options.securityToken ? ' +token' : ''}${options.contentLengthRange ? ' +range' : ''}` +
      `${options.contentType ? ' +type' : ''}${options.contentTypePrefix ? ' +typePrefix' : ''}` +
      `${Object.keys(metadata).length ? ' +meta' : ''}${options.successActionStatus ? ` +status${options.successActionStatus}` : ''}`;
    cases.push({ title, kind, options, oracleRegion: ep.oracleRegion, pathStyle });
  }
  return cases;
}

const metaPrefix = (o: PresignPostOptions) => (o.provider === 'oss' ? 'x-oss-meta-' : 'x-amz-meta-');

/** The exact fields the uploader sends besides key and the signing fields, as the SDKs' `Fields` take them. */
function exactFields(o: PresignPostOptions): Record<string, string> {
  const fields: Record<string, string> = {};
  if (o.contentType) fields['Content-Type'] = o.contentType;
  for (const [name, value] of Object.entries(o.metadata ?? {})) fields[metaPrefix(o) + name.toLowerCase()] = value;
  if (o.successActionStatus) fields.success_action_status = String(o.successActionStatus);
  return fields;
}

/** The conditions besides exact fields, as `createPresignedPost`'s `Conditions` take them. */
function rangeAndPrefix(o: PresignPostOptions): unknown[] {
  const conditions: unknown[] = [];
  if (o.contentLengthRange) conditions.push(['content-length-range', ...o.contentLengthRange]);
  if (o.contentTypePrefix) conditions.push(['starts-with', '$Content-Type', o.contentTypePrefix]);
  return conditions;
}

/** The OSS conditions the ali-oss README recipe (signPostObjectPolicyV4 / calculatePostSignature) builds, as a set. */
function ossConditionSet(c: Case, date: Date): string[] {
  const o = c.options;
  const conditions: unknown[] = [...rangeAndPrefix(o), { bucket: o.bucket }];
  for (const [name, value] of Object.entries(exactFields(o))) conditions.push({ [name]: value });
  if (c.kind === 'oss-v4') {
    const formatted = dateformat(date, "UTC:yyyymmdd'T'HHMMss'Z'");
    conditions.push(
      { 'x-oss-signature-version': 'OSS4-HMAC-SHA256' },
      { 'x-oss-credential': getCredential(formatted.split('T')[0]!, getStandardRegion(c.oracleRegion), o.accessKeyId) },
      { 'x-oss-date': formatted },
    );
  }
  if (o.securityToken) conditions.push({ 'x-oss-security-token': o.securityToken });
  const key = o.key ?? `${o.keyPrefix}\${filename}`;
  const at = key.indexOf('${filename}');
  conditions.push(at < 0 ? { key } : ['starts-with', '$key', key.slice(0, at)]);
  return conditions.map((x) => JSON.stringify(x)).sort();
}

const decode = (field: string | undefined): PostPolicy =>
  JSON.parse(Buffer.from(field ?? '', 'base64').toString('utf8')) as PostPolicy;
const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

describe('official SDKs as oracles for presignPost (ali-oss 6.23.0, @aws-sdk/s3-presigned-post)', () => {
  const cases = generate(72, 0x9057);

  it('the generated cases cover the required variety', () => {
    const titles = cases.map((c) => c.title).join('\n');
    for (const needle of [
      'oss-v4',
      'oss-v1',
      's3',
      ' cname ',
      ' path ',
      ' virtual ',
      'my.dotted.bucket',
      'keyPrefix=',
      '${filename}"',
      '${filename}.bak"',
      '+token',
      '+range',
      '+type ',
      '+typePrefix',
      '+meta',
      '+status201',
      '名前',
      '😀',
    ]) {
      assert.ok(titles.includes(needle), `no case with ${needle}`);
    }
  });

  for (const c of cases.filter((x) => x.kind === 's3')) {
    it(c.title, async () => {
      const o = c.options;
      const ours = presignPost(o);
      const client = new S3Client({
        region: c.oracleRegion,
        endpoint: o.endpoint,
        forcePathStyle: c.pathStyle,
        credentials: {
          accessKeyId: o.accessKeyId,
          secretAccessKey: o.accessKeySecret,
          ...(o.securityToken ? { sessionToken: o.securityToken } : {}),
        },
      });
      const date = new Date(o.date!);
      const theirs = await atFixedTime(date, () =>
        createPresignedPost(client as never, {
          Bucket: o.bucket,
          Key: o.key ?? `${o.keyPrefix}\${filename}`,
          Conditions: rangeAndPrefix(o) as never,
          Fields: exactFields(o),
          Expires: o.expiresSeconds,
        }),
      );
      assert.equal(ours.url.replace(/\/$/, ''), theirs.url.replace(/\/$/, ''), 'form action URL');
      // The SDK also sends the bucket as a field; the server knows it from the URL (and radosgw ignores the field).
      const { bucket, ...theirFields } = theirs.fields;
      assert.equal(bucket, o.bucket);
      assert.deepEqual(ours.fields, theirFields, 'fields, Policy and X-Amz-Signature included');
      assert.deepEqual(decode(ours.fields.Policy), ours.policy, 'the Policy field is the returned policy');
      assert.equal(ours.expiresAt.getTime(), wholeSeconds(date).getTime() + o.expiresSeconds * 1000);
    });
  }

  for (const c of cases.filter((x) => x.kind !== 's3')) {
    it(c.title, () => {
      const o = c.options;
      const ours = presignPost(o);
      const date = new Date(o.date!);
      const client = new AliOssClient({
        accessKeyId: o.accessKeyId,
        accessKeySecret: o.accessKeySecret,
        bucket: o.bucket,
        region: c.oracleRegion,
        ...(o.securityToken ? { stsToken: o.securityToken, refreshSTSTokenInterval: 3_600_000 } : {}),
      }) as AliOssPost;
      assert.deepEqual(
        ours.policy.conditions.map((x) => JSON.stringify(x)).sort(),
        ossConditionSet(c, date),
        'conditions, as a set',
      );
      assert.equal(
        ours.policy.expiration,
        new Date(wholeSeconds(date).getTime() + o.expiresSeconds * 1000).toISOString(),
      );
      const encoded = Buffer.from(policy2Str(ours.policy), 'utf8').toString('base64');
      if (c.kind === 'oss-v4') {
        assert.equal(ours.fields.policy, encoded, 'policy field = ali-oss encoding of the policy');
        assert.equal(ours.fields['x-oss-signature'], client.signPostObjectPolicyV4(ours.policy, date), 'signature');
        assert.equal(ours.fields['x-oss-date'], dateformat(date, "UTC:yyyymmdd'T'HHMMss'Z'"));
      } else {
        const theirs = client.calculatePostSignature(ours.policy);
        assert.deepEqual(
          { OSSAccessKeyId: ours.fields.OSSAccessKeyId, Signature: ours.fields.Signature, policy: ours.fields.policy },
          theirs,
        );
      }
      assert.equal(ours.fields['x-oss-security-token'], o.securityToken);
    });
  }
});
