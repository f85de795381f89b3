// ext4 DAX fault paths, one thread, per version: the lock, journal and block-map sequence of
// each fault equals reference 2.8 (with 2.1/2.2 for the fs/dax.c part it calls).

import { describe, expect, it } from 'vitest';
import { runExt4, shared, VERSIONS_43_ON } from './helpers.js';

const hole = { size: 4, blocks: ['hole' as const] };
const store = (value = 3) => ({ do: 'store' as const, map: 'm', page: 0, value });
const load = { do: 'load' as const, map: 'm', page: 0 };

// The pfn_mkwrite that follows every DAX write fault (the PTE is inserted read-only):
// dax_pfn_mkwrite, freeze protection only.
const PFN_MKWRITE = ['R(mmap_sem)', 'SBPF', 'uSBPF', 'uR(mmap_sem)'];

describe('ext4_dax_fault, write fault on a hole', () => {
  it('v4.2: dax_fault with ext4_get_block: lookup without a handle, then _ext4_get_block starts its own handle and allocates a written extent under W(i_data_sem); DAX zeroes it (buffer_new)', () => {
    const r = runExt4('v4.2', {
      file: hole,
      mappings: [shared()],
      threads: [{ name: 'A', actions: [store()] }],
    });
    expect(r.outcome).toBe('done');
    expect(r.events).toEqual([
      'R(mmap_sem)',
      'SBPF',
      'R(i_data_sem)', // get_block(create=0): ext4_get_block passes flags 0: no handle
      'uR(i_data_sem)',
      'J', // get_block(create=1): no running handle, _ext4_get_block starts one
      'R(i_data_sem)',
      'uR(i_data_sem)',
      'W(i_data_sem)',
      'block0=written',
      'uW(i_data_sem)',
      'uJ',
      'R(i_mmap)', // dax_insert_mapping
      'zero',
      'uR(i_mmap)',
      'uSBPF',
      'uR(mmap_sem)',
      ...PFN_MKWRITE,
    ]);
  });

  it('v4.3 and v4.4: SBPF -> journal start -> __dax_fault with ext4_get_block_dax: an unwritten extent, zeroed by DAX and converted by ext4_end_io_unwritten inside the fault handle', () => {
    for (const v of ['v4.3', 'v4.4']) {
      const r = runExt4(v, {
        file: hole,
        mappings: [shared()],
        threads: [{ name: 'A', actions: [store()] }],
      });
      expect(r.outcome, v).toBe('done');
      expect(r.events, v).toEqual([
        'R(mmap_sem)',
        // the PMD attempt: ext4_dax_pmd_fault starts the handle, __dax_pmd_fault falls back
        // (the vma is not PMD aligned)
        'SBPF',
        'J',
        'uJ',
        'uSBPF',
        // the PTE fault
        'SBPF',
        'J',
        'R(i_data_sem)', // get_block(0): the fault's handle is reused
        'uR(i_data_sem)',
        'R(i_data_sem)', // get_block(1)
        'uR(i_data_sem)',
        'W(i_data_sem)',
        'block0=unwritten',
        'uW(i_data_sem)',
        'R(i_mmap)',
        'zero',
        'uR(i_mmap)',
        'R(i_data_sem)', // ext4_convert_unwritten_extents, nested handle
        'uR(i_data_sem)',
        'W(i_data_sem)',
        'block0=written',
        'uW(i_data_sem)',
        'uJ',
        'uSBPF',
        'uR(mmap_sem)',
        ...PFN_MKWRITE,
      ]);
    }
  });

  it('v4.3-rc1 (843172978bb9): W(i_mmap) is taken inside the handle and held across allocation, zeroing, insert and conversion', () => {
    for (const v of ['843172978bb9-only', 'v4.3-rc1', 'v4.3-rc5']) {
      const r = runExt4(v, {
        file: hole,
        mappings: [shared()],
        threads: [{ name: 'A', actions: [store()] }],
      });
      const pte = r.events.slice(r.events.indexOf('uSBPF') + 1);
      expect(pte.slice(0, 3), v).toEqual(['SBPF', 'J', 'W(i_mmap)']);
      expect(pte.indexOf('uW(i_mmap)'), v).toBeGreaterThan(pte.lastIndexOf('block0=written'));
      expect(pte.indexOf('uJ'), v).toBeGreaterThan(pte.indexOf('uW(i_mmap)'));
    }
  });
});

