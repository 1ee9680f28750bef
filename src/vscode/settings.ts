import * as vscode from 'vscode';
import { DEFAULT_KEY_TEMPLATE } from '../app/keyTemplate';
import { parseHeaderSets, type HeaderSet } from '../app/headerSets';
import { DEFAULT_CONCURRENCY, DEFAULT_MULTIPART_THRESHOLD, type SnippetFormat } from '../core/index';
import { Settings } from './ids';

const ours = () => vscode.workspace.getConfiguration(Settings.section);
const MiB = 1024 * 1024;
/** 5 TiB, the largest object: a higher threshold would never apply. */
const MAX_THRESHOLD_MIB = 5 * 1024 * 1024;

/** A whole number setting: clamped to at most `max`; below `min` or not a whole number, the fallback (settings.json is not validated for us). */
function wholeNumber(name: string, fallback: number, min: number, max: number): number {
  const n = ours().get<number>(name, fallback);
  return Number.isInteger(n) && n >= min ? Math.min(n, max) : fallback;
}

/** The extension's settings, typed and with their defaults; read when asked, so a change applies at once. */
export const settings = {
  /** Objects listed per request in the Buckets view. */
  pageSize: (): number => wholeNumber(Settings.pageSize, 200, 1, 1000),
  keyTemplate: (): string => ours().get<string>(Settings.keyTemplate) || DEFAULT_KEY_TEMPLATE,
  /** @throws ConfigError when the setting is malformed, saying what to fix. */
  headerSets: (): HeaderSet[] => parseHeaderSets(ours().get<unknown>(Settings.headerSets)),
  copyFormat: (): SnippetFormat => ours().get<SnippetFormat>(Settings.copyFormat, 'url'),
  /**
   * Bytes; files at or above it upload in parts. Set in MiB (`multipartThresholdMiB`); the older byte setting is still
   * honoured while only it is set, so a settings.json written before keeps working.
   */
  multipartThreshold: (): number => {
    const isSet = (name: string) => {
      const i = ours().inspect(name);
      return [i?.globalValue, i?.workspaceValue, i?.workspaceFolderValue].some((v) => v !== undefined);
    };
    if (!isSet(Settings.multipartThresholdMiB) && isSet(Settings.multipartThreshold))
      return wholeNumber(Settings.multipartThreshold, DEFAULT_MULTIPART_THRESHOLD, 0, Number.MAX_SAFE_INTEGER);
    return wholeNumber(Settings.multipartThresholdMiB, DEFAULT_MULTIPART_THRESHOLD / MiB, 0, MAX_THRESHOLD_MIB) * MiB;
  },
  uploadConcurrency: (): number => wholeNumber(Settings.uploadConcurrency, DEFAULT_CONCURRENCY, 1, 32),
  /** Request timeouts in milliseconds. */
  timeouts: () => {
    const ms = (name: string, fallback: number, max: number) => wholeNumber(name, fallback, 1, max) * 1000;
    return {
      connectMs: ms(Settings.connectTimeout, 10, 300),
      headersMs: ms(Settings.responseTimeout, 30, 3600),
      idleBodyMs: ms(Settings.idleTimeout, 60, 3600),
    };
  },
  /** The user-level value of `ossPresign.profiles` only: a workspace must not redirect keys (application scope). */
  profileEntries: (): unknown[] => {
    const value = ours().inspect<unknown[]>(Settings.profiles)?.globalValue;
    return Array.isArray(value) ? [...value] : [];
  },
  writeProfileEntries: async (entries: unknown[]): Promise<void> => {
    await ours().update(Settings.profiles, entries, vscode.ConfigurationTarget.Global);
  },
  /** Whether a configuration change touches one of our settings (`name` relative to the section). */
  affects: (e: vscode.ConfigurationChangeEvent, name: string): boolean =>
    e.affectsConfiguration(`${Settings.section}.${name}`),
};
