import * as vscode from 'vscode';
import {
  listBuckets,
  listMultipartUploads,
  listObjects,
  listParts,
  ConfigError,
  isCancelled,
  type Logger,
} from '../../core/index';
import { PagedChildren, type Page } from '../../app/pagedChildren';
import type { Profile } from '../../app/profiles';
import { Commands } from '../../vscode/ids';
import type { ProfileStore } from '../profiles/profileStore';
import { errorLine } from '../../vscode/errors';
import { formatSize, formatUtc, md } from './format';
import {
  bucketNode,
  loadMoreNode,
  messageNode,
  objectNode,
  partNode,
  prefixNode,
  profileNode,
  uploadNode,
  uploadNodeId,
  uploadsNode,
  uploadsNodeId,
  storageUri,
  type FolderNode,
  type MessageNode,
  type ObjectNode,
  type PartNode,
  type ProfileNode,
  type TreeNode,
  type UploadNode,
  type UploadsNode,
} from './nodes';
import { partItem, uploadItem, uploadsItem, type Listed } from './uploadItems';

/** Core listing calls, injectable so the paging logic can be driven without a server. */
export interface Listing {
  listBuckets: typeof listBuckets;
  listObjects: typeof listObjects;
  listMultipartUploads: typeof listMultipartUploads;
  listParts: typeof listParts;
}

/** Calls core when a listing runs: reading the functions in the constructor would load core on activation. */
const coreListing: Listing = {
  listBuckets: (...args) => listBuckets(...args),
  listObjects: (...args) => listObjects(...args),
  listMultipartUploads: (...args) => listMultipartUploads(...args),
  listParts: (...args) => listParts(...args),
};

/** A bucket of a profile, with its region and endpoint host when known. */
export interface BucketRef {
  profileId: string;
  bucket: string;
  bucketRegion?: string | undefined;
  bucketEndpoint?: string | undefined;
}

/** Nodes whose children are listed from the server a page at a time. */
type Container = ProfileNode | FolderNode | UploadsNode | UploadNode;

function isContainer(node: TreeNode): node is Container {
  return (
    node.kind === 'profile' ||
    node.kind === 'bucket' ||
    node.kind === 'prefix' ||
    node.kind === 'uploads' ||
    node.kind === 'upload'
  );
}

/**
 * Profiles -> buckets -> prefixes -> objects, listed lazily a page at a time; each bucket's first child is its
 * Incomplete Uploads (multipart uploads -> the parts each stored), listed the same way when expanded. Node objects
 * are kept per id, so a refresh event names the same instance VS Code holds. Failures become a message node with
 * Retry, never a popup.
 */
