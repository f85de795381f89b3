// ext4_setattr(ATTR_SIZE) -> ext4_truncate, and ext4_punch_hole, one thread: the sequences of
// reference 2.8 (identical in every version of the episode).

import { describe, expect, it } from 'vitest';
import { runExt4, shared, VERSIONS_43_ON } from './helpers.js';

const ALL = ['v4.2', '843172978bb9-only', ...VERSIONS_43_ON];
const file = { size: 4, blocks: [{ written: 1 }, { written: 2 }, { written: 3 }] };

describe('ext4_setattr (ftruncate)', () => {
  it('shrinking: under i_mutex, a handle around W(i_data_sem) + i_size_write; truncate_pagecache outside any handle; then ext4_truncate frees the blocks under a new handle and W(i_data_sem)', () => {
    for (const v of ALL) {
      const r = runExt4(v, {
        file,
        mappings: [shared()],
        threads: [{ name: 'T', actions: [{ do: 'truncate', size: 1 }] }],
      });
      expect(r.outcome, v).toBe('done');
      // the states with the IS_DAX skip in unmap_mapping_range take no i_mmap lock there
      const unmap = v === 'revert-v4-1of2' || v === '843172978bb9-only' ? [] : ['W(i_mmap)', 'uW(i_mmap)'];
      expect(r.events, v).toEqual([
        'i_mutex', // do_truncate
        'J',
        'W(i_data_sem)',
        'i_size=1',
        'uW(i_data_sem)',
        'uJ',
        ...unmap, // truncate_pagecache: unmap_mapping_range x2, no handle
        ...unmap,
        'J', // ext4_truncate
        'W(i_data_sem)',
        'block1=hole', // ext4_ext_remove_space (its handle is nested)
        'block2=hole',
        'uW(i_data_sem)',
        'uJ',
        'u(i_mutex)',
      ]);
    }
  });

  it('growing: no ext4_truncate; the page cache past the old size is still truncated', () => {
    const r = runExt4('v4.4', {
      file: { size: 2, blocks: [{ written: 1 }] },
      mappings: [shared('m', 'p1')],
      threads: [{ name: 'T', actions: [{ do: 'truncate', size: 4 }] }],
    });
    expect(r.events).toEqual([
      'i_mutex',
      'J',
      'W(i_data_sem)',
      'i_size=4',
      'uW(i_data_sem)',
      'uJ',
      'W(i_mmap)',
      'uW(i_mmap)',
      'W(i_mmap)',
      'uW(i_mmap)',
      'u(i_mutex)',
    ]);
  });

  it('truncate_pagecache runs with no handle open: a hole page past the new size is locked with no journal handle held', () => {
    const r = runExt4('v4.2', {
      file: { size: 4, blocks: [{ written: 1 }], cachedHoles: [2] },
      mappings: [shared()],
      threads: [{ name: 'T', actions: [{ do: 'truncate', size: 1 }] }],
    });
    const ev = r.events;
    const pl = ev.indexOf('tryPL');
    expect(pl).toBeGreaterThan(ev.indexOf('uJ'));
    expect(pl).toBeLessThan(ev.lastIndexOf('J'));
  });
});

describe('ext4_punch_hole', () => {
  it('i_mutex; truncate_pagecache_range; a handle; W(i_data_sem) around freeing; the second truncate_pagecache_range while the handle is open; i_size unchanged', () => {
    for (const v of ALL) {
      const r = runExt4(v, {
        file: { ...file, cachedHoles: [3] },
        mappings: [shared()],
        threads: [{ name: 'P', actions: [{ do: 'punch', page: 1, pages: 3 }] }],
      });
      expect(r.outcome, v).toBe('done');
      const unmap = v === 'revert-v4-1of2' || v === '843172978bb9-only' ? [] : ['W(i_mmap)', 'uW(i_mmap)'];
      expect(r.events, v).toEqual([
        'i_mutex',
        ...unmap, // truncate_pagecache_range: unmap_mapping_range (IS_DAX skip: no lock)
        'tryPL', // truncate_inode_pages_range: the cached hole page at index 3 (mapped by nobody)
        'uPL',
        'J',
        'W(i_data_sem)',
        'block1=hole',
        'block2=hole',
        'uW(i_data_sem)',
        ...unmap, // the second truncate_pagecache_range, handle open
        'uJ',
        'u(i_mutex)',
      ]);
      expect(
        r.events.some((e) => e.startsWith('i_size')),
        v,
      ).toBe(false);
    }
  });

  it('the first truncate_pagecache_range runs before the handle starts, the second inside it (jbd2_handle -> i_mmap_rwsem, and -> PL for a page faulted in meanwhile)', () => {
    const r = runExt4('v4.4', {
      file: { size: 4, blocks: ['hole'], cachedHoles: [0] },
      mappings: [shared()],
      threads: [{ name: 'P', actions: [{ do: 'punch', page: 0, pages: 1 }] }],
    });
    const ev = r.events;
    expect(ev.indexOf('tryPL')).toBeLessThan(ev.indexOf('J'));
    expect(ev.lastIndexOf('W(i_mmap)')).toBeGreaterThan(ev.indexOf('J'));
    expect(ev.lastIndexOf('W(i_mmap)')).toBeLessThan(ev.indexOf('uJ'));
  });

  it('a range at or past i_size does nothing but take and drop i_mutex', () => {
    const r = runExt4('v4.2', {
      file,
      mappings: [shared()],
      threads: [{ name: 'P', actions: [{ do: 'punch', page: 4, pages: 1 }] }],
    });
    expect(r.events).toEqual(['i_mutex', 'u(i_mutex)']);
  });

  it('zaps a mapped pfn of a punched block and frees the block', () => {
    const r = runExt4('v4.3', {
      file,
      mappings: [shared()],
      threads: [
        {
          name: 'P',
          actions: [
            { do: 'load', map: 'm', page: 1 },
            { do: 'punch', page: 1, pages: 1 },
            { do: 'load', map: 'm', page: 1 },
          ],
        },
      ],
    });
    expect(r.outcome).toBe('done');
    expect(r.findings).toEqual([]);
    // the second load faults again over the hole and gets a hole page
    const zaps = r.steps.filter(
      (s) => s.fn === 'zap_page_range_single' && s.op.startsWith('write p1.pte[m+1] = null'),
    );
    expect(zaps.length).toBeGreaterThanOrEqual(1);
    expect(r.events.filter((e) => e.startsWith('block'))).toEqual(['block1=hole']);
  });

  it('a range reaching past i_size is extended to end after the page holding i_size (the page at index i_size for a page-aligned size)', () => {
    const r = runExt4('v4.4', {
      file: { size: 2, blocks: [{ written: 1 }, { written: 2 }, { written: 3 }] },
      mappings: [shared()],
      threads: [{ name: 'P', actions: [{ do: 'punch', page: 1, pages: 8 }] }],
    });
    expect(r.outcome).toBe('done');
    // block 2 lies past EOF (i_size = 2 pages) and is removed with the punched range
    expect(r.events.filter((e) => e.startsWith('block'))).toEqual(['block1=hole', 'block2=hole']);
  });
});
