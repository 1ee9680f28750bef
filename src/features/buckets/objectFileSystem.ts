/**
 * Objects opened read-only in the editor: a FileSystemProvider on the `ossPresign:` scheme. A URI names the
 * profile, bucket and key (`ossPresign:/<profile>/<bucket>/<key>`, the bucket's region and endpoint in the query
 * when the listing named them), so an editor restored after a restart reads the object again by itself.
 */
import * as vscode from 'vscode';
import { getObject, headObject, ServiceError, type ConnectionOptions } from '../../core/index';
import type { ObjectNode } from './nodes';

export const OBJECT_SCHEME = 'ossPresign';

/** Where an `ossPresign:` URI points. */
export interface ObjectRef {
  profileId: string;
  bucket: string;
  key: string;
  bucketRegion?: string | undefined;
  bucketEndpoint?: string | undefined;
}

/** The read-only URI of an object; its path ends with the key, so the editor picks the language and the preview. */
export function objectUri(ref: ObjectRef): vscode.Uri {
  const query = new URLSearchParams();
  if (ref.bucketRegion) query.set('region', ref.bucketRegion);
  if (ref.bucketEndpoint) query.set('endpoint', ref.bucketEndpoint);
  return vscode.Uri.from({
    scheme: OBJECT_SCHEME,
    path: `/${ref.profileId}/${ref.bucket}/${ref.key}`,
    query: query.toString(),
  });
}

/** The object an `ossPresign:` URI names; undefined for a URI of another shape (a folder, the root). */
export function parseObjectUri(uri: vscode.Uri): ObjectRef | undefined {
  const m = /^\/([^/]+)\/([^/]+)\/(.+)$/s.exec(uri.path);
  if (uri.scheme !== OBJECT_SCHEME || !m) return undefined;
  const query = new URLSearchParams(uri.query);
  return {
    profileId: m[1],
    bucket: m[2],
    key: m[3],
    bucketRegion: query.get('region') ?? undefined,
    bucketEndpoint: query.get('endpoint') ?? undefined,
  };
}

export function objectRefOf(node: ObjectNode): ObjectRef {
  const { profileId, bucket, key, bucketRegion, bucketEndpoint } = node;
  return { profileId, bucket, key, bucketRegion, bucketEndpoint };
}

/** What the file system needs of the profile store. */
export interface Connections {
  connection(profileId: string, bucket: ObjectRef): Promise<ConnectionOptions>;
}

/** Reads objects (HEAD for stat, GET for the content); every write is refused. */
export class ObjectFileSystem implements vscode.FileSystemProvider {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;

  constructor(private readonly profiles: Connections) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const ref = parseObjectUri(uri);
    if (!ref) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const head = await this.call(uri, async () =>
      headObject({ ...(await this.profiles.connection(ref.profileId, ref)), bucket: ref.bucket, key: ref.key }),
    );
    if (!head) throw vscode.FileSystemError.FileNotFound(uri);
    const mtime = Date.parse(head.lastModified);
    return {
      type: vscode.FileType.File,
      ctime: Number.isNaN(mtime) ? 0 : mtime,
      mtime: Number.isNaN(mtime) ? 0 : mtime,
      size: head.size,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const ref = parseObjectUri(uri);
    if (!ref) throw vscode.FileSystemError.FileIsADirectory(uri);
    return this.call(uri, async () => {
      const res = await getObject({
        ...(await this.profiles.connection(ref.profileId, ref)),
        bucket: ref.bucket,
        key: ref.key,
      });
      // The size was confirmed before opening (ossPresign.openSizeLimitMB); read it all, as binary.
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    });
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  /** A missing object is FileNotFound (the editor says so); other failures keep their message. */
  private async call<T>(uri: vscode.Uri, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ServiceError && err.status === 404) throw vscode.FileSystemError.FileNotFound(uri);
      throw err;
    }
  }
}
