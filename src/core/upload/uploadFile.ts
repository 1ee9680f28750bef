/**
 * `uploadFile`: one file to one object, streamed from disk. Below the multipart threshold a single signed PUT;
 * at or above it a multipart upload with `concurrency` parts in flight, each with a checksum the service verifies,
 * retried on resets, timeouts and 5xx, and aborted on cancel or failure so nothing is left behind (unless a
 * checkpoint keeps it for a resume). The stored object is checked afterwards (size, and ETag where the provider
 * defines it).
 */
import { CancelledError, ConfigError, StorageError, isCancelled } from '../errors';
import { resolveEndpoint } from '../endpoint';
import { detectContentType } from '../contentType';
import { drain, sendSigned, type SendOptions } from '../http/client';
import { nullLogger, type Logger } from '../log';
import { requiredHeaders } from '../presign';
import type { ConnectionOptions, Provider } from '../types';
import { validateBucket, validateKey } from '../validate';
import { unquoteEtag } from '../xml';
import {
  CheckpointWriter,
  checkCheckpoint,
  isUploadGone,
  reconcileParts,
  type Checkpoint,
  type CheckpointPart,
  type CheckpointStore,
  type CheckpointTarget,
  type CheckpointVerdict,
  type RestartReason,
} from './checkpoint';
import {
  FileChangedError,
  acquireBuffer,
  assertUnchanged,
  hashBytes,
  hashRange,
  memoryBody,
  rangeBody,
  readRange,
  releaseBuffers,
  snapshotFile,
  type FileSnapshot,
} from './fileSource';
import { headObject } from '../api/objects';
import { abortMultipartUpload, completeMultipart, initiateMultipart, listAllParts, uploadPart } from './multipart';
import { DEFAULT_MULTIPART_THRESHOLD, MAX_PART_SIZE, planParts, type PartPlan, type PartRange } from './partPlan';
import { ProgressTracker } from './progress';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry';

export const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 32;
/**
 * Parts up to this size are read from disk once, into a buffer each part worker keeps, then hashed and sent (and
 * resent on a retry) from memory: a second read of every part cost about a fifth of an upload's CPU time. Larger
 * parts (a chosen part size, or files over 160 GiB) are read twice, hashing then sending, so memory stays bounded.
 */
const MAX_BUFFERED_PART = 16 * 1024 * 1024;

export interface UploadFileOptions extends ConnectionOptions {
  bucket: string;
  /** The object key, raw. */
  key: string;
  filePath: string;
  /** Headers stored with the object (Content-Type, Cache-Control, x-oss-storage-class, ...). Content-Type defaults from the key's extension. */
  headers?: Record<string, string>;
  /** User metadata (name -> value). */
  metadata?: Record<string, string>;
  /** Bytes per part; default 8 MiB, raised to the provider's minimum and to stay within 10,000 parts. */
  partSize?: number;
  /** Parts in flight at once, 1..32; default 4. */
  concurrency?: number | undefined;
  /** Files of at least this many bytes go multipart; default 64 MiB. */
  multipartThreshold?: number | undefined;
  /** Bytes sent so far (monotonic, ends at `totalBytes`). */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
  log?: Logger;
  /** Retries of each request; default 5 attempts, 250 ms doubling up to 10 s, full jitter. */
  retry?: Partial<RetryPolicy>;
  /**
   * Makes a multipart upload resumable in a later call (another process, after a crash or a lost connection):
   * the checkpoint is saved when the upload starts and after each part, and cleared once the object is complete.
   * Given a saved checkpoint, the upload asks the service which parts it holds (ListParts) and sends only the
   * missing ones, or those stored with another size or ETag. It starts over instead (aborting the earlier upload
   * where it can, logging a warning and setting `restarted` in the result) when the file's size or modification
   * time changed, the target differs, the service no longer has the upload, or the checkpoint is unreadable.
   *
   * With a checkpoint, a cancelled or failed multipart upload is NOT aborted: its parts stay on the service (and
   * are billed) until it is resumed, aborted (`abortMultipartUpload`) or removed by a lifecycle rule, and the
   * checkpoint is kept. Except when the file changed while it was read or the upload is gone: then it is aborted
   * and the checkpoint cleared, as nothing can be resumed. Without a checkpoint, a failed upload is always aborted.
   */
  checkpoint?: CheckpointStore | undefined;
}

