/**
 * The questions of everything that puts files into a bucket (presign, upload, the multipart kit), asked the same way
 * for one file or a folder: profile, bucket, header set, the page's origin (a browser header set, presign only),
 * expiry (presign, kit) and the object key or key template, then whether to overwrite an existing object. One step
 * each, like Add Profile: a step counter, Back, and titles that name the profile and bucket once they are known.
 */
import * as vscode from 'vscode';
import { EXPIRY_PRESETS, formatDuration, parseDuration } from '../app/expiry';
import { headerSetPreview, type HeaderSet } from '../app/headerSets';
import { DEFAULT_KEY_TEMPLATE, objectKeyFor, type TemplateVariables } from '../app/keyTemplate';
import type { Profile } from '../app/profiles';
import { formatBytes } from '../app/progressText';
import {
  bucketNameProblem,
  CancelledError,
  headObject,
  listBuckets,
  type Logger,
  type ObjectHead,
  type Provider,
} from '../core/index';
import { Commands } from './ids';
import { keyTemplateFor, problemOf, type ProfileLookup } from './prompts';
import { BACK, inputStep, pickStep, type PickItem, type StepResult } from './quickInput';
import { settings } from './settings';

/** The origin offered when the user has given none: what most local dev servers use. */
export const ASSUMED_ORIGIN = 'http://localhost:3000';

/** Why an origin is not `scheme://host[:port]`, or undefined when it is. */
export function originProblem(value: string): string | undefined {
  try {
    const u = new URL(value.trim());
    if (u.origin !== value.trim().replace(/\/$/, '')) return `Give only scheme://host[:port], e.g. ${u.origin}.`;
    return undefined;
  } catch {
    return 'Write the origin of the page that uploads, e.g. http://localhost:3000 or https://app.example.com.';
  }
}

/** A key starting with "/" is legal on S3 but makes an object under an empty folder name, rarely what was meant. */
export function keyWarning(key: string): string | undefined {
  return key.startsWith('/')
    ? `The key starts with "/": the object lands under an empty folder name ("/${key.replace(/^\/+/, '')}"), not at "${key.replace(/^\/+/, '')}".`
    : undefined;
}

export interface UploadQuestions {
  /** "Presign PUT", "Upload to Bucket", ...: the start of every step's title. */
  title: string;
  profiles: ProfileLookup;
  log: Logger;
  /** One entry per file: its key template variables. */
  files: ReadonlyArray<{ vars: TemplateVariables }>;
  /** Answers given up front: not asked. */
  profile?: Profile | undefined;
  bucket?: string | undefined;
  headerSet?: HeaderSet | undefined;
  expirySeconds?: number | undefined;
  /** The key (one file only): not asked, and not checked for an existing object. */
  fixedKey?: string | undefined;
  /** Folder of the bucket the keys go below. */
  prefix?: string | undefined;
  /** Offered first and marked "last used". */
  last?:
    | {
        profileId?: string | undefined;
        bucket?: string | undefined;
        headerSet?: string | undefined;
        expirySeconds?: number | undefined;
      }
    | undefined;
  /** Ask how long the URLs stay valid, with this placeholder. */
  expiry?: { placeHolder: string };
  /** Ask the origin of the web page after a browser header set; `remembered` is the one given last time. */
  origin?: { remembered?: string | undefined };
  /** The object at `key` (null: none; undefined: could not tell), to warn before overwriting it. */
  head?: (profile: Profile, bucket: string, key: string) => Promise<ObjectHead | null | undefined>;
}

export interface UploadAnswers {
  profile: Profile;
  bucket: string;
  set: HeaderSet;
  /** Set when `expiry` was asked or given. */
  expirySeconds?: number;
  /** Set when the origin was asked. */
  origin?: string;
  keys: string[];
}

type StepName = 'profile' | 'bucket' | 'headerSet' | 'origin' | 'expiry' | 'key' | 'overwrite';

interface BucketChoices {
  buckets: string[];
  /** Why the bucket is typed, not picked (the list failed or is empty). */
  whyTyped?: string;
}

