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

/** An entry of `contributes.menus`: a command or a submenu. */
interface MenuEntry {
  command?: string;
  submenu?: string;
  when?: string;
  group?: string;
}

interface Keybinding {
  command: string;
  key: string;
  mac?: string;
  when?: string;
}

interface Manifest {
  icon?: string;
  capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
  contributes?: {
    commands?: Command[];
    menus?: Record<string, MenuEntry[]>;
    submenus?: { id: string; label: string }[];
    keybindings?: Keybinding[];
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
    // VS Code adds `<view id>.focus` for every contributed view.
    const views = Object.values((manifest.contributes as { views?: Record<string, { id: string }[]> }).views ?? {});
    const ids = new Set([...commands.map((c) => c.command), ...views.flat().map((v) => `${v.id}.focus`)]);
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

describe('Explorer menu and keybinding', () => {
  const menus = manifest.contributes?.menus ?? {};
  const submenus = manifest.contributes?.submenus ?? [];
  const keybindings = manifest.contributes?.keybindings ?? [];
  const resolve = (s: string) => s.replace(/^%(.+)%$/, (m, key: string) => nls[key] ?? m);
  const explorer = menus['explorer/context'] ?? [];
  const submenuEntry = explorer.find((e) => e.submenu);
  const submenuItems = submenuEntry?.submenu ? (menus[submenuEntry.submenu] ?? []) : [];
  const whenOf = (entries: MenuEntry[]) => Object.fromEntries(entries.map((e) => [e.command ?? e.submenu, e.when]));

  it('shows an "OSS Presign" submenu in the Explorer context menu', () => {
    assert.ok(submenuEntry?.submenu, 'no submenu entry in explorer/context');
    const declared = submenus.find((s) => s.id === submenuEntry.submenu);
    assert.ok(declared, `submenu ${submenuEntry.submenu} is not declared in contributes.submenus`);
    assert.equal(resolve(declared.label), 'OSS Presign');
  });

  it('keeps only Presign PUT URL... and Upload to Bucket... beside the submenu at the top level', () => {
    assert.deepEqual(
      explorer.map((e) => e.command ?? `submenu:${e.submenu}`),
      ['ossPresign.presignPut', 'ossPresign.uploadFile', `submenu:${submenuEntry?.submenu}`],
    );
    // Files and folders alike: both commands take a folder as every file below it.
    assert.deepEqual(
      explorer.filter((e) => e.command).map((e) => e.when),
      [undefined, undefined],
    );
  });

  it('moves the other Explorer commands into the submenu with their when clauses', () => {
    // The top-level entries before the submenu existed, with their when clauses; later features may add more.
    const moved = {
      'ossPresign.presignPutLast': undefined,
      'ossPresign.copyUrl': '!explorerResourceIsFolder',
      'ossPresign.copyCurl': '!explorerResourceIsFolder',
      'ossPresign.createMultipartKit': '!explorerResourceIsFolder',
    };
    const inSubmenu = whenOf(submenuItems);
    assert.deepEqual(
      Object.fromEntries(Object.keys(moved).map((id) => [id, id in inSubmenu ? inSubmenu[id] : 'missing'])),
      moved,
    );
    const top = new Set(explorer.map((e) => e.command));
    assert.deepEqual(
      submenuItems.filter((e) => top.has(e.command)).map((e) => e.command),
      [],
      'listed both at the top level and in the submenu',
    );
  });

  it('refers only to contributed commands and declared submenus, and uses every declared submenu', () => {
    const ids = new Set(commands.map((c) => c.command));
    const declared = new Set(submenus.map((s) => s.id));
    const entries = Object.values(menus).flat();
    assert.deepEqual(
      entries.filter((e) => e.command && !ids.has(e.command)).map((e) => e.command),
      [],
    );
    assert.deepEqual(
      entries.filter((e) => e.submenu && !declared.has(e.submenu)).map((e) => e.submenu),
      [],
    );
    const used = new Set(entries.map((e) => e.submenu));
    assert.deepEqual(
      [...declared].filter((id) => !used.has(id) || !menus[id]?.length),
      [],
    );
  });

  it('binds Copy Presigned URL to Ctrl+Alt+U / Cmd+Alt+U on a file in the editor once a profile exists', () => {
    const ids = new Set(commands.map((c) => c.command));
    assert.deepEqual(
      keybindings.filter((k) => !ids.has(k.command)).map((k) => k.command),
      [],
    );
    const binding = keybindings.find((k) => k.command === 'ossPresign.copyUrl');
    assert.ok(binding, 'no keybinding for ossPresign.copyUrl');
    assert.equal(binding.key, 'ctrl+alt+u');
    assert.equal(binding.mac, 'cmd+alt+u');
    const clauses = (binding.when ?? '').split('&&').map((c) => c.trim());
    // The workbench sees a file of a remote window (Remote-SSH, WSL, code-server) as vscode-remote:, while the
    // extension host, where the command runs, sees file:.
    assert.deepEqual(clauses, [
      'editorTextFocus',
      'resourceScheme =~ /^(file|vscode-remote)$/',
      "config.ossPresign.profiles != '[]'",
    ]);
  });

  it("declares ossPresign.profiles with the default the keybinding's when clause compares against", () => {
    // VS Code exposes an array setting to when clauses as its JSON text: no profiles reads as '[]'.
    const sections = [manifest.contributes?.configuration ?? []].flat();
    const profiles = sections.map((s) => s.properties?.['ossPresign.profiles']).find(Boolean) as
      { type?: string; default?: unknown } | undefined;
    assert.equal(profiles?.type, 'array');
    assert.deepEqual(profiles?.default, []);
  });
});
