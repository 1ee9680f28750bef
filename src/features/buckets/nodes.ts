/**
 * Nodes of the Buckets view. Commands contributed to the view (presign, upload, copy, delete) receive these
 * objects as their first argument, so every field a command needs is a plain field here. `contextValue` of the
 * tree item is `kind`.
 */
export type NodeKind =
  'profile' | 'bucket' | 'prefix' | 'object' | 'uploads' | 'upload' | 'part' | 'loadMore' | 'message';

interface NodeBase {
  kind: NodeKind;
  /** Unique in the view and stable across refreshes (keeps expansion state). */
  id: string;
  profileId: string;
  bucket?: string;
  /** Bucket and prefix nodes: the folder (`''` for a bucket root, else ends with `/`). Object nodes: undefined. */
  prefix?: string | undefined;
  key?: string;
  size?: number;
  /**
   * Bucket, prefix and object nodes: the bucket's region and endpoint host when the listing named them. Pass the
   * node to `ProfileStore.connection(node.profileId, node)` to reach buckets of another region.
   */
  bucketRegion?: string | undefined;
  bucketEndpoint?: string | undefined;
}

export interface ProfileNode extends NodeBase {
  kind: 'profile';
}

export interface BucketNode extends NodeBase {
  kind: 'bucket';
  bucket: string;
  prefix: '';
  creationDate?: Date;
}

export interface PrefixNode extends NodeBase {
  kind: 'prefix';
  bucket: string;
  prefix: string;
}

export interface ObjectNode extends NodeBase {
  kind: 'object';
  bucket: string;
  key: string;
  size: number;
  lastModified?: Date;
  etag?: string;
  storageClass?: string | undefined;
}

/**
 * "Incomplete Uploads": a bucket's multipart uploads never completed nor aborted, whose parts stay stored (and
 * billed). Always the bucket's first child; listed only when expanded.
 */
export interface UploadsNode extends NodeBase {
  kind: 'uploads';
  bucket: string;
}

/** One incomplete multipart upload; its children are the parts it has stored. */
export interface UploadNode extends NodeBase {
  kind: 'upload';
  bucket: string;
  key: string;
  uploadId: string;
  initiated?: Date;
  storageClass?: string | undefined;
}

/** A part an incomplete upload has stored. */
export interface PartNode extends NodeBase {
  kind: 'part';
  bucket: string;
  key: string;
  uploadId: string;
  partNumber: number;
  size: number;
  etag: string;
  lastModified?: Date;
}

/** "Load more" at the end of a partly loaded folder; `parentId` names the folder. */
export interface LoadMoreNode extends NodeBase {
  kind: 'loadMore';
  parentId: string;
}

/** A placeholder in place of children: an empty folder, or an error with a Retry action on the parent. */
export interface MessageNode extends NodeBase {
  kind: 'message';
  parentId: string;
  message: string;
  isError: boolean;
  /** What clicking an error does: list the parent again, retry the failed next page, or ask for the missing secret. */
  action?: 'retry' | 'retryPage' | 'setSecret' | undefined;
}

export type TreeNode =
  ProfileNode | BucketNode | PrefixNode | ObjectNode | UploadsNode | UploadNode | PartNode | LoadMoreNode | MessageNode;
/** Nodes whose children are listed from the server a page at a time. */
export type FolderNode = BucketNode | PrefixNode;

export function profileNode(profileId: string): ProfileNode {
  return { kind: 'profile', id: `p:${profileId}`, profileId };
}

export function bucketNode(
  profileId: string,
  bucket: string,
  extra: { bucketRegion?: string | undefined; bucketEndpoint?: string | undefined; creationDate?: Date } = {},
): BucketNode {
  return { kind: 'bucket', id: `b:${profileId}/${bucket}`, profileId, bucket, prefix: '', ...extra };
}

