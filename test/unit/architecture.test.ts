// The layering rules, checked on the sources with the TypeScript parser (so comments and strings do not count):
// core (the public library) and app (the extension's pure logic) never import vscode; core imports nothing of the
// extension; the kit (src/vscode) knows no feature; a feature imports another only through a listed pair; outside
// core, core is reached through src/core/index.ts only; one file each owns @noble/hashes and undici; the signers
// are pure; commands are registered only by the kit's registerCommands; comments name only files that exist.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { existsSync, readFileSync as read } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

// Compiled to out/test/unit/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const rel = (file: string) => relative(ROOT, file).split(sep).join('/');
const SRC = tsFiles(join(ROOT, 'src')).map((f) => ({ path: rel(f), text: read(f, 'utf8') }));

/** Module specifiers of import/export-from statements, require() and import() calls. */
function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

const IMPORTS = new Map<string, string[]>();
/** Files (repo-relative) that import a module matching `pattern`. */
function importers(pattern: RegExp): string[] {
  if (IMPORTS.size === 0) for (const f of SRC) IMPORTS.set(f.path, importsOf(f.text));
  return [...IMPORTS].filter(([, modules]) => modules.some((m) => pattern.test(m))).map(([path]) => path);
}

const IO_MODULES = /^(node:)?(fs|fs\/promises|http|https|http2|net|tls|dgram|child_process|dns)$|^undici/;

