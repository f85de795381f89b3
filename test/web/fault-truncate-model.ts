// A small model with the shape of the DAX state (keys `mm0.pte[0]`, `pagecache[0]`, `block[0]`,
// `inode.i_size`, `&mapping->i_mmap_rwsem`), for the viewer's state panel: a fault that checks
// i_size before taking i_mmap_rwsem races with a truncate, and can map a block the truncate
// freed. Not the DAX model (src/linux): only a real model whose trace has that shape.

import { type Cell, call, defineModel, type Model, read, write } from '../../src/engine/index.js';
import {
  down_read,
  down_write,
  init_rwsem,
  type RwSemaphore,
  up_read,
  up_write,
} from '../../src/kernel/index.js';

interface Pte {
  pfn: number;
  block: number;
  writable: boolean;
}

interface PageCacheEntry {
  index: number;
  uptodate: boolean;
}

interface State {
  iMmap: RwSemaphore;
  size: Cell<number>;
  pte: Cell<Pte | null>[];
  page: Cell<PageCacheEntry | null>;
  block: Cell<{ state: string; data: string }>;
}

export function faultTruncateModel(): Model<State> {
  return defineModel({
    name: 'fault-vs-truncate',
    setup: (w) => ({
      iMmap: init_rwsem(w, '&mapping->i_mmap_rwsem', '&mapping->i_mmap_rwsem'),
      size: w.cell('inode.i_size', 4096),
      pte: [w.cell<Pte | null>('mm0.pte[0]', null), w.cell<Pte | null>('mm0.pte[1]', null)],
      page: w.cell<PageCacheEntry | null>('pagecache[0]', { index: 0, uptodate: true }),
      block: w.cell('block[0]', { state: 'written', data: 'AAAA' }),
    }),
    threads: [
      {
        name: 'fault',
        body: (s) =>
          call(
            'dax_fault',
            (function* () {
              // The bug this model has: i_size checked before i_mmap_rwsem is taken.
              const size = yield* read(s.size);
              if (size <= 0) return;
              yield* down_read(s.iMmap);
              yield* write(s.pte[0], { pfn: 7, block: 0, writable: false });
              yield* up_read(s.iMmap);
            })(),
          ),
      },
      {
        name: 'truncate',
        body: (s) =>
          call(
            'truncate',
            (function* () {
              yield* write(s.size, 0);
              yield* down_write(s.iMmap);
              yield* write(s.pte[0], null);
              yield* up_write(s.iMmap);
              yield* write(s.page, null);
              yield* write(s.block, { state: 'free', data: '' });
            })(),
          ),
      },
    ],
    check: (s, view) => {
      const pte = view.peek(s.pte[0]);
      if (pte && view.peek(s.block).state === 'free')
        return [
          {
            kind: 'stale-mapping',
            title: 'mm0.pte[0] maps block 0 after truncate freed it',
            functions: ['dax_fault', 'truncate'],
          },
        ];
      return [];
    },
  });
}