export class BucketTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly children = new Map<string, PagedChildren<TreeNode>>();
  private readonly containers = new Map<string, Container>();
  /** Server-side prefix filters of bucket and folder nodes, relative to the node's own prefix. */
  private readonly filters = new Map<string, string>();
  /** Nodes shown in a container beyond its loaded pages (revealed after an upload); forgotten when it is listed again. */
  private readonly added = new Map<string, TreeNode[]>();
  private view: vscode.TreeView<TreeNode> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly profiles: ProfileStore,
    private readonly log: Logger,
    private readonly pageSize: () => number,
    private readonly listing: Listing = coreListing,
  ) {
    this.subscription = profiles.onDidChange(() => this.refresh());
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
    for (const c of this.children.values()) c.clear();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'profile':
        return this.profileItem(node);
      case 'bucket':
      case 'prefix': {
        const label = node.kind === 'bucket' ? node.bucket : node.prefix.slice(parentPrefix(node.prefix).length);
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = node.kind === 'bucket' ? new vscode.ThemeIcon('database') : vscode.ThemeIcon.Folder;
        const filter = this.filters.get(node.id);
        const region = node.kind === 'bucket' && node.bucketRegion ? node.bucketRegion : undefined;
        const description = [region, filter !== undefined ? `filter: ${filter}*` : undefined]
          .filter(Boolean)
          .join(' · ');
        if (description) item.description = description;
        // The tooltip counts what is listed: resolveTreeItem computes it when the pointer rests on the node.
        return withId(item, node);
      }
      case 'object':
        return this.objectItem(node);
      case 'uploads':
        return withId(uploadsItem(node, this.listed<UploadNode>(node)), node);
      case 'upload':
        return withId(uploadItem(node, this.listed<PartNode>(node)), node);
      case 'part':
        return withId(partItem(node), node);
      case 'loadMore': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('more');
        item.tooltip = `Load the next ${this.pageSize()} entries`;
        item.command = { command: Commands.loadMore, title: 'Load More', arguments: [node] };
        return withId(item, node);
      }
      case 'message': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.isError ? 'error' : 'info');
        const parent = this.containers.get(node.parentId);
        if (node.action === 'setSecret')
          item.command = { command: Commands.setSecret, title: 'Set Secret', arguments: [node] };
        // A failed next page keeps the pages already shown: retry just that page.
        else if (node.action === 'retryPage' && parent)
          item.command = { command: Commands.loadMore, title: 'Retry', arguments: [loadMoreNode(parent)] };
        else if (node.isError || node.action === 'retry')
          item.command = { command: Commands.refreshNode, title: 'Retry', arguments: [node] };
        item.tooltip = node.isError
          ? `${node.message}\n\nClick to ${node.action === 'setSecret' ? 'set the secret' : 'retry'}.`
          : node.message;
        return withId(item, node);
      }
    }
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.roots();
    if (!isContainer(node)) return [];
    const container = this.intern(node);
    const paged = this.pagedFor(container);
    if (!paged.isLoaded) {
      await paged.loadMore();
      // Their descriptions count what was listed: redraw them now that the first page is here.
      if (container.kind === 'uploads' || container.kind === 'upload') this.emitter.fire(container);
    }
    return this.render(container, paged);
  }

  /** Bucket and folder tooltips: what they are, where, and what has been listed below them so far. */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (node.kind === 'bucket' || node.kind === 'prefix') item.tooltip = this.folderTooltip(node);
    return item;
  }

  /**
   * The parent of a node; for a bucket, folder or object not listed yet (Reveal in Tree after an upload), the
   * folder chain is made up to the profile, so that VS Code can expand it down to the node.
   */
  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'profile') return undefined;
    if (node.kind === 'loadMore' || node.kind === 'message') return this.containers.get(node.parentId);
    if (node.kind === 'bucket') return this.intern(profileNode(node.profileId));
    if (node.kind === 'uploads') return this.containers.get(bucketNode(node.profileId, node.bucket).id);
    if (node.kind === 'upload') return this.containers.get(uploadsNodeId(node.profileId, node.bucket));
    if (node.kind === 'part') return this.containers.get(uploadNodeId(node.profileId, node.bucket, node.uploadId));
    return this.folderOf(node, parentPrefix(node.kind === 'object' ? node.key : node.prefix));
  }

  /** The bucket or folder node of `prefix` in the node's bucket, made (with its parents) when not listed yet. */
  private folderOf(node: BucketRef, prefix: string): FolderNode {
    const location = { bucketRegion: node.bucketRegion, bucketEndpoint: node.bucketEndpoint };
    const id = prefix ? `d:${node.profileId}/${node.bucket}/${prefix}` : `b:${node.profileId}/${node.bucket}`;
    const known = this.containers.get(id) as FolderNode | undefined;
    if (known) return known;
    if (!prefix) return this.intern(bucketNode(node.profileId, node.bucket, location));
    return this.intern(prefixNode(this.folderOf(node, parentPrefix(prefix)), prefix));
  }

  /**
   * The node of an object (just uploaded, say) with every folder above it in its parent's listing, so that VS Code
   * can expand the tree down to it. A listing that lacks the next node is listed again (it may predate the upload);
   * if the node is still not on its first page, it is added to that page rather than paging through the folder.
   */
  async objectNodeFor(ref: BucketRef & { key: string; size?: number }): Promise<ObjectNode> {
    let parent: Container = this.intern(profileNode(ref.profileId));
    const prefixes = [
      '',
      ...ref.key
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('/') + '/'),
    ];
    for (const prefix of prefixes) {
      const folder = this.folderOf(ref, prefix);
      await this.ensureListed(parent, folder);
      parent = folder;
    }
    const object = objectNode(parent as FolderNode, { key: ref.key, size: ref.size ?? 0 });
    return (await this.ensureListed(parent, object)) as ObjectNode;
  }

  /** `child` as `parent` lists it (listed again once, else added); returns the listed node. */
  private async ensureListed(parent: Container, child: TreeNode): Promise<TreeNode> {
    const find = async () => (await this.getChildren(parent)).find((n) => n.id === child.id);
    let listed = await find();
    if (!listed) {
      this.refreshNode(parent);
      listed = await find();
    }
    if (listed) return listed;
    this.added.set(parent.id, [...(this.added.get(parent.id) ?? []), child]);
    this.emitter.fire(parent);
    return child;
  }

  /** The view showing this tree, for Reveal in Tree. */
  attachView(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
  }

  /** The view showing this tree (its selection, for the extension-host tests). */
  get treeView(): vscode.TreeView<TreeNode> | undefined {
    return this.view;
  }

  /** Shows an object in the view, its folders expanded, and selects it. Returns its node. */
  async reveal(ref: BucketRef & { key: string; size?: number }): Promise<ObjectNode> {
    const node = await this.objectNodeFor(ref);
    await this.view?.reveal(node, { select: true, focus: true });
    return node;
  }

  /** Fetches the next page of the folder a Load More node belongs to. */
  async loadMore(node: TreeNode): Promise<void> {
    const container = this.containerOf(node);
    const paged = container && this.children.get(container.id);
    if (!container || !paged) return;
    await paged.loadMore();
    this.emitter.fire(container);
  }

  /**
   * Stops a listing in flight under `node` (the user collapsed it): the request is aborted, pages already shown
   * stay, and expanding again asks for the same page. Nothing happens when no listing runs.
   */
  cancelLoad(node: TreeNode): void {
    const container = this.containerOf(node);
    const paged = container && this.children.get(container.id);
    if (!container || !paged?.cancel()) return;
    this.log.debug(`[tree] listing ${container.id.slice(2)} cancelled`);
    this.emitter.fire(container);
  }

  /**
   * Forgets the listing of a node (and everything below it) and lists it again. On an incomplete upload it lists
   * its bucket's Incomplete Uploads again, which shows whether the upload is still there (after Abort).
   */
  refreshNode(node: TreeNode): void {
    let container = this.containerOf(node);
    if (!container) return this.refresh();
    if (node.kind === 'upload')
      container = this.containers.get(uploadsNodeId(node.profileId, node.bucket)) ?? container;
    const { profileId } = container;
    const below =
      container.kind === 'profile'
        ? ['b', 'd', 'u', 'm'].map((kind) => `${kind}:${profileId}/`)
        : container.kind === 'bucket'
          ? ['d', 'u', 'm'].map((kind) => `${kind}:${profileId}/${container.bucket}/`)
          : container.kind === 'prefix'
            ? [`d:${profileId}/${container.bucket}/${container.prefix}`]
            : container.kind === 'uploads'
              ? [`m:${profileId}/${container.bucket}/`]
              : [];
    for (const [id, paged] of this.children) {
      if (id === container.id || below.some((p) => id.startsWith(p))) {
        paged.clear();
        this.children.delete(id);
        this.added.delete(id);
      }
    }
    this.emitter.fire(container);
  }

  refresh(): void {
    for (const paged of this.children.values()) paged.clear();
    this.children.clear();
    this.containers.clear();
    this.added.clear();
    this.emitter.fire(undefined);
  }

  /** The current prefix filter of a bucket or folder node, relative to its prefix. */
  filterOf(node: FolderNode): string | undefined {
    return this.filters.get(node.id);
  }

  /** Lists only keys under `node.prefix + filter` (server side); undefined or '' clears the filter. */
  setFilter(node: FolderNode, filter: string | undefined): void {
    if (filter) this.filters.set(node.id, filter);
    else this.filters.delete(node.id);
    this.refreshNode(node);
  }

  private roots(): TreeNode[] {
    const profiles = this.profiles.list();
    const problems = this.profiles.problems();
    const nodes: TreeNode[] = profiles.map((p) => this.intern(profileNode(p.id)));
    // An empty list shows the welcome view (Add Profile / Import Profiles); skipped entries must still be visible.
    if (problems.length > 0) {
      const root = profileNode('');
      nodes.push(
        ...problems.map((message, i): MessageNode => ({ ...messageNode(root, message, true), id: `settings#${i}` })),
      );
    }
    return nodes;
  }

  private intern<T extends Container>(node: T): T {
    const known = this.containers.get(node.id) as T | undefined;
    if (known) return known;
    this.containers.set(node.id, node);
    return node;
  }

  private containerOf(node: TreeNode): Container | undefined {
    const id = node.kind === 'loadMore' || node.kind === 'message' ? node.parentId : node.id;
    return this.containers.get(id) ?? (isContainer(node) ? this.intern(node) : undefined);
  }

  /** The children listed below `node` so far, for its description; undefined until the first page arrived. */
  private listed<T extends TreeNode>(node: Container): Listed<T> | undefined {
    const paged = this.children.get(node.id);
    if (!paged?.isLoaded || paged.error !== undefined) return undefined;
    return { items: paged.items as readonly T[], more: paged.hasMore };
  }

  private pagedFor(container: Container): PagedChildren<TreeNode> {
    let paged = this.children.get(container.id);
    if (!paged) {
      paged = new PagedChildren<TreeNode>(async (token, signal) => {
        try {
          switch (container.kind) {
            case 'profile':
              return await this.loadBuckets(container, signal);
            case 'uploads':
              return await this.loadUploads(container, token, signal);
            case 'upload':
              return await this.loadParts(container, token, signal);
            default:
              return await this.loadFolder(container, token, signal);
          }
        } catch (err) {
          if (!isCancelled(err))
            this.log.warn(
              `[tree] listing ${container.id.slice(2)} failed: ${err instanceof Error ? errorLine(err) : String(err)}`,
            );
          throw err;
        }
      });
      this.children.set(container.id, paged);
    }
    return paged;
  }

  private async loadBuckets(node: ProfileNode, signal: AbortSignal): Promise<Page<TreeNode>> {
    const profile = this.profiles.require(node.profileId);
    if (profile.buckets?.length) return { items: profile.buckets.map((b) => this.intern(bucketNode(profile.id, b))) };
    const conn = await this.profiles.connection(profile.id);
    const { buckets } = await this.listing.listBuckets({ ...conn, signal });
    this.profiles.rememberBuckets(profile.id, buckets);
    this.log.debug(`[tree] ${profile.id}: ${buckets.length} buckets`);
    return {
      items: buckets.map((b) =>
        this.intern(
          bucketNode(profile.id, b.name, {
            bucketRegion: b.region,
            bucketEndpoint: b.extranetEndpoint,
            ...(b.creationDate ? { creationDate: new Date(b.creationDate) } : {}),
          }),
        ),
      ),
    };
  }

  private async loadFolder(node: FolderNode, token: string | undefined, signal: AbortSignal): Promise<Page<TreeNode>> {
    const conn = await this.profiles.connection(node.profileId, node);
    const prefix = node.prefix + (this.filters.get(node.id) ?? '');
    const started = Date.now();
    const page = await this.listing.listObjects({
      ...conn,
      bucket: node.bucket,
      delimiter: '/',
      maxKeys: this.pageSize(),
      signal,
      prefix: prefix || undefined,
      continuationToken: token,
    });
    this.log.debug(
      `[tree] ${node.profileId} ${node.bucket}/${prefix}: ${page.prefixes.length} folders, ${page.objects.length} objects in ${Date.now() - started} ms${page.nextToken ? ', more' : ''}`,
    );
    const items: TreeNode[] = page.prefixes.map((p) => this.intern(prefixNode(node, p)));
    for (const o of page.objects) {
      // A zero-byte "folder/" marker object stands for the folder itself, which is already the parent node.
      if (o.key === prefix && o.key.endsWith('/')) continue;
      const lastModified = o.lastModified ? new Date(o.lastModified) : undefined;
      items.push(
        objectNode(node, {
          key: o.key,
          size: o.size,
          etag: o.etag,
          ...(lastModified && !Number.isNaN(lastModified.getTime()) ? { lastModified } : {}),
          storageClass: o.storageClass,
        }),
      );
    }
    return { items, nextToken: page.nextToken };
  }

  private async loadUploads(
    node: UploadsNode,
    token: string | undefined,
    signal: AbortSignal,
  ): Promise<Page<TreeNode>> {
    const conn = await this.profiles.connection(node.profileId, node);
    // A page of uploads ends at a key and an upload id: the token carries both.
    const [keyMarker, uploadIdMarker] = token ? (JSON.parse(token) as [string, string]) : [];
    const page = await this.listing.listMultipartUploads({
      ...conn,
      bucket: node.bucket,
      maxUploads: this.pageSize(),
      keyMarker,
      uploadIdMarker: uploadIdMarker || undefined,
      signal,
    });
    this.log.debug(
      `[tree] ${node.profileId} ${node.bucket}: ${page.uploads.length} incomplete uploads${page.isTruncated ? ', more' : ''}`,
    );
    return {
      items: page.uploads.map((u) => {
        const initiated = u.initiated ? new Date(u.initiated) : undefined;
        return this.intern(
          uploadNode(node, {
            key: u.key,
            uploadId: u.uploadId,
            ...(initiated && !Number.isNaN(initiated.getTime()) ? { initiated } : {}),
            storageClass: u.storageClass,
          }),
        );
      }),
      nextToken: page.nextKeyMarker ? JSON.stringify([page.nextKeyMarker, page.nextUploadIdMarker ?? '']) : undefined,
    };
  }

  private async loadParts(node: UploadNode, token: string | undefined, signal: AbortSignal): Promise<Page<TreeNode>> {
    const conn = await this.profiles.connection(node.profileId, node);
    const page = await this.listing.listParts({
      ...conn,
      bucket: node.bucket,
      key: node.key,
      uploadId: node.uploadId,
      maxParts: this.pageSize(),
      partNumberMarker: token ? Number(token) : undefined,
      signal,
    });
    return {
      items: page.parts.map((p) => {
        const lastModified = p.lastModified ? new Date(p.lastModified) : undefined;
        return partNode(node, {
          partNumber: p.partNumber,
          size: p.size,
          etag: p.etag,
          ...(lastModified && !Number.isNaN(lastModified.getTime()) ? { lastModified } : {}),
        });
      }),
      nextToken: page.nextPartNumberMarker === undefined ? undefined : String(page.nextPartNumberMarker),
    };
  }

  private render(container: Container, paged: PagedChildren<TreeNode>): TreeNode[] {
    const out = [...paged.items];
    const listedIds = new Set(out.map((n) => n.id));
    out.push(...(this.added.get(container.id) ?? []).filter((n) => !listedIds.has(n.id)));
    if (paged.error !== undefined && !isCancelled(paged.error)) {
      const err = paged.error;
      const missingSecret =
        err instanceof ConfigError &&
        err.code === 'MissingCredentials' &&
        this.profiles.get(container.profileId)?.credentialSource === 'secretStorage';
      out.push(
        messageNode(
          container,
          err instanceof Error ? err.message : String(err),
          true,
          missingSecret ? 'setSecret' : out.length > 0 ? 'retryPage' : 'retry',
        ),
      );
    } else if (paged.hasMore && paged.isLoaded) {
      out.push(loadMoreNode(container));
    } else if (!paged.isLoaded && !paged.isLoading) {
      // Cancelled before the first page arrived.
      out.push(messageNode(container, 'Listing cancelled. Click to list again.', false, 'retry'));
    } else if (out.length === 0) {
      out.push(messageNode(container, this.emptyText(container), false));
    }
    return container.kind === 'bucket' ? [this.intern(uploadsNode(container)), ...out] : out;
  }

  private emptyText(container: Container): string {
    switch (container.kind) {
      case 'profile':
        return 'No buckets. Add buckets to the profile if the key may not list them (Edit Profile).';
      case 'uploads':
        return 'No incomplete uploads.';
      case 'upload':
        return 'No parts stored yet.';
      default: {
        const filter = this.filters.get(container.id);
        return filter !== undefined ? `Nothing starts with "${filter}".` : 'Empty.';
      }
    }
  }

  private profileItem(node: ProfileNode): vscode.TreeItem {
    const p = this.profiles.get(node.profileId);
    const item = new vscode.TreeItem(p?.name ?? node.profileId, vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = new vscode.ThemeIcon(p?.provider === 'oss' ? 'cloud' : 'server');
    if (p) {
      item.description = `${p.provider === 'oss' ? 'OSS' : 'S3'} · ${new URL(p.endpoint).host}`;
      item.tooltip = profileTooltip(p);
    }
    return withId(item, node);
  }

  private objectItem(node: ObjectNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.key.slice(parentPrefix(node.key).length) || node.key,
      vscode.TreeItemCollapsibleState.None,
    );
    item.iconPath = vscode.ThemeIcon.File;
    // The file name decides the file-icon theme's icon; the scheme is never opened.
    item.resourceUri = vscode.Uri.from({ scheme: 'oss-presign', path: '/' + node.key });
    item.description = formatSize(node.size);
    const rows = [
      `| | |`,
      `|---|---|`,
      `| Key | ${md(node.key)} |`,
      `| Size | ${formatSize(node.size)} (${node.size.toLocaleString('en-US')} bytes) |`,
      node.lastModified ? `| Last modified | ${formatUtc(node.lastModified)} |` : undefined,
      node.storageClass ? `| Storage class | ${md(node.storageClass)} |` : undefined,
      node.etag ? `| ETag | ${md(node.etag)} |` : undefined,
    ];
    item.tooltip = new vscode.MarkdownString(rows.filter(Boolean).join('\n'));
    // A click opens it read-only (text in an editor, images in the preview; large ones ask first).
    item.command = { command: Commands.openObject, title: 'Open', arguments: [node] };
    return withId(item, node);
  }

  private folderTooltip(node: FolderNode): vscode.MarkdownString {
    const p = this.profiles.get(node.profileId);
    const listed = this.listed<TreeNode>(node);
    const filter = this.filters.get(node.id);
    const bucket = node.kind === 'bucket' ? node : undefined;
    const rows = [
      '| | |',
      '|---|---|',
      node.kind === 'prefix' ? `| Bucket | ${md(node.bucket)} |` : undefined,
      node.kind === 'prefix' ? `| Prefix | ${md(node.prefix)} |` : undefined,
      p ? `| Profile | ${md(p.name)} (${p.provider === 'oss' ? 'OSS' : 'S3'}) |` : undefined,
      node.bucketRegion ? `| Region | ${md(node.bucketRegion)} |` : undefined,
      node.bucketEndpoint ? `| Endpoint | ${md(node.bucketEndpoint)} |` : undefined,
      bucket?.creationDate ? `| Created | ${formatUtc(bucket.creationDate)} |` : undefined,
      p ? `| URI | ${md(storageUri(p.provider, node.bucket, node.prefix))} |` : undefined,
      filter !== undefined ? `| Filter | keys starting with ${md(node.prefix + filter)} |` : undefined,
      listed ? `| Listed | ${listedText(listed)} |` : '| Listed | not yet: expand to list |',
    ];
    const title = node.kind === 'bucket' ? `**Bucket** ${md(node.bucket)}` : `**Folder** ${md(node.prefix)}`;
    return new vscode.MarkdownString(`${title}\n\n${rows.filter(Boolean).join('\n')}`);
  }
}

