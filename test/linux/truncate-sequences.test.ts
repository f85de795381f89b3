// Truncate, write(2), mmap/munmap and PMD sequences against the reference (2.3, 2.5, 2.6, 2.9, 2.10).
import { describe, expect, it } from 'vitest';
import { I_MMAP, ILOCK, IOLOCK, MMAP_SEM, MMAPLOCK, oneThread, opsIn, PTL } from './helpers.js';

describe('ftruncate on XFS (do_truncate -> xfs_vn_setattr -> xfs_setattr_size)', () => {
  it('i_mutex, IOLOCK_EXCL, MMAPLOCK_EXCL; unmap twice under W(i_mmap); page cache with PL; ILOCK_EXCL for the blocks', () => {
    const r = oneThread('v4.2', [{ do: 'truncate', size: 0 }], {
      size: 4,
      blocks: [{ written: 5 }],
      cachedHoles: [1],
    });
    expect(r.locks).toEqual([
      'mutex_lock(&sb->s_type->i_mutex_key)',
      `down_write(${IOLOCK})`,
      `down_write(${MMAPLOCK})`,
      `down_write(${I_MMAP})`,
      `up_write(${I_MMAP})`,
      'trylock_page(PG_locked)',
      'unlock_page(PG_locked)',
      `down_write(${I_MMAP})`,
      `up_write(${I_MMAP})`,
      `down_write(${ILOCK})`,
      `up_write(${ILOCK})`,
      `up_write(${IOLOCK})`,
      `up_write(${MMAPLOCK})`,
      'mutex_unlock(&sb->s_type->i_mutex_key)',
    ]);
    const iSize = r.steps.findIndex((s) => s.op.startsWith('write i_size'));
    const firstUnmap = r.steps.findIndex((s) => s.op === `down_write(${I_MMAP})`);
    expect(iSize).toBeLessThan(firstUnmap);
  });

  it('mapped pages are zapped by the first unmap, so the page-cache pass finds the hole page unmapped', () => {
    const r = oneThread(
      'v4.2',
      [
        { do: 'load', map: 'm', page: 0 },
        { do: 'load', map: 'm', page: 1 },
        { do: 'truncate', size: 0 },
      ],
      { size: 4, blocks: ['hole', { written: 5 }] },
    );
    const ops = r.steps.filter((s) => s.fn === 'truncate_inode_pages_range').map((s) => s.op);
    const pl = ops.indexOf('trylock_page(PG_locked)');
    // page_mapped() is false: no W(i_mmap) under the page lock on this path
    expect(ops.slice(pl, pl + 4)).toEqual([
      'trylock_page(PG_locked)',
      'read page_cache[0]',
      'read page 0 by T#1 _mapcount',
      'unlock_page(PG_locked)',
    ]);
    expect(r.steps.filter((s) => s.op.startsWith('write p1.pte') && s.op.endsWith('= null')).length).toBe(2);
    expect(r.findings).toEqual([]);
  });

  it('843172978bb9-only: unmap_mapping_range takes no lock for a DAX inode', () => {
    const r = oneThread('843172978bb9-only', [{ do: 'truncate', size: 0 }], {
      size: 4,
      blocks: [{ written: 5 }],
    });
    expect(r.locks.filter((o) => o.includes(I_MMAP))).toEqual([]);
  });
});

describe('DAX write(2) on XFS (xfs_file_dio_aio_write)', () => {
  it('with a cached hole page: i_mutex + IOLOCK_EXCL, invalidate under PL only, demote, allocate, convert', () => {
    const r = oneThread('v4.2', [{ do: 'write', page: 0, value: 3 }], { size: 4, cachedHoles: [1] });
    expect(r.locks).toEqual([
      'mutex_lock(&sb->s_type->i_mutex_key)',
      `down_write(${IOLOCK})`,
      'lock_page(PG_locked)',
      'unlock_page(PG_locked)',
      `downgrade_write(${IOLOCK})`,
      'mutex_unlock(&sb->s_type->i_mutex_key)',
      `down_read(${ILOCK})`,
      `up_read(${ILOCK})`,
      `down_write(${ILOCK})`,
      `up_write(${ILOCK})`,
      `down_write(${ILOCK})`,
      `up_write(${ILOCK})`,
      `up_read(${IOLOCK})`,
    ]);
    expect(r.locks.some((o) => o.includes(MMAPLOCK))).toBe(false);
  });
});

