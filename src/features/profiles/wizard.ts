import * as vscode from 'vscode';
import {
  listBuckets,
  listObjects,
  inferRegion,
  endpointWarnings,
  ServiceError,
  type Addressing,
  type Provider,
  bucketNameProblem,
  validateEndpoint,
  validateRegion,
} from '../../core/index';
import { connectionOptions, profileIdFor, validateProfile, type Profile } from '../../app/profiles';
import type { ProfileSecret } from './secretStore';
import type { ProfileStore } from './profileStore';
import { problemOf } from '../../vscode/prompts';
import { withCancellableProgress } from '../../vscode/progress';
import { BACK, inputStep, pickStep, type PickItem } from '../../vscode/quickInput';

/** OSS public regions offered as endpoint suggestions (https://www.alibabacloud.com/help/en/oss/user-guide/regions-and-endpoints). */
const OSS_REGIONS = [
  'cn-hangzhou',
  'cn-shanghai',
  'cn-qingdao',
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-huhehaote',
  'cn-wulanchabu',
  'cn-shenzhen',
  'cn-heyuan',
  'cn-guangzhou',
  'cn-chengdu',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-southeast-3',
  'ap-southeast-5',
  'ap-northeast-1',
  'ap-northeast-2',
  'eu-central-1',
  'eu-west-1',
  'us-west-1',
  'us-east-1',
  'me-east-1',
];
const S3_SUGGESTIONS: PickItem<string>[] = [
  {
    label: 'https://s3.us-east-1.amazonaws.com',
    description: 'AWS S3, US East (N. Virginia)',
    value: 'https://s3.us-east-1.amazonaws.com',
  },
  {
    label: 'https://s3.eu-central-1.amazonaws.com',
    description: 'AWS S3, Europe (Frankfurt)',
    value: 'https://s3.eu-central-1.amazonaws.com',
  },
  {
    label: 'https://s3.ap-southeast-1.amazonaws.com',
    description: 'AWS S3, Asia Pacific (Singapore)',
    value: 'https://s3.ap-southeast-1.amazonaws.com',
  },
  { label: 'http://127.0.0.1:9000', description: 'MinIO on this machine', value: 'http://127.0.0.1:9000' },
];

export interface WizardResult {
  profile: Profile;
  /** Undefined when editing and the user kept the stored secret. */
  secret?: ProfileSecret;
}

/**
 * Asks provider -> endpoint -> region -> addressing -> access key id -> secret -> name, each step validated by the
 * core validators, with Back; then tests the connection. Returns undefined when cancelled (nothing is saved).
 * `existing` pre-fills the steps for Edit Profile; its secret is kept when the secret step is left empty.
 */
