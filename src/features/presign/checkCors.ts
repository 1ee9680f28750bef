import * as vscode from 'vscode';
import { corsConfigurationJson, withSuggestedRule } from '../../app/corsRules';
import { BROWSER_HEADER_SET, resolveHeaderSet } from '../../app/headerSets';
import { templateVariables } from '../../app/keyTemplate';
import { isLedgerEntry } from '../../app/ledger';
import type { Profile } from '../../app/profiles';
import {
  browserEndpointAdvice,
  CancelledError,
  checkBrowserPut,
  ConfigError,
  corsRuleJson,
  corsRuleXml,
  getBucketCors,
  preflight,
  putBucketCors,
  requiredHeaders,
  type CorsRule,
  type CorsVerdict,
  type PreflightResult,
} from '../../core/index';
import { reportError } from '../../vscode/errors';
import { findHeaderSet, pickBucket, pickHeaderSet, pickProfile } from '../../vscode/prompts';
import { commandOptions, isBucketPlace } from '../../vscode/targets';
import { ASSUMED_ORIGIN, originProblem } from '../../vscode/uploadWizard';
import type { Services } from '../services';

const ORIGIN_KEY = 'ossPresign.cors.origin';
const TITLE = 'Check Browser Upload';
const APPLY_TITLE = 'Apply Suggested CORS Rule';
/** The object a preflight names when no key is known: any key does, the rules are the bucket's. */
const SAMPLE_KEY = 'oss-presign-cors-check';

/** Answers given up front (a second command argument, tests); whatever is missing is asked. */
export interface CorsOptions {
  /** The page's origin, `scheme://host[:port]`. */
  origin?: string;
  /** The header set whose headers the page sends (bucket nodes and the palette). */
  headerSet?: string;
}

const CORS_OPTION_NAMES: ReadonlyArray<keyof CorsOptions> = ['origin', 'headerSet'];

/** A browser upload to check: where to, with which method and exactly which headers. */
interface BrowserUpload {
  profile: Profile;
  bucket: string;
  /** PUT (a presigned URL) or POST (a form: no headers of its own). */
  method: 'PUT' | 'POST';
  headers: Record<string, string>;
  /** An object key for the preflight. */
  key: string;
}

/** What "Apply Suggested CORS Rule" did: the rules the bucket has now, and the server's preflight after writing. */
export interface CorsApplyResult {
  applied: boolean;
  rules: CorsRule[];
  preflight?: PreflightResult;
}

/** The page origin the user gave last (the presign wizard's origin step, or a CORS command), if any. */
export function rememberedOrigin(services: Services): string | undefined {
  return services.context.globalState.get<string>(ORIGIN_KEY);
}

export function rememberOrigin(services: Services, origin: string): Thenable<void> {
  return services.context.globalState.update(ORIGIN_KEY, origin);
}

/** Asks the page's origin, the remembered one (else an assumed one, marked so) filled in. */
async function pageOrigin(services: Services): Promise<string> {
  const remembered = rememberedOrigin(services);
  const value = await vscode.window.showInputBox({
    title: 'Browser upload: origin of the page',
    prompt: remembered
      ? 'The web page that will PUT to the URL (remembered for next time)'
      : `The web page that will PUT to the URL: ${ASSUMED_ORIGIN} is assumed (a local dev server), type yours (remembered for next time)`,
    value: remembered ?? ASSUMED_ORIGIN,
    ignoreFocusOut: true,
    validateInput: originProblem,
  });
  if (value === undefined) throw new CancelledError();
  const origin = new URL(value.trim()).origin;
  await rememberOrigin(services, origin);
  return origin;
}

/**
 * Reads the bucket's CORS rules and says whether a browser PUT (or a form's POST) from the page's origin with exactly
 * `headers` would pass; if not, shows the rule to add and offers to apply it. Without `origin` it is asked.
 */