export interface UploadResult {
  /** ETag of the stored object, bare (no quotes). */
  etag: string;
  bytes: number;
  /** Number of parts, for a multipart upload. */
  parts?: number;
  /** Bytes an earlier session had stored that this one did not send again (0 unless resumed from a checkpoint). */
  resumedBytes: number;
  /** Set when the given checkpoint could not be resumed and the upload started over: why. */
  restarted?: RestartReason;
  /** Parts the checkpoint recorded that the service had lost or held with another size or ETag: sent again. */
  resentParts?: number[];
}

/** The stored object does not match what was sent (size or ETag). */
export class IntegrityError extends StorageError {
  constructor(key: string, what: string) {
    super(
      'IntegrityError',
      `The stored object ${key} does not match the file (${what}): upload it again; if this repeats, something between you and the service alters data.`,
      { details: { key } },
    );
    this.name = 'IntegrityError';
  }
}

interface Job {
  conn: ConnectionOptions;
  provider: Provider;
  target: CheckpointTarget;
  bucket: string;
  key: string;
  snap: FileSnapshot;
  headers: Record<string, string>;
  progress: ProgressTracker;
  signal: AbortSignal | undefined;
  log: Logger;
  policy: RetryPolicy;
  send: SendOptions;
}

function validateConcurrency(value: number | undefined): number {
  const c = value ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(c) || c < 1 || c > MAX_CONCURRENCY) {
    throw new ConfigError(
      'concurrency',
      'InvalidConcurrency',
      `Concurrency ${String(value)} is out of range: use a whole number from 1 to ${MAX_CONCURRENCY} (4 suits most connections).`,
    );
  }
  return c;
}

/**
 * Uploads a file to `bucket`/`key`.
 * @throws ConfigError (bad options, missing file), ServiceError (the service refused; 4xx are not retried),
 * NetworkError (after the retries), FileChangedError, IntegrityError, CancelledError (after `signal` aborted),
 * and whatever the checkpoint store's `save` throws the first time. A multipart upload that fails or is cancelled
 * is aborted first, unless a checkpoint keeps it (see `checkpoint`).
 */
export async function uploadFile(options: UploadFileOptions): Promise<UploadResult> {
  const { provider, url, region } = resolveEndpoint(options);
  const bucket = validateBucket(provider, options.bucket);
  const key = validateKey(provider, options.key);
  const concurrency = validateConcurrency(options.concurrency);
  const threshold = options.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD;
  const given = options.headers ?? {};
  const headers = requiredHeaders(
    provider,
    Object.keys(given).some((h) => h.toLowerCase() === 'content-type')
      ? given
      : { ...given, 'Content-Type': detectContentType(key) },
    options.metadata,
  );
  if (options.signal?.aborted) throw new CancelledError();
  const snap = await snapshotFile(options.filePath);
  const log = options.log ?? nullLogger;
  const job: Job = {
    conn: options,
    provider,
    target: { provider, endpoint: url.origin, region, bucket, key },
    bucket,
    key,
    snap,
    headers,
    log,
    progress: new ProgressTracker(snap.size, options.onProgress),
    signal: options.signal,
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    send: { log },
  };
  job.progress.report();
  const opened = options.checkpoint ? await openCheckpoint(job, options.checkpoint) : {};
  // A resumable upload goes on as multipart even when the threshold has since been raised above the file.
  const multipart = opened.resume !== undefined || snap.size >= threshold;
  if (!multipart && snap.size > MAX_PART_SIZE) {
    throw new ConfigError(
      'multipartThreshold',
      'FileTooLargeForSinglePut',
      `${options.filePath} is ${snap.size} bytes, over the 5 GiB limit of a single PUT: lower the multipart threshold (ossPresign.multipartThreshold) so it is uploaded in parts.`,
    );
  }
  log.info(
    `[upload] ${options.filePath} -> ${bucket}/${key} (${snap.size} bytes, ${multipart ? 'multipart' : 'single PUT'})`,
  );
  const result = multipart
    ? await multipartUpload(job, options.partSize, concurrency, options.checkpoint, opened.resume)
    : await singlePut(job);
  if (opened.restarted) result.restarted = opened.restarted;
  log.info(
    `[upload] done ${bucket}/${key}: ${result.bytes} bytes${result.parts ? ` in ${result.parts} parts` : ''}${result.resumedBytes ? ` (${result.resumedBytes} of them stored by an earlier session)` : ''}, ETag ${result.etag}`,
  );
  return result;
}