describe('ext4_dax_fault, read fault', () => {
  it('v4.2 over a hole: lookup without a handle, then dax_load_hole (hole page locked, mapped, unlocked)', () => {
    const r = runExt4('v4.2', {
      file: hole,
      mappings: [shared()],
      threads: [{ name: 'A', actions: [load] }],
    });
    expect(r.events).toEqual(['R(mmap_sem)', 'R(i_data_sem)', 'uR(i_data_sem)', 'PL', 'uPL', 'uR(mmap_sem)']);
  });

  it('v4.3 and later over a hole: ext4_get_block_dax has non-zero flags, so even the lookup starts a handle', () => {
    for (const v of ['v4.3', 'v4.4', 'revert-v2']) {
      const r = runExt4(v, { file: hole, mappings: [shared()], threads: [{ name: 'A', actions: [load] }] });
      expect(r.events, v).toEqual([
        'R(mmap_sem)',
        'J',
        'R(i_data_sem)',
        'uR(i_data_sem)',
        'uJ',
        'PL',
        'uPL',
        'uR(mmap_sem)',
      ]);
    }
  });

  it('v4.3-rc1 over a hole: W(i_mmap) is taken before get_block, so i_mmap_rwsem -> jbd2_handle', () => {
    const r = runExt4('v4.3-rc1', {
      file: hole,
      mappings: [shared()],
      threads: [{ name: 'A', actions: [load] }],
    });
    expect(r.events).toEqual([
      'R(mmap_sem)',
      'W(i_mmap)',
      'J',
      'R(i_data_sem)',
      'uR(i_data_sem)',
      'uJ',
      'uW(i_mmap)', // the read-hole branch drops it before dax_load_hole
      'PL',
      'uPL',
      'uR(mmap_sem)',
    ]);
  });

  it('over an unwritten extent: DAX zeroes and maps it, and ext4_end_io_unwritten converts it with its own handle, on a read fault too (v4.2, v4.3, v4.4)', () => {
    const unwritten = { size: 4, blocks: ['unwritten' as const] };
    const v42 = runExt4('v4.2', {
      file: unwritten,
      mappings: [shared()],
      threads: [{ name: 'A', actions: [load] }],
    });
    expect(v42.events).toEqual([
      'R(mmap_sem)',
      'R(i_data_sem)',
      'uR(i_data_sem)',
      'R(i_mmap)',
      'zero',
      'uR(i_mmap)',
      'J',
      'R(i_data_sem)',
      'uR(i_data_sem)',
      'W(i_data_sem)',
      'block0=written',
      'uW(i_data_sem)',
      'uJ',
      'uR(mmap_sem)',
    ]);
    for (const v of ['v4.3', 'v4.4']) {
      const r = runExt4(v, {
        file: unwritten,
        mappings: [shared()],
        threads: [{ name: 'A', actions: [load] }],
      });
      expect(r.events.slice(0, 5), v).toEqual(['R(mmap_sem)', 'J', 'R(i_data_sem)', 'uR(i_data_sem)', 'uJ']);
      expect(r.events.slice(5), v).toEqual(v42.events.slice(3));
    }
  });
});

