// The single-thread lock sequence of each modelled fault path, per version, against the
// reference (kernel-reference.md 2.0-2.4, 2.9).
import { describe, expect, it } from 'vitest';
import { I_MMAP, ILOCK, MMAP_SEM, MMAPLOCK, oneThread, opsIn, PTL, SBPF } from './helpers.js';

const load0 = [{ do: 'load' as const, map: 'm', page: 0 }];
const store0 = [{ do: 'store' as const, map: 'm', page: 0, value: 1 }];

describe('read fault on a hole (do_read_fault -> xfs_filemap_fault -> __dax_fault -> dax_load_hole)', () => {
  it('v4.2: MMAPLOCK shared, ILOCK shared for get_block, a new locked hole page mapped under the ptl', () => {
    const r = oneThread('v4.2', load0);
    expect(r.outcome).toBe('done');
    expect(r.locks).toEqual([
      `down_read(${MMAP_SEM})`,
      `spin_lock(${PTL})`, // __pte_alloc under the PMD lock
      `spin_unlock(${PTL})`,
      `down_read(${MMAPLOCK})`,
      `down_read(${ILOCK})`,
      `up_read(${ILOCK})`,
      '__set_page_locked(PG_locked)',
      `up_read(${MMAPLOCK})`,
      `spin_lock(${PTL})`,
      'unlock_page(PG_locked)',
      `spin_unlock(${PTL})`,
      `up_read(${MMAP_SEM})`,
    ]);
  });

  it('v4.3-rc1: W(i_mmap) taken before get_block and dropped before dax_load_hole', () => {
    const r = oneThread('v4.3-rc1', load0);
    expect(opsIn(r, '__dax_fault')).toEqual([`down_write(${I_MMAP})`, `up_write(${I_MMAP})`]);
    const i = r.locks.indexOf(`down_write(${I_MMAP})`);
    expect(r.locks.slice(i, i + 4)).toEqual([
      `down_write(${I_MMAP})`,
      `down_read(${ILOCK})`,
      `up_read(${ILOCK})`,
      `up_write(${I_MMAP})`,
    ]);
  });

  it('v4.3: the PMD attempt first (sb_start_pagefault unconditionally), then the v4.2 PTE path', () => {
    const r = oneThread('v4.3', load0);
    expect(opsIn(r, 'xfs_filemap_pmd_fault')).toEqual([
      `sb_start_pagefault(${SBPF})`,
      `down_read(${MMAPLOCK})`,
      `up_read(${MMAPLOCK})`,
      `sb_end_pagefault(${SBPF})`,
    ]);
    expect(r.locks).not.toContain(`down_write(${I_MMAP})`);
  });

  it('v4.4: the PMD attempt takes no freeze protection for a read', () => {
    const r = oneThread('v4.4', load0);
    expect(opsIn(r, 'xfs_filemap_pmd_fault')).toEqual([`down_read(${MMAPLOCK})`, `up_read(${MMAPLOCK})`]);
    // ee82c9ed41e8: __dax_pmd_fault returns VM_FAULT_FALLBACK before touching anything
    expect(r.steps.some((s) => s.fn === '__dax_pmd_fault')).toBe(false);
  });
});

