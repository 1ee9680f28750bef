// Bundles the VS Code entry (dist/extension.js) and the programmatic API (dist/core.js).
// esbuild does not type-check: `npm run check` does (tsc --noEmit + eslint).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const CORE_DIR = path.resolve('src/core');
const CORE_INDEX = new Set(['', '/index', '/index.ts', '/index.js'].map((s) => CORE_DIR + s));

// dist/extension.js loads core from dist/core.js at run time instead of bundling a second copy:
// core carries undici and the parsers (most of the VSIX), and two copies would also mean two
// ConfigError classes, so an `instanceof` in the VS Code layer would miss errors thrown by core.
// That only works if the VS Code layer imports core through its index, hence the hard error.
const shareCore = {
  name: 'share-core',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.importer.startsWith(CORE_DIR + path.sep)) return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      if (CORE_INDEX.has(target)) return { path: './core.js', external: true };
      if (!target.startsWith(CORE_DIR + path.sep)) return undefined;
      const index = path.relative(args.resolveDir, path.join(CORE_DIR, 'index')).replace(/^(?!\.)/, './');
      return {
        errors: [{
          text: `import core through its index ('${index}'), not '${args.path}'; ` +
            'export the name from src/core/index.ts if it is missing there',
        }],
      };
    });
  },
};

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

// A production build after a dev build would otherwise leave stale sourcemaps next to the bundles.
if (production) for (const f of ['dist/extension.js.map', 'dist/core.js.map']) rmSync(f, { force: true });

await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [shareCore] }),
  build({ ...common, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js' }),
]);
