// The layering rules of STYLE.md "Shape", checked on the sources with the TypeScript parser (so comments and strings
// do not count): core never imports vscode, one file each owns @noble/hashes and undici, and the signers are pure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

// Compiled to out/test/unit/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const rel = (file: string) => relative(ROOT, file).split(sep).join('/');
const SRC = tsFiles(join(ROOT, 'src')).map((f) => ({ path: rel(f), text: readFileSync(f, 'utf8') }));

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
  const problems = importsOf(text).filter((m) => IO_MODULES.test(m)).map((m) => `${path}: imports ${m}`);
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    const at = () => `${path}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    if (ts.isNewExpression(node) && node.expression.getText() === 'Date' && !node.arguments?.length) problems.push(`${at()}: new Date() reads the clock`);
    if (ts.isPropertyAccessExpression(node) && /^(Date\.now|performance\.now|process\.hrtime|Math\.random|crypto\.getRandomValues|crypto\.randomUUID)$/.test(node.getText())) {
      problems.push(`${at()}: ${node.getText()}`);
    }
    if (ts.isCallExpression(node) && /^(fetch|Date|setTimeout|setInterval)$/.test(node.expression.getText())) problems.push(`${at()}: ${node.expression.getText()}()`);
    if (ts.isIdentifier(node) && /^(fs|process)$/.test(node.text) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) problems.push(`${at()}: uses ${node.text}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

describe('architecture (STYLE.md "Shape")', () => {
  it('the scan sees the sources (guards against an empty glob)', () => {
    assert.ok(SRC.some((f) => f.path === 'src/core/presign.ts'));
    assert.ok(SRC.some((f) => f.path === 'src/core/signing/crypto.ts'));
    assert.deepEqual(importsOf("import a from 'x'; export { b } from 'y'; const c = require('z'); void import('w'); // import 'comment'"), ['x', 'y', 'z', 'w']);
  });

  it('no file under src/core imports vscode', () => {
    assert.deepEqual(importers(/^vscode$/).filter((p) => p.startsWith('src/core/')), []);
  });

  it('only src/core/signing/crypto.ts imports @noble/hashes', () => {
    assert.deepEqual(importers(/^@noble\/hashes(\/|$)/), ['src/core/signing/crypto.ts']);
  });

  it('only src/core/http/transport.ts imports undici', () => {
    const users = importers(/^undici(\/|$)/);
    if (SRC.some((f) => f.path === 'src/core/http/transport.ts')) assert.deepEqual(users, ['src/core/http/transport.ts']);
    else assert.deepEqual(users, []);
  });

  it('src/core/signing/** does no I/O, never reads the clock and uses no randomness', () => {
    assert.deepEqual(SRC.filter((f) => f.path.startsWith('src/core/signing/')).flatMap((f) => purityProblems(f.path, f.text)), []);
  });

  it('the purity scan catches what it looks for (self-test on a snippet)', () => {
    const snippet = "import { readFileSync } from 'node:fs';\nconst a = new Date();\nconst b = Date.now();\nconst c = new Date(0);\nMath.random();\nprocess.env.X;";
    assert.deepEqual(purityProblems('x.ts', snippet), [
      'x.ts: imports node:fs', 'x.ts:2: new Date() reads the clock', 'x.ts:3: Date.now', 'x.ts:5: Math.random', 'x.ts:6: uses process',
    ]);
  });
});