export function prefixNode(parent: FolderNode, prefix: string): PrefixNode {
  return {
    kind: 'prefix',
    id: `d:${parent.profileId}/${parent.bucket}/${prefix}`,
    profileId: parent.profileId,
    bucket: parent.bucket,
    prefix,
    ...locationOf(parent),
  };
}

export function objectNode(
  parent: FolderNode,
  o: { key: string; size: number; lastModified?: Date; etag?: string; storageClass?: string | undefined },
): ObjectNode {
  return {
    kind: 'object',
    id: `o:${parent.profileId}/${parent.bucket}/${o.key}`,
    profileId: parent.profileId,
    bucket: parent.bucket,
    ...o,
    ...locationOf(parent),
  };
}

/** Id of a bucket's Incomplete Uploads node. */
export function uploadsNodeId(profileId: string, bucket: string): string {
  return `u:${profileId}/${bucket}/`;
}

/** Id of an incomplete upload's node (upload ids are unique within a bucket). */
export function uploadNodeId(profileId: string, bucket: string, uploadId: string): string {
  return `m:${profileId}/${bucket}/${uploadId}`;
}

export function uploadsNode(bucket: BucketNode): UploadsNode {
  return {
    kind: 'uploads',
    id: uploadsNodeId(bucket.profileId, bucket.bucket),
    profileId: bucket.profileId,
    bucket: bucket.bucket,
    ...locationOf(bucket),
  };
}

export function uploadNode(
  parent: UploadsNode,
  u: { key: string; uploadId: string; initiated?: Date; storageClass?: string | undefined },
): UploadNode {
  return {
    kind: 'upload',
    id: uploadNodeId(parent.profileId, parent.bucket, u.uploadId),
    profileId: parent.profileId,
    bucket: parent.bucket,
    ...u,
    ...locationOf(parent),
  };
}

export function partNode(
  parent: UploadNode,
  p: { partNumber: number; size: number; etag: string; lastModified?: Date },
): PartNode {
  return {
    kind: 'part',
    id: `${parent.id}#${p.partNumber}`,
    profileId: parent.profileId,
    bucket: parent.bucket,
    key: parent.key,
    uploadId: parent.uploadId,
    ...p,
    ...locationOf(parent),
  };
}

function locationOf(node: NodeBase): { bucketRegion?: string | undefined; bucketEndpoint?: string | undefined } {
  return { bucketRegion: node.bucketRegion, bucketEndpoint: node.bucketEndpoint };
}

export function loadMoreNode(parent: TreeNode): LoadMoreNode {
  return {
    kind: 'loadMore',
    id: `${parent.id}#more`,
    parentId: parent.id,
    profileId: parent.profileId,
    ...folderOf(parent),
  };
}

export function messageNode(
  parent: TreeNode,
  message: string,
  isError: boolean,
  action?: MessageNode['action'],
): MessageNode {
  return {
    kind: 'message',
    id: `${parent.id}#msg`,
    parentId: parent.id,
    profileId: parent.profileId,
    message,
    isError,
    action,
    ...folderOf(parent),
  };
}

function folderOf(node: TreeNode): { bucket?: string; prefix?: string | undefined } {
  return node.bucket === undefined ? {} : { bucket: node.bucket, prefix: node.prefix };
}

export function isFolderNode(node: unknown): node is FolderNode {
  const n = node as TreeNode | undefined;
  return (
    !!n &&
    (n.kind === 'bucket' || n.kind === 'prefix') &&
    typeof n.bucket === 'string' &&
    typeof n.profileId === 'string'
  );
}

export function isObjectNode(node: unknown): node is ObjectNode {
  const n = node as TreeNode | undefined;
  return !!n && n.kind === 'object' && typeof n.bucket === 'string' && typeof n.key === 'string';
}

/** `oss://bucket/key` or `s3://bucket/key` (the form ossutil and the AWS CLI take). */
export function storageUri(provider: 'oss' | 's3', bucket: string, key = ''): string {
  return `${provider}://${bucket}/${key}`;
}
