import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Commands, Settings, Views } from '../../src/vscode/ids';

// Compiled to out/test/unit/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../..');

interface Manifest {
  contributes: {
    commands?: { command: string }[];
    views?: Record<string, { id: string }[]>;
    viewsContainers?: Record<string, { id: string }[]>;
    configuration?: { properties?: Record<string, unknown> } | { properties?: Record<string, unknown> }[];
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const c = manifest.contributes;
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

describe('src/vscode/ids.ts matches package.json', () => {
  it('has exactly the contributed commands', () => {
    assert.deepEqual(sorted(Object.values(Commands)), sorted((c.commands ?? []).map((x) => x.command)));
  });

  it('has exactly the contributed views and view containers', () => {
    const { container, ...views } = Views;
    assert.deepEqual(
      sorted(Object.values(views)),
      sorted(
        Object.values(c.views ?? {})
          .flat()
          .map((v) => v.id),
      ),
    );
    assert.ok(
      Object.values(c.viewsContainers ?? {})
        .flat()
        .some((v) => v.id === container),
      `no view container "${container}"`,
    );
  });

  it('has exactly the contributed settings (relative to the section)', () => {
    const { section, ...settings } = Settings;
    const configs = Array.isArray(c.configuration) ? c.configuration : c.configuration ? [c.configuration] : [];
    const contributed = configs.flatMap((cfg) => Object.keys(cfg.properties ?? {}));
    assert.deepEqual(sorted(Object.values(settings).map((s) => `${section}.${s}`)), sorted(contributed));
  });
});
