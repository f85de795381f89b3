// mm/filemap.c: the page cache of the DAX file, which holds only hole pages (zero-filled pages
// that stand for holes read through a mapping). One cell per radix-tree slot.
// Simplifications: no refcounts (page_cache_release is a no-op; a deleted page simply leaves
// its slot), no tree_lock (each slot update is atomic), no LRU.

import {
  acquire,
  at,
  cellObject,
  lockObject,
  modelled,
  read,
  self,
  update,
  write,
} from '../../engine/index.js';
import { lock_page, PAGE_LOCK_CLASS, unlock_page } from '../../kernel/index.js';
import type { G, PageRef, Sys } from '../types.js';

// Models find_get_page() (v4.2-v4.4): the page at `index`, with a reference, not locked.
export function* find_get_page(sys: Sys, index: number): G<PageRef | null> {
  return yield* read(sys.st.inode.mapping.pages[index], { api: 'find_get_page' });
}

/** page->mapping == mapping: the page is still in its slot (not truncated or invalidated). */
export function* page_still_mapped_to_file(sys: Sys, page: PageRef): G<boolean> {
  const now = yield* read(sys.st.inode.mapping.pages[page.index], { api: 'page->mapping' });
  return now?.id === page.id;
}

// Models find_lock_page() (v4.2-v4.4): look up, lock_page (sleeps), re-check page->mapping.
export const find_lock_page = modelled(
  'find_lock_page',
  function* find_lock_page(sys: Sys, index: number): G<PageRef | null> {
    for (;;) {
      const page = yield* find_get_page(sys, index);
      if (!page) return null;
      yield* lock_page(page.lock);
      if (yield* page_still_mapped_to_file(sys, page)) return page;
      yield* at('truncated meanwhile: retry');
      yield* unlock_page(page.lock);
    }
  },
);

// Models find_or_create_page(mapping, index, GFP_KERNEL | __GFP_ZERO) (v4.2-v4.4): a locked
// page, found or new (zero-filled, locked before add_to_page_cache_lru inserts it).
export const find_or_create_page = modelled(
  'find_or_create_page',
  function* find_or_create_page(sys: Sys, index: number): G<PageRef> {
    for (;;) {
      const found = yield* find_lock_page(sys, index);
      if (found) return found;
      const page = yield* alloc_page(index);
      // __set_page_locked() on a page nobody else can see yet
      yield* acquire(page.lock, 'exclusive', { api: '__set_page_locked', read: 0, lockdep: false });
      yield* at('add_to_page_cache_lru');
      const now = yield* update(sys.st.inode.mapping.pages[index], (s) => s ?? page, {
        api: 'add_to_page_cache_lru',
      });
      if (now?.id === page.id) {
        yield* update(sys.st.inode.mapping.nrpages, (n) => n + 1, { api: 'mapping->nrpages++' });
        return page;
      }
      // -EEXIST: someone else inserted a page first; free ours and look again
      yield* unlock_page(page.lock);
    }
  },
);

/** A new page-cache page for `index`, named after the task that allocated it. */
function* alloc_page(index: number): G<PageRef> {
  const me = yield* self();
  const n = ((me.local.pagesAllocated as number | undefined) ?? 0) + 1;
  me.local.pagesAllocated = n;
  const id = `page ${index} by ${me.name}#${n}`;
  const lock = yield* lockObject(id, { cls: PAGE_LOCK_CLASS, ownerless: true });
  const mapcount = yield* cellObject(`${id} _mapcount`, 0);
  return { id, index, lock, mapcount };
}

// Models delete_from_page_cache() (v4.2-v4.4): the caller holds the page lock; the page
// leaves its slot (page->mapping = NULL). Simplified: no shadow entries.
export const delete_from_page_cache = modelled(
  'delete_from_page_cache',
  function* delete_from_page_cache(sys: Sys, page: PageRef): G {
    const slot = sys.st.inode.mapping.pages[page.index];
    const before = yield* read(slot, { api: 'page->mapping' });
    if (before?.id !== page.id) return;
    yield* write(slot, null, { api: '__delete_from_page_cache' });
    yield* update(sys.st.inode.mapping.nrpages, (n) => n - 1, { api: 'mapping->nrpages--' });
  },
);

/** mapping->nrpages, read without a lock as the callers do. */
export function* mapping_nrpages(sys: Sys): G<number> {
  return yield* read(sys.st.inode.mapping.nrpages, { api: 'mapping->nrpages' });
}

/** page_mapped(): some PTE maps the page. */
export function* page_mapped(page: PageRef): G<boolean> {
  return (yield* read(page.mapcount, { api: 'page_mapped' })) > 0;
}
