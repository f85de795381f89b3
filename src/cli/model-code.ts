// A fingerprint of the model code this faultline runs (engine, kernel primitives, the kernel
// mirror, workloads, version history, checks, examples), for checkpoints: a run saved by one
// version of the model must not be resumed by another, whose executions may not follow the saved
// path. Hashes the files beside this module's parent, the sources under tsx or the compiled files
// under dist/, so those two do not resume each other's checkpoints either. An external
// provider's own model code is not included.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODEL_DIRS = ['engine', 'kernel', 'linux', 'workload', 'history', 'checks', 'examples'];

let cached: string | undefined;

export function modelCodeFingerprint(): string {
  if (cached) return cached;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  for (const d of MODEL_DIRS) walk(join(root, d));
  const h = createHash('sha256');
  for (const f of files.sort())
    h.update(`${relative(root, f)}\n`)
      .update(readFileSync(f))
      .update('\n');
  cached = h.digest('hex').slice(0, 16);
  return cached;
}
