import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/core/errors';
import { importFromHome, parseAliyunConfig, parseAwsFiles, parseOssutilConfig } from '../../../src/app/profileImport';

const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const OSS_SECRET = 'ossSecretValue0123456789abcd';

const AWS_CREDENTIALS = `# comment
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = ${AWS_SECRET}

[minio]
aws_access_key_id=minioadmin
aws_secret_access_key=minioSecret1
aws_session_token = "tok en"
`;

const AWS_CONFIG = `[default]
region = eu-west-1

[profile minio]
region = us-east-1
endpoint_url = http://127.0.0.1:9000
s3 =
  addressing_style = path
  endpoint_url = http://127.0.0.1:9001

[profile sso]
sso_session = corp
sso_account_id = 123456789012

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
`;

const OSSUTIL = `[Credentials]
language=EN
endpoint=oss-cn-hangzhou.aliyuncs.com
accessKeyID=LTAI5tOssutil
accessKeySecret=${OSS_SECRET}
stsToken=sts-token-1

[Bucket-Endpoint]
my-bucket=oss-cn-beijing.aliyuncs.com

[profile dev]
accessKeyId = LTAI5tDev
accessKeySecret = devSecret
region = cn-shanghai
`;

const ALIYUN = JSON.stringify(
  {
    current: 'default',
    profiles: [
      {
        name: 'default',
        mode: 'AK',
        access_key_id: 'LTAI5tCli',
        access_key_secret: 'cliSecret',
        sts_token: '',
        region_id: 'cn-beijing',
      },
      {
        name: 'sts',
        mode: 'StsToken',
        access_key_id: 'STS.id',
        access_key_secret: 'stsSecret',
        sts_token: 'stsTok',
        region_id: 'ap-southeast-1',
      },
      {
        name: 'role',
        mode: 'RamRoleArn',
        access_key_id: 'x',
        access_key_secret: 'y',
        ram_role_arn: 'acs:ram::1:role/r',
        region_id: 'cn-hangzhou',
      },
    ],
  },
  null,
  2,
);

function malformed(fn: () => unknown, pattern: RegExp, secret?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'MalformedFile');
    assert.match(err.message, pattern);
    if (secret) assert.ok(!err.message.includes(secret), 'the error quotes a secret');
    return true;
  });
}

describe('AWS credentials and config', () => {
  const { candidates, skipped } = parseAwsFiles(AWS_CREDENTIALS, AWS_CONFIG);

  it('imports static-key profiles with region, endpoint and addressing from config', () => {
    assert.deepEqual(
      candidates.map((c) => c.profile),
      [
        {
          id: 'aws-default',
          name: 'aws default',
          provider: 's3',
          endpoint: 'https://s3.eu-west-1.amazonaws.com',
          region: 'eu-west-1',
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          credentialSource: 'secretStorage',
        },
        {
          id: 'aws-minio',
          name: 'aws minio',
          provider: 's3',
          endpoint: 'http://127.0.0.1:9001',
          region: 'us-east-1',
          addressing: 'path',
          accessKeyId: 'minioadmin',
          credentialSource: 'secretStorage',
        },
      ],
    );
    assert.equal(candidates[0].secret, AWS_SECRET);
    assert.equal(candidates[0].token, undefined);
    assert.equal(candidates[1].token, 'tok en');
  });

  it('skips SSO profiles with the reason and ignores sso-session sections', () => {
    assert.deepEqual(skipped, [
      { source: '~/.aws/config [sso]', reason: 'uses AWS SSO; only static access keys can be imported' },
    ]);
  });

  it('rejects a malformed line with the file and line number, without quoting it', () => {
    malformed(
      () => parseAwsFiles(`[default]\naws_access_key_id = A\n${AWS_SECRET}\n`, ''),
      /~\/\.aws\/credentials, line 3/,
      AWS_SECRET,
    );
    malformed(() => parseAwsFiles('', 'region = x\n[default]\n'), /~\/\.aws\/config, line 1: a setting comes before/);
    malformed(
      () =>
        parseAwsFiles(
          '[default]\naws_access_key_id=A\naws_secret_access_key=B\n',
          '[default]\nendpoint_url = not a url\n',
        ),
      /\[default\]: Endpoint "not a url" is not a URL/,
    );
  });
});

describe('ossutil config', () => {
  it('imports ossutil 1 [Credentials] and ossutil 2 [profile] sections, ignoring [Bucket-Endpoint]', () => {
    const { candidates } = parseOssutilConfig(OSSUTIL);
    assert.deepEqual(
      candidates.map((c) => [c.profile.id, c.profile.endpoint, c.profile.region, c.profile.accessKeyId, c.token]),
      [
        ['ossutil-credentials', 'https://oss-cn-hangzhou.aliyuncs.com', 'cn-hangzhou', 'LTAI5tOssutil', 'sts-token-1'],
        ['ossutil-dev', 'https://oss-cn-shanghai.aliyuncs.com', 'cn-shanghai', 'LTAI5tDev', undefined],
      ],
    );
    assert.equal(candidates[0].secret, OSS_SECRET);
  });

  it('rejects a malformed file with the line', () => {
    malformed(
      () => parseOssutilConfig(`[Credentials]\naccessKeyID=x\n${OSS_SECRET}\n`),
      /~\/\.ossutilconfig, line 3/,
      OSS_SECRET,
    );
    malformed(() => parseOssutilConfig('[]\n'), /line 1: the section header/);
  });
});

