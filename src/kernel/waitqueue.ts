// Wait queues (kernel/sched/wait.c): wait_event() sleeps until a condition holds, re-checked
// after each wake-up; the check and the enqueue are atomic (prepare_to_wait), so a wake-up in
// between is not lost.

import {
  type Cell,
  type Op,
  type Peek,
  type WaitQueue,
  type World,
  waitUntil,
  wake,
} from '../engine/index.js';
import { might_sleep } from './task.js';

export type WaitQueueHead = WaitQueue;

// The API each op came from, for traces (the engine's wake-all would otherwise print as wake_up_all).
const WAIT_EVENT = { api: 'wait_event' };
const WAKE_UP = { api: 'wake_up' };
const WAKE_UP_ALL = { api: 'wake_up_all' };

export function init_waitqueue_head(w: World, key: string): WaitQueueHead {
  return w.queue(key);
}

export function* wait_event(
  wq: WaitQueueHead,
  reads: readonly Cell<any>[],
  condition: (peek: Peek) => boolean,
): Generator<Op, void, any> {
  yield* might_sleep('wait_event');
  yield* waitUntil(wq, reads, condition, WAIT_EVENT);
}

// wake_up() wakes every non-exclusive waiter and one exclusive one; wait_event() waiters are
// non-exclusive, and this model has no exclusive waits, so it wakes them all.
export function* wake_up(wq: WaitQueueHead): Generator<Op, void, any> {
  yield* wake(wq, true, WAKE_UP);
}

export function* wake_up_all(wq: WaitQueueHead): Generator<Op, void, any> {
  yield* wake(wq, true, WAKE_UP_ALL);
}
