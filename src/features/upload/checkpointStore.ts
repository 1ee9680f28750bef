import { createHash } from 'node:crypto';
import type * as vscode from 'vscode';
import type { BucketLocation } from '../../app/profiles';
import type { Checkpoint, CheckpointStore } from '../../core/index';

/** One local file's upload to one object: a checkpoint is kept per such pair. */
export interface UploadRef {
  filePath: string;
  profileId: string;
  bucket: string;
  key: string;
  /** The bucket's region and endpoint host when the Buckets view named them (a bucket of another region). */
  location?: BucketLocation | undefined;
}

/**
 * What globalState keeps of an interrupted multipart upload: the file and target, so that a later session can offer
 * to resume it, and core's checkpoint (upload id, part size, file size and time, the parts done with their ETags).
 * Never a secret nor a URL: the connection comes from the profile again when it resumes.
 */
export interface SavedUpload extends UploadRef {
  version: 1;
  /** When the checkpoint was last saved (ISO 8601). */
  savedAt: string;
  /** As core saved it; core checks it again before using it (a corrupt one makes the upload start over). */
  checkpoint: Checkpoint;
}

const KEY_PREFIX = 'ossPresign.uploadCheckpoint.';

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** The saved upload in a globalState value, or undefined when it names no file and target. */
function parseSaved(value: unknown): SavedUpload | undefined {
  const v = value as Partial<SavedUpload> | undefined;
  if (!v || typeof v !== 'object' || v.version !== 1) return undefined;
  if (![v.filePath, v.profileId, v.bucket, v.key].every(isText)) return undefined;
  return v as SavedUpload;
}

/** Bytes an upload's checkpoint says the service holds. */
export function storedBytes(saved: SavedUpload): number {
  const parts = Array.isArray(saved.checkpoint?.parts) ? saved.checkpoint.parts : [];
  return parts.reduce((sum, p) => sum + (Number.isSafeInteger(p?.size) ? p.size : 0), 0);
}

/**
 * Checkpoints of multipart uploads in VS Code's globalState (per machine, every window), one key per file and
 * target, so that uploads in several windows never overwrite each other's entries.
 */
export class UploadCheckpoints {
  constructor(
    private readonly state: vscode.Memento,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The core CheckpointStore of one file's upload to one object. */
  store(ref: UploadRef): CheckpointStore {
    const key = this.keyOf(ref);
    return {
      load: async () => (this.state.get<unknown>(key) as Partial<SavedUpload> | undefined)?.checkpoint,
      save: async (checkpoint) => {
        const saved: SavedUpload = {
          version: 1,
          filePath: ref.filePath,
          profileId: ref.profileId,
          bucket: ref.bucket,
          key: ref.key,
          ...(ref.location && { location: ref.location }),
          savedAt: this.now().toISOString(),
          checkpoint,
        };
        await this.state.update(key, saved);
      },
      clear: async () => this.state.update(key, undefined),
    };
  }

  /** The saved upload of this file to this object, if any. */
  get(ref: UploadRef): SavedUpload | undefined {
    return parseSaved(this.state.get<unknown>(this.keyOf(ref)));
  }

  /** Every saved upload, oldest first. */
  list(): SavedUpload[] {
    return this.state
      .keys()
      .filter((k) => k.startsWith(KEY_PREFIX))
      .map((k) => parseSaved(this.state.get<unknown>(k)))
      .filter((s): s is SavedUpload => s !== undefined)
      .sort((a, b) => String(a.savedAt).localeCompare(String(b.savedAt)));
  }

  async forget(ref: UploadRef): Promise<void> {
    await this.state.update(this.keyOf(ref), undefined);
  }

  /** Forgets the checkpoints of a server upload that was aborted: nothing is left to resume. */
  async forgetUpload(profileId: string, bucket: string, uploadId: string): Promise<void> {
    for (const saved of this.list())
      if (saved.profileId === profileId && saved.bucket === bucket && saved.checkpoint?.uploadId === uploadId)
        await this.forget(saved);
  }

  /** One key per file and target; a hash, as paths and keys may be long or hold any character. */
  private keyOf(ref: UploadRef): string {
    const id = createHash('sha256')
      .update(JSON.stringify([ref.profileId, ref.bucket, ref.key, ref.filePath]))
      .digest('hex')
      .slice(0, 32);
    return `${KEY_PREFIX}${id}`;
  }
}
