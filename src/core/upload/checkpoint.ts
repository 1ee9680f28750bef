/**
 * Checkpoints of multipart uploads: what a later session (another process, after a crash or a lost connection)
 * needs to finish an upload instead of sending the whole file again, and the checks that decide whether it may.
 */
import { ServiceError } from '../errors';
import type { Logger } from '../log';
import type { Provider } from '../types';
import type { PartInfo } from '../xml';
import type { FileSnapshot } from './fileSource';
import { planParts, type PartPlan } from './partPlan';

/** One part the service confirmed. */
export interface CheckpointPart {
  /** 1-based. */
  partNumber: number;
  /** Bytes. */
  size: number;
  /** As the service returned it, bare (no quotes). */
  etag: string;
  /** Hex SHA-256 of the part (S3 uploads: the payload hash the service verified). */
  sha256?: string;
  /** Hex MD5 of the part (OSS uploads: the Content-MD5 the service verified). */
  md5?: string;
}

/**
 * Everything needed to resume a multipart upload, as plain JSON. It names the target and the file but holds no
 * secret and no URL: the connection (and its credentials) are given again when resuming.
 */
export interface Checkpoint {
  /** Format version; a checkpoint of another version is treated as corrupt. */
  version: 1;
  provider: Provider;
  /** The endpoint's origin (`scheme://host[:port]`). */
  endpoint: string;
  region: string;
  bucket: string;
  /** Raw key. */
  key: string;
  uploadId: string;
  /** Bytes per part (the last part may be shorter). */
  partSize: number;
  /** The file when the upload started: size in bytes, modification time in ms since the epoch. */
  fileSize: number;
  fileMtimeMs: number;
  /** The parts the service confirmed, by part number. */
  parts: CheckpointPart[];
}

/**
 * Where `uploadFile` keeps the checkpoint of one file's upload to one target (a JSON file, VS Code's globalState,
 * ...). `load` answers undefined when there is none.
 */
export interface CheckpointStore {
  load(): Promise<Checkpoint | undefined>;
  save(checkpoint: Checkpoint): Promise<void>;
  clear(): Promise<void>;
}

/** Why a checkpoint was not used and the upload started over. */
export type RestartReason = 'file-changed' | 'target-changed' | 'upload-gone' | 'corrupt-checkpoint';

export type CheckpointTarget = Pick<Checkpoint, 'provider' | 'endpoint' | 'region' | 'bucket' | 'key'>;

/** An upload of an unusable checkpoint to abort before starting over. */
export interface StaleUpload {
  bucket: string;
  key: string;
  uploadId: string;
}

export type CheckpointVerdict =
  | { kind: 'resume'; checkpoint: Checkpoint; plan: PartPlan }
  | { kind: 'restart'; reason: RestartReason; why: string; stale?: StaleUpload };

type Loose = Record<string, unknown>;

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

function parsePart(value: unknown): CheckpointPart | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Loose;
  if (!isCount(p.partNumber) || p.partNumber < 1 || !isCount(p.size) || !isText(p.etag)) return undefined;
  const part: CheckpointPart = { partNumber: p.partNumber, size: p.size, etag: p.etag };
  if (isText(p.sha256)) part.sha256 = p.sha256;
  if (isText(p.md5)) part.md5 = p.md5;
  return part;
}

/** The checkpoint in `value`, or undefined when it is not one (wrong version, missing or mistyped fields). */
export function parseCheckpoint(value: unknown): Checkpoint | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Loose;
  if (c.version !== 1 || (c.provider !== 's3' && c.provider !== 'oss')) return undefined;
  if (![c.endpoint, c.region, c.bucket, c.key, c.uploadId].every(isText)) return undefined;
  if (!isCount(c.partSize) || c.partSize < 1 || !isCount(c.fileSize) || typeof c.fileMtimeMs !== 'number')
    return undefined;
  if (!Array.isArray(c.parts)) return undefined;
  const parts = c.parts.map(parsePart);
  if (parts.some((p) => p === undefined)) return undefined;
  return {
    version: 1,
    provider: c.provider,
    endpoint: c.endpoint as string,
    region: c.region as string,
    bucket: c.bucket as string,
    key: c.key as string,
    uploadId: c.uploadId as string,
    partSize: c.partSize,
    fileSize: c.fileSize,
    fileMtimeMs: c.fileMtimeMs,
    parts: parts as CheckpointPart[],
  };
}

const sameService = (a: { provider?: unknown; endpoint?: unknown; region?: unknown }, b: CheckpointTarget) =>
  a.provider === b.provider && a.endpoint === b.endpoint && a.region === b.region;

/** The upload a malformed checkpoint still names on this very service, so that it is not orphaned. */
function salvage(value: unknown, target: CheckpointTarget): StaleUpload | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Loose;
  if (!sameService(c, target) || !isText(c.bucket) || !isText(c.key) || !isText(c.uploadId)) return undefined;
  return { bucket: c.bucket, key: c.key, uploadId: c.uploadId };
}

