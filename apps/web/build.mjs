// Bundles the web page into dist/web: one script, one stylesheet, the HTML.
// Everything the page needs is in the bundle (no CDN), so it works offline.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '../../dist/web');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { app: join(here, 'src/main.ts'), styles: join(here, 'src/styles.css') },
  bundle: true,
  outdir: out,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));
