// Bundles the VS Code entry (dist/extension.js) and the programmatic API (dist/core.js).
// esbuild does not type-check: `npm run check` does (tsc --noEmit + eslint).
import { build } from 'esbuild';

const production = process.argv.includes('--production');

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

await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js' }),
]);
