// The XML parsers over recorded and documented OSS / S3 bodies (test/unit/fixtures/xml/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildCompleteMultipartXml,
  buildCorsXml,
  decodeXmlText,
  parseCompleteMultipart,
  parseCors,
  parseError,
  parseInitiateMultipart,
  parseListBuckets,
  parseListMultipartUploads,
  parseListObjectsV2,
  parseListParts,
} from '../../../src/core/xml';

// Compiled to out/test/unit/<dir>/: the fixtures stay in the source tree.
const FIXTURES = resolve(__dirname, '../../../../test/unit/fixtures/xml');
const fixture = (name: string) => readFileSync(resolve(FIXTURES, name), 'utf8');

test('decodes url-encoded S3 ListObjectsV2 keys, + as space and %2B as +', () => {
  const page = parseListObjectsV2(fixture('s3-list-objects-v2.xml'));
  assert.deepEqual(
    page.objects.map((o) => o.key),
    ['photos/a b+c.jpg', 'photos/😀 ü.png', 'photos/\u0001ctrl&amp'],
  );
  assert.deepEqual(page.prefixes, ['photos/2025 trip/']);
  assert.equal(page.isTruncated, true);
  assert.equal(page.nextToken, '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=next&more');
  assert.equal(page.keyCount, 3);
});

test('maps sizes, dates, bare ETags and storage classes', () => {
  const [a, b, c] = parseListObjectsV2(fixture('s3-list-objects-v2.xml')).objects;
  assert.deepEqual(a, {
    key: 'photos/a b+c.jpg',
    size: 1,
    lastModified: '2026-11-01T10:00:00.000Z',
    etag: '0cc175b9c0f1b6a831c399e269772661',
    storageClass: 'STANDARD',
  });
  assert.equal(b.size, 26214400);
  assert.equal(b.etag, '9e107d9d372bb6826bd81d3542a419d6-3');
  assert.equal(c.storageClass, undefined);
});

test('makes single-element Contents and CommonPrefixes arrays, and expands entities in unencoded keys', () => {
  const page = parseListObjectsV2(fixture('oss-list-objects-v2-single.xml'));
  assert.equal(page.objects.length, 1);
  assert.equal(page.objects[0].key, 'a&b <c> 😀 é.txt');
  assert.deepEqual(page.prefixes, ['fun/']);
  assert.equal(page.isTruncated, false);
  assert.equal(page.nextToken, undefined);
});

test('keeps leading and trailing spaces of unencoded keys', () => {
  const page = parseListObjectsV2(
    '<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key> a </Key><Size>1</Size></Contents></ListBucketResult>',
  );
  assert.equal(page.objects[0].key, ' a ');
});

test('returns an empty page for a bucket without objects', () => {
  const page = parseListObjectsV2(
    '<ListBucketResult><Name>b</Name><Prefix></Prefix><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>',
  );
  assert.deepEqual(page, { objects: [], prefixes: [], isTruncated: false, keyCount: 0 });
});

test('parses OSS ListBuckets with regions (Region, or Location without oss-) and NextMarker', () => {
  const r = parseListBuckets(fixture('oss-list-buckets.xml'));
  assert.deepEqual(r.buckets, [
    {
      name: 'test-bucket-1',
      region: 'cn-shanghai',
      creationDate: '2014-02-07T18:12:43.000Z',
      extranetEndpoint: 'oss-cn-shanghai.aliyuncs.com',
    },
    {
      name: 'test-bucket-2',
      region: 'cn-hangzhou',
      creationDate: '2014-02-05T11:21:04.000Z',
      extranetEndpoint: 'oss-cn-hangzhou.aliyuncs.com',
    },
  ]);
  assert.equal(r.nextToken, 'mybucket10');
});

test('parses a single-bucket S3 ListBuckets without a region', () => {
  assert.deepEqual(parseListBuckets(fixture('s3-list-buckets-single.xml')), {
    buckets: [{ name: 'test-bucket', creationDate: '2026-11-25T22:00:08.098Z' }],
  });
});

test('parses an S3 SignatureDoesNotMatch with its string to sign and canonical request', () => {
  const e = parseError(fixture('s3-error-signature.xml'));
  assert.ok(e);
  assert.equal(e.code, 'SignatureDoesNotMatch');
  assert.equal(e.requestId, '4442587FB7D0A2F9');
  assert.equal(e.hostId, 'hostid==');
  assert.match(e.stringToSign ?? '', /^AWS4-HMAC-SHA256\n20260101T000000Z\n/);
  assert.equal(e.canonicalRequest?.split('\n')[1], '/test-bucket/a%20b');
  assert.equal(e.stringToSignBytes, '41 57 53 34');
});