export async function checkBrowserUpload(
  services: Services,
  input: {
    profile: Profile;
    bucket: string;
    headers: Record<string, string>;
    afterSigning: boolean;
    method?: 'PUT' | 'POST';
    key?: string;
    /** The page's origin, when the caller knows it (else asked or remembered). */
    origin?: string;
  },
): Promise<CorsVerdict | undefined> {
  try {
    const method = input.method ?? 'PUT';
    const origin = input.origin ?? (await pageOrigin(services));
    const conn = await services.profiles.connection(input.profile.id, input.bucket);
    const rules = await getBucketCors({ ...conn, bucket: input.bucket });
    const verdict = checkBrowserPut(rules, { origin, method, headers: input.headers });
    const advice = browserEndpointAdvice(conn.provider, conn.endpoint, conn.addressing);
    services.log.info(
      `[cors] ${input.bucket}: ${method} from ${origin} with ${verdict.requestHeaders.join(', ') || 'no preflight headers'}: ${verdict.allowed ? `allowed by rule ${(verdict.ruleIndex ?? 0) + 1}` : 'blocked'}`,
    );
    if (verdict.allowed) {
      void vscode.window.showInformationMessage(
        [
          `A browser ${method} from ${origin} passes the CORS rules of ${input.bucket} (rule ${(verdict.ruleIndex ?? 0) + 1}).`,
          ...verdict.notes,
          ...(advice ? [advice] : []),
        ].join(' '),
      );
    } else {
      const apply = 'Apply Suggested Rule...';
      const show = 'Show Rule to Add';
      const upload: BrowserUpload = {
        profile: input.profile,
        bucket: input.bucket,
        method,
        headers: input.headers,
        key: input.key ?? SAMPLE_KEY,
      };
      void vscode.window
        .showWarningMessage(
          `A browser ${method} from ${origin} to ${input.bucket} would be blocked by CORS: ${verdict.reasons[0]}`,
          apply,
          show,
        )
        .then(async (c) => {
          try {
            if (c === apply) await applySuggestedRule(services, upload, origin);
            else if (c === show) await showReport(services, input.bucket, origin, verdict, advice);
          } catch (err) {
            reportError(err, services.log, `[cors] ${input.bucket}`);
          }
        });
      if (!input.afterSigning) await showReport(services, input.bucket, origin, verdict, advice);
    }
    return verdict;
  } catch (err) {
    reportError(err, services.log, `[cors] ${input.bucket}`);
    return undefined;
  }
}

async function showReport(
  services: Services,
  bucket: string,
  origin: string,
  verdict: CorsVerdict,
  advice: string | undefined,
): Promise<void> {
  const rule = verdict.suggestedRule;
  const lines = [
    `# Browser upload to ${bucket} from ${origin}: blocked by CORS`,
    '',
    `The browser asks to send: ${verdict.requestHeaders.join(', ') || '(no headers that need a preflight)'}.`,
    '',
    ...verdict.reasons.map((r) => `- ${r}`),
  ];
  if (rule) {
    lines.push(
      '',
      '## Rule to add',
      '',
      'Add this rule as the first one, before the existing rules: PutBucketCors replaces the whole configuration, and some servers (Ceph radosgw) check only the first rule whose origin matches. "Apply Suggested Rule..." (in the notification, or "OSS Presign: Apply Suggested CORS Rule...") does that after showing the change. The OSS console and `ossutil cors` take the same fields.',
      '',
      '```xml',
      corsRuleXml(rule),
      '```',
      '',
      'As JSON for `aws s3api put-bucket-cors` (one entry of `CORSRules`):',
      '',
      '```json',
      corsRuleJson(rule),
      '```',
    );
  }
  if (advice) lines.push('', '## Endpoint', '', advice);
  await services.documents.show(`/cors/CORS ${bucket}.md`, lines.join('\n') + '\n');
}

/**
 * The browser upload a command is about: a ledger entry's (its method and signed headers), or, from a bucket node or
 * the palette, a PUT with the headers of a header set.
 */
async function browserUpload(
  services: Services,
  arg: unknown,
  options: CorsOptions,
  title: string,
): Promise<BrowserUpload> {
  const { profiles, log } = services;
  if (isLedgerEntry(arg)) {
    if (arg.method === 'GET')
      throw new ConfigError(
        'ledger',
        'NotAnUpload',
        'This is a download link: a browser opens it without any CORS rule (only a page that fetch()es it needs a rule allowing GET from its origin).',
      );
    return {
      profile: profiles.require(arg.profileId),
      bucket: arg.bucket,
      method: arg.method,
      headers: arg.headers,
      key: arg.key.replace(/\$\{filename\}/g, SAMPLE_KEY),
    };
  }
  const place = isBucketPlace(arg) ? arg : undefined;
  const profile = place ? profiles.require(place.profileId) : await pickProfile(profiles, { title });
  const bucket = place?.bucket ?? (await pickBucket(profiles, profile, { title, log }));
  const set = options.headerSet
    ? findHeaderSet(options.headerSet)
    : await pickHeaderSet(profile.provider, { title, preferred: BROWSER_HEADER_SET });
  // Content-Type "auto" depends on the file; the active editor's file stands in for the files to upload.
  const sample = vscode.window.activeTextEditor?.document.fileName.split(/[\\/]/).pop() || 'upload.bin';
  // Only header names (and a safelisted Content-Type) matter to the preflight, so no file needs hashing.
  const resolved = resolveHeaderSet({ ...set, contentMd5: undefined }, profile.provider, {
    vars: templateVariables({ relativePath: sample, now: new Date() }),
  });
  const headers = requiredHeaders(
    profile.provider,
    set.contentMd5 ? { ...resolved.headers, 'Content-MD5': 'md5' } : resolved.headers,
    resolved.metadata,
  );
  return { profile, bucket, method: 'PUT', headers, key: `${place?.prefix ?? ''}${SAMPLE_KEY}` };
}

/** The origin from the options (checked like a typed one), else asked (the remembered one offered). */
async function optionOrigin(services: Services, options: CorsOptions): Promise<string> {
  if (options.origin === undefined) return pageOrigin(services);
  const problem = originProblem(options.origin);
  if (problem) throw new ConfigError('origin', 'InvalidOrigin', problem);
  return new URL(options.origin.trim()).origin;
}

