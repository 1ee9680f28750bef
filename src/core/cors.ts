/**
 * Browser preflight check: would a `fetch(url, { method: 'PUT', headers })` from a web page pass the bucket's CORS
 * rules? Pure matcher over the rules GetBucketCors returns (same model on OSS and S3), plus the rule to add when
 * it would not.
 */
import type { Addressing, Provider } from './types';

/** One CORS rule, as both providers define it. */
export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders?: string[];
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
}

export interface BrowserPut {
  /** The page's origin, `scheme://host[:port]`. */
  origin: string;
  /** Default PUT. */
  method?: string;
  /** The headers the page sends: exactly the signed ones. */
  headers: Record<string, string>;
}

export interface CorsVerdict {
  allowed: boolean;
  /** Index of the first matching rule (the one the server applies). */
  ruleIndex?: number;
  /** Header names (lower-case) the browser lists in Access-Control-Request-Headers. */
  requestHeaders: string[];
  /** Why each rule does not match, one sentence per rule (empty when allowed). */
  reasons: string[];
  /** Advice that does not block the upload, e.g. ETag not exposed. */
  notes: string[];
  /** When not allowed: a rule that would let this PUT through. */
  suggestedRule?: CorsRule;
}

// CORS-safelisted Content-Type values (Fetch standard): with one of these the browser does not list the header.
const SAFELISTED_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const SAFELISTED_HEADERS = new Set(['accept', 'accept-language', 'content-language']);

/**
 * The header names a browser puts into `Access-Control-Request-Headers` for these request headers: all but the
 * CORS-safelisted ones, lower-cased and sorted (Fetch standard, "CORS-unsafe request-header names").
 */
export function preflightHeaderNames(headers: Record<string, string>): string[] {
  const names = new Set<string>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (SAFELISTED_HEADERS.has(lower)) continue;
    if (lower === 'content-type' && SAFELISTED_CONTENT_TYPES.has(value.split(';')[0].trim().toLowerCase())) continue;
    names.add(lower);
  }
  return [...names].sort();
}

/**
 * Matches `value` against a pattern with `*` wildcards (OSS and S3 allow one; any number is accepted here).
 * `ignoreCase` for header names.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (!p.includes('*')) return p === v;
  const re = new RegExp(
    '^' +
      p
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    's',
  );
  return re.test(v);
}

/**
 * Evaluates a browser PUT against the bucket's CORS rules as the server does: the first rule whose origin, method
 * and every requested header match wins.
 */
export function checkBrowserPut(rules: readonly CorsRule[], put: BrowserPut): CorsVerdict {
  const method = (put.method ?? 'PUT').toUpperCase();
  const requestHeaders = preflightHeaderNames(put.headers);
  const reasons: string[] = [];
  let ruleIndex: number | undefined;
  /** The first rule whose origin matched but whose method or headers did not. */
  let shadowing: number | undefined;
  rules.forEach((rule, i) => {
    if (ruleIndex !== undefined) return;
    const label = `Rule ${i + 1}${rule.id ? ` ("${rule.id}")` : ''}`;
    if (!rule.allowedOrigins.some((o) => wildcardMatch(o, put.origin))) {
      reasons.push(
        `${label} does not allow the origin ${put.origin} (it allows ${rule.allowedOrigins.join(', ') || 'none'}).`,
      );
      return;
    }
    shadowing ??= i;
    if (!rule.allowedMethods.some((m) => m.toUpperCase() === method)) {
      reasons.push(`${label} does not allow ${method} (it allows ${rule.allowedMethods.join(', ') || 'none'}).`);
      return;
    }
    const missing = requestHeaders.filter((h) => !(rule.allowedHeaders ?? []).some((a) => wildcardMatch(a, h, true)));
    if (missing.length) {
      reasons.push(`${label} does not allow the header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`);
      return;
    }
    ruleIndex = i;
    if (shadowing === i) shadowing = undefined;
  });
  if (rules.length === 0)
    reasons.push('The bucket has no CORS rules, so browsers block every cross-origin request to it.');
  const notes: string[] = [];
  if (ruleIndex !== undefined && shadowing !== undefined) {
    // Measured: Ceph radosgw picks the first rule whose origin matches and checks only that one, unlike AWS and OSS.
    notes.push(
      `Rule ${shadowing + 1} also matches this origin but refuses the request, and comes first: servers that check only the first rule for an origin (Ceph radosgw) refuse it. Move rule ${ruleIndex + 1} before it.`,
    );
  }
  if (ruleIndex !== undefined && !(rules[ruleIndex].exposeHeaders ?? []).some((h) => wildcardMatch(h, 'etag', true))) {
    notes.push(
      "The matching rule does not expose ETag: the page cannot read the uploaded object's ETag (add <ExposeHeader>ETag</ExposeHeader> if it needs it).",
    );
  }
  const verdict: CorsVerdict = {
    allowed: ruleIndex !== undefined,
    requestHeaders,
    reasons: ruleIndex === undefined ? reasons : [],
    notes,
  };
  if (ruleIndex !== undefined) verdict.ruleIndex = ruleIndex;
  else verdict.suggestedRule = suggestCorsRule(put.origin, method, requestHeaders);
  return verdict;
}