test('parses OSS RequestTimeTooSkewed with EC and ServerTime', () => {
  const e = parseError(fixture('oss-error-skewed.xml'));
  assert.equal(e?.code, 'RequestTimeTooSkewed');
  assert.equal(e?.ec, '0002-00000504');
  assert.equal(e?.serverTime, '2026-11-25T21:00:00.000Z');
  assert.equal(e?.requestTime, '2026-11-25T20:00:00.000Z');
  assert.match(e?.recommendDoc ?? '', /troubleshoot/);
});

test('parses the region of AuthorizationHeaderMalformed', () => {
  const e = parseError(fixture('s3-error-region.xml'));
  assert.equal(e?.code, 'AuthorizationHeaderMalformed');
  assert.equal(e?.region, 'eu-west-1');
});

test('returns undefined for bodies that are not an <Error> (HTML from a proxy, empty)', () => {
  assert.equal(parseError('<html><body>502 Bad Gateway</body></html>'), undefined);
  assert.equal(parseError(''), undefined);
});

test('never expands DTD-defined entities', () => {
  const e = parseError(
    '<?xml version="1.0"?>\n<!DOCTYPE Error [<!ENTITY boom "EXPANDED">]>\n<Error><Code>AccessDenied&boom;</Code><Message>m</Message></Error>',
  );
  assert.equal(e?.code, 'AccessDenied&boom;');
});

test('rejects documents declaring external entities (XXE) instead of resolving them', () => {
  assert.equal(parseError(fixture('xxe.xml')), undefined);
  assert.throws(
    () => parseListObjectsV2(fixture('xxe.xml').replace(/Error/g, 'ListBucketResult')),
    /External entities/,
  );
});

test('decodes numeric character references and leaves unknown entities', () => {
  assert.equal(decodeXmlText('&#x1F600;&#65;&amp;&quot;&apos;&lt;&gt;&nbsp;'), '😀A&"\'<>&nbsp;');
});

test('parses CORS rules of both services, single rule and repeated elements', () => {
  assert.deepEqual(parseCors(fixture('s3-cors-single.xml')), [
    {
      allowedOrigins: ['https://app.example.com'],
      allowedMethods: ['PUT'],
      allowedHeaders: ['*'],
      exposeHeaders: [],
      maxAgeSeconds: 3000,
      id: 'upload',
    },
  ]);
  const oss = parseCors(fixture('oss-cors.xml'));
  assert.equal(oss.length, 2);
  assert.deepEqual(oss[0].allowedMethods, ['PUT', 'GET']);
  assert.deepEqual(oss[0].allowedHeaders, ['Authorization', 'x-oss-*']);
  assert.deepEqual(oss[0].exposeHeaders, ['ETag', 'x-oss-request-id']);
  assert.equal(oss[1].maxAgeSeconds, 100);
});

test('builds CORS XML that parses back to the same rules, escaping values', () => {
  const rules = [
    {
      id: 'a&b',
      allowedOrigins: ['https://x.example'],
      allowedMethods: ['PUT'],
      allowedHeaders: ['content-type'],
      exposeHeaders: ['ETag'],
      maxAgeSeconds: 60,
    },
  ];
  const xml = buildCorsXml(rules);
  assert.match(xml, /<ID>a&amp;b<\/ID>/);
  assert.deepEqual(parseCors(xml), rules);
});

