/** The upload engine's public API (re-exported by src/core/index.ts). */
export { uploadFile, IntegrityError, DEFAULT_CONCURRENCY, type UploadFileOptions, type UploadResult } from './uploadFile';
export { presignMultipart, type PresignMultipartOptions } from './presignMultipart';
export { multipartKitManifest, multipartKitScript, type MultipartKitManifest, type PresignedMultipart, type PresignedPart } from './kitScript';
export { presignRequest, type PresignRequestInput, type PresignedRequest } from './presignRequest';
export { FileChangedError } from './fileSource';
export { UnexpectedResponseError, initiateMultipart, uploadPart, completeMultipart, abortMultipart, listMultipartUploads } from './multipart';
export { planParts, choosePartSize, MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE, DEFAULT_PART_SIZE, DEFAULT_MULTIPART_THRESHOLD, type PartPlan, type PartRange } from './partPlan';
export { withRetry, backoffDelay, classifyFailure, DEFAULT_RETRY_POLICY, type RetryPolicy, type RetryOptions } from './retry';
export { ProgressTracker, CombinedProgress, RateMeter, formatBytes, formatDuration } from './progress';
export { presignGet, type PresignGetOptions } from '../presignGet';