function retryOptions(job: Job, what: string) {
  return {
    policy: job.policy,
    signal: job.signal,
    onRetry: (err: unknown, attempt: number, delayMs: number) =>
      job.log.warn(
        `[upload] ${what} of ${job.bucket}/${job.key} failed (attempt ${attempt}: ${err instanceof Error ? err.message : String(err)}); retrying in ${delayMs} ms`,
      ),
    // sendSigned has already learnt the server's time from the error: repeating the attempt signs with it.
    onSkew: () => job.log.warn(`[upload] ${what}: clock skew reported by the server; retrying with the server's time`),
  };
}

/** Runs one attempt; a failure caused by the file changing is reported as that. */
async function attemptOnFile<T>(job: Job, fn: () => Promise<T>): Promise<T> {
  await assertUnchanged(job.snap);
  try {
    return await fn();
  } catch (err) {
    if (!isCancelled(err)) await assertUnchanged(job.snap);
    throw err;
  }
}

interface BodyChecksum {
  headers: Record<string, string>;
  /** Hex SHA-256 for the SigV4 payload hash (S3). */
  payloadHash?: string;
  /** Hex MD5 (OSS), which is also a single PUT's ETag. */
  md5Hex?: string;
}

/**
 * The checksum the service verifies for a body that `digest` hashes. S3: the SigV4 payload hash
 * (`x-amz-content-sha256`), which S3 and radosgw check against the body, and SHA-256 runs on the CPU's SHA
 * extensions, several times faster than MD5. OSS V4 accepts only UNSIGNED-PAYLOAD there, so OSS gets Content-MD5.
 */
async function bodyChecksum(
  provider: Provider,
  digest: (algorithm: 'md5' | 'sha256') => Promise<Buffer>,
): Promise<BodyChecksum> {
  if (provider === 's3') return { headers: {}, payloadHash: (await digest('sha256')).toString('hex') };
  const md5 = await digest('md5');
  return { headers: { 'content-md5': md5.toString('base64') }, md5Hex: md5.toString('hex') };
}

async function singlePut(job: Job): Promise<UploadResult> {
  const { snap } = job;
  const sum = await bodyChecksum(job.provider, (algorithm) => hashRange(snap, 0, snap.size, algorithm, job.signal));
  const etag = await withRetry(
    () =>
      attemptOnFile(job, async () => {
        const source = rangeBody(snap, 0, snap.size, (n) => job.progress.update(1, n));
        try {
          const res = await sendSigned(
            job.conn,
            {
              method: 'PUT',
              bucket: job.bucket,
              key: job.key,
              headers: { ...job.headers, ...sum.headers },
              payloadHash: sum.payloadHash,
              body: source.body,
              contentLength: snap.size,
              signal: job.signal,
            },
            job.send,
          );
          await drain(res);
          return unquoteEtag(res.headers.etag);
        } finally {
          source.release();
        }
      }),
    retryOptions(job, 'PUT'),
  );
  // A single PUT's ETag is the content MD5 (OSS in upper case), unless the object is encrypted with KMS.
  if (sum.md5Hex && /^[0-9a-f]{32}$/i.test(etag) && etag.toLowerCase() !== sum.md5Hex)
    throw new IntegrityError(job.key, `ETag ${etag}, expected ${sum.md5Hex}`);
  const stored = await verifyStored(job);
  return { etag: etag || stored, bytes: snap.size, resumedBytes: 0 };
}

/** HEAD the object: it must exist with the file's size and, when multipart, an ETag ending in `-<parts>`. */
async function verifyStored(job: Job, parts?: number): Promise<string> {
  const head = await withRetry(
    () => headObject({ ...job.conn, bucket: job.bucket, key: job.key, signal: job.signal }, job.send),
    retryOptions(job, 'HEAD'),
  );
  if (!head) throw new IntegrityError(job.key, 'the object is missing after the upload');
  if (head.size !== job.snap.size) throw new IntegrityError(job.key, `size ${head.size}, expected ${job.snap.size}`);
  const count = /-(\d+)$/.exec(head.etag)?.[1];
  if (parts !== undefined && count !== undefined && Number(count) !== parts)
    throw new IntegrityError(job.key, `ETag ${head.etag} names ${count} parts, ${parts} were sent`);
  return head.etag;
}

interface Resume {
  checkpoint: Checkpoint;
  plan: PartPlan;
  /** Parts the service holds as recorded. */
  done: CheckpointPart[];
  /** Recorded parts to send again. */
  resend: number[];
}

/**
 * Loads the checkpoint and decides: resume (with the parts the service still holds) or start over. Starting over
 * aborts the earlier upload where possible and clears the checkpoint, so nothing is orphaned.
 */
