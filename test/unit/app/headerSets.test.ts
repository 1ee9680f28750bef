import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_HEADER_SETS,
  headerSetPreview,
  needsContentMd5,
  parseHeaderSets,
  resolveHeaderSet,
  storageClassFor,
  type HeaderSet,
} from '../../../src/app/headerSets';
import { templateVariables } from '../../../src/app/keyTemplate';
import { requiredHeaders } from '../../../src/core/presign';
import { ConfigError } from '../../../src/core/errors';

const vars = templateVariables({
  relativePath: 'img/logo.png',
  workspaceFolder: 'web',
  now: new Date('2026-01-02T03:04:05Z'),
  uuid: 'u-1',
});

const full: HeaderSet = {
  name: 'Everything',
  contentType: 'auto',
  cacheControl: 'max-age=60',
  contentDisposition: 'attachment; filename="${fileName}"',
  contentEncoding: 'gzip',
  storageClass: 'IA',
  acl: 'private',
  forbidOverwrite: true,
  tagging: { project: '${workspaceFolder}', 'a b': 'c&d' },
  contentMd5: 'auto',
  metadata: { Owner: 'ana', source: '${relativePath}' },
};

describe('header sets', () => {
  it('ships default sets named after what they sign, one per storage class of either provider', () => {
    assert.deepEqual(
      DEFAULT_HEADER_SETS.map((s) => s.name),
      [
        'Default (Content-Type only)',
        'Browser upload (Content-Type + Cache-Control: no-cache)',
        'Content-Type + storage class Standard (S3: STANDARD)',
        'Content-Type + storage class IA (S3: STANDARD_IA)',
        'Content-Type + storage class Archive (S3: GLACIER)',
        'Content-Type + storage class ColdArchive (S3: GLACIER)',
        'Content-Type + storage class DeepColdArchive (S3: DEEP_ARCHIVE)',
        'Content-Type + storage class ONEZONE_IA (OSS: IA)',
        'Content-Type + storage class INTELLIGENT_TIERING (S3 only)',
        'Content-Type + storage class GLACIER_IR (S3 only)',
      ],
    );
    // Each name states the storage class the set signs, and on each provider what is really sent.
    for (const set of DEFAULT_HEADER_SETS.filter((s) => s.storageClass)) {
      assert.ok(set.name.includes(`storage class ${set.storageClass!} `), set.name);
      const s3 = headerSetPreview(set, 's3').match(/x-amz-storage-class: (\w+)/)![1]!;
      assert.ok(set.name.includes(s3), `${set.name} does not say it sends ${s3} on S3`);
      const oss = headerSetPreview(set, 'oss').match(/x-oss-storage-class: (\w+)/)![1]!;
      if (oss === 'none') assert.match(set.name, /\(S3 only\)$/);
      else assert.ok(set.name.includes(oss), `${set.name} does not say it sends ${oss} on OSS`);
    }
    assert.deepEqual(parseHeaderSets(undefined), DEFAULT_HEADER_SETS);
    assert.deepEqual(parseHeaderSets([]), DEFAULT_HEADER_SETS);
  });

  it("package.json's default of ossPresign.headerSets is DEFAULT_HEADER_SETS", () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
    };
    assert.deepEqual(
      manifest.contributes.configuration.properties['ossPresign.headerSets']!.default,
      DEFAULT_HEADER_SETS,
    );
  });

  it('covers every storage class of both providers', () => {
    const classes = new Set(DEFAULT_HEADER_SETS.flatMap((s) => (s.storageClass ? [s.storageClass] : [])));
    for (const provider of ['oss', 's3'] as const) {
      const sent = new Set(
        DEFAULT_HEADER_SETS.flatMap((s) => {
          const m = /storage-class: (\w+)/.exec(headerSetPreview(s, provider));
          return m ? [m[1]!] : [];
        }),
      );
      const all =
        provider === 'oss'
          ? ['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive']
          : ['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'];
      assert.deepEqual(
        all.filter((c) => !sent.has(c)),
        [],
        `${provider} classes no default set sends (sets: ${[...classes].join(', ')})`,
      );
    }
  });

  it('maps every field to OSS header names', () => {
    const r = resolveHeaderSet(full, 'oss', { vars, contentMd5: '1B2M2Y8AsgTpgAmY7PhCfg==' });
    assert.deepEqual(r.headers, {
      'Content-Type': 'image/png',
      'Cache-Control': 'max-age=60',
      'Content-Disposition': 'attachment; filename="logo.png"',
      'Content-Encoding': 'gzip',
      'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==',
      'x-oss-storage-class': 'IA',
      'x-oss-object-acl': 'private',
      'x-oss-tagging': 'project=web&a%20b=c%26d',
      'x-oss-forbid-overwrite': 'true',
    });
    assert.deepEqual(r.metadata, { Owner: 'ana', source: 'img/logo.png' });
    assert.equal(requiredHeaders('oss', r.headers, r.metadata)['x-oss-meta-owner'], 'ana');
  });

  it('maps every field to S3 header names; forbid-overwrite becomes If-None-Match: *', () => {
    const r = resolveHeaderSet(full, 's3', { vars, contentMd5: '1B2M2Y8AsgTpgAmY7PhCfg==' });
    assert.equal(r.headers['x-amz-storage-class'], 'STANDARD_IA');
    assert.equal(r.headers['x-amz-acl'], 'private');
    assert.equal(r.headers['x-amz-tagging'], 'project=web&a%20b=c%26d');
    assert.equal(r.headers['If-None-Match'], '*');
    assert.equal(
      Object.keys(r.headers).some((h) => h.startsWith('x-oss-')),
      false,
    );
    // presignPut accepts the result unchanged (no foreign-provider header).
    assert.ok(requiredHeaders('s3', r.headers, r.metadata)['x-amz-meta-owner']);
  });

  it('maps storage class names both ways and passes unknown ones through', () => {
    assert.equal(storageClassFor('s3', 'Archive'), 'GLACIER');
    assert.equal(storageClassFor('oss', 'STANDARD_IA'), 'IA');
    assert.equal(storageClassFor('oss', 'IA'), 'IA');
    assert.equal(storageClassFor('s3', 'INTELLIGENT_TIERING'), 'INTELLIGENT_TIERING');
    assert.equal(storageClassFor('s3', 'Future_Class'), 'Future_Class');
  });

  it('maps every class that has an equivalent, each provider spelling its own', () => {
    const table: Array<[string, string, string]> = [
      // [asked, sent to OSS, sent to S3]
      ['Standard', 'Standard', 'STANDARD'],
      ['IA', 'IA', 'STANDARD_IA'],
      ['Archive', 'Archive', 'GLACIER'],
      ['ColdArchive', 'ColdArchive', 'GLACIER'],
      ['DeepColdArchive', 'DeepColdArchive', 'DEEP_ARCHIVE'],
      ['STANDARD', 'Standard', 'STANDARD'],
      ['STANDARD_IA', 'IA', 'STANDARD_IA'],
      ['ONEZONE_IA', 'IA', 'ONEZONE_IA'],
      ['GLACIER', 'Archive', 'GLACIER'],
      ['DEEP_ARCHIVE', 'DeepColdArchive', 'DEEP_ARCHIVE'],
      ['INTELLIGENT_TIERING', '', 'INTELLIGENT_TIERING'],
      ['GLACIER_IR', '', 'GLACIER_IR'],
      ['deepcoldarchive', 'DeepColdArchive', 'DEEP_ARCHIVE'],
      ['glacier_ir', '', 'GLACIER_IR'],
    ];
    for (const [asked, oss, s3] of table) {
      assert.equal(storageClassFor('s3', asked), s3, `${asked} on S3`);
      if (oss) assert.equal(storageClassFor('oss', asked), oss, `${asked} on OSS`);
      else
        assert.throws(
          () => storageClassFor('oss', asked),
          (e: unknown) =>
            e instanceof ConfigError &&
            e.code === 'NoStorageClassEquivalent' &&
            e.message.includes(`"${asked}"`) &&
            /choose Standard, IA, Archive, ColdArchive or DeepColdArchive/.test(e.message),
          `${asked} on OSS`,
        );
    }
  });

  it('an S3-only class on an OSS profile: the preview says so and signing refuses', () => {
    const set = DEFAULT_HEADER_SETS.find((s) => s.storageClass === 'INTELLIGENT_TIERING')!;
    assert.equal(
      headerSetPreview(set, 'oss'),
      'Content-Type: auto · x-oss-storage-class: none (INTELLIGENT_TIERING is S3 only)',
    );
    assert.throws(() => resolveHeaderSet(set, 'oss', { vars }), /has no OSS equivalent/);
    assert.equal(resolveHeaderSet(set, 's3', { vars }).headers['x-amz-storage-class'], 'INTELLIGENT_TIERING');
  });

  it('needs the file MD5 for contentMd5 "auto" and says so without it', () => {
    assert.equal(needsContentMd5(full), true);
    assert.equal(needsContentMd5({ name: 'x', contentMd5: 'abc=' }), false);
    assert.throws(
      () => resolveHeaderSet(full, 'oss', { vars }),
      (e: unknown) => e instanceof ConfigError && e.code === 'MissingContentMd5',
    );
  });

  it('sends a fixed Content-Type as given and omits unset fields', () => {
    const r = resolveHeaderSet({ name: 'fixed', contentType: 'application/json; charset=utf-8' }, 's3', { vars });
    assert.deepEqual(r, { headers: { 'Content-Type': 'application/json; charset=utf-8' }, metadata: {} });
  });

  it('previews a set in one line with the provider names', () => {
    const ia = DEFAULT_HEADER_SETS.find((s) => s.storageClass === 'IA')!;
    assert.equal(headerSetPreview(ia, 'oss'), 'Content-Type: auto · x-oss-storage-class: IA');
    assert.equal(headerSetPreview(ia, 's3'), 'Content-Type: auto · x-amz-storage-class: STANDARD_IA');
    assert.match(headerSetPreview(full, 's3'), /If-None-Match: \* · x-amz-meta-\{Owner, source\}$/);
  });

  it('rejects malformed settings with the set and field named', () => {
    assert.throws(() => parseHeaderSets({}), ConfigError);
    assert.throws(() => parseHeaderSets([{ contentType: 'auto' }]), /#1 has no "name"/);
    assert.throws(() => parseHeaderSets([{ name: 'a' }, { name: 'a' }]), /Two header sets are named "a"/);
    assert.throws(
      () => parseHeaderSets([{ name: 'a', forbidOverwrite: 'yes' }]),
      /"forbidOverwrite" of header set "a"/,
    );
    assert.throws(() => parseHeaderSets([{ name: 'a', metadata: { n: 1 } }]), /"metadata" of header set "a"/);
    assert.deepEqual(parseHeaderSets([{ name: 'a', tagging: 'k=v' }]), [{ name: 'a', tagging: 'k=v' }]);
  });
});
