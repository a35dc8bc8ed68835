import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built into the package's dist/ so `hookline serve` (dist/api) and the tests (src/api) find it at the
// same place relative to the repository root, and `npm pack` ships it.
const outDir = fileURLToPath(new URL('../dist/ui', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact()],
  build: {
    outDir,
    emptyOutDir: true,
    // Served by hookline itself on loopback; a source map costs nothing there and helps bug reports.
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    // `npm run dev:ui` beside `hookline serve` on 4080: the control API allows loopback origins.
    proxy: { '/hookline': 'http://127.0.0.1:4080', '/sink': 'http://127.0.0.1:4080' },
  },
});
