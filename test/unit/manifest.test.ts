import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Compiled to out/test/unit/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../..');

interface Command {
  command: string;
  title?: string;
  category?: string;
}

interface Manifest {
  icon?: string;
  capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
  contributes?: {
    commands?: Command[];
    configuration?: { properties?: Record<string, unknown> } | { properties?: Record<string, unknown> }[];
    viewsContainers?: Record<string, { icon?: string }[]>;
    walkthroughs?: { steps: { media?: { markdown?: string; image?: unknown } }[] }[];
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** Every `%key%` placeholder anywhere in the manifest, with the JSON path where it appears. */
function placeholders(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (typeof value === 'string') {
    const m = /^%(.+)%$/.exec(value);
    if (m) out.set(m[1], path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => placeholders(v, `${path}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) placeholders(v, `${path}.${k}`, out);
  }
  return out;
}

const used = placeholders(manifest, '$', new Map());
const commands = manifest.contributes?.commands ?? [];

describe('package.json and package.nls.json', () => {
  it('defines every %key% the manifest uses', () => {
    const missing = [...used].filter(([key]) => !(key in nls)).map(([key, at]) => `${key} (at ${at})`);
    assert.deepEqual(missing, [], 'add these keys to package.nls.json');
  });

  it('uses every key package.nls.json defines', () => {
    const unused = Object.keys(nls).filter((key) => !used.has(key));
    assert.deepEqual(unused, [], 'remove these keys from package.nls.json or reference them as %key%');
  });

  it('has no empty strings in package.nls.json', () => {
    assert.deepEqual(
      Object.keys(nls).filter((key) => nls[key].trim() === ''),
      [],
    );
  });

  it('gives every contributed command a category and a title', () => {
    const incomplete = commands.filter((c) => !c.category || !c.title).map((c) => c.command);
    assert.deepEqual(incomplete, []);
  });

  it('names command title keys ossPresign.command.<name>.title', () => {
    const misnamed = commands
      .filter((c) => c.title?.startsWith('%'))
      .filter((c) => c.title !== `%ossPresign.command.${c.command.replace(/^ossPresign\./, '')}.title%`)
      .map((c) => `${c.command}: ${c.title}`);
    assert.deepEqual(misnamed, []);
  });

  it('links only contributed commands from localized strings', () => {
    const ids = new Set(commands.map((c) => c.command));
    const links = Object.values(nls).flatMap((s) => [...s.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]));
    assert.deepEqual(
      links.filter((id) => !ids.has(id)),
      [],
    );
  });

  it('restricts only settings the extension contributes in untrusted workspaces', () => {
    // `configuration` may be one object or an array of sections.
    const sections = [manifest.contributes?.configuration ?? []].flat();
    const contributed = new Set(sections.flatMap((c) => Object.keys(c.properties ?? {})));
    const restricted = manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? [];
    assert.ok(restricted.length > 0);
    assert.deepEqual(
      restricted.filter((key) => !contributed.has(key)),
      [],
    );
  });

  it('points at media files that exist', () => {
    const files = [
      manifest.icon,
      ...Object.values(manifest.contributes?.viewsContainers ?? {})
        .flat()
        .map((c) => c.icon),
      ...(manifest.contributes?.walkthroughs ?? []).flatMap((w) => w.steps.map((s) => s.media?.markdown)),
    ].filter((f): f is string => typeof f === 'string');
    assert.ok(files.length > 0);
    assert.deepEqual(
      files.filter((f) => !existsSync(join(ROOT, f))),
      [],
    );
  });
});