async function openCheckpoint(
  job: Job,
  store: CheckpointStore,
): Promise<{ resume?: Resume; restarted?: RestartReason }> {
  let verdict: CheckpointVerdict;
  try {
    const saved = await store.load();
    if (saved === undefined) return {};
    verdict = checkCheckpoint(saved, job.target, job.snap);
  } catch (err) {
    verdict = {
      kind: 'restart',
      reason: 'corrupt-checkpoint',
      why: `the checkpoint could not be loaded: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (verdict.kind === 'resume') {
    const { checkpoint, plan } = verdict;
    try {
      const onServer = await withRetry(
        () =>
          listAllParts(
            { ...job.conn, bucket: job.bucket, key: job.key, uploadId: checkpoint.uploadId, signal: job.signal },
            job.send,
          ),
        retryOptions(job, 'ListParts'),
      );
      const { done, resend } = reconcileParts(checkpoint, plan, onServer);
      if (resend.length)
        job.log.warn(
          `[upload] ${job.bucket}/${job.key}: part(s) ${resend.join(', ')} of upload ${checkpoint.uploadId} are missing on the service or differ from the checkpoint; sending them again`,
        );
      job.log.info(
        `[upload] resuming upload ${checkpoint.uploadId} of ${job.bucket}/${job.key}: ${done.length} of ${plan.parts.length} parts already stored`,
      );
      return { resume: { checkpoint, plan, done, resend } };
    } catch (err) {
      if (!isUploadGone(err)) throw err;
      verdict = {
        kind: 'restart',
        reason: 'upload-gone',
        why: `the service no longer has upload ${checkpoint.uploadId} (completed, aborted or expired)`,
      };
    }
  }
  const { stale } = verdict;
  if (stale) await abortQuietly(job, stale.bucket, stale.key, stale.uploadId);
  job.log.warn(
    `[upload] ${job.snap.path} -> ${job.bucket}/${job.key}: not resuming (${verdict.why}); starting over${stale ? ` (the earlier upload ${stale.uploadId} was aborted)` : ''}`,
  );
  await clearQuietly(job, store);
  return { restarted: verdict.reason };
}

/** Abort must not hide the error that led to it: a failed abort is logged. */
async function abortQuietly(job: Job, bucket: string, key: string, uploadId: string): Promise<void> {
  // Not the caller's signal (job.conn carries it): an abort must run after a cancel too.
  await abortMultipartUpload({ ...job.conn, bucket, key, uploadId, signal: undefined }, job.send).catch(
    (err: unknown) =>
      job.log.error(
        `[upload] could not abort multipart upload ${uploadId} of ${bucket}/${key}; it keeps its parts until aborted or a lifecycle rule removes it`,
        err,
      ),
  );
}

async function clearQuietly(job: Job, store: CheckpointStore): Promise<void> {
  await store
    .clear()
    .catch((err: unknown) =>
      job.log.warn(
        `[upload] ${job.bucket}/${job.key}: could not clear the checkpoint (${err instanceof Error ? err.message : String(err)})`,
      ),
    );
}

async function multipartUpload(
  job: Job,
  requestedPartSize: number | undefined,
  concurrency: number,
  store: CheckpointStore | undefined,
  resume: Resume | undefined,
): Promise<UploadResult> {
  const plan = resume?.plan ?? planParts(job.provider, job.snap.size, requestedPartSize);
  const uploadId =
    resume?.checkpoint.uploadId ??
    (await withRetry(
      () => initiateMultipart(job.conn, job.bucket, job.key, job.headers, job.signal, job.send),
      retryOptions(job, 'InitiateMultipartUpload'),
    ));
  const stored = resume?.done ?? [];
  const etags = new Array<string>(plan.parts.length);
  for (const part of stored) {
    etags[part.partNumber - 1] = part.etag;
    job.progress.update(part.partNumber, part.size);
  }
  const resumedBytes = stored.reduce((n, p) => n + p.size, 0);
  const todo = plan.parts.filter((p) => etags[p.partNumber - 1] === undefined);
  const writer =
    store &&
    new CheckpointWriter(
      store,
      {
        version: 1,
        ...job.target,
        uploadId,
        partSize: plan.partSize,
        fileSize: job.snap.size,
        fileMtimeMs: job.snap.mtimeMs,
      },
      stored,
      job.log,
    );
  job.log.debug(
    `[upload] ${job.bucket}/${job.key}: upload id ${uploadId}, ${plan.parts.length} parts of ${plan.partSize} bytes (${todo.length} to send), ${concurrency} at a time`,
  );
  // One controller stops every part on the first failure as well as on the caller's cancel.
  const stop = new AbortController();
  const onCallerAbort = () => stop.abort();
  job.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const partJob: Job = { ...job, signal: stop.signal };
  // A resumed upload is already in the store; a new one only once its first save succeeded.
  let resumable = resume !== undefined;
  let next = 0;
  let failure: unknown;
  const sendPart = async (part: PartRange, buffer: Buffer | undefined) => {
    const onBytes = (n: number) => job.progress.update(part.partNumber, n);
    try {
      const bytes = buffer && (await readRange(job.snap, part.start, part.end, buffer, stop.signal));
      const sum = await bodyChecksum(job.provider, (algorithm) =>
        bytes ? hashBytes(bytes, algorithm) : hashRange(job.snap, part.start, part.end, algorithm, stop.signal),
      );
      const etag = await withRetry(
        () =>
          attemptOnFile(partJob, async () => {
            const source = bytes
              ? { body: memoryBody(bytes, onBytes), release: () => undefined }
              : rangeBody(job.snap, part.start, part.end, onBytes);
            try {
              return await uploadPart(
                job.conn,
                {
                  bucket: job.bucket,
                  key: job.key,
                  uploadId,
                  partNumber: part.partNumber,
                  body: source.body,
                  contentLength: part.end - part.start,
                  headers: sum.headers,
                  payloadHash: sum.payloadHash,
                  signal: stop.signal,
                },
                job.send,
              );
            } finally {
              source.release();
            }
          }),
        retryOptions(partJob, `part ${part.partNumber}`),
      );
      etags[part.partNumber - 1] = etag;
      writer?.add({
        partNumber: part.partNumber,
        size: part.end - part.start,
        etag,
        ...(sum.payloadHash && { sha256: sum.payloadHash }),
        ...(sum.md5Hex && { md5: sum.md5Hex }),
      });
    } catch (err) {
      // The first real failure wins; the others are the cancellations it caused.
      if (failure === undefined || (isCancelled(failure) && !isCancelled(err))) failure = err;
      stop.abort();
    }
  };
  // Parts up to MAX_BUFFERED_PART go through one buffer per worker, reused from part to part.
  const worker = async () => {
    const buffer = plan.partSize <= MAX_BUFFERED_PART ? acquireBuffer(plan.partSize) : undefined;
    try {
      while (failure === undefined && next < todo.length) await sendPart(todo[next++], buffer);
    } finally {
      if (buffer) releaseBuffers([buffer]);
    }
  };
  try {
    if (writer && !resumable) {
      await writer.save();
      resumable = true;
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
    if (failure !== undefined) throw job.signal?.aborted ? new CancelledError() : failure;
    await assertUnchanged(job.snap);
    const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
    const completeOpts = retryOptions(partJob, 'CompleteMultipartUpload');
    await withRetry(async (attempt) => {
      try {
        await completeMultipart(
          job.conn,
          { bucket: job.bucket, key: job.key, uploadId, parts, signal: stop.signal },
          job.send,
        );
      } catch (err) {
        // A repeated Complete finds no upload when the first one succeeded but its answer was lost; HEAD decides below.
        if (!(attempt > 1 && isUploadGone(err))) throw err;
      }
    }, completeOpts);
  } catch (err) {
    const reason = isCancelled(err) ? 'cancelled' : err instanceof Error ? err.message : String(err);
    await writer?.flush();
    // Nothing to resume when the file changed (a resume would start over) or the service dropped the upload.
    if (store && resumable && !(err instanceof FileChangedError) && !isUploadGone(err)) {
      job.log.warn(
        `[upload] ${job.bucket}/${job.key}: stopped (${reason}); multipart upload ${uploadId} is kept for a resume with ${etags.filter(Boolean).length} of ${plan.parts.length} parts stored`,
      );
      throw err;
    }
    job.log.warn(`[upload] ${job.bucket}/${job.key}: aborting multipart upload ${uploadId} (${reason})`);
    await abortQuietly(job, job.bucket, job.key, uploadId);
    if (store) await clearQuietly(job, store);
    throw err;
  } finally {
    job.signal?.removeEventListener('abort', onCallerAbort);
  }
  if (writer) {
    // Flushed first: a save still queued would otherwise bring the cleared checkpoint back.
    await writer.flush();
    await clearQuietly(job, writer.store);
  }
  // radosgw's Complete answers with an empty ETag (Red Hat BZ 2266579), so the object is checked with HEAD instead.
  const etag = await verifyStored(job, plan.parts.length);
  const result: UploadResult = { etag, bytes: job.snap.size, parts: plan.parts.length, resumedBytes };
  if (resume?.resend.length) result.resentParts = resume.resend;
  return result;
}
