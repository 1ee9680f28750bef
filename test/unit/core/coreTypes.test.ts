// dist/core.d.ts, the one bundled declaration file of the programmatic API (scripts/buildTypes.mjs), read with the
// TypeScript compiler API: it declares exactly what dist/core.js exports, needs neither VS Code nor any file of ours
// beside it, compiles for a consumer, and every name it exports is in README.md's "### Reference" and vice versa.
// `npm test` builds dist/ first.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

// Compiled to out/test/unit/: the repository root is three levels up.
const ROOT = resolve(__dirname, '../../../..');
const DTS = join(ROOT, 'dist', 'core.d.ts');
const CORE = join(ROOT, 'dist', 'core.js');
const README = join(ROOT, 'README.md');
// A consumer of the API, in memory only: under out/ so that, like any CommonJS user's file, ROOT/package.json decides its module format.
const CONSUMER = join(ROOT, 'out', 'test', 'coreTypesConsumer.ts');
const CI = !['', 'false', '0'].includes((process.env.CI ?? '').toLowerCase());

const CONSUMER_SOURCE = `
import { presignPut, type PresignPutOptions } from ${JSON.stringify(join(ROOT, 'dist', 'core'))};

const options: PresignPutOptions = {
  provider: 'oss', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'bucket', key: 'k',
  accessKeyId: 'a', accessKeySecret: 's', expiresSeconds: 60,
};
const url: string = presignPut(options).url;
export { url };
// Real types, not any: a wrong option must not compile.
// @ts-expect-error provider is 'oss' | 's3'
presignPut({ ...options, provider: 'gcs' });
`;

interface Exports {
  values: string[];
  types: string[];
}

interface Loaded {
  text: string;
  source: ts.SourceFile;
  program: ts.Program;
  exports: Exports;
}

/** One program: the bundled declarations and the consumer, with the options of tsconfig.json (no vscode types). */
function load(): Loaded {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    },
  );
  assert.ok(config, 'tsconfig.json could not be read');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    // tsconfig.json skips checking every .d.ts; dist/core.d.ts is ours, so check it (the lib and packages are not asked for).
    skipLibCheck: false,
    skipDefaultLibCheck: true,
    types: ['node'],
    incremental: false,
    sourceMap: false,
    declaration: false,
  };
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => resolve(file) === CONSUMER || fileExists.call(host, file);
  host.readFile = (file) => (resolve(file) === CONSUMER ? CONSUMER_SOURCE : readFile.call(host, file));
  host.getSourceFile = (file, languageVersion, ...rest) =>
    resolve(file) === CONSUMER
      ? ts.createSourceFile(file, CONSUMER_SOURCE, languageVersion, true)
      : getSourceFile.call(host, file, languageVersion, ...rest);
  const program = ts.createProgram({ rootNames: [DTS, CONSUMER], options, host });
  const source = program.getSourceFile(DTS);
  assert.ok(source, `${DTS} is not in the program`);
  return { text: source.text, source, program, exports: exportsOf(program, source) };
}

/** The names a module exports, split into values (functions, classes, consts, enums) and types (interfaces, type aliases). */
function exportsOf(program: ts.Program, source: ts.SourceFile): Exports {
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(source);
  assert.ok(moduleSymbol, 'dist/core.d.ts is not a module (it has no import or export)');
  const values: string[] = [];
  const types: string[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    // `export type { X }` exports only the type side of X, even when X is a class.
    const typeOnly = (symbol.declarations ?? []).some(
      (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
    );
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    (!typeOnly && target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
  }
  return { values: values.sort(), types: types.sort() };
}

let loaded: Loaded | undefined;
/** The loaded declarations, or null (test skipped, or failed under CI) when dist/ is not built. */
function declarations(t: TestContext, ...files: string[]): Loaded | null {
  const missing = [DTS, ...files].filter((f) => !existsSync(f)).map((f) => f.slice(ROOT.length + 1));
  if (missing.length) {
    assert.ok(!CI, `${missing.join(', ')} missing under CI: npm test must run npm run build before the unit tests`);
    t.skip(`${missing.join(', ')} not built: run npm run build (npm test does)`);
    return null;
  }
  return (loaded ??= load());
}

/** "a, b" or "(none)". */
const list = (names: Iterable<string>) => [...names].join(', ') || '(none)';

/** Names in `a` that `b` lacks. */
const minus = (a: Iterable<string>, b: Iterable<string>) => {
  const set = new Set(b);
  return [...a].filter((n) => !set.has(n)).sort();
};

/**
 * The names README.md documents: the backticked names each list item of "### Reference" (under "## Programmatic API",
 * up to the next "## " or "### " heading) starts with, e.g. "- `presignPut(options)`, `presignGet(options)`: ..." or
 * "- `ConfigError` (class): ...". Of each, the identifier before any "(", "<" or space. Null without that subsection.
 */
function documentedNames(markdown: string): string[] | null {
  let section: 'before' | 'api' | 'reference' = 'before';
  let fenced = false;
  let found = false;
  const names = new Set<string>();
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const [, hashes = '', title] = heading;
      if (hashes.length <= 2) section = hashes.length === 2 && title === 'Programmatic API' ? 'api' : 'before';
      else if (section !== 'before' && hashes.length === 3) section = title === 'Reference' ? 'reference' : 'api';
      if (section === 'reference') found = true;
      continue;
    }
    if (section !== 'reference') continue;
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line)?.[1];
    if (item === undefined) continue;
    // The leading run of backticked names, separated by commas, "/", "and"/"or", with parentheticals such as "(class)".
    const lead = /^(?:\s+|,|\/|&|\band\b|\bor\b|\([^)`]*\)|`[^`]+`)*/.exec(item)?.[0] ?? '';
    for (const [, code] of lead.matchAll(/`([^`]+)`/g)) {
      const name = /^[A-Za-z_$][\w$]*/.exec(code?.trim().split(/[(<\s]/)[0] ?? '')?.[0];
      if (name) names.add(name);
    }
  }
  return found ? [...names].sort() : null;
}

it('README "### Reference" parsing: leading backticked names of list items, up to the next ## or ### heading', () => {
  const markdown = [
    '## Programmatic API',
    '- `notInReference`: before the subsection',
    '### Reference',
    'Text with `ignored`.',
    '- `presignPut(options)`, `presignGet(options)`: presigned URLs; see `alsoIgnored`',
    '- `ConfigError` (class): thrown on bad input',
    '* `Page<T>` and `PageLoader<T>`',
    '```',
    '- `inFence`',
    '```',
    '  - `nested` / `Other.member`',
    '### Next',
    '- `afterIt`',
  ].join('\n');
  assert.deepEqual(documentedNames(markdown), [
    'ConfigError',
    'Other',
    'Page',
    'PageLoader',
    'nested',
    'presignGet',
    'presignPut',
  ]);
  assert.equal(documentedNames('## Programmatic API\n- `a`\n## Reference\n- `b`'), null);
  assert.equal(documentedNames('## Other\n### Reference\n- `b`'), null);
});