/** `3 folders, 12 objects (1.2 MiB)`, with `+` when the server has more pages. */
function listedText(listed: Listed<TreeNode>): string {
  const folders = listed.items.filter((n) => n.kind === 'prefix').length;
  const objects = listed.items.filter((n): n is ObjectNode => n.kind === 'object');
  const bytes = objects.reduce((sum, o) => sum + o.size, 0);
  const more = listed.more ? '+' : '';
  const count = (n: number, what: string) => `${n}${more} ${what}${n === 1 && !more ? '' : 's'}`;
  return `${count(folders, 'folder')}, ${count(objects.length, 'object')} (${formatSize(bytes)}${more})${listed.more ? ' so far: Load More lists the rest' : ''}`;
}

function withId(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
  item.id = node.id;
  item.contextValue = node.kind;
  return item;
}

function profileTooltip(p: Profile): vscode.MarkdownString {
  const lines = [
    `**${md(p.name)}** (${p.provider === 'oss' ? 'Alibaba Cloud OSS' : 'S3-compatible'})`,
    `Endpoint: ${md(p.endpoint)}`,
    p.region ? `Region: ${md(p.region)}` : undefined,
    `Addressing: ${p.addressing ?? 'virtual'}, signature ${p.signatureVersion ?? 'v4'}`,
    p.credentialSource === 'env'
      ? 'Keys: from the environment'
      : `Access key id: ${md(p.accessKeyId ?? '')} (secret in VS Code secret storage)`,
    p.buckets?.length ? `Buckets: ${p.buckets.map(md).join(', ')}` : undefined,
  ];
  return new vscode.MarkdownString(lines.filter(Boolean).join('\n\n'));
}

/** The prefix of the folder holding `keyOrPrefix`: `a/b/` for `a/b/c` and `a/b/c/`. */
function parentPrefix(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? '' : trimmed.slice(0, i + 1);
}
