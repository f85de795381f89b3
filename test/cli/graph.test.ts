// `faultline graph`: lockdep's dependency graph as DOT (and SVG), with cycles in red.

import { describe, expect, it } from 'vitest';
import { inProcess } from './run-cli.js';

const args = ['graph', '--fs', 'ext4', '--scenarios', 'fault-vs-truncate,write-fault-vs-write-fault'];

describe('faultline graph', () => {
  it('shows the v4.3-rc1 jbd2_handle / i_mmap_rwsem cycle in red, and no cycle in v4.3', async () => {
    const rc1 = await inProcess([...args, '--kernel', 'v4.3-rc1']);
    expect(rc1.code).toBe(0);
    expect(rc1.stdout).toMatch(/^digraph "lockdep graph: v4.3-rc1 ext4" \{/);
    expect(rc1.stdout).toContain(
      '"jbd2_handle" -> "&mapping->i_mmap_rwsem" [label="EN __dax_fault", color=red',
    );
    expect(rc1.stdout).toContain(
      '"&mapping->i_mmap_rwsem" -> "jbd2_handle" [label="EN jbd2__journal_start", color=red',
    );
    const v43 = await inProcess([...args, '--kernel', 'v4.3']);
    expect(v43.code).toBe(0);
    expect(v43.stdout).toContain('"jbd2_handle" -> "&mapping->i_mmap_rwsem"');
    expect(v43.stdout).not.toContain('color=red');
  }, 60_000);

  it('renders SVG with Graphviz compiled to WebAssembly', async () => {
    const r = await inProcess([...args, '--kernel', 'v4.3-rc1', '--format', 'svg']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<svg');
    expect(r.stdout).toContain('jbd2_handle');
  }, 60_000);
});