/** "Check Browser Upload (CORS)...": from a ledger entry (its signed headers), a bucket node, or the palette. */
export async function checkCorsCommand(
  services: Services,
  arg: unknown,
  arg1?: unknown,
): Promise<CorsVerdict | undefined> {
  const options = commandOptions<CorsOptions>(arg1, CORS_OPTION_NAMES) ?? {};
  const upload = await browserUpload(services, arg, options, TITLE);
  const origin = options.origin === undefined ? undefined : await optionOrigin(services, options);
  return checkBrowserUpload(services, {
    ...upload,
    afterSigning: false,
    ...(origin ? { origin } : {}),
  });
}

/** "Apply Suggested CORS Rule...": the same target as the check, then the rule it suggests, applied. */
export async function applyCorsRuleCommand(services: Services, arg: unknown, arg1?: unknown): Promise<CorsApplyResult> {
  const options = commandOptions<CorsOptions>(arg1, CORS_OPTION_NAMES) ?? {};
  const upload = await browserUpload(services, arg, options, APPLY_TITLE);
  return applySuggestedRule(services, upload, await optionOrigin(services, options));
}

/**
 * Adds the rule the check suggests: shows the bucket's rules and the rules with it (first, the existing ones kept
 * after it) as a diff, writes them (PutBucketCors) only after a modal confirmation and only over the rules shown,
 * then asks the server's own preflight whether the browser would now be let through, and says.
 */
async function applySuggestedRule(services: Services, upload: BrowserUpload, origin: string): Promise<CorsApplyResult> {
  const { bucket, method } = upload;
  const conn = await services.profiles.connection(upload.profile.id, bucket);
  const current = await getBucketCors({ ...conn, bucket });
  const verdict = checkBrowserPut(current, { origin, method, headers: upload.headers });
  if (verdict.allowed || !verdict.suggestedRule) {
    void vscode.window.showInformationMessage(
      `The CORS rules of ${bucket} already let a browser ${method} from ${origin} (rule ${(verdict.ruleIndex ?? 0) + 1}): nothing to apply.`,
    );
    return { applied: false, rules: current };
  }
  const rules = withSuggestedRule(current, verdict.suggestedRule);
  const shown = corsConfigurationJson(current);
  const before = services.documents.set(`/cors/${bucket}/CORS now.json`, shown);
  const after = services.documents.set(`/cors/${bucket}/CORS with the rule.json`, corsConfigurationJson(rules));
  await vscode.commands.executeCommand(
    'vscode.diff',
    before,
    after,
    `CORS of ${bucket}: now ↔ with the rule for ${origin}`,
  );
  const apply = 'Apply';
  const headers = verdict.requestHeaders.length ? ` with ${verdict.requestHeaders.join(', ')}` : '';
  const choice = await vscode.window.showWarningMessage(
    `Write ${rules.length} CORS rule${rules.length > 1 ? 's' : ''} to ${bucket}?`,
    {
      modal: true,
      detail: `The new rule 1 lets a browser ${method} from ${origin}${headers}. ${current.length ? `The ${current.length} existing rule${current.length > 1 ? 's' : ''} stay${current.length > 1 ? '' : 's'} after it, unchanged` : 'The bucket has no rules yet'}, as the diff shows. PutBucketCors replaces the whole configuration with these rules.`,
    },
    apply,
  );
  if (choice !== apply) {
    services.log.info(`[cors] ${bucket}: the suggested rule was not applied (not confirmed)`);
    return { applied: false, rules: current };
  }
  // Another window or tool may have changed the rules while the diff was open: write only over what was shown.
  if (corsConfigurationJson(await getBucketCors({ ...conn, bucket })) !== shown)
    throw new ConfigError(
      'cors',
      'CorsChanged',
      `The CORS rules of ${bucket} changed while the diff was open, so nothing was written: run "Apply Suggested CORS Rule..." again to see the new ones.`,
    );
  await putBucketCors({ ...conn, bucket, rules });
  services.log.info(
    `[cors] ${bucket}: wrote ${rules.length} rules, the first one for ${method} from ${origin}${headers}`,
  );
  const answer = await preflight({ ...conn, bucket, key: upload.key, origin, method, headers: verdict.requestHeaders });
  services.log.info(
    `[cors] ${bucket}: preflight for ${method} from ${origin}${headers}: ${answer.status}, ${answer.allowed ? 'allowed' : answer.reason}`,
  );
  if (answer.allowed) {
    void vscode.window.showInformationMessage(
      `Applied: ${bucket} has ${rules.length} CORS rule${rules.length > 1 ? 's' : ''}, and its own preflight now lets a browser ${method} from ${origin}${headers}.`,
    );
  } else {
    void vscode.window.showWarningMessage(
      `Applied the rule to ${bucket}, but the server's preflight still refuses: ${answer.reason} Some services take a minute to use new rules: run "Check Browser Upload" again shortly.`,
    );
  }
  return { applied: true, rules, preflight: answer };
}