export async function runProfileWizard(store: ProfileStore, existing?: Profile): Promise<WizardResult | undefined> {
  const title = existing ? `Edit Profile "${existing.name}"` : 'Add Profile';
  const total = 7;
  const s = {
    provider: existing?.provider ?? ('oss' as Provider),
    endpoint: existing?.endpoint ?? '',
    region: existing?.region ?? '',
    addressing: existing?.addressing ?? ('virtual' as Addressing),
    accessKeyId: existing?.accessKeyId ?? '',
    secret: '',
    name: existing?.name ?? '',
    buckets: existing?.buckets,
  };
  const fromEnv = existing?.credentialSource === 'env';
  // Keys of an env profile come from OSS_*/AWS_* variables: there is no secret to ask for.
  const skip = (n: number) => n === 6 && fromEnv;
  const host = () => (problemOf(() => validateEndpoint(s.endpoint)) ? '' : new URL(s.endpoint).hostname);
  let step = 1;
  for (;;) {
    let r: unknown;
    switch (step) {
      case 1:
        r = await pickStep<Provider>({
          title,
          step,
          totalSteps: total,
          placeholder: 'Which service does the profile talk to?',
          active: s.provider,
          items: [
            { label: 'Alibaba Cloud OSS', description: 'OSS V4 signatures (V1 for legacy setups)', value: 'oss' },
            { label: 'S3-compatible', description: 'AWS S3, MinIO, Ceph, Cloudflare R2, ...', value: 's3' },
          ],
        });
        if (typeof r === 'string' && r !== s.provider)
          Object.assign(s, { provider: r, endpoint: '', region: '', addressing: 'virtual' });
        break;
      case 2: {
        const items =
          s.provider === 'oss'
            ? OSS_REGIONS.map((id) => ({
                label: `https://oss-${id}.aliyuncs.com`,
                description: id,
                value: `https://oss-${id}.aliyuncs.com`,
              }))
            : S3_SUGGESTIONS;
        r = await pickStep<string>({
          title,
          step,
          totalSteps: total,
          active: s.endpoint,
          placeholder:
            s.provider === 'oss'
              ? 'Endpoint: pick a region or type scheme://host[:port] (custom domain, internal endpoint)'
              : 'Endpoint: pick one or type scheme://host[:port] (Cloudflare R2: https://<account-id>.r2.cloudflarestorage.com)',
          items:
            s.endpoint && !items.some((i) => i.value === s.endpoint)
              ? [{ label: s.endpoint, description: 'current', value: s.endpoint }, ...items]
              : items,
          custom: {
            toValue: (t) => t.replace(/\/+$/, ''),
            problem: (t) => problemOf(() => validateEndpoint(t.replace(/\/+$/, ''))),
          },
        });
        if (typeof r === 'string' && r !== s.endpoint) Object.assign(s, { endpoint: r, region: '' });
        break;
      }
      case 3: {
        const inferred = inferRegion(s.provider, host());
        r = await inputStep({
          title,
          step,
          totalSteps: total,
          value: s.region || inferred || (s.provider === 's3' ? 'us-east-1' : ''),
          // The endpoint's warnings (an internal endpoint's URLs work only inside the cloud) go with its region.
          prompt: [
            inferred
              ? `Region (from the endpoint: ${inferred})`
              : s.provider === 'oss'
                ? 'Region of the bucket, e.g. cn-hangzhou (custom domains and acceleration endpoints do not name it)'
                : 'Region (most S3-compatible servers accept us-east-1)',
            ...endpointWarnings(s.provider, s.endpoint),
          ].join(' '),
          problem: (t) => problemOf(() => validateRegion(t.trim())),
        });
        if (typeof r === 'string') s.region = r.trim() === inferred ? '' : r.trim();
        break;
      }
      case 4: {
        const items: PickItem<Addressing>[] = [
          {
            label: 'Virtual-hosted',
            description: 'bucket.host (recommended; IP endpoints fall back to path style)',
            value: 'virtual',
          },
        ];
        if (s.provider === 's3')
          items.push({
            label: 'Path style',
            description: 'host/bucket (MinIO, Ceph and other self-hosted stores)',
            value: 'path',
          });
        else
          items.push({
            label: 'Custom domain (CNAME)',
            description: 'the endpoint is a domain bound to one bucket',
            value: 'cname',
          });
        r = await pickStep<Addressing>({
          title,
          step,
          totalSteps: total,
          placeholder: 'How is the bucket addressed?',
          items,
          active: s.addressing,
        });
        if (typeof r === 'string') s.addressing = r as Addressing;
        break;
      }
      case 5:
        r = await inputStep({
          title,
          step,
          totalSteps: total,
          value: s.accessKeyId,
          prompt: 'Access key id (not secret; stored in settings)',
          problem: (t) =>
            !t.trim()
              ? fromEnv
                ? undefined
                : 'Enter the access key id.'
              : /^[\x21-\x7e]+$/.test(t.trim())
                ? undefined
                : 'The access key id contains spaces or non-ASCII characters: paste it again.',
        });
        if (typeof r === 'string') s.accessKeyId = r.trim();
        break;
      case 6:
        r = await inputStep({
          title,
          step,
          totalSteps: total,
          password: true,
          value: s.secret,
          prompt: existing
            ? 'Access key secret (leave empty to keep the stored one). Kept in VS Code secret storage, never in settings.'
            : 'Access key secret. Kept in VS Code secret storage, never in settings.',
          problem: (t) => (!t && !existing ? 'Enter the access key secret.' : undefined),
        });
        if (typeof r === 'string') s.secret = r;
        break;
      case 7:
        r = await inputStep({
          title,
          step,
          totalSteps: total,
          value: s.name || `${s.provider === 'oss' ? 'OSS' : 'S3'} ${host()}`,
          prompt: 'Profile name',
          problem: (t) =>
            !t.trim()
              ? 'Give the profile a name.'
              : store.list().some((p) => p.name === t.trim() && p.id !== existing?.id)
                ? `A profile named "${t.trim()}" exists already.`
                : undefined,
        });
        if (typeof r === 'string') s.name = r.trim();
        break;
    }
    if (r === undefined) return undefined;
    if (r === BACK) {
      step = Math.max(1, step - 1);
      if (skip(step)) step--;
      continue;
    }
    if (step < total) {
      step++;
      if (skip(step)) step++;
      continue;
    }
    const profile = validateProfile({
      id:
        existing?.id ??
        profileIdFor(
          s.name,
          store.list().map((p) => p.id),
        ),
      name: s.name,
      provider: s.provider,
      endpoint: s.endpoint,
      credentialSource: fromEnv ? 'env' : 'secretStorage',
      accessKeyId: s.accessKeyId || undefined,
      region: s.region || undefined,
      ...(s.addressing !== 'virtual' ? { addressing: s.addressing } : {}),
      signatureVersion: existing?.signatureVersion,
      ...(s.buckets?.length ? { buckets: s.buckets } : {}),
      // A kept secret keeps its token, and so the token's expiry; a new secret is stored without a token.
      ...(existing?.tokenExpiresAt && !s.secret ? { tokenExpiresAt: existing.tokenExpiresAt } : {}),
    });
    const secret = s.secret
      ? { secret: s.secret }
      : existing
        ? await store.connection(existing.id).then(
            (c) => ({ secret: c.accessKeySecret, token: c.securityToken }),
            () => undefined,
          )
        : undefined;
    const verdict = secret
      ? await testConnection(profile, secret)
      : { ok: false as const, message: 'No secret is stored for this profile yet.', accessDenied: false, step: 6 };
    if (verdict.ok) {
      void vscode.window.showInformationMessage(`Test connection: ${verdict.message}`);
      return { profile, ...(s.secret ? { secret: { secret: s.secret } } : {}) };
    }
    const fixed = 'Use Fixed Bucket List…';
    const failedStep = fromEnv && verdict.step === 6 ? 5 : verdict.step;
    const back = `Back to ${STEP_NAMES[failedStep - 1]}`;
    // The first button is the dialog's default (Enter): going back to fix the step is safer than saving.
    const choices = [back, 'Save Anyway', ...(verdict.accessDenied ? [fixed] : [])];
    const choice = await vscode.window.showWarningMessage(
      `Test connection failed: ${verdict.message}`,
      { modal: true },
      ...choices,
    );
    if (choice === back) {
      step = failedStep;
      continue;
    }
    if (choice === 'Save Anyway') return { profile, ...(s.secret ? { secret: { secret: s.secret } } : {}) };
    if (choice === fixed) {
      const list = await vscode.window.showInputBox({
        title,
        ignoreFocusOut: true,
        value: s.buckets?.join(', ') ?? '',
        prompt: 'Buckets to show, comma-separated (the key may not list buckets)',
        validateInput: (t) =>
          t
            .split(',')
            .map((b) => b.trim())
            .filter(Boolean)
            .map((b) => bucketNameProblem(s.provider, b))
            .find(Boolean) ?? (t.trim() ? undefined : 'Enter at least one bucket name.'),
      });
      if (list)
        s.buckets = list
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean);
      continue;
    }
    if (choice === undefined) return undefined;
  }
}

