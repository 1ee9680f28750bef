// Bundles the VS Code entry (dist/extension.js) and the programmatic API (dist/core.js, typed by dist/core.d.ts).
// esbuild does not type-check: `npm run check` does (tsc --noEmit + eslint).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildTypes } from './buildTypes.mjs';

const production = process.argv.includes('--production');
const CORE_DIR = path.resolve('src/core');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  keepNames: true,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
};

/** Value names an `import { a, type B, c as d } from '<spec>'` in `source` takes from `spec`; null for `* as ns` or a default import. */
function importedNames(source, spec) {
  const names = [];
  const quoted = spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const m of source.matchAll(
    new RegExp(`(?:import|export)\\s+(?!type\\s)([^;]*?)\\s+from\\s+['"]${quoted}['"]`, 'g'),
  )) {
    const braces = /^\{([^}]*)\}$/.exec(m[1].trim());
    if (!braces) return null;
    for (const part of braces[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!part.startsWith('type ')) names.push(part.split(/\s+as\s+/)[0]);
    }
  }
  return names;
}

// The one door to core: outside src/core, code imports core only from src/core/index.ts, and dist/extension.js
// takes that module from dist/core.js -- the build of that same file -- instead of bundling a second copy (two
// copies would mean two ConfigError classes, and `instanceof` in the VS Code layer would miss core's errors).
// Nothing is renamed or stood in for: the import means exactly the module it names.
function coreDoor() {
  const index = path.join(CORE_DIR, 'index.ts');
  return {
    name: 'core-door',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        if (args.importer.startsWith(CORE_DIR + path.sep)) return undefined;
        const target = path.resolve(args.resolveDir, args.path);
        if (target !== CORE_DIR && !target.startsWith(CORE_DIR + path.sep)) return undefined;
        if (target === CORE_DIR || target === index || target === index.slice(0, -3))
          return { path: './core.js', external: true };
        return {
          errors: [
            {
              text: `'${args.path}' reaches into core: outside src/core, import from src/core/index.ts (the public API) only`,
            },
          ],
        };
      });
    },
  };
}

// undici's index.js loads all of undici (fetch, WebSocket, caches, mocks, EventSource): CommonJS, so esbuild
// cannot drop what core never calls, and it was 540 of dist/core.js's 850 KB. core uses the agents and
// request() only (src/core/http/transport.ts), so 'undici' resolves to an entry that loads just those, built
// from the installed undici's own files: its makeDispatcher (URL to origin + path, as undici.request does) is
// copied out of index.js at build time, and the build fails if that or a name core imports goes missing.
const UNDICI_SLIM = {
  Agent: "require('undici/lib/dispatcher/agent')",
  ProxyAgent: "require('undici/lib/dispatcher/proxy-agent')",
  EnvHttpProxyAgent: "require('undici/lib/dispatcher/env-http-proxy-agent')",
  errors: "require('undici/lib/core/errors')",
  request: 'makeDispatcher(api.request)',
};

// A stub that throws on any use: called, constructed or a property read.
const unbundled = (what) => `const fail = () => { throw new Error('${what} is not bundled: see scripts/build.mjs'); };
module.exports = new Proxy(fail, { get: fail, construct: fail });`;

// Modules of undici the agents load but never run for core's requests, each replaced by a stub. Matched on
// the require() string of an importer inside undici/lib.
const UNDICI_UNUSED = [
  // undici ships its HTTP/1 parser twice, as a SIMD and a plain WebAssembly build (70 KB of base64 each), and
  // falls back to the plain one when compiling the SIMD one throws (client-h1.js lazyllhttp). Shipping only the
  // plain one costs some parsing speed, nothing that matters for a few requests, and works on every CPU.
  [/\/llhttp_simd-wasm\.js$/, 'module.exports = undefined;'],
  // fetch's body code (FormData, WebIDL, MIME sniffing: 44 KB) is loaded only to send a FormData body
  // (client-h1.js, client-h2.js: isFormDataLike), which core never sends.
  [/\/web\/fetch\/body\.js$/, unbundled('Sending FormData')],
  // HTTP/2 runs only when TLS negotiates h2, which undici offers only with allowH2 (default false; core never sets it).
  [/^\.\/client-h2\.js$/, unbundled('HTTP/2')],
  // SOCKS proxies: the transport accepts http(s):// proxy URLs only (configureTransport).
  [/^\.\/socks5-proxy-agent(\.js)?$/, unbundled('A SOCKS proxy')],
];

