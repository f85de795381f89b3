// check's witness minimisation runs one bounded search per preemption bound for all findings at
// once; each finding must still get the witness that a search of its own would have given. The
// shared searches skip prefixes equivalent to one explored; the reference here does not, so where
// the budget does not bind this also checks that skipping keeps the first witness, and where it
// binds, that skipping reaches further.

import { describe, expect, it } from 'vitest';
import { exploreBounded } from '../../src/engine/explorers/bounded.js';
import {
  acquire,
  type Cell,
  call,
  check,
  defineModel,
  type Finding,
  type Lock,
  type Model,
  read,
  release,
  replay,
  write,
} from '../../src/engine/index.js';
import { Run } from '../../src/engine/run.js';
import { diningPhilosophers, peterson } from '../../src/examples/index.js';

/** The minimisation as it was before the searches were shared: one search per finding and bound. */
function minimizedOneByOne<S>(model: Model<S>, raw: readonly Finding[], budget = 2000): Finding[] {
  return raw.map((f) => {
    if (f.preemptions === 0 || !f.trace.length || f.confirmed) return f;
    for (let bound = 0; bound < f.preemptions; bound++) {
      const probe = new Run(model, { maxExecutions: budget });
      let better: Finding | undefined;
      exploreBounded(probe, bound, () => {
        better = probe.getFinding(f.signature);
        return better !== undefined;
      });
      if (better && better.preemptions < f.preemptions) return { ...better, confirmed: f.confirmed };
    }
    return f;
  });
}

/** Three threads: an unlocked increment each, then a lock-order cycle A-B, B-C, C-A. */
const incrementThenCycle: Model = defineModel<{ locks: Lock[]; x: Cell<number> }>({
  name: 'increment-then-cycle',
  setup: (w) => ({ locks: [w.lock('A'), w.lock('B'), w.lock('C')], x: w.cell('x', 0) }),
  threads: [0, 1, 2].map((i) => ({
    name: `T${i}`,
    body: function* (s) {
      const v = yield* read(s.x);
      yield* call('bump', write(s.x, v + 1));
      const first = s.locks[i];
      const second = s.locks[(i + 1) % 3];
      yield* acquire(first);
      yield* acquire(second);
      yield* release(second);
      yield* release(first);
    },
  })),
  check: (s, view) =>
    view.peek(s.x) === 3 ? [] : [{ kind: 'lost-write', title: 'an increment is lost', functions: ['bump'] }],
});

describe('witness minimisation', () => {
  it.each<[string, Model]>([
    ['three threads, a lost write and a deadlock', incrementThenCycle],
    ['4 philosophers', diningPhilosophers({ n: 4 })],
  ])('%s: the same witnesses as one search per finding', (_name, model) => {
    const raw = check(model, { minimize: false }).findings;
    const min = check(model).findings;
    expect(raw.filter((f) => f.preemptions > 1).length).toBeGreaterThan(0);
    const expected = minimizedOneByOne(model, raw);
    expect(min.map((f) => [f.signature, f.preemptions, f.token])).toEqual(
      expected.map((f) => [f.signature, f.preemptions, f.token]),
    );
    expect(min.every((f) => f.preemptions === 1)).toBe(true);
  });

  it('where the budget binds, skipping equivalent prefixes finds a witness with fewer preemptions', () => {
    // Peterson with its entry writes swapped: the plain search of 50 executions per bound keeps
    // the first witness's 3 preemptions; the merged one finds 2 within the same budget.
    const model = peterson({ swapEntryWrites: true });
    const raw = check(model, { minimize: false }).findings;
    expect(raw.map((f) => [f.kind, f.preemptions])).toEqual([['assertion', 3]]);
    expect(minimizedOneByOne(model, raw, 50).map((f) => f.preemptions)).toEqual([3]);
    const [min] = check(model, { minimizeExecutions: 50 }).findings;
    expect(min.preemptions).toBe(2);
    // and the witness replays to the finding
    expect(replay(model, min.token).findings.map((f) => f.kind)).toEqual(['assertion']);
  });
});
