// commutingUpdate: updates the explorer does not order against each other, but still orders
// against plain reads and writes of the same cell.

import { describe, expect, it } from 'vitest';
import {
  type Cell,
  check,
  commutingUpdate,
  defineModel,
  exploreNaive,
  type Model,
  read,
  update,
  write,
} from '../../src/engine/index.js';

type Kind = 'commuting' | 'plain';

/** Two adders and, optionally, a reader and a writer of the same counter. */
function counter(kind: Kind, extra: ('reader' | 'writer')[]): Model<{ c: Cell<number> }> {
  const add = (c: Cell<number>) =>
    kind === 'commuting' ? commutingUpdate(c, (n: number) => n + 1) : update(c, (n: number) => n + 1);
  return defineModel({
    name: `counter-${kind}-${extra.join('-')}`,
    setup: (w) => ({ c: w.cell('c', 0) }),
    threads: [
      {
        name: 'A',
        body: function* (s) {
          yield* add(s.c);
        },
      },
      {
        name: 'B',
        body: function* (s) {
          yield* add(s.c);
        },
      },
      ...extra.map((x) => ({
        name: x,
        body: function* (s: { c: Cell<number> }) {
          if (x === 'reader') return yield* read(s.c);
          yield* write(s.c, 10);
        },
      })),
    ],
    // one finding per distinct end state (the signature is kind and functions)
    check: (s, v) => {
      const end = JSON.stringify([v.peek(s.c), v.results]);
      return [{ kind: 'outcome', title: end, functions: [end] }];
    },
  });
}

const outcomes = (m: Model<any>) =>
  check(m, { minimize: false })
    .findings.map((f) => f.title)
    .sort();

describe('commutingUpdate', () => {
  it('two commuting adds are one trace; two plain updates are two', () => {
    expect(check(counter('commuting', [])).stats.executions).toBe(1);
    expect(check(counter('plain', [])).stats.executions).toBe(2);
    expect(outcomes(counter('commuting', []))).toEqual(outcomes(counter('plain', [])));
  });

  it('a read is ordered against each add: 4 traces, the reader sees 0, 1 or 2', () => {
    const m = counter('commuting', ['reader']);
    const r = check(m, { minimize: false });
    expect(r.complete).toBe(true);
    expect(r.stats.executions).toBe(4);
    expect(exploreNaive(m).traces).toBe(4);
    const seen = r.findings.map((f) => JSON.parse(f.title)[1][2]).sort();
    expect(seen).toEqual([0, 1, 2]);
  });

  it('a write is ordered against each add; every end state of the plain version is reached', () => {
    const m = counter('commuting', ['writer']);
    const r = check(m, { minimize: false });
    expect(r.stats.executions).toBe(exploreNaive(m).traces);
    expect(outcomes(m)).toEqual(outcomes(counter('plain', ['writer'])));
    expect(outcomes(m)).toEqual(['[10,[null,null,null]]', '[11,[null,null,null]]', '[12,[null,null,null]]']);
  });

  it('may read other cells in its step: ordered against their writers only, not each other', () => {
    // two handle starts (a start joins unless the transaction is locked) and, optionally, a commit
    // that locks it; the counter is t_updates, the flag T_LOCKED.
    const starts = (commit: boolean): Model<{ n: Cell<number>; locked: Cell<boolean> }> =>
      defineModel({
        name: `guarded-${commit}`,
        setup: (w) => ({ n: w.cell('t_updates', 0), locked: w.cell('T_LOCKED', false) }),
        threads: [
          ...['A', 'B'].map((name) => ({
            name,
            body: function* (s: { n: Cell<number>; locked: Cell<boolean> }) {
              let joined = false;
              yield* commutingUpdate(
                s.n,
                (n: number, peek) => {
                  joined = !peek(s.locked);
                  return joined ? n + 1 : n;
                },
                undefined,
                [s.locked],
              );
              return joined;
            },
          })),
          ...(commit
            ? [
                {
                  name: 'commit',
                  body: function* (s: { n: Cell<number>; locked: Cell<boolean> }) {
                    yield* write(s.locked, true);
                  },
                },
              ]
            : []),
        ],
        check: (s, v) => {
          const end = JSON.stringify([v.peek(s.n), v.results]);
          return [{ kind: 'outcome', title: end, functions: [end] }];
        },
      });
    expect(check(starts(false)).stats.executions).toBe(1);
    const m = starts(true);
    const r = check(m, { minimize: false });
    // each start before or after the lock: 4 traces, 4 end states
    expect(r.stats.executions).toBe(4);
    expect(exploreNaive(m).traces).toBe(4);
    expect(r.findings.map((f) => f.title).sort()).toEqual([
      '[0,[false,false,null]]',
      '[1,[false,true,null]]',
      '[1,[true,false,null]]',
      '[2,[true,true,null]]',
    ]);
  });

  it('peeking at a cell its step does not list is a model error naming the cell', () => {
    const m = defineModel({
      name: 'bad-peek',
      setup: (w) => ({ n: w.cell('counter', 0), other: w.cell('flag', false) }),
      threads: [
        {
          name: 'A',
          body: function* (s: { n: Cell<number>; other: Cell<boolean> }) {
            yield* commutingUpdate(s.n, (n: number, peek) => (peek(s.other) ? n : n + 1));
          },
        },
      ],
    });
    const [f] = check(m).findings;
    expect(f.kind).toBe('oops');
    expect(f.title).toContain('model code threw in A');
    expect(f.message).toContain("peeked at cell 'flag' without listing it in its reads");
  });
});
