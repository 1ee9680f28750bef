/** User-facing messages for service error codes: what went wrong in the user's terms, and what to do. */
import type { ParsedError } from '../xml';

export interface ErrorMessageContext {
  provider: 'oss' | 's3';
  host: string;
  method: string;
  bucket?: string | undefined;
  key?: string | undefined;
  accessKeyId: string;
  region: string;
}

/** What the request needed permission for, in the services' action names. */
function action(ctx: ErrorMessageContext): string {
  const p = ctx.provider === 'oss' ? 'oss:' : 's3:';
  if (!ctx.bucket) return `${p}ListBuckets`;
  if (!ctx.key)
    return ctx.method === 'GET'
      ? `${p}ListObjects on bucket "${ctx.bucket}"`
      : `${ctx.method} on bucket "${ctx.bucket}"`;
  const verb =
    { GET: 'GetObject', HEAD: 'GetObject', PUT: 'PutObject', POST: 'PutObject', DELETE: 'DeleteObject' }[ctx.method] ??
    ctx.method;
  return `${p}${verb} on "${ctx.bucket}/${ctx.key}"`;
}

/**
 * The message of a `ServiceError`. Never contains a secret: only the access key id, host, bucket, key and
 * what the service said.
 */
export function serviceErrorMessage(
  status: number,
  code: string,
  parsed: ParsedError | undefined,
  ctx: ErrorMessageContext,
): string {
  const where = ctx.bucket ? `bucket "${ctx.bucket}" on ${ctx.host}` : ctx.host;
  const ref = parsed?.requestId ? ` (request id ${parsed.requestId})` : '';
  switch (code) {
    case 'SignatureDoesNotMatch':
      return `${ctx.host} rejected the signature: the secret does not match the access key id "${ctx.accessKeyId}". Run "OSS Presign: Set Secret" for this profile and paste the secret again${ref}.`;
    case 'InvalidAccessKeyId':
      return `${ctx.host} does not know the access key id "${ctx.accessKeyId}": check the profile's access key id (and that it belongs to this ${ctx.provider === 'oss' ? 'Alibaba Cloud account' : 'service'} and is enabled)${ref}.`;
    case 'InvalidSecurityToken':
    case 'SecurityTokenExpired':
    case 'ExpiredToken':
      return `The STS security token of this profile is invalid or has expired: get new temporary credentials and set them again${ref}.`;
    case 'AccessDenied':
    case 'AllAccessDisabled':
      if (parsed?.endpoint && ctx.provider === 'oss') {
        return `Bucket "${ctx.bucket ?? ''}" must be reached through ${parsed.endpoint}: set the profile's endpoint to https://${parsed.endpoint.replace(/^[^.]*\.(?=oss-)/, '')}${ref}.`;
      }
      return `Access denied on ${where}: the key "${ctx.accessKeyId}" lacks permission for ${action(ctx)}. Grant it in the ${ctx.provider === 'oss' ? 'RAM' : 'IAM/bucket'} policy, or use another profile${ref}.`;
    case 'NoSuchBucket':
      return `Bucket "${ctx.bucket ?? ''}" does not exist on ${ctx.host}: check the bucket name and the profile's endpoint and region${ref}.`;
    case 'NoSuchKey':
    case 'NotFound':
      return ctx.key
        ? `Object "${ctx.key}" does not exist in bucket "${ctx.bucket ?? ''}": refresh the listing${ref}.`
        : `${where} answered 404 Not Found: check the bucket name and the profile's endpoint${ref}.`;
    case 'NoSuchUpload':
      return `The multipart upload no longer exists (aborted or completed): start the upload again${ref}.`;
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
    case 'InvalidRegion':
      if (parsed?.region)
        return `Bucket "${ctx.bucket ?? ''}" is in region ${parsed.region}, not ${ctx.region}: set the profile's region to ${parsed.region}${ref}.`;
      if (parsed?.endpoint)
        return `Bucket "${ctx.bucket ?? ''}" must be reached through ${parsed.endpoint}: set the profile's endpoint (and region) accordingly${ref}.`;
      return `${ctx.host} says the request went to the wrong region or endpoint for ${where}: check the profile's endpoint and region (now ${ctx.region})${ref}.`;
    case 'RequestTimeTooSkewed':
      return `${ctx.host} rejected the request time${parsed?.serverTime ? ` (server time ${parsed.serverTime})` : ''}: set this computer's clock correctly (enable network time sync), then retry${ref}.`;
    case 'BucketAlreadyExists':
    case 'BucketAlreadyOwnedByYou':
      return `Bucket "${ctx.bucket ?? ''}" already exists: choose another name${ref}.`;
    case 'BucketNotEmpty':
      return `Bucket "${ctx.bucket ?? ''}" is not empty: delete its objects first${ref}.`;
    case 'NoSuchCORSConfiguration':
      return `Bucket "${ctx.bucket ?? ''}" has no CORS rules: add a rule allowing your origin to PUT${ref}.`;
    case 'EntityTooLarge':
      return `The object is larger than a single PUT allows: use a multipart upload${ref}.`;
    case 'InvalidPart':
    case 'InvalidPartOrder':
      return `The service rejected the list of parts: start the upload again${ref}.`;
    case 'SlowDown':
    case 'TooManyRequests':
      return `${ctx.host} is throttling requests: wait a moment and retry${ref}.`;
  }
  if (parsed?.region && parsed.region !== ctx.region && (status === 301 || status === 400 || status === 403)) {
    return `Bucket "${ctx.bucket ?? ''}" is in region ${parsed.region}, not ${ctx.region}: set the profile's region to ${parsed.region}${ref}.`;
  }
  if (status >= 500)
    return `${ctx.host} is unavailable (${status} ${code}): the service had a problem; retry later${ref}.`;
  const said = parsed?.message ? `: ${parsed.message}` : '';
  return `${ctx.host} answered ${status} ${code}${said}. Check the profile's endpoint, region and bucket, then retry${ref}.`;
}
