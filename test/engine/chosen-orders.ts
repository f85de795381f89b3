// The model the tests of a run split over threads compare on: three tasks each take two of three
// mutexes in an order they choose (lockdep cycles whose edges come from several executions), then
// increment a counter unlocked (lost updates, with witnesses of fewer preemptions to come), and
// some may write an object named by a choice (objects that turn up in later executions).

import {
  type Cell,
  cellObject,
  choose,
  defineModel,
  type Model,
  read,
  write,
} from '../../src/engine/index.js';
import { kernelMonitors, mutex_init, mutex_lock, mutex_unlock } from '../../src/kernel/index.js';

interface State {
  locks: ReturnType<typeof mutex_init>[];
  count: Cell<number>;
}

/**
 * `orders`: the second lock is the next one (a -> b -> c -> a: a cycle in one execution) unless a
 * choice of that many values is 0 (2: as often as not; 40: rarely, so new edges and cycles keep
 * turning up late). `lateObjects`: the tasks that choose among `lateChoices` values whether to
 * write an object of their own (the last value writes it).
 */
export function chosenOrders({
  orders,
  lateObjects,
  lateChoices,
}: {
  orders: number;
  lateObjects: readonly number[];
  lateChoices: number;
}): Model<State> {
  return defineModel<State>({
    name: 'chosen-orders',
    setup: (w) => ({
      locks: ['a', 'b', 'c'].map((n) => mutex_init(w, n, `&lock_${n}`)),
      count: w.cell('count', 0),
    }),
    threads: [0, 1, 2].map((i) => ({
      name: `task${i}`,
      *body(s) {
        const first = s.locks[i];
        const second = s.locks[(i + ((yield* choose(orders)) === 0 ? 2 : 1)) % 3];
        yield* mutex_lock(first);
        yield* mutex_lock(second);
        yield* mutex_unlock(second);
        yield* mutex_unlock(first);
        const n: number = yield* read(s.count);
        yield* write(s.count, n + 1);
        if (lateObjects.includes(i) && (yield* choose(lateChoices)) === lateChoices - 1)
          yield* write(yield* cellObject(`late ${i}`, 0), 1);
      },
    })),
    check: (s, v) => (v.peek(s.count) === 3 ? [] : [{ kind: 'lost-update', title: 'an increment was lost' }]),
    monitors: () => kernelMonitors(),
  });
}
