/**
 * OSS Presign programmatic API (`dist/core.js`, typed by `dist/core.d.ts`). Pure Node: no VS Code needed.
 * `activate()` of the extension returns this same module to other extensions. Every export is named here, so two
 * modules exporting the same name is a compile error, and README.md's "Reference" lists exactly these names.
 */

// Options, results and errors
export type {
  Provider,
  SignatureVersion,
  Addressing,
  EndpointOptions,
  Credentials,
  ConnectionOptions,
  PresignPutOptions,
  PresignResult,
} from './types';
export { StorageError, ConfigError, ServiceError, NetworkError, CancelledError, isCancelled } from './errors';

// Presigning
export { presignPut, requiredHeaders } from './presign';
export { presignGet, attachmentDisposition, type PresignGetOptions } from './presignGet';
export {
  presignPost,
  type PresignPostOptions,
  type PresignedPost,
  type PostPolicy,
  type PostPolicyCondition,
} from './presignPost';
export { buildPostForm, buildPostCurl, buildPostFetch } from './postSnippets';
export { presignRequest, type PresignRequestInput, type PresignedRequest } from './upload/presignRequest';
export { presignMultipart, type PresignMultipartOptions } from './upload/presignMultipart';
export {
  multipartKitManifest,
  multipartKitScript,
  type MultipartKitManifest,
  type PresignedMultipart,
  type PresignedPart,
} from './upload/kitScript';
export {
  SNIPPET_FORMATS,
  buildSnippet,
  buildCurl,
  buildFetch,
  buildPython,
  buildPowerShell,
  shellQuote,
  type SnippetFormat,
  type SnippetInput,
} from './snippets';
export { detectContentType } from './contentType';
export { md5File } from './md5File';

// Validation (each throws a ConfigError that says what to do, or returns the problem as text)
export {
  MAX_EXPIRES_SECONDS,
  validateProvider,
  validateSignatureVersion,
  validateAddressing,
  validateExpiry,
  bucketNameProblem,
  validateBucket,
  objectKeyProblem,
  validateKey,
  validateEndpoint,
  validateHeader,
  validateMetadataName,
  validateRegion,
  validateCredentials,
  validateDate,
} from './validate';
export { resolveEndpoint, inferRegion, endpointWarnings, objectUrl, type ResolvedEndpoint } from './endpoint';

// Signing steps (pure: no I/O, time is a parameter)
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

// Storage operations
export { listBuckets, type ListBucketsResult } from './api/listBuckets';
export { listObjects, type ListObjectsOptions, type ListObjectsResult } from './api/listObjects';
export { headObject, getObject, deleteObject, type ObjectOptions, type ObjectHead } from './api/objects';
export { downloadObject, type DownloadObjectOptions, type DownloadResult } from './api/downloadObject';
export { deleteObjects, type DeleteObjectsResult } from './api/deleteObjects';
export {
  getBucketCors,
  putBucketCors,
  deleteBucketCors,
  preflight,
  type BucketOptions,
  type PreflightOptions,
  type PreflightResult,
} from './api/bucketCors';
export { getBucketLocation, bucketRegionFromError, type BucketRegion } from './api/bucketLocation';
export type { BucketInfo, ObjectInfo, MultipartUploadInfo, PartInfo } from './xml';

// Uploads
export {
  uploadFile,
  IntegrityError,
  DEFAULT_CONCURRENCY,
  type UploadFileOptions,
  type UploadResult,
} from './upload/uploadFile';
export { FileChangedError } from './upload/fileSource';
export {
  UnexpectedResponseError,
  abortMultipartUpload,
  listMultipartUploads,
  listParts,
  type AbortMultipartUploadOptions,
  type ListMultipartUploadsOptions,
  type ListMultipartUploadsPage,
  type ListPartsOptions,
  type ListPartsPage,
} from './upload/multipart';
export type { Checkpoint, CheckpointPart, CheckpointStore, RestartReason } from './upload/checkpoint';
export {
  MAX_PARTS,
  MAX_PART_SIZE,
  MIN_PART_SIZE,
  DEFAULT_PART_SIZE,
  DEFAULT_MULTIPART_THRESHOLD,
} from './upload/partPlan';

// Browser uploads (CORS)
export {
  checkBrowserPut,
  suggestCorsRule,
  corsRuleXml,
  corsRuleJson,
  browserEndpointAdvice,
  type CorsRule,
  type BrowserPut,
  type CorsVerdict,
} from './cors';

// Diagnosing a failed upload
export {
  diagnose,
  parsePresignedUrl,
  type DiagnoseInput,
  type Diagnosis,
  type Cause,
  type CauseCode,
  type Dialect,
} from './doctor';
export { diagnoseFromErrorXml, tryPresignedUpload, type TrialResult } from './doctorRun';

// HTTP, clock and logging
export { sendSigned, readBody, drain, type SignedRequest, type SignedResponse, type SendOptions } from './http/client';
export { configureTransport, DEFAULT_TIMEOUTS, type TransportOptions, type TransportTimeouts } from './http/transport';
export { SkewClock, SKEW_THRESHOLD_MS, clockKey, clockFor, type Clock, type SkewClockOptions } from './clock';
export { measureClock, type MeasureClockOptions } from './api/measureClock';
export { redact, redactSecrets, nullLogger, type Logger } from './log';
