// Builds the trace viewer into dist/web: one self-contained page (no network fetches at run
// time), with Mermaid and Graphviz split into chunks loaded only when their panels render.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the page works whatever path the server mounts it on.
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Mermaid is large by nature; it is loaded lazily, so its size is not the page's start-up cost.
    chunkSizeWarningLimit: 4000,
    reportCompressedSize: false,
  },
});
