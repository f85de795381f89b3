// Where a CLI worker thread starts: its compiled module, or, run from the TypeScript sources
// (development and tests), its `-bootstrap.mjs`, which registers tsx inside the worker first.

export function workerUrl(name: 'worker' | 'check-worker' | 'matrix-worker'): URL {
  const fromSource = import.meta.url.endsWith('.ts');
  return new URL(fromSource ? `./${name}-bootstrap.mjs` : `./${name}.js`, import.meta.url);
}
