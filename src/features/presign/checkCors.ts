import * as vscode from 'vscode';
import { BROWSER_HEADER_SET, resolveHeaderSet } from '../../app/headerSets';
import { templateVariables } from '../../app/keyTemplate';
import { isLedgerEntry } from '../../app/ledger';
import type { Profile } from '../../app/profiles';
import {
  browserEndpointAdvice,
  CancelledError,
  checkBrowserPut,
  corsRuleJson,
  corsRuleXml,
  getBucketCors,
  requiredHeaders,
  type CorsVerdict,
} from '../../core/index';
import { reportError } from '../../vscode/errors';
import { pickBucket, pickHeaderSet, pickProfile } from '../../vscode/prompts';
import { isBucketPlace } from '../../vscode/targets';
import type { Services } from '../services';

const ORIGIN_KEY = 'ossPresign.cors.origin';
const TITLE = 'Check Browser Upload';
const DEFAULT_ORIGIN = 'http://localhost:3000';

function originProblem(value: string): string | undefined {
  try {
    const u = new URL(value.trim());
    if (u.origin !== value.trim().replace(/\/$/, '')) return `Give only scheme://host[:port], e.g. ${u.origin}.`;
    return undefined;
  } catch {
    return 'Write the origin of the page that uploads, e.g. http://localhost:3000 or https://app.example.com.';
  }
}

async function pageOrigin(services: Services, ask: boolean): Promise<string> {
  const remembered = services.context.globalState.get<string>(ORIGIN_KEY);
  if (!ask && remembered) return remembered;
  if (!ask) return DEFAULT_ORIGIN;
  const value = await vscode.window.showInputBox({
    title: 'Browser upload: origin of the page',
    prompt: 'The web page that will PUT to the URL (remembered for next time)',
    value: remembered ?? DEFAULT_ORIGIN,
    ignoreFocusOut: true,
    validateInput: originProblem,
  });
  if (value === undefined) throw new CancelledError();
  const origin = new URL(value.trim()).origin;
  await services.context.globalState.update(ORIGIN_KEY, origin);
  return origin;
}

/**
 * Reads the bucket's CORS rules and says whether a browser PUT from the page's origin with exactly `headers`
 * would pass; if not, shows the rule to add. After signing, the origin is asked only the first time.
 */
export async function checkBrowserUpload(
  services: Services,
  input: {
    profile: Profile;
    bucket: string;
    headers: Record<string, string>;
    askOrigin: boolean;
    afterSigning: boolean;
  },
): Promise<CorsVerdict | undefined> {
  try {
    const remembered = services.context.globalState.get<string>(ORIGIN_KEY);
    const origin = await pageOrigin(services, input.askOrigin && (!input.afterSigning || !remembered));
    const conn = await services.profiles.connection(input.profile.id);
    const rules = await getBucketCors({ ...conn, bucket: input.bucket });
    const verdict = checkBrowserPut(rules, { origin, headers: input.headers });
    const advice = browserEndpointAdvice(conn.provider, conn.endpoint, conn.addressing);
    services.log.info(
      `[cors] ${input.bucket}: PUT from ${origin} with ${verdict.requestHeaders.join(', ') || 'no preflight headers'}: ${verdict.allowed ? `allowed by rule ${(verdict.ruleIndex ?? 0) + 1}` : 'blocked'}`,
    );
    if (verdict.allowed) {
      void vscode.window.showInformationMessage(
        [
          `A browser PUT from ${origin} passes the CORS rules of ${input.bucket} (rule ${(verdict.ruleIndex ?? 0) + 1}).`,
          ...verdict.notes,
          ...(advice ? [advice] : []),
        ].join(' '),
      );
    } else {
      const show = 'Show Rule to Add';
      void vscode.window
        .showWarningMessage(
          `A browser PUT from ${origin} to ${input.bucket} would be blocked by CORS: ${verdict.reasons[0]}`,
          show,
        )
        .then((c) => {
          if (c === show) void showReport(services, input.bucket, origin, verdict, advice);
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
      'Add this rule as the first one, before the existing rules: PutBucketCors replaces the whole configuration, and some servers (Ceph radosgw) check only the first rule whose origin matches. The OSS console and `ossutil cors` take the same fields.',
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

/** "Check Browser Upload (CORS)...": from a ledger entry (its signed headers), a bucket node, or the palette. */
export async function checkCorsCommand(services: Services, arg: unknown): Promise<CorsVerdict | undefined> {
  const { profiles, log } = services;
  if (isLedgerEntry(arg)) {
    return checkBrowserUpload(services, {
      profile: profiles.require(arg.profileId),
      bucket: arg.bucket,
      headers: arg.headers,
      askOrigin: true,
      afterSigning: false,
    });
  }
  const place = isBucketPlace(arg) ? arg : undefined;
  const profile = place ? profiles.require(place.profileId) : await pickProfile(profiles, { title: TITLE });
  const bucket = place?.bucket ?? (await pickBucket(profiles, profile, { title: TITLE, log }));
  const set = await pickHeaderSet(profile.provider, { title: TITLE, preferred: BROWSER_HEADER_SET });
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
  return checkBrowserUpload(services, { profile, bucket, headers, askOrigin: true, afterSigning: false });
}
