// A bounded buffer between one producer and one consumer, with two wait queues: the producer
// sleeps while the buffer is full, the consumer while it is empty, and each wakes the other after
// changing the buffer. The consumer must receive every item, in order.
//
// `forgetWake: true` drops the consumer's wake-up of the producer: once the buffer fills, the
// producer sleeps forever and the consumer then sleeps on an empty buffer (a deadlock).

import {
  type Cell,
  call,
  defineModel,
  type Model,
  type Op,
  read,
  update,
  type WaitQueue,
  waitUntil,
  wake,
} from '../engine/index.js';

export interface ProducerConsumerOptions {
  /** Items to send (default 3). */
  items?: number;
  /** Buffer capacity (default 1). */
  capacity?: number;
  /** Bug: the consumer does not wake the producer. */
  forgetWake?: boolean;
}

interface State {
  buffer: Cell<readonly number[]>;
  notFull: WaitQueue;
  notEmpty: WaitQueue;
}

function* produce(s: State, items: number, capacity: number): Generator<Op, void, any> {
  for (let item = 1; item <= items; item++) {
    yield* waitUntil(s.notFull, [s.buffer], (peek) => peek(s.buffer).length < capacity);
    yield* update(s.buffer, (b) => [...b, item]);
    yield* wake(s.notEmpty);
  }
}

function* consume(s: State, items: number, forgetWake: boolean): Generator<Op, number[], any> {
  const received: number[] = [];
  for (let k = 0; k < items; k++) {
    // Only this thread removes items, so the buffer stays non-empty between the wait and the take.
    yield* waitUntil(s.notEmpty, [s.buffer], (peek) => peek(s.buffer).length > 0);
    const [item] = yield* read(s.buffer);
    yield* update(s.buffer, (b) => b.slice(1));
    received.push(item);
    if (!forgetWake) yield* wake(s.notFull);
  }
  return received;
}

export function producerConsumer(opts: ProducerConsumerOptions = {}): Model<State> {
  const items = opts.items ?? 3;
  const capacity = opts.capacity ?? 1;
  const forgetWake = opts.forgetWake ?? false;
  return defineModel({
    name: `producer-consumer${forgetWake ? '-lost-wakeup' : ''}`,
    setup: (world) => ({
      buffer: world.cell<readonly number[]>('buffer', []),
      notFull: world.queue('not_full'),
      notEmpty: world.queue('not_empty'),
    }),
    threads: [
      { name: 'producer', body: (s: State) => call('produce', produce(s, items, capacity)) },
      { name: 'consumer', body: (s: State) => call('consume', consume(s, items, forgetWake)) },
    ],
    check: (_s, view) => {
      const got = view.results[1] as number[];
      const want = Array.from({ length: items }, (_, i) => i + 1);
      if (got.join() === want.join()) return [];
      return [
        {
          kind: 'assertion',
          title: `consumer received [${got}], expected [${want}]`,
          functions: ['consume'],
        },
      ];
    },
  });
}