/** The smallest rule that lets a browser at `origin` send `method` with `headers`. */
export function suggestCorsRule(origin: string, method: string, headers: string[]): CorsRule {
  return {
    allowedOrigins: [origin],
    allowedMethods: [method.toUpperCase()],
    allowedHeaders: [...headers],
    exposeHeaders: ['ETag'],
    maxAgeSeconds: 600,
  };
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The rule as a `<CORSRule>` element; both OSS (PutBucketCors) and S3 (PutBucketCors) use these element names.
 * PutBucketCors replaces the whole configuration, so the element goes before the existing rules (first: some
 * servers check only the first rule whose origin matches).
 */
export function corsRuleXml(rule: CorsRule): string {
  const el = (name: string, values: readonly string[] | undefined) =>
    (values ?? []).map((v) => `  <${name}>${xmlEscape(v)}</${name}>`);
  return [
    '<CORSRule>',
    ...el('AllowedOrigin', rule.allowedOrigins),
    ...el('AllowedMethod', rule.allowedMethods),
    ...el('AllowedHeader', rule.allowedHeaders),
    ...el('ExposeHeader', rule.exposeHeaders),
    ...(rule.maxAgeSeconds !== undefined ? [`  <MaxAgeSeconds>${rule.maxAgeSeconds}</MaxAgeSeconds>`] : []),
    '</CORSRule>',
  ].join('\n');
}

/** The rule in the JSON of `aws s3api put-bucket-cors --cors-configuration` (one entry of `CORSRules`). */
export function corsRuleJson(rule: CorsRule): string {
  return JSON.stringify(
    {
      AllowedOrigins: rule.allowedOrigins,
      AllowedMethods: rule.allowedMethods,
      ...(rule.allowedHeaders?.length ? { AllowedHeaders: rule.allowedHeaders } : {}),
      ...(rule.exposeHeaders?.length ? { ExposeHeaders: rule.exposeHeaders } : {}),
      MaxAgeSeconds: rule.maxAgeSeconds,
    },
    null,
    2,
  );
}

/**
 * Advice for OSS default domains: `*.aliyuncs.com` forces downloads (Content-Disposition: attachment) for web
 * content and is restricted for some browser uses, so a page should use a custom domain bound to the bucket
 * (profile addressing `cname`). Undefined when nothing needs saying.
 */
export function browserEndpointAdvice(
  provider: Provider,
  endpoint: string,
  addressing: Addressing | undefined,
): string | undefined {
  if (provider !== 'oss' || addressing === 'cname') return undefined;
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (!host.endsWith('.aliyuncs.com')) return undefined;
  return `The URL uses the OSS default domain (${host}), which forces downloads of web content and limits some browser uses. For a web page, bind a custom domain to the bucket and add a profile with that domain as endpoint and addressing "cname".`;
}
