/** Reveal in Tree: selects an object in the Buckets view, its folders expanded (after an upload, say). */
import * as vscode from 'vscode';
import type { ConnectionOptions } from '../../core/index';
import { Views } from '../../vscode/ids';
import type { Services } from '../services';
import type { BucketRef, BucketTreeProvider } from './treeProvider';

/**
 * What Reveal in Tree names: an object of a profile's bucket, or of the bucket an upload's connection reached (the
 * upload does not carry its profile: the profile of that provider with its access key id and endpoint, else either).
 */
export type RevealRequest = (BucketRef | { bucket: string; conn: ConnectionOptions }) & { key: string; size?: number };

export async function revealObject(
  services: Services,
  tree: BucketTreeProvider,
  request: RevealRequest,
): Promise<void> {
  let ref: BucketRef & { key: string; size?: number };
  if ('conn' in request) {
    const { conn, ...rest } = request;
    const candidates = services.profiles.list().filter((p) => p.provider === conn.provider);
    const sameKey = (p: (typeof candidates)[number]) => p.accessKeyId === conn.accessKeyId;
    const sameEndpoint = (p: (typeof candidates)[number]) => p.endpoint === conn.endpoint;
    const profile =
      candidates.find((p) => sameKey(p) && sameEndpoint(p)) ??
      candidates.find(sameKey) ??
      candidates.find(sameEndpoint);
    if (!profile) return void (await vscode.commands.executeCommand(`${Views.buckets}.focus`));
    ref = { ...rest, profileId: profile.id };
  } else ref = request;
  await vscode.commands.executeCommand(`${Views.buckets}.focus`);
  await tree.reveal(ref);
}