describe('aliyun config.json', () => {
  it('imports AK and StsToken profiles and skips other modes', () => {
    const { candidates, skipped } = parseAliyunConfig(ALIYUN);
    assert.deepEqual(
      candidates.map((c) => [c.profile.id, c.profile.endpoint, c.profile.region, c.secret, c.token]),
      [
        ['aliyun-default', 'https://oss-cn-beijing.aliyuncs.com', 'cn-beijing', 'cliSecret', undefined],
        ['aliyun-sts', 'https://oss-ap-southeast-1.aliyuncs.com', 'ap-southeast-1', 'stsSecret', 'stsTok'],
      ],
    );
    assert.deepEqual(
      skipped.map((s) => s.source),
      ['~/.aliyun/config.json [role]'],
    );
  });

  it('rejects invalid JSON with the line, without quoting the text', () => {
    const broken = ALIYUN.replace('"cliSecret",', '"cliSecret"');
    malformed(() => parseAliyunConfig(broken), /config\.json(, line \d+)?: not valid JSON/, 'cliSecret');
    malformed(() => parseAliyunConfig('{"profiles": {}}'), /no "profiles" list/);
  });
});

describe('importFromHome', () => {
  const homes: string[] = [];
  after(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));
  const home = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'ossp-home-'));
    homes.push(dir);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    return dir;
  };

  it('reads all three files from a home directory', async () => {
    const dir = home({
      '.aws/credentials': AWS_CREDENTIALS,
      '.aws/config': AWS_CONFIG,
      '.ossutilconfig': OSSUTIL,
      '.aliyun/config.json': ALIYUN,
    });
    const { candidates, skipped } = await importFromHome(dir);
    assert.deepEqual(
      candidates.map((c) => c.profile.id),
      ['aws-default', 'aws-minio', 'ossutil-credentials', 'ossutil-dev', 'aliyun-default', 'aliyun-sts'],
    );
    assert.equal(skipped.length, 2);
  });

  it('imports nothing when one file is malformed', async () => {
    for (const [rel, text] of [
      ['.aws/config', '[profile x\n'],
      ['.ossutilconfig', 'no section\n'],
      ['.aliyun/config.json', '{'],
    ] as const) {
      const dir = home({
        '.aws/credentials': AWS_CREDENTIALS,
        '.ossutilconfig': OSSUTIL,
        '.aliyun/config.json': ALIYUN,
        [rel]: text,
      });
      await assert.rejects(
        importFromHome(dir),
        (err: unknown) => err instanceof ConfigError && err.message.includes(rel.replace('.aws/', '.aws/')),
      );
    }
  });

  it('says so when no file exists', async () => {
    await assert.rejects(importFromHome(home({})), /Found none of/);
  });
});

describe('STS token expiry on import', () => {
  it('reads aws_session_expiration and x_security_token_expires next to a session token, as UTC', () => {
    const credentials = `[helper]
aws_access_key_id = ASIAEXAMPLE1
aws_secret_access_key = s1
aws_session_token = t1
aws_session_expiration = 2030-01-02T00:47:31+02:00

[saml]
aws_access_key_id = ASIAEXAMPLE2
aws_secret_access_key = s2
aws_session_token = t2
x_security_token_expires = 2030-01-02T15:04:05+0000

[static]
aws_access_key_id = AKIAEXAMPLE3
aws_secret_access_key = s3
aws_session_expiration = 2030-01-02T00:00:00Z

[garbled]
aws_access_key_id = ASIAEXAMPLE4
aws_secret_access_key = s4
aws_session_token = t4
x_security_token_expires = next tuesday
`;
    const { candidates } = parseAwsFiles(credentials, '');
    assert.deepEqual(
      candidates.map((c) => [c.profile.name, c.profile.tokenExpiresAt]),
      [
        ['aws helper', '2030-01-01T22:47:31.000Z'],
        ['aws saml', '2030-01-02T15:04:05.000Z'],
        // No token: an expiry means nothing. Unreadable: left out, so presign says the expiry is unknown.
        ['aws static', undefined],
        ['aws garbled', undefined],
      ],
    );
  });

  it('reads the expiry from ~/.aws/config when the credentials file has none', () => {
    const { candidates } = parseAwsFiles(
      '[dev]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\naws_session_token = t\n',
      '[profile dev]\nregion = eu-west-1\naws_session_expiration = 2030-06-01T08:00:00Z\n',
    );
    assert.equal(candidates[0].profile.tokenExpiresAt, '2030-06-01T08:00:00.000Z');
  });

  it('reads the Alibaba Cloud CLI sts_expiration (Unix seconds) of an StsToken profile', () => {
    const config = JSON.stringify({
      profiles: [
        {
          name: 'sts',
          mode: 'StsToken',
          access_key_id: 'STS.id',
          access_key_secret: 'stsSecret',
          sts_token: 'stsTok',
          sts_expiration: 1893545251,
          region_id: 'cn-hangzhou',
        },
        {
          name: 'ak',
          mode: 'AK',
          access_key_id: 'id',
          access_key_secret: 'k',
          sts_expiration: 1893545251,
          region_id: 'cn-hangzhou',
        },
      ],
    });
    const { candidates } = parseAliyunConfig(config);
    assert.deepEqual(
      candidates.map((c) => [c.profile.name, c.profile.tokenExpiresAt]),
      [
        ['aliyun sts', '2030-01-02T00:47:31.000Z'],
        ['aliyun ak', undefined],
      ],
    );
  });
});