describe('write fault on a hole (xfs_filemap_page_mkwrite -> __dax_mkwrite), then the write-protect fault', () => {
  it('v4.2: allocation under ILOCK_EXCL, insert under R(i_mmap) + ptl, unwritten conversion, then wp_pfn_shared', () => {
    const r = oneThread('v4.2', store0);
    expect(opsIn(r, 'xfs_filemap_page_mkwrite')).toEqual([
      `sb_start_pagefault(${SBPF})`,
      `down_read(${MMAPLOCK})`,
      `up_read(${MMAPLOCK})`,
      `sb_end_pagefault(${SBPF})`,
    ]);
    expect(opsIn(r, 'dax_insert_mapping')).toEqual([`down_read(${I_MMAP})`, `up_read(${I_MMAP})`]);
    expect(opsIn(r, 'xfs_iomap_write_direct')).toEqual([`down_write(${ILOCK})`, `up_write(${ILOCK})`]);
    expect(opsIn(r, 'xfs_iomap_write_unwritten')).toEqual([`down_write(${ILOCK})`, `up_write(${ILOCK})`]);
    // the second fault: no ->pfn_mkwrite in v4.2 XFS, so wp_pfn_shared just makes the PTE writable
    expect(r.steps.some((s) => s.fn === 'wp_pfn_shared')).toBe(true);
    expect(r.steps.some((s) => s.fn === 'xfs_filemap_pfn_mkwrite')).toBe(false);
    expect(r.steps.filter((s) => s.op === `down_read(${MMAP_SEM})`)).toHaveLength(2);
  });

  it('v4.3-rc1: W(i_mmap) held across get_block, allocation, insert and the conversion', () => {
    const r = oneThread('v4.3-rc1', store0);
    const from = r.locks.indexOf(`down_write(${I_MMAP})`);
    const to = r.locks.indexOf(`up_write(${I_MMAP})`);
    expect(from).toBeGreaterThan(0);
    expect(r.locks.slice(from + 1, to)).toEqual([
      `down_read(${ILOCK})`,
      `up_read(${ILOCK})`,
      `down_read(${ILOCK})`,
      `up_read(${ILOCK})`,
      `down_write(${ILOCK})`,
      `up_write(${ILOCK})`,
      `spin_lock(${PTL})`,
      `spin_unlock(${PTL})`,
      `down_write(${ILOCK})`,
      `up_write(${ILOCK})`,
    ]);
  });

  it('v4.4: pfn_mkwrite takes MMAPLOCK shared; no DAX zeroing (XFS zeroed in the transaction)', () => {
    const r = oneThread('v4.4', store0);
    expect(opsIn(r, 'xfs_filemap_pfn_mkwrite')).toEqual([
      `sb_start_pagefault(${SBPF})`,
      `down_read(${MMAPLOCK})`,
      `up_read(${MMAPLOCK})`,
      `sb_end_pagefault(${SBPF})`,
    ]);
    const zeroing = r.steps.filter((s) => s.op.startsWith('write pmem['));
    // dax_clear_blocks inside xfs_iomap_write_direct, then the user's store
    expect(zeroing.map((s) => s.fn)).toEqual(['xfs_iomap_write_direct', 'T']);
  });

  it('a write fault over a cached hole page shoots it down: PL held while W(i_mmap) is taken', () => {
    const r = oneThread('v4.2', store0, { size: 4, cachedHoles: [0] });
    const dax = r.steps.filter((s) => ['__dax_fault', 'unmap_mapping_range'].includes(s.fn)).map((s) => s.op);
    const pl = dax.indexOf('lock_page_or_retry(PG_locked)');
    const w = dax.indexOf(`down_write(${I_MMAP})`);
    const unl = dax.indexOf('unlock_page(PG_locked)');
    expect(pl).toBeGreaterThanOrEqual(0);
    expect(w).toBeGreaterThan(pl);
    expect(unl).toBeGreaterThan(w);
  });
});

describe('private write fault (do_cow_fault): the i_mmap hand-off, 2.4', () => {
  const cow = (kernel: string) =>
    oneThread(kernel, store0, { size: 4, blocks: [{ written: 5 }] }, [
      { id: 'm', process: 'p1', shared: false },
    ]);
  const handoff = (r: ReturnType<typeof cow>) => [
    ...opsIn(r, '__dax_fault').filter((o) => o.includes(I_MMAP)),
    ...opsIn(r, 'do_cow_fault').filter((o) => o.includes(I_MMAP)),
  ];
  it.each([
    ['v4.2', 'down_read', 'up_read', false],
    ['843172978bb9-only', 'down_write', 'up_read', true],
    ['v4.3-rc1', 'down_write', 'up_write', false],
    ['v4.3', 'down_read', 'up_write', true],
    ['v4.4', 'down_read', 'up_read', false],
  ])('%s: __dax_fault takes with %s, do_cow_fault releases with %s', (kernel, take, rel, bad) => {
    const r = cow(kernel);
    expect(handoff(r)).toEqual([`${take}(${I_MMAP})`, `${rel}(${I_MMAP})`]);
    expect(r.findings.some((f) => f.startsWith('bad-unlock'))).toBe(bad);
  });
});
