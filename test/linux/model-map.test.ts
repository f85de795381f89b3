// docs/model-map.md is what scripts/model-map.ts generates from the source: regenerate it when a
// model function or its comment changes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allPatches } from '../../src/history/index.js';
import { v42 } from '../../src/linux/kernel.js';
import { ROOT } from '../cli/run-cli.js';

describe('docs/model-map.md', () => {
  it('is up to date with the model (npx tsx scripts/model-map.ts > docs/model-map.md)', () => {
    const generated = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/model-map.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(readFileSync(join(ROOT, 'docs/model-map.md'), 'utf8')).toBe(generated);
    // Every function of the kernel table, and every one a patch replaces, is on the page (under
    // its kernel name where the table's differs).
    const kernelName: Record<string, string> = {
      vm_mmap: 'vm_mmap_pgoff',
      xfs_vn_setattr_size: 'xfs_vn_setattr',
    };
    const names = new Set([...Object.keys(v42), ...allPatches.flatMap((p) => p.info.replaces)]);
    names.delete('filesystems'); // the per-filesystem vm_ops and fs ops, not a function
    for (const n of names)
      expect(generated, n).toMatch(new RegExp(`(\\): |-> |, |and )${kernelName[n] ?? n}\\(`));
  }, 30_000);
});