/** The wizard's steps, in order (step n is `STEP_NAMES[n - 1]`). */
const STEP_NAMES = ['Provider', 'Endpoint', 'Region', 'Addressing', 'Access Key Id', 'Secret', 'Name'] as const;

/** Error codes of a failed test and the step that sets what they are about. */
const STEP_OF_CODE: Record<string, number> = {
  InvalidAccessKeyId: 5,
  AccessDenied: 5,
  SignatureDoesNotMatch: 6,
  InvalidSecurity: 6,
  AuthorizationHeaderMalformed: 3,
  PermanentRedirect: 3,
  InvalidRegion: 3,
  IllegalLocationConstraintException: 3,
};

/**
 * The wizard step a failed connection test is about (1-based): the credentials for an authentication error, the
 * region for a region error, else the endpoint (it did not answer, or answered something that is not the store).
 */
export function stepOfFailure(err: unknown): number {
  if (err instanceof ServiceError) return STEP_OF_CODE[err.code] ?? 2;
  return 2;
}

/** Lists the buckets (or, with a fixed list, one object of the first bucket) with the new credentials. */
async function testConnection(
  profile: Profile,
  secret: ProfileSecret,
): Promise<{ ok: true; message: string } | { ok: false; message: string; accessDenied: boolean; step: number }> {
  const conn = connectionOptions(profile, {
    accessKeyId: profile.accessKeyId ?? '',
    accessKeySecret: secret.secret,
    securityToken: secret.token || undefined,
  });
  return withCancellableProgress(`Testing "${profile.name}"…`, async (signal) => {
    try {
      if (profile.buckets?.length) {
        await listObjects({ ...conn, bucket: profile.buckets[0], maxKeys: 1, signal });
        return { ok: true, message: `bucket "${profile.buckets[0]}" is readable.` };
      }
      const { buckets } = await listBuckets({ ...conn, signal });
      const names = buckets
        .slice(0, 5)
        .map((b) => b.name)
        .join(', ');
      return {
        ok: true,
        message: buckets.length
          ? `${buckets.length} bucket(s): ${names}${buckets.length > 5 ? ', …' : ''}.`
          : 'connected; the account has no buckets.',
      };
    } catch (err) {
      const accessDenied = err instanceof ServiceError && err.status === 403 && err.code === 'AccessDenied';
      return {
        ok: false,
        message: err instanceof Error ? err.message : String(err),
        accessDenied,
        step: stepOfFailure(err),
      };
    }
  });
}
