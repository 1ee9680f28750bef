// Bundles the VS Code entry (dist/extension.js) and the programmatic API (dist/core.js).
// esbuild does not type-check: `npm run check` does (tsc --noEmit + eslint).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

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
  for (const m of source.matchAll(new RegExp(`(?:import|export)\\s+(?!type\\s)([^;]*?)\\s+from\\s+['"]${quoted}['"]`, 'g'))) {
    const braces = /^\{([^}]*)\}$/.exec(m[1].trim());
    if (!braces) return null;
    for (const part of braces[1].split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!part.startsWith('type ')) names.push(part.split(/\s+as\s+/)[0]);
    }
  }
  return names;
}

// dist/extension.js loads core from dist/core.js at run time instead of bundling a second copy:
// core carries undici and the parsers (most of the VSIX), and two copies would also mean two
// ConfigError classes, so an `instanceof` in the VS Code layer would miss errors thrown by core.
// A deep import ('../core/log') becomes a require of dist/core.js too, so every name it takes
// must be exported by src/core/index.ts; tsc cannot see that, so the build checks it here.
function shareCore(coreExports) {
  return {
    name: 'share-core',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        if (args.importer.startsWith(CORE_DIR + path.sep)) return undefined;
        const target = path.resolve(args.resolveDir, args.path);
        if (target !== CORE_DIR && !target.startsWith(CORE_DIR + path.sep)) return undefined;
        const isIndex = /^(index(\.[jt]s)?)?$/.test(path.relative(CORE_DIR, target));
        const names = isIndex ? [] : importedNames(readFileSync(args.importer, 'utf8'), args.path);
        const missing = names === null ? ['(a namespace or default import)'] : names.filter((n) => !coreExports.has(n));
        if (missing.length === 0) return { path: './core.js', external: true };
        return {
          errors: [{
            text: `${missing.join(', ')} from '${args.path}' is not exported by src/core/index.ts: ` +
              'dist/extension.js takes core from dist/core.js, so export the name there (or import it from the index)',
          }],
        };
      });
    },
  };
}

// A production build after a dev build would otherwise leave stale sourcemaps next to the bundles.
if (production) for (const f of ['dist/extension.js.map', 'dist/core.js.map']) rmSync(f, { force: true });

await build({ ...common, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js' });
const coreExports = new Set(Object.keys(createRequire(import.meta.url)(path.resolve('dist/core.js'))));
await build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [shareCore(coreExports)] });
