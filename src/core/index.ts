/**
 * OSS Presign programmatic API (`dist/core.js`). Pure Node: no VS Code needed.
 * `activate()` of the extension returns this same object to other extensions.
 */
export * from './types';
export * from './errors';
export { presignPut, requiredHeaders } from './presign';
export { resolveEndpoint, inferRegion, objectUrl } from './endpoint';
export * from './validate';
export { uriEncode, toAmzDate, canonicalQuery } from './signing/encoding';
export {
  OSS_V4_ALGORITHM,
  ossV4CanonicalUri,
  ossV4CanonicalRequest,
  ossV4StringToSign,
  ossV4SigningKey,
  ossV4Signature,
  ossV4Scope,
  signOssV4Query,
  signOssV4Header,
} from './signing/ossV4';
export { ossV1StringToSign, ossV1CanonicalizedResource, signOssV1Query, signOssV1Header } from './signing/ossV1';
export {
  SIGV4_ALGORITHM,
  sigV4CanonicalRequest,
  sigV4StringToSign,
  sigV4SigningKey,
  sigV4Signature,
  sigV4Scope,
  signSigV4Query,
  signSigV4Header,
} from './signing/s3SigV4';
export { authorizeRequest, type AuthorizeInput, type Authorization } from './signing/authorize';
export { redact, redactSecrets, nullLogger, type Logger } from './log';
export { validateProfile, credentialsFromEnv, connectionOptions, connectionForBucket, profileIdFor, type Profile, type CredentialSource, type BucketLocation } from './profiles';
export { sendSigned, readBody, drain, clockFor, toServiceError, EMPTY_SHA256, DEFAULT_BODY_LIMIT, type SignedRequest, type SignedResponse, type SendOptions } from './http/client';
export { configureTransport, transportProxy, DEFAULT_TIMEOUTS, type TransportOptions, type TransportTimeouts, type RequestBody } from './http/transport';
export { SkewClock, SKEW_THRESHOLD_MS, type Clock, type SkewClockOptions } from './clock';
export {
  parseError, parseListBuckets, parseListObjectsV2, parseInitiateMultipart, parseCompleteMultipart, parseListParts,
  parseListMultipartUploads, parseCors, buildCorsXml, buildCompleteMultipartXml, decodeXmlText, escapeXml, unquoteEtag, decodeUrlValue,
  type ParsedError, type BucketInfo, type ListBucketsPage, type ObjectInfo, type ListObjectsPage, type InitiateMultipartResult,
  type CompleteMultipartResult, type PartInfo, type ListPartsPage, type MultipartUploadInfo, type ListMultipartUploadsPage,
} from './xml';
export { diagnose, parsePresignedUrl, type DiagnoseInput, type Diagnosis, type Cause, type CauseCode, type Dialect } from './doctor';
export { importFromHome, parseAwsFiles, parseOssutilConfig, parseAliyunConfig, withFreshIds, type ImportCandidate, type ImportSkip, type ImportResult } from './profileImport';
export { PagedChildren, type Page, type PageLoader } from './pagedChildren';
export { diagnoseFromErrorXml, tryPresignedUpload, type TrialResult } from './doctorRun';
export { listBuckets, type ListBucketsResult } from './api/listBuckets';
export { listObjects, type ListObjectsOptions, type ListObjectsResult } from './api/listObjects';
export { headObject, getObject, deleteObject, type ObjectOptions, type ObjectHead } from './api/objects';
export { getBucketCors, putBucketCors, deleteBucketCors, type BucketOptions } from './api/bucketCors';
export { DEFAULT_KEY_TEMPLATE, TEMPLATE_VARIABLE_NAMES, templateVariables, expandTemplate, objectKeyFor, type TemplateVariables } from './keyTemplate';
export { DEFAULT_HEADER_SETS, parseHeaderSets, detectContentType, storageClassFor, needsContentMd5, resolveHeaderSet, headerSetPreview, type HeaderSet, type ResolvedHeaders } from './headerSets';
export { EXPIRY_PRESETS, parseDuration, formatDuration, effectiveExpiry, describeRemaining, type ExpiryPreset, type EffectiveExpiry } from './expiry';
export { SNIPPET_FORMATS, buildSnippet, buildCurl, buildFetch, buildPython, buildPowerShell, shellQuote, hasDotSegments, type SnippetFormat, type SnippetInput } from './snippets';
export { preflightHeaderNames, wildcardMatch, checkBrowserPut, suggestCorsRule, corsRuleXml, corsRuleJson, browserEndpointAdvice, type CorsRule, type BrowserPut, type CorsVerdict } from './cors';
export { md5File } from './md5File';
export { LEDGER_MAX_ENTRIES, ledgerUrlKey, urlLocation, isExpired, addLedgerEntry, partitionExpired, sanitizeLedger, type LedgerEntry } from './ledger';
export * from './upload/index';
