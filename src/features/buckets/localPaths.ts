/** Where downloaded objects go on disk: keys mapped to paths below a chosen folder, never outside it. */
import * as path from 'node:path';

export interface LocalTarget {
  key: string;
  /** Absolute path below the chosen folder. */
  filePath: string;
}

export interface LocalPlan {
  targets: LocalTarget[];
  /** Keys that cannot be a file below the folder, with the reason (shown to the user, never written). */
  skipped: Array<{ key: string; reason: string }>;
}

/** Characters Windows does not allow in a file name (the other systems forbid only `/` and NUL). */
// eslint-disable-next-line no-control-regex
const WINDOWS_FORBIDDEN = /[<>:"|?*\\\u0000-\u001f]/;

/**
 * Maps each key to `root/<key without prefix>`, '/' becoming the path separator. Folder markers (keys ending in
 * '/') are not files and are left out silently; a key whose relative part has an empty, `.` or `..` segment, a
 * character the system forbids in a name, or that would land outside `root` by any other route is skipped with a
 * reason, as is a second key mapping to a path already taken.
 */
export function planLocalPaths(
  root: string,
  prefix: string,
  keys: readonly string[],
  platform: NodeJS.Platform = process.platform,
): LocalPlan {
  const base = path.resolve(root);
  const plan: LocalPlan = { targets: [], skipped: [] };
  const taken = new Set<string>();
  const fold = (p: string) => (platform === 'win32' || platform === 'darwin' ? p.toLowerCase() : p);
  for (const key of keys) {
    if (!key.startsWith(prefix)) {
      plan.skipped.push({ key, reason: `it is not below ${prefix}` });
      continue;
    }
    const relative = key.slice(prefix.length);
    if (relative === '' || relative.endsWith('/')) continue;
    const segments = relative.split('/');
    const bad = segments.find((s) => s === '' || s === '.' || s === '..');
    if (bad !== undefined) {
      plan.skipped.push({
        key,
        reason: bad === '' ? 'it has an empty path segment ("//" or a leading "/")' : `it has a "${bad}" path segment`,
      });
      continue;
    }
    if (segments.some((s) => s.includes('\0') || (platform === 'win32' && WINDOWS_FORBIDDEN.test(s)))) {
      plan.skipped.push({ key, reason: 'it has a character this system does not allow in a file name' });
      continue;
    }
    const filePath = path.resolve(base, ...segments);
    if (!filePath.startsWith(base + path.sep)) {
      plan.skipped.push({ key, reason: 'it would be written outside the chosen folder' });
      continue;
    }
    if (taken.has(fold(filePath))) {
      plan.skipped.push({ key, reason: 'another key is saved under the same file name' });
      continue;
    }
    taken.add(fold(filePath));
    plan.targets.push({ key, filePath });
  }
  return plan;
}

/** The longest folder prefix (ending in '/', or '') shared by all keys: several selected objects keep their layout below it. */
export function commonFolder(keys: readonly string[]): string {
  if (keys.length === 0) return '';
  const folders = keys.map((k) => k.slice(0, k.lastIndexOf('/') + 1));
  let common = folders[0];
  for (const f of folders)
    while (!f.startsWith(common)) common = common.slice(0, common.slice(0, -1).lastIndexOf('/') + 1);
  return common;
}