/**
 * Whether the saved checkpoint may be resumed for `file` and `target` (before asking the service which parts it
 * still holds). An upload on another service is never aborted from here: the credentials given are for this one.
 */
export function checkCheckpoint(saved: unknown, target: CheckpointTarget, file: FileSnapshot): CheckpointVerdict {
  const cp = parseCheckpoint(saved);
  if (!cp) {
    const stale = salvage(saved, target);
    return {
      kind: 'restart',
      reason: 'corrupt-checkpoint',
      why: 'the checkpoint is not readable',
      ...(stale && { stale }),
    };
  }
  const stale: StaleUpload = { bucket: cp.bucket, key: cp.key, uploadId: cp.uploadId };
  if (!sameService(cp, target) || cp.bucket !== target.bucket || cp.key !== target.key) {
    return {
      kind: 'restart',
      reason: 'target-changed',
      why: `the checkpoint is of an upload to ${cp.endpoint} ${cp.bucket}/${cp.key}`,
      ...(sameService(cp, target) && { stale }),
    };
  }
  if (cp.fileSize !== file.size || cp.fileMtimeMs !== file.mtimeMs) {
    const what =
      cp.fileSize !== file.size ? `size ${cp.fileSize} -> ${file.size} bytes` : 'its modification time changed';
    return { kind: 'restart', reason: 'file-changed', why: `${file.path} changed (${what})`, stale };
  }
  let plan: PartPlan | undefined;
  try {
    plan = planParts(cp.provider, file.size, cp.partSize);
  } catch {
    plan = undefined;
  }
  if (plan?.partSize !== cp.partSize)
    return { kind: 'restart', reason: 'corrupt-checkpoint', why: `its part size ${cp.partSize} is not usable`, stale };
  return { kind: 'resume', checkpoint: cp, plan };
}

/** Compares ETags as the services write them (S3 lower case, OSS upper case, quoted or not). */
export function sameEtag(a: string, b: string): boolean {
  const bare = (s: string) => s.replace(/^"|"$/g, '').toLowerCase();
  return bare(a) === bare(b);
}

/**
 * Which recorded parts the service still holds as recorded (same number, size and ETag, and the size the plan
 * expects): those are `done`. The others are `resend`: missing on the service, or stored with another size or ETag.
 */
export function reconcileParts(
  checkpoint: Checkpoint,
  plan: PartPlan,
  onServer: readonly PartInfo[],
): { done: CheckpointPart[]; resend: number[] } {
  const server = new Map(onServer.map((p) => [p.partNumber, p]));
  const done: CheckpointPart[] = [];
  const resend: number[] = [];
  for (const part of checkpoint.parts) {
    const planned = plan.parts[part.partNumber - 1];
    const stored = server.get(part.partNumber);
    const expected = planned ? planned.end - planned.start : -1;
    if (stored && part.size === expected && stored.size === expected && sameEtag(stored.etag, part.etag))
      done.push(part);
    else resend.push(part.partNumber);
  }
  return { done, resend };
}

/** The service no longer has the upload (completed, aborted, or expired by a lifecycle rule). */
export function isUploadGone(err: unknown): boolean {
  return err instanceof ServiceError && err.code === 'NoSuchUpload';
}

/**
 * Saves the checkpoint as parts complete, one save at a time: completions that arrive while a save runs are
 * written together by the next one, so a slow store never sees an older list after a newer one.
 */
export class CheckpointWriter {
  private readonly parts = new Map<number, CheckpointPart>();
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private warned = false;

  constructor(
    readonly store: CheckpointStore,
    private readonly base: Omit<Checkpoint, 'parts'>,
    parts: readonly CheckpointPart[],
    private readonly log: Logger,
  ) {
    for (const p of parts) this.parts.set(p.partNumber, p);
  }

  snapshot(): Checkpoint {
    return { ...this.base, parts: [...this.parts.values()].sort((a, b) => a.partNumber - b.partNumber) };
  }

  /** Saves now and throws when the store fails (the first save: without it the upload could be orphaned). */
  async save(): Promise<void> {
    await this.store.save(this.snapshot());
  }

  /** Records a completed part and queues a save; a failing store is reported once and the upload goes on. */
  add(part: CheckpointPart): void {
    this.parts.set(part.partNumber, part);
    if (this.queued) return;
    this.queued = true;
    this.chain = this.chain.then(async () => {
      this.queued = false;
      try {
        await this.store.save(this.snapshot());
      } catch (err) {
        if (!this.warned)
          this.log.warn(
            `[upload] ${this.base.bucket}/${this.base.key}: could not save the checkpoint (${err instanceof Error ? err.message : String(err)}); a resume will send the later parts again`,
          );
        this.warned = true;
      }
    });
  }

  /** Resolves once every queued save has run. */
  flush(): Promise<void> {
    return this.chain;
  }
}