/** Buckets of a profile for the picker (its fixed list, else ListBuckets, once per run), or why there are none. */
async function bucketChoices(
  q: UploadQuestions,
  profile: Profile,
  cache: Map<string, BucketChoices>,
): Promise<BucketChoices> {
  const known = cache.get(profile.id);
  if (known) return known;
  let choices: BucketChoices;
  if (profile.buckets?.length) {
    choices = { buckets: profile.buckets };
  } else {
    try {
      const listed = (await listBuckets(await q.profiles.connection(profile.id))).buckets;
      q.profiles.rememberBuckets(profile.id, listed);
      const buckets = listed.map((b) => b.name);
      choices = buckets.length
        ? { buckets }
        : {
            buckets,
            whyTyped: `the buckets of ${profile.name} could not be listed: ListBuckets returned none; the key may see only buckets it is given`,
          };
    } catch (err) {
      q.log.warn(`[prompts] could not list the buckets of ${profile.id}; asking for a name`, err);
      choices = {
        buckets: [],
        whyTyped: `the buckets of ${profile.name} could not be listed: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }
  cache.set(profile.id, choices);
  return choices;
}

/**
 * Asks what is neither given nor implied (one profile, one bucket), step by step with Back. Escape throws
 * CancelledError. With no profile at all it offers Add Profile and cancels.
 */
export async function askUploadQuestions(q: UploadQuestions): Promise<UploadAnswers> {
  const all = q.profiles.list();
  if (!q.profile && all.length === 0) {
    const add = 'Add Profile';
    void vscode.window
      .showErrorMessage('There is no storage profile yet: add one (endpoint, region and keys) first.', add)
      .then((c) => {
        if (c === add) void vscode.commands.executeCommand(Commands.addProfile);
      });
    throw new CancelledError();
  }
  const s: State = {
    profile: q.profile ?? (all.length === 1 ? all[0] : undefined),
    bucket: q.bucket,
    bucketImplied: false,
    set: q.headerSet,
    origin: undefined,
    expirySeconds: q.expirySeconds,
    keys: undefined,
    existing: undefined,
  };
  const buckets = new Map<string, BucketChoices>();
  // Which steps this run asks, in order; recomputed after each answer (a browser set adds the origin step).
  const plan = (): StepName[] =>
    [
      !q.profile && all.length > 1 && ('profile' as const),
      !q.bucket && !s.bucketImplied && 'bucket',
      !q.headerSet && 'headerSet',
      q.origin && s.set?.browser && 'origin',
      q.expiry && q.expirySeconds === undefined && 'expiry',
      q.fixedKey === undefined && 'key',
      s.existing && 'overwrite',
    ].filter((x): x is StepName => !!x);
  let index = 0;
  for (;;) {
    let steps = plan();
    // A profile with one bucket implies it: no question, and no step in the counter from here on.
    if (steps[index] === 'bucket') {
      const choices = await bucketChoices(q, s.profile!, buckets);
      if (choices.buckets.length === 1) {
        s.bucket = choices.buckets[0];
        s.bucketImplied = true;
        steps = plan();
      }
    }
    if (index >= steps.length) break;
    const name = steps[index];
    const where = [s.profile?.name, name === 'profile' || name === 'bucket' ? undefined : s.bucket]
      .filter(Boolean)
      .join(' · ');
    const titled: Titled = (question) => ({
      title: `${q.title}${where ? ` · ${where}` : ''}: ${question}`,
      step: index + 1,
      totalSteps: steps.length,
    });
    const r = await askStep(q, s, name, titled, buckets);
    if (r === undefined) throw new CancelledError();
    if (r === BACK) {
      // Leaving the key (or the question about it) backwards forgets what the key's HEAD found.
      if (name === 'overwrite' || name === 'key') s.existing = undefined;
      index = Math.max(0, index - 1);
      continue;
    }
    if (name === 'overwrite' && r === 'rename') {
      s.existing = undefined;
      index = steps.indexOf('key');
      continue;
    }
    if (name === 'key' && q.head && s.keys?.length === 1)
      s.existing = (await q.head(s.profile!, s.bucket!, s.keys[0])) ?? undefined;
    index++;
  }
  if (!s.profile || s.bucket === undefined || !s.set) throw new CancelledError();
  return {
    profile: s.profile,
    bucket: s.bucket,
    set: s.set,
    ...(s.expirySeconds !== undefined ? { expirySeconds: s.expirySeconds } : {}),
    ...(s.origin !== undefined ? { origin: s.origin } : {}),
    keys: s.keys ?? [q.fixedKey!],
  };
}

interface State {
  profile: Profile | undefined;
  bucket: string | undefined;
  /** The bucket came from the profile's only one: no step. */
  bucketImplied: boolean;
  set: HeaderSet | undefined;
  origin: string | undefined;
  expirySeconds: number | undefined;
  keys: string[] | undefined;
  existing: ObjectHead | undefined;
}
type Titled = (question: string) => { title: string; step: number; totalSteps: number };

/** Asks one step and stores its answer in `s`; returns what the step returned (BACK, undefined for Escape). */
async function askStep(
  q: UploadQuestions,
  s: State,
  name: StepName,
  titled: Titled,
  buckets: Map<string, BucketChoices>,
): Promise<StepResult<unknown>> {
  const lastUsed = (yes: boolean) => (yes ? 'last used' : '');
  switch (name) {
    case 'profile': {
      const profiles = [...q.profiles.list()].sort(
        (a, b) => Number(b.id === q.last?.profileId) - Number(a.id === q.last?.profileId),
      );
      const r = await pickStep<string>({
        ...titled('profile'),
        placeholder: 'Which storage profile?',
        active: s.profile?.id ?? q.last?.profileId,
        items: profiles.map((p) => ({
          label: p.name,
          description: [
            `${p.provider.toUpperCase()} · ${new URL(p.endpoint).host}`,
            lastUsed(p.id === q.last?.profileId),
          ]
            .filter(Boolean)
            .join(' · '),
          value: p.id,
        })),
      });
      if (typeof r === 'string' && r !== s.profile?.id)
        Object.assign(s, { profile: q.profiles.require(r), bucket: q.bucket, bucketImplied: false });
      return r;
    }
    case 'bucket': {
      const profile = s.profile!;
      const choices = await bucketChoices(q, profile, buckets);
      const preferred = s.bucket ?? (q.last?.profileId === profile.id ? q.last.bucket : undefined);
      const typed = (why: string | undefined) =>
        inputStep({
          // The title says why this is a text box, not a list; the prompt gives the reason in full.
          ...titled(why ? 'bucket name (no bucket list to pick from)' : 'bucket name'),
          value: preferred ?? '',
          prompt: why ? `Type the bucket name: ${why.replace(/\.$/, '')}.` : `Bucket of ${profile.name}`,
          problem: (v) => (v.trim() ? bucketNameProblem(profile.provider, v.trim()) : 'Enter the bucket name.'),
        });
      let r: StepResult<string>;
      if (choices.buckets.length === 0) {
        r = await typed(choices.whyTyped);
      } else {
        // Item values no bucket name can be.
        const TYPE = '\u0000type';
        const items: PickItem<string>[] = [...choices.buckets]
          .sort((a, b) => Number(b === preferred) - Number(a === preferred))
          .map((b) => ({
            label: b,
            value: b,
            description: lastUsed(b === q.last?.bucket && q.last?.profileId === profile.id),
          }));
        r = await pickStep<string>({
          ...titled('bucket'),
          placeholder: `Bucket of ${profile.name}`,
          active: preferred,
          items: [...items, { label: '$(edit) Enter a bucket name...', value: TYPE }],
        });
        if (r === TYPE) r = await typed(undefined);
      }
      if (typeof r === 'string') s.bucket = r.trim();
      return r;
    }
    case 'headerSet': {
      // An item value no header set name can be.
      const EDIT = '\u0000edit';
      const provider = s.profile!.provider;
      const sets = settings.headerSets();
      const preferred = s.set?.name ?? q.last?.headerSet;
      const items: PickItem<string>[] = sets
        .map((set) => ({
          label: set.name,
          description: lastUsed(set.name === q.last?.headerSet),
          detail: headerSetPreview(set, provider),
          value: set.name,
        }))
        .sort((a, b) => Number(b.value === preferred) - Number(a.value === preferred));
      const r = await pickStep<string>({
        ...titled('headers to sign'),
        placeholder: 'The uploader must send exactly these headers',
        active: preferred,
        items: [
          ...items,
          { label: '$(gear) Edit Header Sets...', detail: 'Open the ossPresign.headerSets setting', value: EDIT },
        ],
      });
      if (r === EDIT) {
        await vscode.commands.executeCommand(Commands.editHeaderSets);
        return undefined;
      }
      if (typeof r === 'string') s.set = sets.find((set) => set.name === r);
      return r;
    }
    case 'origin': {
      const remembered = s.origin ?? q.origin?.remembered;
      const items: PickItem<string>[] = remembered
        ? [{ label: remembered, description: 'last used', value: remembered }]
        : [];
      if (remembered !== ASSUMED_ORIGIN)
        items.push({
          label: ASSUMED_ORIGIN,
          description: remembered
            ? 'a local dev server'
            : "assumed: a local dev server (type your page's origin instead)",
          value: ASSUMED_ORIGIN,
        });
      const r = await pickStep<string>({
        ...titled('origin of the web page'),
        placeholder: 'The page that will send the upload, scheme://host[:port]: its CORS check follows the copy',
        active: remembered,
        items,
        custom: { toValue: (t) => t.trim().replace(/\/$/, ''), problem: originProblem },
      });
      if (typeof r === 'string') s.origin = new URL(r).origin;
      return r;
    }
    case 'expiry': {
      const preferred = s.expirySeconds ?? q.last?.expirySeconds;
      const CUSTOM = -1;
      const items: PickItem<number>[] = EXPIRY_PRESETS.map((p) => ({
        label: p.label,
        value: p.seconds,
        description: lastUsed(p.seconds === q.last?.expirySeconds),
      })).sort((a, b) => Number(b.value === preferred) - Number(a.value === preferred));
      const custom = preferred !== undefined && !EXPIRY_PRESETS.some((p) => p.seconds === preferred);
      const r = await pickStep<number>({
        ...titled('valid for'),
        placeholder: q.expiry!.placeHolder,
        active: custom ? CUSTOM : preferred,
        items: [
          ...items,
          {
            label: '$(edit) Custom...',
            value: CUSTOM,
            description:
              custom && preferred !== undefined
                ? `${formatDuration(preferred)} last time; up to 7 days`
                : 'up to 7 days',
          },
        ],
      });
      if (r !== CUSTOM) {
        if (typeof r === 'number') s.expirySeconds = r;
        return r;
      }
      const text = await inputStep({
        ...titled('custom expiry'),
        prompt: 'Seconds, or a number with s, m, h or d (90m, 12h, 2d); at most 7 days',
        value: preferred !== undefined ? String(preferred) : '',
        problem: (v) => problemOf(() => parseDuration(v)),
      });
      if (typeof text === 'string') s.expirySeconds = parseDuration(text);
      return text;
    }
    case 'key':
      return askKeys(q, s, titled);
    case 'overwrite': {
      const head = s.existing!;
      const key = s.keys![0];
      return pickStep<string>({
        ...titled(`${key} exists`),
        placeholder: `${s.bucket}/${key} already exists (${formatBytes(head.size)}, modified ${head.lastModified}): an upload replaces it`,
        items: [
          { label: `Overwrite ${key}`, description: 'the upload replaces the object', value: 'overwrite' },
          { label: 'Choose Another Key...', value: 'rename' },
        ],
      });
    }
  }
}

/** The key of one file (checked, with a warning for a leading "/"), or the key template of several. */
async function askKeys(q: UploadQuestions, s: State, titled: Titled): Promise<StepResult<unknown>> {
  const provider: Provider = s.profile!.provider;
  const { check, expand, problem: templateProblem } = keyTemplateFor(provider, q.files, q.prefix);
  const setting = settings.keyTemplate();
  const below = q.prefix ? ` below ${q.prefix}` : '';
  // A broken setting must not stop the command before the box that lets the user fix it: say what is wrong there.
  const settingProblem = templateProblem(setting);
  const broken = settingProblem
    ? `The key template "${setting}" in ossPresign.keyTemplate is invalid (${settingProblem}). `
    : '';
  if (q.files.length === 1) {
    const start =
      s.keys?.[0] ??
      (settingProblem ? objectKeyFor(DEFAULT_KEY_TEMPLATE, q.files[0].vars, q.prefix) : expand(setting)[0]);
    const r = await inputStep({
      ...titled('object key'),
      value: start,
      prompt: `${broken}From the template ${settingProblem ? DEFAULT_KEY_TEMPLATE : setting}${below}; edit the key if needed`,
      problem: check,
      warning: keyWarning,
    });
    if (typeof r === 'string') s.keys = [r];
    return r;
  }
  const sample = (t: string) =>
    templateProblem(t) ? '.' : `, e.g. ${expand(t).slice(0, 3).join(', ')}${q.files.length > 3 ? ', ...' : ''}.`;
  const r = await inputStep({
    ...titled('key template'),
    value: setting,
    prompt: `${broken}Keys for ${q.files.length} files${below}${sample(setting)} Variables: \${relativePath} \${fileName} \${fileBasename} \${ext} \${date} \${uuid} \${workspaceFolder}`,
    problem: (t) => templateProblem(t),
    warning: (t) => {
      const keys = expand(t);
      return keys.some((k) => k.startsWith('/')) ? keyWarning(keys.find((k) => k.startsWith('/'))!) : undefined;
    },
  });
  if (typeof r === 'string') s.keys = expand(r);
  return r;
}

/** How long the wizard waits for the HEAD that tells whether a key is taken. */
const HEAD_CHECK_MS = 5_000;

/**
 * The wizard's `head`: HEAD of the key with the profile's credentials, bounded by a timeout; a failure (no network,
 * no permission) is logged and answers "could not tell", which asks nothing more.
 */
export function objectHeadCheck(profiles: ProfileLookup, log: Logger): NonNullable<UploadQuestions['head']> {
  return async (profile, bucket, key) => {
    try {
      const conn = await profiles.connection(profile.id, bucket);
      return await headObject({ ...conn, bucket, key, signal: AbortSignal.timeout(HEAD_CHECK_MS) }, { log });
    } catch (err) {
      log.info(
        `[prompts] could not tell whether ${bucket}/${key} exists: ${err instanceof Error ? err.message : String(err)}`,
      );
      return undefined;
    }
  };
}