/** I/O imports, clock reads and randomness in one source file. */
function purityProblems(path: string, text: string): string[] {
  const problems = importsOf(text)
    .filter((m) => IO_MODULES.test(m))
    .map((m) => `${path}: imports ${m}`);
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    const at = () => `${path}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    if (ts.isNewExpression(node) && node.expression.getText() === 'Date' && !node.arguments?.length)
      problems.push(`${at()}: new Date() reads the clock`);
    if (
      ts.isPropertyAccessExpression(node) &&
      /^(Date\.now|performance\.now|process\.hrtime|Math\.random|crypto\.getRandomValues|crypto\.randomUUID)$/.test(
        node.getText(),
      )
    ) {
      problems.push(`${at()}: ${node.getText()}`);
    }
    if (ts.isCallExpression(node) && /^(fetch|Date|setTimeout|setInterval)$/.test(node.expression.getText()))
      problems.push(`${at()}: ${node.expression.getText()}()`);
    if (
      ts.isIdentifier(node) &&
      /^(fs|process)$/.test(node.text) &&
      !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)
    )
      problems.push(`${at()}: uses ${node.text}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

/** Repo-relative paths (without .ts) that a file's relative imports resolve to. */
function resolvedImports(file: string, text: string): string[] {
  return importsOf(text)
    .filter((m) => m.startsWith('.'))
    .map((m) =>
      relative(ROOT, resolve(ROOT, dirname(file), m))
        .split(sep)
        .join('/'),
    )
    .map((m) => (existsSync(join(ROOT, `${m}.ts`)) ? m : existsSync(join(ROOT, m, 'index.ts')) ? `${m}/index` : m));
}

/** Layer of a source file: core, app, vscode (the kit), features/<name>, or root (extension.ts, features/services.ts). */
function layerOf(path: string): string {
  const m = /^src\/(core|app|vscode)\/|^src\/features\/([^/]+)\//.exec(path);
  return !m ? 'root' : (m[1] ?? `features/${m[2]}`);
}

/** Every import edge between two layers, as "from -> to (file)". */
function layerEdges(): Array<{ from: string; to: string; file: string; target: string }> {
  return SRC.flatMap((f) =>
    resolvedImports(f.path, f.text)
      .filter((t) => t.startsWith('src/'))
      .map((t) => ({ from: layerOf(f.path), to: layerOf(`${t}.ts`), file: f.path, target: t }))
      .filter((e) => e.from !== e.to),
  );
}

/** The only imports from one feature into another (each one a feature built on another's flow or store). */
const FEATURE_PAIRS = new Set([
  'features/buckets -> features/profiles', // the tree lists each profile's buckets with its store
  'features/buckets -> features/upload', // a drop on the tree runs the upload of "Upload to Bucket..."
  'features/ledger -> features/presign', // re-issue runs the presign flow again
  'features/ledger -> features/buckets', // re-issue signs a download link again
]);

describe('architecture', () => {
  it('the scan sees the sources (guards against an empty glob)', () => {
    assert.ok(SRC.some((f) => f.path === 'src/core/presign.ts'));
    assert.ok(SRC.some((f) => f.path === 'src/core/signing/crypto.ts'));
    assert.deepEqual(
      importsOf(
        "import a from 'x'; export { b } from 'y'; const c = require('z'); void import('w'); // import 'comment'",
      ),
      ['x', 'y', 'z', 'w'],
    );
    assert.deepEqual(
      [
        'src/core/presign.ts',
        'src/app/ledger.ts',
        'src/vscode/prompts.ts',
        'src/features/presign/flow.ts',
        'src/extension.ts',
      ].map(layerOf),
      ['core', 'app', 'vscode', 'features/presign', 'root'],
    );
    assert.deepEqual(
      resolvedImports(
        'src/features/presign/flow.ts',
        "import { a } from '../../core/index'; import { b } from '../ledger/ledgerStore'; import * as vscode from 'vscode';",
      ),
      ['src/core/index', 'src/features/ledger/ledgerStore'],
    );
  });

  it('no file under src/core or src/app imports vscode', () => {
    assert.deepEqual(
      importers(/^vscode$/).filter((p) => p.startsWith('src/core/') || p.startsWith('src/app/')),
      [],
    );
  });

  it('the layers import only downwards: core nothing, app only core, the kit no feature', () => {
    const allowed: Record<string, string[]> = { core: [], app: ['core'], vscode: ['core', 'app'] };
    const wrong = layerEdges().filter((e) => e.from in allowed && !allowed[e.from].includes(e.to));
    assert.deepEqual(
      wrong.map((e) => `${e.file} imports ${e.target}`),
      [],
    );
  });

  it('a feature imports another feature only through a listed pair', () => {
    const pairs = layerEdges().filter((e) => e.from.startsWith('features/') && e.to.startsWith('features/'));
    assert.deepEqual(
      pairs.filter((e) => !FEATURE_PAIRS.has(`${e.from} -> ${e.to}`)).map((e) => `${e.file} imports ${e.target}`),
      [],
    );
    const used = new Set(pairs.map((e) => `${e.from} -> ${e.to}`));
    assert.deepEqual(
      [...FEATURE_PAIRS].filter((p) => !used.has(p)),
      [],
      'a listed pair no longer exists: remove it from FEATURE_PAIRS',
    );
  });

  it('outside src/core, core is reached through src/core/index.ts only (the one door)', () => {
    const deep = layerEdges().filter((e) => e.to === 'core' && e.target !== 'src/core/index');
    assert.deepEqual(
      deep.map((e) => `${e.file} imports ${e.target}`),
      [],
    );
  });

  it('src/core/index.ts names every export (no export *)', () => {
    const index = SRC.find((f) => f.path === 'src/core/index.ts');
    assert.ok(index);
    assert.doesNotMatch(index.text, /export\s+\*/);
  });

  it('only the kit registers commands (every command is an entry of a feature table)', () => {
    const registering = SRC.filter((f) => /\bcommands\.registerCommand\b/.test(f.text)).map((f) => f.path);
    assert.deepEqual(registering, ['src/vscode/commands.ts']);
  });

  it('comments and strings name only files that exist in this repository', () => {
    const scripts = readdirSync(join(ROOT, 'scripts'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(mjs|sh)$/.test(f))
      .map((f) => `scripts/${f.split(sep).join('/')}`);
    const files = [
      ...SRC.map((f) => f.path),
      ...tsFiles(join(ROOT, 'test')).map(rel),
      ...tsFiles(join(ROOT, 'bench')).map(rel),
      ...scripts,
      '.ci/run',
    ];
    const missing = files.flatMap((file) => {
      const text = read(join(ROOT, file), 'utf8');
      return [...text.matchAll(/\b((?:src|test|scripts|bench|media)\/[\w.@/-]*\.(?:ts|mjs|js|json|md|sh|xml))\b/g)]
        .map((m) => m[1])
        .filter(
          (named) =>
            !/[*<>{]/.test(named) &&
            !existsSync(join(ROOT, named)) &&
            !existsSync(join(ROOT, named.replace(/\.js$/, '.ts'))),
        )
        .map((named) => `${file} names ${named}`);
    });
    assert.deepEqual(missing, []);
  });

  it('only src/core/signing/crypto.ts imports @noble/hashes', () => {
    assert.deepEqual(importers(/^@noble\/hashes(\/|$)/), ['src/core/signing/crypto.ts']);
  });

  it('only src/core/http/transport.ts imports undici', () => {
    const users = importers(/^undici(\/|$)/);
    if (SRC.some((f) => f.path === 'src/core/http/transport.ts'))
      assert.deepEqual(users, ['src/core/http/transport.ts']);
    else assert.deepEqual(users, []);
  });

  it('src/core/signing/** does no I/O, never reads the clock and uses no randomness', () => {
    assert.deepEqual(
      SRC.filter((f) => f.path.startsWith('src/core/signing/')).flatMap((f) => purityProblems(f.path, f.text)),
      [],
    );
  });

  it('the purity scan catches what it looks for (self-test on a snippet)', () => {
    const snippet =
      "import { readFileSync } from 'node:fs';\nconst a = new Date();\nconst b = Date.now();\nconst c = new Date(0);\nMath.random();\nprocess.env.X;";
    assert.deepEqual(purityProblems('x.ts', snippet), [
      'x.ts: imports node:fs',
      'x.ts:2: new Date() reads the clock',
      'x.ts:3: Date.now',
      'x.ts:5: Math.random',
      'x.ts:6: uses process',
    ]);
  });
});
