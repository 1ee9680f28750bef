/** Every command, view, context key and setting id of the extension, in one place (checked against package.json by a unit test). */
export const EXTENSION_ID = 'oss-presign.oss-presign';

export const Commands = {
  addProfile: 'ossPresign.addProfile',
  editProfile: 'ossPresign.editProfile',
  removeProfile: 'ossPresign.removeProfile',
  setSecret: 'ossPresign.setSecret',
  importProfiles: 'ossPresign.importProfiles',
  refresh: 'ossPresign.refresh',
  refreshNode: 'ossPresign.refreshNode',
  filterPrefix: 'ossPresign.filterPrefix',
  clearFilter: 'ossPresign.clearFilter',
  loadMore: 'ossPresign.loadMore',
  copyKey: 'ossPresign.copyKey',
  copyUri: 'ossPresign.copyUri',
  deleteObject: 'ossPresign.deleteObject',
  copyDownloadLink: 'ossPresign.copyDownloadLink',
  openObject: 'ossPresign.openObject',
  downloadObject: 'ossPresign.downloadObject',
  downloadFolder: 'ossPresign.downloadFolder',
  revealObject: 'ossPresign.revealObject',
  diagnose: 'ossPresign.diagnose',
  presignPut: 'ossPresign.presignPut',
  presignPutLast: 'ossPresign.presignPutLast',
  copyUrl: 'ossPresign.copyUrl',
  copyCurl: 'ossPresign.copyCurl',
  copyFetch: 'ossPresign.copyFetch',
  copyPython: 'ossPresign.copyPython',
  copyPowerShell: 'ossPresign.copyPowerShell',
  presignPost: 'ossPresign.presignPost',
  checkCors: 'ossPresign.checkCors',
  applyCorsRule: 'ossPresign.applyCorsRule',
  editHeaderSets: 'ossPresign.editHeaderSets',
  reissue: 'ossPresign.reissue',
  removeLedgerEntry: 'ossPresign.removeLedgerEntry',
  clearExpired: 'ossPresign.clearExpired',
  uploadFile: 'ossPresign.uploadFile',
  createMultipartKit: 'ossPresign.createMultipartKit',
  resumeUploads: 'ossPresign.resumeUploads',
  abortUpload: 'ossPresign.abortUpload',
  abortUploadsOlderThan: 'ossPresign.abortUploadsOlderThan',
} as const;

/** Context keys the extension sets (`setContext`), e.g. for the walkthrough's completion events. */
export const Contexts = {
  /** At least one storage profile exists. */
  hasProfiles: 'ossPresign.hasProfiles',
  /** The Presigned URLs view lists at least one URL. */
  hasPresignedUrls: 'ossPresign.hasPresignedUrls',
} as const;

export const Views = {
  container: 'ossPresign',
  buckets: 'ossPresign.buckets',
  ledger: 'ossPresign.ledger',
} as const;

export const Settings = {
  section: 'ossPresign',
  /** `ossPresign.profiles` (relative to `section`). */
  profiles: 'profiles',
  /** `ossPresign.pageSize` (relative to `section`). */
  pageSize: 'pageSize',
  /** `ossPresign.keyTemplate`, `ossPresign.headerSets`, `ossPresign.copyFormat` (relative to `section`). */
  keyTemplate: 'keyTemplate',
  headerSets: 'headerSets',
  copyFormat: 'copyFormat',
  /**
   * `ossPresign.multipartThresholdMiB`, `ossPresign.multipartThreshold` (bytes; replaced by the MiB one, still read)
   * and `ossPresign.uploadConcurrency` (parts in flight), relative to `section`.
   */
  multipartThresholdMiB: 'multipartThresholdMiB',
  multipartThreshold: 'multipartThreshold',
  uploadConcurrency: 'uploadConcurrency',
  /** `ossPresign.openSizeLimitMB`: objects larger than this many MiB open only after a question (relative to `section`). */
  openSizeLimit: 'openSizeLimitMB',
  /** Request timeouts in seconds (relative to `section`): connect, wait for the answer, silence within a body. */
  connectTimeout: 'timeouts.connectSeconds',
  responseTimeout: 'timeouts.responseSeconds',
  idleTimeout: 'timeouts.idleSeconds',
} as const;
