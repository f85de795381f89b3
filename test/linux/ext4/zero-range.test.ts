// ext4_block_zero_page_range for a DAX inode (the partial-block zeroing of ext4_truncate and
// ext4_punch_hole), called directly: the actors never reach it, sizes being whole pages.

import { describe, expect, it } from 'vitest';
import { defineModel, describeOp, Execution } from '../../../src/engine/index.js';
import { ObjectRegistry } from '../../../src/engine/objects.js';
import { kernelOf } from '../../../src/history/index.js';
import { ext4_journal_start, ext4_journal_stop } from '../../../src/linux/fs/ext4/ext4_jbd2.js';
import { createKernelState } from '../../../src/linux/state.js';
import type { Sys } from '../../../src/linux/types.js';
import { eventOf } from './helpers.js';

function run(kernel: string, block: 'hole' | { written: number }) {
  const model = defineModel<{ sys: Sys }>({
    name: 'zero-range',
    setup: (w) => ({
      sys: {
        k: kernelOf(kernel),
        st: createKernelState(w, {
          geo: { pmdPages: 4, filePages: 4, pmemBlocks: 16 },
          fs: 'ext4',
          size: 4,
          blocks: [block],
          cachedHoles: [],
          processes: [],
          vmas: [],
          mapped: [],
        }),
      },
    }),
    threads: [
      {
        name: 'truncate',
        body: function* ({ sys }) {
          // as ext4_truncate calls it: inside its handle
          const h = yield* ext4_journal_start(sys, 'EXT4_HT_TRUNCATE');
          const err = yield* sys.k.ext4_block_zero_page_range(sys, 0, 1);
          yield* ext4_journal_stop(h);
          return err;
        },
      },
    ],
  });
  const ex = new Execution(model, { registry: new ObjectRegistry(), choose: () => 0, keepTrace: true });
  while (!ex.finished && ex.runnable().length) ex.stepThread(ex.runnable()[0]);
  ex.finish();
  const steps = ex.records.map((r) => ({ thread: ex.threadName(r.thread), fn: r.fn, op: describeOp(r.op) }));
  return { outcome: ex.outcome, steps, events: steps.map(eventOf).filter((e) => e !== null) };
}

describe('ext4_block_zero_page_range (DAX)', () => {
  it('looks the block up with ext4_get_block (no handle of its own, R(i_data_sem)) and zeroes a written block through dax_zero_page_range', () => {
    for (const v of ['v4.2', 'v4.4']) {
      const r = run(v, { written: 7 });
      expect(r.outcome, v).toBe('done');
      expect(r.events, v).toEqual(['J', 'R(i_data_sem)', 'uR(i_data_sem)', 'uJ']);
      expect(
        r.steps.some((s) => s.fn === 'dax_zero_page_range' && s.op === 'write pmem[0] = 0'),
        v,
      ).toBe(true);
    }
  });

  it('leaves a hole alone', () => {
    const r = run('v4.4', 'hole');
    expect(r.steps.some((s) => s.op.startsWith('write pmem'))).toBe(false);
  });
});