describe('mmap and munmap (2.10)', () => {
  it('mmap links under W(mmap_sem) then W(i_mmap); munmap zaps without i_mmap, unlinks under it, frees the vma', () => {
    const r = oneThread(
      'v4.2',
      [
        { do: 'mmap', map: 'x', shared: true },
        { do: 'load', map: 'x', page: 0 },
        { do: 'munmap', map: 'x' },
      ],
      { size: 4, blocks: [{ written: 5 }] },
      [],
    );
    expect(opsIn(r, 'vma_link')).toEqual([`down_write(${I_MMAP})`, `up_write(${I_MMAP})`]);
    expect(opsIn(r, 'vm_mmap_pgoff')).toEqual([`down_write(${MMAP_SEM})`, `up_write(${MMAP_SEM})`]);
    expect(opsIn(r, 'unmap_vmas')).toEqual([`spin_lock(${PTL})`, `spin_unlock(${PTL})`]);
    expect(opsIn(r, 'unlink_file_vma')).toEqual([`down_write(${I_MMAP})`, `up_write(${I_MMAP})`]);
    const unlink = r.steps.findIndex(
      (s) => s.op.startsWith('update mapping->i_mmap') && s.fn === 'unlink_file_vma',
    );
    const free = r.steps.findIndex((s) => s.op.startsWith('write vma x freed'));
    expect(unlink).toBeGreaterThan(0);
    expect(free).toBeGreaterThan(unlink);
  });
});

describe('__dax_pmd_fault (2.3)', () => {
  const huge = [{ id: 'h', process: 'p1', shared: true, huge: true }];
  const written = { size: 4, blocks: [{ written: 1 }, { written: 2 }, { written: 3 }, { written: 4 }] };
  it('v4.3: R(i_mmap) after get_block, PMD lock around the insert; the load is served by the huge PMD', () => {
    const r = oneThread('v4.3', [{ do: 'load', map: 'h', page: 2 }], written, huge);
    expect(opsIn(r, '__dax_pmd_fault')).toEqual([`down_read(${I_MMAP})`, `up_read(${I_MMAP})`]);
    expect(opsIn(r, 'vmf_insert_pfn_pmd')).toEqual([`spin_lock(${PTL})`, `spin_unlock(${PTL})`]);
    expect(r.steps.some((s) => s.fn === 'handle_pte_fault')).toBe(false);
  });
  it('v4.3-rc1: W(i_mmap) before get_block; a write fault on a hole zeroes through an unset kaddr (oops)', () => {
    const r = oneThread('v4.3-rc1', [{ do: 'store', map: 'h', page: 0, value: 1 }], { size: 4 }, huge);
    expect(r.findings).toEqual(['oops: BUG: unable to handle kernel NULL pointer dereference']);
    expect(opsIn(r, '__dax_pmd_fault')[0]).toBe(`down_write(${I_MMAP})`);
  });
  it('v4.3-rc5 (8346c416d17b): kaddr set first; the shoot-down drops and retakes W around unmap_mapping_range', () => {
    const r = oneThread('v4.3-rc5', [{ do: 'store', map: 'h', page: 0, value: 1 }], { size: 4 }, huge);
    expect(r.findings).toEqual([]);
    expect(opsIn(r, '__dax_pmd_fault').filter((o) => o.includes(I_MMAP))).toEqual([
      `down_write(${I_MMAP})`,
      `up_write(${I_MMAP})`,
      `down_write(${I_MMAP})`,
      `up_write(${I_MMAP})`,
    ]);
  });
  it('revert-v2: R(i_mmap) held across unmap_mapping_range, which takes W: the task deadlocks on itself', () => {
    const r = oneThread('revert-v2', [{ do: 'store', map: 'h', page: 0, value: 1 }], { size: 4 }, huge);
    expect(r.outcome).toBe('deadlock');
  });
  it('revert-v3 and v4.4: the PMD path falls back at once', () => {
    for (const k of ['revert-v3', 'v4.4']) {
      const r = oneThread(k, [{ do: 'store', map: 'h', page: 0, value: 1 }], { size: 4 }, huge);
      expect(r.outcome).toBe('done');
      expect(r.steps.some((s) => s.fn === 'vmf_insert_pfn_pmd')).toBe(false);
    }
  });
});
