/**
 * Nodes of the Buckets view. Commands contributed to the view (presign, upload, copy, delete) receive these
 * objects as their first argument, so every field a command needs is a plain field here. `contextValue` of the
 * tree item is `kind`.
 */
export type NodeKind = 'profile' | 'bucket' | 'prefix' | 'object' | 'loadMore' | 'message';

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

export type TreeNode = ProfileNode | BucketNode | PrefixNode | ObjectNode | LoadMoreNode | MessageNode;
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