describe('dist/core.d.ts: the bundled declarations of the programmatic API', () => {
  it('exports, as values, exactly the names dist/core.js exports', (t) => {
    const dts = declarations(t, CORE);
    if (!dts) return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle, as a CommonJS user loads it
    const runtime = Object.keys(require(CORE) as object).sort();
    const notDeclared = minus(runtime, dts.exports.values);
    const notExported = minus(dts.exports.values, runtime);
    assert.ok(
      notDeclared.length + notExported.length === 0,
      [
        'dist/core.d.ts and dist/core.js disagree (rebuild both: npm run build):',
        `  exported by dist/core.js but not declared as a value in dist/core.d.ts: ${list(notDeclared)}`,
        `  declared as a value in dist/core.d.ts but not exported by dist/core.js: ${list(notExported)}`,
      ].join('\n'),
    );
  });

  it('is self-contained: no import of a relative path, no reference to vscode', (t) => {
    const dts = declarations(t);
    if (!dts) return;
    const info = ts.preProcessFile(dts.text, true, true);
    const problems = [
      ...info.importedFiles
        .map((f) => f.fileName)
        .filter((m) => m.startsWith('.') || m.startsWith('/') || /^vscode(\/|$)/.test(m))
        .map((m) => `imports '${m}'`),
      ...info.referencedFiles.map((f) => `/// <reference path="${f.fileName}" />`),
      ...info.typeReferenceDirectives
        .filter((f) => /^vscode(\/|$)/.test(f.fileName))
        .map((f) => `/// <reference types="${f.fileName}" />`),
      ...(info.ambientExternalModules ?? []).filter((m) => /^vscode(\/|$)/.test(m)).map((m) => `declare module '${m}'`),
    ];
    assert.deepEqual(
      problems,
      [],
      `dist/core.d.ts must stand alone and must not need VS Code:\n  ${problems.join('\n  ')}`,
    );
  });

  it('compiles, and a consumer importing presignPut and PresignPutOptions from dist/core type-checks', (t) => {
    const dts = declarations(t);
    if (!dts) return;
    const consumer = dts.program.getSourceFile(CONSUMER);
    assert.ok(consumer, 'the consumer snippet is not in the program');
    const diagnostics = [
      ...dts.program.getOptionsDiagnostics(),
      ...dts.program.getGlobalDiagnostics(),
      ...[dts.source, consumer].flatMap((file) => [
        ...dts.program.getSyntacticDiagnostics(file),
        ...dts.program.getSemanticDiagnostics(file),
      ]),
    ];
    const host: ts.FormatDiagnosticsHost = {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => ROOT,
      getNewLine: () => '\n',
    };
    assert.equal(diagnostics.length, 0, ts.formatDiagnostics(diagnostics, host));
    const specifier = consumer.statements.find(ts.isImportDeclaration)?.moduleSpecifier;
    const target =
      specifier &&
      dts.program.getTypeChecker().getSymbolAtLocation(specifier)?.valueDeclaration?.getSourceFile().fileName;
    assert.equal(target && resolve(target), DTS, "the consumer's import of dist/core resolves to dist/core.d.ts");
  });

  it('exports exactly the names README.md documents under "## Programmatic API" / "### Reference"', (t) => {
    const dts = declarations(t);
    if (!dts) return;
    const documented = documentedNames(readFileSync(README, 'utf8'));
    assert.ok(
      documented,
      "README.md has no '### Reference' under '## Programmatic API': add it, one list item per name (- `name(args)`: ...)",
    );
    assert.ok(
      documented.length > 0,
      "README.md's '### Reference' under '## Programmatic API' has no list item starting with a backticked name",
    );
    const exported = [...dts.exports.values, ...dts.exports.types];
    const undocumented = minus(exported, documented);
    const notExported = minus(documented, exported);
    assert.ok(
      undocumented.length + notExported.length === 0,
      [
        "README.md's '### Reference' (## Programmatic API) and dist/core.d.ts disagree:",
        `  exported but not documented: ${list(undocumented)}`,
        `  documented but not exported: ${list(notExported)}`,
      ].join('\n'),
    );
  });
});