function slimUndici() {
  const require = createRequire(import.meta.url);
  const index = readFileSync(require.resolve('undici'), 'utf8');
  const makeDispatcher = /^function makeDispatcher \(fn\) \{$[\s\S]*?^\}$/m.exec(index)?.[0];
  if (!makeDispatcher)
    throw new Error("scripts/build.mjs: undici's index.js has no makeDispatcher any more: update UNDICI_SLIM");
  const contents = [
    "'use strict';",
    "const Dispatcher = require('undici/lib/dispatcher/dispatcher');",
    "const api = require('undici/lib/api');",
    "const util = require('undici/lib/core/util');",
    "const { InvalidArgumentError } = require('undici/lib/core/errors');",
    "const { getGlobalDispatcher } = require('undici/lib/global');",
    'Object.assign(Dispatcher.prototype, api);',
    makeDispatcher,
    ...Object.entries(UNDICI_SLIM).map(([name, value]) => `module.exports.${name} = ${value};`),
  ].join('\n');
  return {
    name: 'slim-undici',
    setup(b) {
      b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici-slim', namespace: 'undici-slim' }));
      b.onLoad({ filter: /^undici-slim$/, namespace: 'undici-slim' }, () => ({
        contents,
        loader: 'js',
        resolveDir: path.resolve('.'),
      }));
      for (const [i, [filter, contents]] of UNDICI_UNUSED.entries()) {
        b.onResolve({ filter }, (args) =>
          /[\\/]undici[\\/]lib[\\/]/.test(args.importer)
            ? { path: `unused-${i}`, namespace: 'undici-slim' }
            : undefined,
        );
        b.onLoad({ filter: new RegExp(`^unused-${i}$`), namespace: 'undici-slim' }, () => ({ contents, loader: 'js' }));
      }
    },
  };
}

// mime-types looks a file's type up in mime-db (2,500 types, 160 KB of JSON). It reads only `extensions`,
// `charset` and `source` (to rank types that share an extension), and a type with neither extensions nor a
// charset can never be an answer, so the bundle keeps those fields of those types: about 1,000, 70 KB.
function slimMimeDb() {
  const db = createRequire(import.meta.url)('mime-db');
  const slim = {};
  for (const [type, { source, charset, extensions }] of Object.entries(db)) {
    if (extensions || charset) slim[type] = { source, charset, extensions };
  }
  return {
    name: 'slim-mime-db',
    setup(b) {
      b.onResolve({ filter: /^mime-db$/ }, () => ({ path: 'mime-db', namespace: 'slim-mime-db' }));
      b.onLoad({ filter: /.*/, namespace: 'slim-mime-db' }, () => ({ contents: JSON.stringify(slim), loader: 'json' }));
    },
  };
}

// Libraries core loads only on first use (transport, XML fallback, MIME lookup) are separate files under
// dist/vendor/, so loading core -- which the extension does on activation -- does not parse them.
const VENDOR = { undici: [slimUndici], 'mime-types': [slimMimeDb], 'fast-xml-parser': [] };

function vendorExternal() {
  return {
    name: 'vendor-external',
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(${Object.keys(VENDOR).join('|')})$`) }, (args) => {
        if (args.path === 'undici') {
          const missing = (
            importedNames(readFileSync(args.importer, 'utf8'), 'undici') ?? ['(a namespace or default import)']
          ).filter((n) => !(n in UNDICI_SLIM));
          if (missing.length) {
            return {
              errors: [
                { text: `${missing.join(', ')} from 'undici' is not in UNDICI_SLIM (scripts/build.mjs): add it there` },
              ],
            };
          }
        }
        return { path: `./vendor/${args.path}.js`, external: true };
      });
    },
  };
}

// A production build after a dev build would otherwise leave stale sourcemaps next to the bundles.
if (production) rmSync('dist', { recursive: true, force: true });

await Promise.all(
  Object.entries(VENDOR).map(([name, plugins]) =>
    build({
      ...common,
      stdin: {
        contents: `module.exports = require(${JSON.stringify(name)});`,
        resolveDir: path.resolve('.'),
        sourcefile: `${name}-entry.js`,
      },
      outfile: `dist/vendor/${name}.js`,
      plugins: plugins.map((plugin) => plugin()),
    }),
  ),
);
await build({ ...common, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js', plugins: [vendorExternal()] });
// One declaration file for the API's users (package.json "types"), checked by test/unit/core/coreTypes.test.ts.
await buildTypes();
await build({
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
  plugins: [coreDoor()],
});