test('parses multipart results: initiate, complete, list parts, list uploads', () => {
  assert.deepEqual(
    parseInitiateMultipart(
      '<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>a%20b</Key><UploadId>0004B9894A22E5B1888A1E29F823****</UploadId><EncodingType>url</EncodingType></InitiateMultipartUploadResult>',
    ),
    {
      bucket: 'b',
      key: 'a b',
      uploadId: '0004B9894A22E5B1888A1E29F823****',
    },
  );
  assert.throws(
    () => parseInitiateMultipart('<InitiateMultipartUploadResult><Bucket>b</Bucket></InitiateMultipartUploadResult>'),
    /UploadId/,
  );
  assert.deepEqual(
    parseCompleteMultipart(
      '<CompleteMultipartUploadResult><Location>http://b.s3/k</Location><Bucket>b</Bucket><Key>k</Key><ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag></CompleteMultipartUploadResult>',
    ),
    {
      location: 'http://b.s3/k',
      bucket: 'b',
      key: 'k',
      etag: '3858f62230ac3c915f300c664312c11f-9',
    },
  );
  const parts = parseListParts(fixture('s3-multipart.xml'));
  assert.deepEqual(
    parts.parts.map((p) => [p.partNumber, p.etag, p.size]),
    [
      [1, 'aaa', 5242880],
      [2, 'bbb', 5242880],
    ],
  );
  assert.equal(parts.nextPartNumberMarker, 2);
  const one = parseListParts(
    '<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>"x"</ETag><Size>3</Size></Part></ListPartsResult>',
  );
  assert.equal(one.parts.length, 1);
  const ups = parseListMultipartUploads(
    '<ListMultipartUploadsResult><Bucket>b</Bucket><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextKeyMarker>k%2B1</NextKeyMarker><NextUploadIdMarker>u2</NextUploadIdMarker><Upload><Key>k%2B1</Key><UploadId>u1</UploadId><Initiated>2026-11-25T21:00:00.000Z</Initiated><StorageClass>STANDARD</StorageClass></Upload></ListMultipartUploadsResult>',
  );
  assert.deepEqual(ups, {
    uploads: [{ key: 'k+1', uploadId: 'u1', initiated: '2026-11-25T21:00:00.000Z', storageClass: 'STANDARD' }],
    prefixes: [],
    isTruncated: true,
    nextKeyMarker: 'k+1',
    nextUploadIdMarker: 'u2',
  });
});

test('builds CompleteMultipartUpload with sorted parts and quoted ETags', () => {
  assert.equal(
    buildCompleteMultipartXml([
      { partNumber: 2, etag: 'b' },
      { partNumber: 1, etag: '"a"' },
    ]),
    '<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part></CompleteMultipartUpload>',
  );
});

/** A comment sends a document down the fast-xml-parser path instead of the fast scanner. */
const viaFallback = (xml: string) => xml.replace(/^(<\?xml[^>]*\?>)?/, (decl) => `${decl}<!-- fallback -->`);

test('the fast scanner and the fast-xml-parser fallback give the same results on every fixture', () => {
  const cases: Array<[string, (xml: string) => unknown]> = [
    ['s3-list-objects-v2.xml', parseListObjectsV2],
    ['oss-list-objects-v2-single.xml', parseListObjectsV2],
    ['oss-list-buckets.xml', parseListBuckets],
    ['s3-list-buckets-single.xml', parseListBuckets],
    ['s3-error-signature.xml', parseError],
    ['oss-error-skewed.xml', parseError],
    ['s3-error-region.xml', parseError],
    ['s3-cors-single.xml', parseCors],
    ['oss-cors.xml', parseCors],
    ['s3-multipart.xml', parseListParts],
  ];
  for (const [name, parse] of cases) {
    const xml = fixture(name);
    assert.deepEqual(parse(viaFallback(xml)), parse(xml), name);
  }
  // The recorded radosgw page, cut to 50 keys to keep the (slow) fallback quick.
  const big = readFileSync(resolve(__dirname, '../../../../bench/fixtures/list-objects-v2-1000.xml'), 'utf8');
  assert.equal(parseListObjectsV2(big).objects.length, 1000);
  const cut = big.split('</Contents>').slice(0, 50).join('</Contents>') + '</Contents></ListBucketResult>';
  const page = parseListObjectsV2(cut);
  assert.equal(page.objects.length, 50);
  assert.deepEqual(parseListObjectsV2(viaFallback(cut)), page);
});

test('the scanner handles namespace prefixes, attributes with > in quotes, self-closing and empty elements', () => {
  const xml =
    '<?xml version="1.0"?>\n<s3:ListBucketResult xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/" note="a>b">' +
    "<s3:IsTruncated>false</s3:IsTruncated><s3:Prefix/><s3:Contents><s3:Key x='1>2'>k</s3:Key><s3:Size>3</s3:Size><s3:ETag></s3:ETag></s3:Contents></s3:ListBucketResult>";
  assert.deepEqual(parseListObjectsV2(xml), {
    objects: [{ key: 'k', size: 3, lastModified: '', etag: '' }],
    prefixes: [],
    isTruncated: false,
  });
  assert.deepEqual(parseListObjectsV2(viaFallback(xml)), parseListObjectsV2(xml));
});

test('malformed documents are not silently accepted', () => {
  assert.throws(() => parseListObjectsV2('<ListBucketResult><Contents><Key>k</Contents></ListBucketResult>'));
  assert.throws(() => parseListObjectsV2('not xml at all'));
});
