// mm/truncate.c (identical v4.2-v4.4, reference 2.6): truncating and invalidating the page
// cache of the DAX file (hole pages only) and unmapping what is mapped.
// Simplifications: sizes in pages, so there are no partial pages to zero; no writeback, no
// shadow entries; the pagevec lookups read one slot at a time.

import { assert, at, modelled, read } from '../../engine/index.js';
import { lock_page, trylock_page, unlock_page } from '../../kernel/index.js';
import { i_size_write } from '../fs/inode.js';
import type { G, PageRef, Sys } from '../types.js';
import { delete_from_page_cache, page_mapped, page_still_mapped_to_file } from './filemap.js';

const lastIndex = (sys: Sys, end: number): number => Math.min(end, sys.st.geo.filePages - 1);

// Models truncate_setsize() (v4.2-v4.4): i_size_write first, then truncate_pagecache.
// pagecache_isize_extended() has nothing to do with page-aligned sizes.
export const truncate_setsize = modelled(
  'truncate_setsize',
  function* truncate_setsize(sys: Sys, newsize: number): G {
    yield* i_size_write(sys, newsize);
    yield* sys.k.truncate_pagecache(sys, newsize);
  },
);

// Models truncate_pagecache() (v4.2-v4.4): unmap (even COWs), truncate the page cache, unmap
// again for private COW pages faulted in meanwhile. The new i_size is already written.
export const truncate_pagecache = modelled(
  'truncate_pagecache',
  function* truncate_pagecache(sys: Sys, newsize: number): G {
    yield* sys.k.unmap_mapping_range(sys, newsize, 0, true);
    yield* sys.k.truncate_inode_pages_range(sys, newsize, Number.MAX_SAFE_INTEGER);
    yield* sys.k.unmap_mapping_range(sys, newsize, 0, true);
  },
);

// Models truncate_pagecache_range() (v4.2-v4.4), used by hole punch.
export const truncate_pagecache_range = modelled(
  'truncate_pagecache_range',
  function* truncate_pagecache_range(sys: Sys, first: number, last: number): G {
    yield* sys.k.unmap_mapping_range(sys, first, last - first + 1, true);
    yield* sys.k.truncate_inode_pages_range(sys, first, last);
  },
);

// Models truncate_inode_page() (v4.2-v4.4): the caller holds the page lock; unmap the page if
// mapped (W(i_mmap) under PL), then remove it from the page cache.
function* truncate_inode_page(sys: Sys, page: PageRef): G {
  if (!(yield* page_still_mapped_to_file(sys, page))) return;
  if (yield* page_mapped(page)) yield* sys.k.unmap_mapping_range(sys, page.index, 1, false);
  yield* delete_from_page_cache(sys, page);
}

// Models truncate_inode_pages_range() (v4.2-v4.4): pass 1 with trylock_page (skipping locked
// pages), pass 2 with blocking lock_page, repeated until a scan finds no page in the range.
// Both passes take W(i_mmap) under the page lock (PL -> i_mmap).
export const truncate_inode_pages_range = modelled(
  'truncate_inode_pages_range',
  function* truncate_inode_pages_range(sys: Sys, start: number, end: number): G {
    const last = lastIndex(sys, end);
    yield* at('pass 1: trylock_page');
    for (let i = start; i <= last; i++) {
      const page = yield* read(sys.st.inode.mapping.pages[i], { api: 'pagevec_lookup_entries' });
      if (!page) continue;
      if (!(yield* trylock_page(page.lock))) continue;
      yield* truncate_inode_page(sys, page);
      yield* unlock_page(page.lock);
    }
    yield* at('pass 2: lock_page');
    for (;;) {
      let found = false;
      for (let i = start; i <= last; i++) {
        const page = yield* read(sys.st.inode.mapping.pages[i], { api: 'pagevec_lookup_entries' });
        if (!page) continue;
        found = true;
        yield* lock_page(page.lock);
        yield* truncate_inode_page(sys, page);
        yield* unlock_page(page.lock);
      }
      if (!found) break;
    }
  },
);

// Models invalidate_inode_pages2_range() (v4.2-v4.4): lock each page (blocking), skip it if
// truncated meanwhile, unmap it if mapped (the first time the rest of the range, then one page
// at a time; W(i_mmap) under PL), BUG if still mapped, then remove it. No fs lock and no
// i_mmap lock of its own: the function of Dan Williams' Oct 7 2015 question.
export const invalidate_inode_pages2_range = modelled(
  'invalidate_inode_pages2_range',
  function* invalidate_inode_pages2_range(sys: Sys, start: number, end: number): G<number> {
    const last = lastIndex(sys, end);
    let did_range_unmap = false;
    for (let i = start; i <= last; i++) {
      const page = yield* read(sys.st.inode.mapping.pages[i], { api: 'pagevec_lookup_entries' });
      if (!page) continue;
      yield* lock_page(page.lock);
      if (!(yield* page_still_mapped_to_file(sys, page))) {
        yield* unlock_page(page.lock);
        continue;
      }
      if (yield* page_mapped(page)) {
        if (!did_range_unmap) {
          yield* sys.k.unmap_mapping_range(sys, i, last - i + 1, false);
          did_range_unmap = true;
        } else yield* sys.k.unmap_mapping_range(sys, i, 1, false);
      }
      const still = yield* page_mapped(page);
      assert(!still, 'kernel BUG at mm/truncate.c: BUG_ON(page_mapped(page))', {
        kind: 'oops',
        message: `hole page ${page.id} was mapped again while invalidate_inode_pages2_range held its lock`,
      });
      yield* at('invalidate_complete_page2');
      yield* delete_from_page_cache(sys, page);
      yield* unlock_page(page.lock);
    }
    return 0;
  },
);