describe('ext4_dax_mkwrite over a hole page (page_mkwrite)', () => {
  const cached = { size: 4, blocks: ['hole' as const], cachedHoles: [0] };

  it('every version: the hole page is locked before the allocating handle starts (PL -> jbd2_handle), because ->page_mkwrite is dax_mkwrite with no handle of its own', () => {
    for (const v of ['v4.2', ...VERSIONS_43_ON]) {
      const r = runExt4(v, {
        file: cached,
        mappings: [shared()],
        threads: [{ name: 'A', actions: [load, store()] }],
      });
      expect(r.outcome, v).toBe('done');
      const mkwrite = r.events.slice(r.events.indexOf('uR(mmap_sem)') + 1);
      expect(mkwrite.slice(0, 3), v).toEqual(['R(mmap_sem)', 'SBPF', 'PL']);
      const pl = mkwrite.indexOf('PL');
      const allocJ = mkwrite.indexOf('J', mkwrite.indexOf('W(i_data_sem)') - 4);
      expect(allocJ, v).toBeGreaterThan(pl);
      expect(mkwrite.indexOf('uPL'), v).toBeGreaterThan(allocJ);
      // the hole page is shot down under PL: unmap_mapping_range takes W(i_mmap), except in the
      // state with the IS_DAX skip (v4 1/2 alone), where it takes no lock
      const shootdown = v === 'revert-v4-1of2' ? ['uPL'] : ['W(i_mmap)', 'uW(i_mmap)', 'uPL'];
      expect(mkwrite.slice(mkwrite.indexOf('uJ', allocJ) + 1, mkwrite.indexOf('uPL') + 1), v).toEqual(
        shootdown,
      );
    }
  });

  it('v4.2 read fault with the hole page cached takes no handle; v4.3+ starts one under the page lock (ext4_get_block_dax)', () => {
    const v42 = runExt4('v4.2', {
      file: cached,
      mappings: [shared()],
      threads: [{ name: 'A', actions: [load] }],
    });
    expect(v42.events).toEqual([
      'R(mmap_sem)',
      'PL',
      'R(i_data_sem)',
      'uR(i_data_sem)',
      'uPL',
      'uR(mmap_sem)',
    ]);
    const v44 = runExt4('v4.4', {
      file: cached,
      mappings: [shared()],
      threads: [{ name: 'A', actions: [load] }],
    });
    expect(v44.events).toEqual([
      'R(mmap_sem)',
      'PL',
      'J',
      'R(i_data_sem)',
      'uR(i_data_sem)',
      'uJ',
      'uPL',
      'uR(mmap_sem)',
    ]);
  });
});

describe('ext4_dax_pmd_fault', () => {
  const pmdFile = { size: 4, blocks: ['hole' as const, 'hole' as const, 'hole' as const, 'hole' as const] };

  it('does not exist in v4.2: a PMD-aligned write faults at the PTE level', () => {
    const r = runExt4('v4.2', {
      file: pmdFile,
      mappings: [shared('m', 'p1', true)],
      threads: [{ name: 'A', actions: [store()] }],
    });
    expect(r.outcome).toBe('done');
    expect(r.events.filter((e) => e.startsWith('block'))).toEqual(['block0=written']);
  });

  it('v4.3: SBPF -> handle -> __dax_pmd_fault allocates one PMD-aligned unwritten extent, zeroes it and converts it', () => {
    const r = runExt4('v4.3', {
      file: pmdFile,
      mappings: [shared('m', 'p1', true)],
      threads: [{ name: 'A', actions: [store()] }],
    });
    expect(r.outcome).toBe('done');
    const ev = r.events;
    expect(ev.slice(0, 3)).toEqual(['R(mmap_sem)', 'SBPF', 'J']);
    expect(ev.filter((e) => e.startsWith('block'))).toEqual([
      'block0=unwritten',
      'block1=unwritten',
      'block2=unwritten',
      'block3=unwritten',
      'block0=written',
      'block1=written',
      'block2=written',
      'block3=written',
    ]);
    expect(ev.filter((e) => e === 'zero')).toHaveLength(4);
    // __dax_pmd_fault: get_block unlocked, then R(i_mmap) until after the insert; the
    // conversion (ext4_end_io_unwritten) runs after uR, still inside the fault's handle
    const rI = ev.indexOf('R(i_mmap)');
    expect(ev.indexOf('block0=unwritten')).toBeLessThan(rI);
    expect(ev.indexOf('uR(i_mmap)')).toBeLessThan(ev.indexOf('block0=written'));
    expect(ev.indexOf('uJ')).toBeGreaterThan(ev.indexOf('block3=written'));
  });

  it('v4.4: the handle is started, then __dax_pmd_fault falls back at once (FS_DAX_PMD depends on BROKEN)', () => {
    const r = runExt4('v4.4', {
      file: pmdFile,
      mappings: [shared('m', 'p1', true)],
      threads: [{ name: 'A', actions: [store()] }],
    });
    expect(r.events.slice(0, 5)).toEqual(['R(mmap_sem)', 'SBPF', 'J', 'uJ', 'uSBPF']);
    expect(r.events.filter((e) => e.startsWith('block'))).toEqual(['block0=unwritten', 'block0=written']);
  });
});
