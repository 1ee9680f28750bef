import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redact, redactSecrets } from '../../../src/core/log';
import { presignPut } from '../../../src/core/presign';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const base = {
  accessKeyId: 'AKIDEXAMPLE',
  accessKeySecret: SECRET,
  bucket: 'bucket',
  key: 'dir/a b.txt',
  expiresSeconds: 600,
  date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
};

describe('redact', () => {
  const urls = {
    's3 v4': presignPut({
      ...base,
      provider: 's3',
      endpoint: 'https://s3.us-east-1.amazonaws.com',
      securityToken: 'FQoGZXIvYXdzEXAMPLETOKEN',
      headers: { 'Content-Type': 'text/plain' },
    }).url,
    'oss v4': presignPut({
      ...base,
      provider: 'oss',
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
      securityToken: 'CAISEXAMPLETOKEN',
    }).url,
    'oss v1': presignPut({
      ...base,
      provider: 'oss',
      signatureVersion: 'v1',
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
    }).url,
  };

  for (const [dialect, url] of Object.entries(urls)) {
    it(`blanks the signature, credential and token of a ${dialect} URL and keeps every other parameter readable`, () => {
      const line = redact(`PUT ${url} -> 403`);
      const params = new URL(url).searchParams;
      for (const [name, value] of params) {
        const sensitive = /signature$|credential|security-token|accesskeyid/i.test(name) && !/version/i.test(name);
        if (sensitive) assert.ok(!line.includes(value), `${name}'s value is still in "${line}"`);
        else assert.ok(line.includes(`${encodeURIComponent(name)}=`), `${name} was cut from "${line}"`);
      }
      assert.ok(line.endsWith(' -> 403'), `the text after the URL was cut: "${line}"`);
      assert.ok(line.startsWith(`PUT ${url.split('?')[0]}?`), 'host, bucket and key stay readable');
    });
  }

  it('blanks Authorization headers of each dialect and session tokens', () => {
    const lines = [
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd',
      'authorization: OSS4-HMAC-SHA256 Credential=LTAIEXAMPLE/20260102/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=89ef',
      '{"x-oss-security-token":"CAISEXAMPLETOKEN","x-amz-date":"20260102T030405Z"}',
    ].map(redact);
    for (const l of lines)
      for (const secret of ['0123abcd', '89ef', 'CAISEXAMPLETOKEN', 'LTAIEXAMPLE/2026'])
        assert.ok(!l.includes(secret), l);
    assert.match(lines[2], /"x-amz-date":"20260102T030405Z"/);
  });

  it('redactSecrets also removes the given secrets anywhere in the text', () => {
    assert.equal(
      redactSecrets(`secret ${SECRET} in an error chain`, [SECRET, undefined, 'abc']),
      'secret *** in an error chain',
    );
  });
});
