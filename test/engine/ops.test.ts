// The one-step op helpers (read, write, update, acquire, tryAcquire, release, call, at, note,
// self, modelled) are not generators but ops that are their own iterators: these tests pin down that
// `yield*` over them behaves exactly as over a one-step generator, in every way model code uses.

import { describe, expect, it } from 'vitest';
import {
  acquire,
  at,
  call,
  check,
  defineModel,
  encodeToken,
  type FinalView,
  type Lock,
  modelled,
  type Op,
  read,
  release,
  replayExecution,
  self,
  tryAcquire,
  update,
  write,
} from '../../src/engine/index.js';

/** Run a one-thread model once and return what its thread returned. */
function runOne<T>(
  body: (s: any) => Generator<Op, T, any>,
  setup: (w: any) => any = (w) => ({ c: w.cell('c', 1) }),
): T {
  let result: unknown;
  const model = defineModel({
    name: 'one',
    setup,
    threads: [{ name: 'T0', body }],
    check: (_s: unknown, v: FinalView) => {
      result = v.results[0];
      return [];
    },
  });
  const r = check(model);
  expect(r.findings).toEqual([]);
  return result as T;
}

describe('one-step ops', () => {
  it('by hand: yield the op, then return the value sent; throw rethrows', () => {
    const g = read({ kind: 'cell', id: 7, key: 'x' } as any);
    const first = g.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ k: 'read', cell: { key: 'x' } });
    const second = g.next(42);
    expect([second.done, second.value]).toEqual([true, 42]);
    const h = write({ kind: 'cell', id: 7, key: 'x' } as any, 1);
    h.next();
    expect(() => h.throw(new Error('boom'))).toThrow('boom');
  });

  it('read, update and write return what a generator would', () => {
    const out = runOne(function* (s) {
      const a = yield* read(s.c);
      const b = yield* update(s.c, (v: number) => v + 10);
      const w = yield* write(s.c, 5);
      const c = yield* read(s.c);
      return [a, b, w, c];
    });
    expect(out).toEqual([1, 11, undefined, 5]);
  });

  it('tryAcquire returns false while another holds the lock, true once it is free', () => {
    const out = runOne(
      function* (s) {
        yield* acquire(s.l);
        const busy = yield* call(
          'nested',
          (function* () {
            // Held by this very thread: a trylock still fails (no recursion on an exclusive lock).
            return yield* tryAcquire(s.l);
          })(),
        );
        yield* release(s.l);
        const free = yield* tryAcquire(s.l);
        yield* release(s.l);
        return [busy, free];
      },
      (w) => ({ l: w.lock('l') }),
    );
    expect(out).toEqual([false, true]);
  });

  it('an op helper can be a call body on its own, and call returns its value', () => {
    const out = runOne(function* (s) {
      return yield* call('read_c', read(s.c));
    });
    expect(out).toBe(1);
  });

  it('a throw out of a called body reaches the caller at its yield*, which can catch it and go on', () => {
    const out = runOne(function* (s) {
      let caught = '';
      try {
        yield* call(
          'fails',
          (function* () {
            yield* read(s.c);
            throw new Error('from the body');
          })(),
        );
      } catch (e) {
        caught = (e as Error).message;
      }
      const me = yield* self();
      return [caught, yield* read(s.c), me.name];
    });
    expect(out).toEqual(['from the body', 1, 'T0']);
  });

  it('at labels the steps that follow it until the next at, each time anew', () => {
    const model = defineModel({
      name: 'labels',
      setup: (w) => ({ c: w.cell('c', 0) }),
      threads: [
        {
          name: 'T0',
          body: function* (s: any) {
            yield* at('first');
            yield* write(s.c, 1);
            yield* at('second');
            yield* at('third');
            yield* write(s.c, 2);
          },
        },
      ],
    });
    const ex = replayExecution(model, encodeToken([0, 0, 0], []));
    expect(ex.outcome).toBe('done');
    expect(ex.records.map((r) => [r.op.k, r.label])).toEqual([
      ['write', 'first'],
      ['write', 'third'],
      ['exit', 'third'],
    ]);
  });

  it('a modelled function runs as call(fn, body(...)) does: same findings, tokens, traces and names', () => {
    interface Two {
      a: Lock;
      b: Lock;
    }
    // ABBA through a model function with arguments, written both ways.
    const lockBoth = modelled('lock_both', function* (s: Two, first: 'a' | 'b', second: 'a' | 'b') {
      yield* acquire(s[first]);
      yield* at('second lock');
      yield* acquire(s[second]);
      yield* release(s[second]);
      yield* release(s[first]);
      return first;
    });
    function* lockBothInline(s: Two, first: 'a' | 'b', second: 'a' | 'b'): Generator<Op, string, any> {
      return yield* call(
        'lock_both',
        (function* () {
          yield* acquire(s[first]);
          yield* at('second lock');
          yield* acquire(s[second]);
          yield* release(s[second]);
          yield* release(s[first]);
          return first;
        })(),
      );
    }
    const modelOf = (fn: typeof lockBothInline) =>
      defineModel<Two>({
        name: 'abba',
        setup: (w) => ({ a: w.lock('a'), b: w.lock('b') }),
        threads: [
          { name: 'cpu0', body: (s) => fn(s, 'a', 'b') },
          { name: 'cpu1', body: (s) => fn(s, 'b', 'a') },
        ],
      });
    const viaModelled = check(modelOf(lockBoth));
    const inline = check(modelOf(lockBothInline));
    expect(viaModelled.findings.map((f) => f.kind)).toEqual(['deadlock']);
    expect(viaModelled.findings).toEqual(inline.findings);
    expect(viaModelled.stats.executions).toBe(inline.stats.executions);
    const deadlock = viaModelled.findings.find((f) => f.kind === 'deadlock')!;
    expect(
      deadlock.trace.filter((t) => t.op.startsWith('lock')).map((t) => [t.fn, t.label ?? '']),
    ).toContainEqual(['lock_both', 'second lock']);
  });

  it('a throw out of a modelled function reaches the caller at its yield*; each call runs the body once', () => {
    let bodies = 0;
    const fails = modelled('fails', function* (s: { c: any }, message: string) {
      bodies++;
      yield* read(s.c);
      throw new Error(message);
    });
    const out = runOne(function* (s) {
      let caught = '';
      try {
        yield* fails(s, 'from the body');
      } catch (e) {
        caught = (e as Error).message;
      }
      return [caught, yield* read(s.c)];
    });
    expect(out).toEqual(['from the body', 1]);
    expect(bodies).toBe(1);
  });
});
