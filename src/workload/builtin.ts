// The built-in scenario suite: the situations of the 2015 reviews, each as small as it can be
// (one file of one PMD = 4 pages, one or two pages touched, two threads). Scenarios that name
// their filesystem (the ext4 ones: hole punch, the jbd2 commit) run only on it.

import type { Scenario } from './scenario.js';

const shared = (id: string, process: string, huge = false) => ({ id, process, shared: true, huge });

export const builtinScenarios: Scenario[] = [
  {
    name: 'write-fault-vs-write-fault',
    description:
      'Two processes write-fault the same hole (843172978bb9: "the loser of the race ... overwrite[s] their store with zeroes"); the first writer reads its data back.',
    file: { size: 4, blocks: ['hole'] },
    mappings: [shared('a', 'p1'), shared('b', 'p2')],
    threads: [
      {
        name: 'writer1',
        process: 'p1',
        actions: [
          { do: 'store', map: 'a', page: 0, value: 1 },
          { do: 'load', map: 'a', page: 0 },
        ],
      },
      { name: 'writer2', process: 'p2', actions: [{ do: 'store', map: 'b', page: 0, value: 2 }] },
    ],
  },
  {
    name: 'read-fault-vs-write-fault',
    description: 'A read fault loads a hole page while another process write-faults the same hole.',
    file: { size: 4, blocks: ['hole'] },
    mappings: [shared('a', 'p1'), shared('b', 'p2')],
    threads: [
      { name: 'reader', process: 'p1', actions: [{ do: 'load', map: 'a', page: 0 }] },
      { name: 'writer', process: 'p2', actions: [{ do: 'store', map: 'b', page: 0, value: 2 }] },
    ],
  },
  {
    name: 'fault-vs-truncate',
    description: 'A load faults on written data while ftruncate removes the page.',
    file: { size: 4, blocks: [{ written: 5 }] },
    mappings: [shared('a', 'p1')],
    threads: [
      { name: 'reader', process: 'p1', actions: [{ do: 'load', map: 'a', page: 0 }] },
      { name: 'truncate', process: 'p2', actions: [{ do: 'truncate', size: 0 }] },
    ],
  },
  {
    name: 'cow-fault-vs-truncate',
    description:
      'A private (COW) write fault with no hole page hands i_mmap_rwsem to do_cow_fault while ftruncate runs.',
    file: { size: 4, blocks: [{ written: 5 }] },
    mappings: [{ id: 'a', process: 'p1', shared: false }],
    threads: [
      { name: 'cow', process: 'p1', actions: [{ do: 'store', map: 'a', page: 0, value: 3 }] },
      { name: 'truncate', process: 'p2', actions: [{ do: 'truncate', size: 0 }] },
    ],
  },
  {
    name: 'read-fault-vs-write-syscall',
    description:
      'A read fault on a hole races a DAX write(2) to it (XFS: IOLOCK only, invalidate only if nrpages).',
    file: { size: 4, blocks: ['hole'] },
    mappings: [shared('a', 'p1')],
    threads: [
      { name: 'reader', process: 'p1', actions: [{ do: 'load', map: 'a', page: 0 }] },
      { name: 'write', process: 'p2', actions: [{ do: 'write', page: 0, value: 7 }] },
    ],
  },
  {
    name: 'driver-unbind-vs-fault',
    description:
      "Dan Williams, Oct 7 2015: the driver's shutdown calls truncate_pagecache() holding no fs lock while a load faults the pmem in.",
    file: { size: 4, blocks: [{ written: 5 }] },
    mappings: [shared('a', 'p1')],
    threads: [
      { name: 'reader', process: 'p1', actions: [{ do: 'load', map: 'a', page: 0 }] },
      { name: 'unbind', process: 'kernel', actions: [{ do: 'unbind' }] },
    ],
  },
  {
    name: 'invalidate-vs-write-fault',
    description:
      'Dan Williams, Oct 7 2015: invalidate_inode_pages2_range() calls unmap_mapping_range() holding only a page lock, while a write fault replaces the cached hole page.',
    file: { size: 4, blocks: ['hole'], cachedHoles: [0] },
    mappings: [shared('a', 'p1')],
    threads: [
      { name: 'writer', process: 'p1', actions: [{ do: 'store', map: 'a', page: 0, value: 4 }] },
      { name: 'invalidate', process: 'kernel', actions: [{ do: 'invalidate', page: 0, pages: 1 }] },
    ],
  },
  {
    name: 'munmap-vs-truncate',
    description: 'munmap unlinks and frees a vma while truncate walks mapping->i_mmap.',
    file: { size: 4, blocks: [{ written: 5 }] },
    mappings: [shared('a', 'p1')],
    threads: [
      {
        name: 'munmap',
        process: 'p1',
        actions: [
          { do: 'load', map: 'a', page: 0 },
          { do: 'munmap', map: 'a' },
        ],
      },
      { name: 'truncate', process: 'p2', actions: [{ do: 'truncate', size: 0 }] },
    ],
  },
  {
    name: 'mmap-vs-fault',
    description: 'A new mapping is linked into i_mmap while another process faults the file.',
    file: { size: 4, blocks: ['hole'] },
    mappings: [shared('a', 'p1')],
    threads: [
      { name: 'writer', process: 'p1', actions: [{ do: 'store', map: 'a', page: 0, value: 2 }] },
      {
        name: 'mmap',
        process: 'p2',
        actions: [
          { do: 'mmap', map: 'b', shared: true },
          { do: 'load', map: 'b', page: 0 },
        ],
      },
    ],
  },
  {
    name: 'pmd-write-fault',
    description: 'One PMD write fault on an all-hole PMD (the v4.3-rc zeroing path; the v4.3 shoot-down).',
    file: { size: 4, blocks: ['hole', 'hole', 'hole', 'hole'] },
    mappings: [shared('h', 'p1', true)],
    threads: [{ name: 'writer', process: 'p1', actions: [{ do: 'store', map: 'h', page: 0, value: 1 }] }],
  },
  {
    name: 'pmd-fault-vs-truncate',
    description: 'A PMD read fault on written blocks while ftruncate shrinks the file.',
    file: { size: 4, blocks: [{ written: 1 }, { written: 2 }, { written: 3 }, { written: 4 }] },
    mappings: [shared('h', 'p1', true)],
    threads: [
      { name: 'reader', process: 'p1', actions: [{ do: 'load', map: 'h', page: 0 }] },
      { name: 'truncate', process: 'p2', actions: [{ do: 'truncate', size: 1 }] },
    ],
  },
  {
    name: 'ext4-read-fault-vs-write-fault-unwritten',
    description:
      'ext4: a read fault and a write fault on an unwritten extent; each converts it after zeroing (docs/findings.md E2), and in the 843172978bb9 states a read fault starts a journal handle inside i_mmap_rwsem (E7b).',
    fs: 'ext4',
    file: { size: 4, blocks: ['unwritten'] },
    mappings: [shared('a', 'p1'), shared('b', 'p2')],
    threads: [
      { name: 'reader', process: 'p1', actions: [{ do: 'load', map: 'a', page: 0 }] },
      { name: 'writer', process: 'p2', actions: [{ do: 'store', map: 'b', page: 0, value: 2 }] },
    ],
  },
  {
    name: 'ext4-write-fault-vs-truncate-cached-hole',
    description:
      "ext4 has no fault lock against truncate: a write fault over a cached hole page holds only the page lock in 843172978bb9's __dax_fault while ftruncate runs (docs/findings.md E6).",
    fs: 'ext4',
    file: { size: 4, blocks: ['hole'], cachedHoles: [0] },
    mappings: [shared('a', 'p1')],
    threads: [
      { name: 'writer', process: 'p1', actions: [{ do: 'store', map: 'a', page: 0, value: 4 }] },
      { name: 'truncate', process: 'p2', actions: [{ do: 'truncate', size: 0 }] },
    ],
  },
  {
    name: 'ext4-cow-fault-vs-punch',
    description:
      'ext4: a private (COW) write fault on written data while fallocate(PUNCH_HOLE) frees the block (i_mutex, two truncate_pagecache_range passes, the second under a journal handle).',
    fs: 'ext4',
    file: { size: 4, blocks: [{ written: 5 }] },
    mappings: [{ id: 'a', process: 'p1', shared: false }],
    threads: [
      { name: 'cow', process: 'p1', actions: [{ do: 'store', map: 'a', page: 0, value: 3 }] },
      { name: 'punch', process: 'p2', actions: [{ do: 'punch', page: 0, pages: 1 }] },
    ],
  },
  {
    name: 'ext4-write-fault-vs-commit',
    description:
      'ext4: a write fault on a hole holds a journal handle (v4.3+: from ext4_dax_fault; v4.2: from _ext4_get_block) while kjournald2 locks the running transaction and waits for its handles.',
    fs: 'ext4',
    file: { size: 4, blocks: ['hole'] },
    mappings: [shared('a', 'p1')],
    threads: [
      { name: 'writer', process: 'p1', actions: [{ do: 'store', map: 'a', page: 0, value: 4 }] },
      { name: 'kjournald2', process: 'kernel', actions: [{ do: 'commit' }] },
    ],
  },
];
