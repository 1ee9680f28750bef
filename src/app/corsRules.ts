/** A bucket's CORS configuration as the extension shows and changes it. Pure. */
import type { CorsRule } from '../core/index';

/**
 * The rules to write when adding `suggested`: it goes first and every existing rule is kept after it, in order.
 * First, because PutBucketCors replaces the whole configuration and some servers (Ceph radosgw) check only the first
 * rule whose origin matches.
 */
export function withSuggestedRule(existing: readonly CorsRule[], suggested: CorsRule): CorsRule[] {
  return [suggested, ...existing];
}

/**
 * The rules in the JSON of `aws s3api put-bucket-cors --cors-configuration` (every field, the rule ID too), one
 * value per line so that a diff of two configurations shows what changes.
 */
export function corsConfigurationJson(rules: readonly CorsRule[]): string {
  const configuration = {
    CORSRules: rules.map((r) => ({
      ...(r.id ? { ID: r.id } : {}),
      AllowedOrigins: r.allowedOrigins,
      AllowedMethods: r.allowedMethods,
      ...(r.allowedHeaders?.length ? { AllowedHeaders: r.allowedHeaders } : {}),
      ...(r.exposeHeaders?.length ? { ExposeHeaders: r.exposeHeaders } : {}),
      ...(r.maxAgeSeconds !== undefined ? { MaxAgeSeconds: r.maxAgeSeconds } : {}),
    })),
  };
  return JSON.stringify(configuration, null, 2) + '\n';
}
