// Reports: lockdep/KCSAN-style text for every kind, JSON and Markdown.

import { describe, expect, it } from 'vitest';
import {
  assert,
  at,
  call,
  check,
  defineModel,
  type Finding,
  type Op,
  type World,
} from '../../src/engine/index.js';
import {
  down_read,
  init_rwsem,
  kernelMonitors,
  load,
  lockdep_assert_held,
  lockdep_assert_no_locks,
  mutex_init,
  mutex_lock,
  mutex_unlock,
  type Shared,
  shared,
  spin_lock,
  spin_lock_init,
  spin_unlock,
  store,
  up_read,
} from '../../src/kernel/index.js';
import { formatFinding, headline, toJson, toMarkdown } from '../../src/report/index.js';
import { read_lock, read_unlock, write_lock, write_unlock } from './helpers.js';

function findings(
  setup: (w: World) => any,
  ...bodies: Array<[string, (s: any) => Generator<Op, void, any>]>
): Finding[] {
  const m = defineModel({
    name: 'report',
    setup,
    threads: bodies.map(([fn, body], i) => ({ name: `T${i}`, body: (s: any) => call(fn, body(s)) })),
    monitors: () => kernelMonitors(),
  });
  return check(m).findings;
}

const two = (w: World) => ({ a: mutex_init(w, 'a', '&A'), b: mutex_init(w, 'b', '&B') });
const ordered = (x: 'a' | 'b', y: 'a' | 'b') =>
  function* (s: ReturnType<typeof two>) {
    yield* mutex_lock(s[x]);
    yield* mutex_lock(s[y]);
    yield* mutex_unlock(s[y]);
    yield* mutex_unlock(s[x]);
  };

const lines = (text: string) => text.split('\n');

describe('circular locking dependency', () => {
  const all = findings(two, ['take_ab', ordered('a', 'b')], ['take_ba', ordered('b', 'a')]);
  const f = all.find((x) => x.kind === 'circular-dependency')!;
  const text = formatFinding(f);

  it("opens with lockdep's banner", () => {
    const [bar, head, dash] = lines(text);
    expect(head).toBe('WARNING: possible circular locking dependency detected');
    expect(bar).toBe('='.repeat(head.length));
    expect(dash).toBe('-'.repeat(head.length));
  });

  it('names the task, the lock it tries and the lock it holds, with the functions that took them', () => {
    expect(text).toContain('T1/1 is trying to acquire lock:\n (&A){+.+.}, at: take_ba\n');
    expect(text).toContain('but task is already holding lock:\n (&B){+.+.}, at: take_ba\n');
    expect(text).toContain('which lock already depends on the new lock.');
    expect(text).toContain('1 lock held by T1/1:\n #0: (&B){+.+.}, at: take_ba');
  });

  it('prints the chain in reverse order with where each dependency was first seen', () => {
    const i1 = text.indexOf('-> #1 (&B){+.+.}:');
    const i0 = text.indexOf('-> #0 (&A){+.+.}:');
    expect(i1).toBeGreaterThan(0);
    expect(i0).toBeGreaterThan(i1);
    expect(text.slice(i1, i0)).toContain('first seen: T0/0 in take_ab, holding &A (mutex_lock in take_ab)');
    expect(text.slice(i1, i0)).toMatch(/replay: faultline replay fl1:\S+/);
  });

  it('has the CPU0/CPU1 scenario table', () => {
    expect(text).toContain(
      [
        ' Possible unsafe locking scenario:',
        '',
        '       CPU0                    CPU1',
        '       ----                    ----',
        '  lock(&B);',
        '                               lock(&A);',
        '                               lock(&B);',
        '  lock(&A);',
        '',
        ' *** DEADLOCK ***',
      ].join('\n'),
    );
  });

  it('says whether it was confirmed, and ends with the replay token', () => {
    expect(f.confirmed).toBe(true);
    expect(text).toMatch(/confirmed: explored execution \d+ deadlocks/);
    expect(lines(text.trimEnd()).at(-1)).toBe(`replay: faultline replay ${f.token}`);
  });

  it('with three classes shows the chain and read locks as rlock', () => {
    const xyz = (w: World) => ({
      X: w.lock('X', { cls: '&X' }),
      Y: w.lock('Y', { cls: '&Y' }),
      Z: w.lock('Z', { cls: '&Z' }),
    });
    const [c] = findings(
      xyz,
      [
        'e1',
        function* (s) {
          yield* write_lock(s.X);
          yield* read_lock(s.Y);
          yield* read_unlock(s.Y);
          yield* write_unlock(s.X);
        },
      ],
      [
        'e2',
        function* (s) {
          yield* write_lock(s.Y);
          yield* read_lock(s.Z);
          yield* read_unlock(s.Z);
          yield* write_unlock(s.Y);
        },
      ],
      [
        'e3',
        function* (s) {
          yield* write_lock(s.Z);
          yield* read_lock(s.X);
          yield* read_unlock(s.X);
          yield* write_unlock(s.Z);
        },
      ],
    ).filter((x) => x.kind === 'circular-dependency');
    const t = formatFinding(c);
    expect(t).toMatch(/Chain exists of:\n {2}&\w --> &\w --> &\w\n/);
    expect(t).toContain('-> #2 (');
    expect(t).toMatch(/\n {2}lock\(&\w\);\n {31}lock\(&\w\);\n {31}rlock\(&\w\);\n {2}rlock\(&\w\);\n/);
  });

  it('a prediction no execution confirmed says so', () => {
    const gated = (w: World) => ({ ...two(w), g: mutex_init(w, 'g', '&G') });
    const via = (x: 'a' | 'b', y: 'a' | 'b') =>
      function* (s: ReturnType<typeof gated>) {
        yield* mutex_lock(s.g);
        yield* ordered(x, y)(s);
        yield* mutex_unlock(s.g);
      };
    const [c] = findings(gated, ['p1', via('a', 'b')], ['p2', via('b', 'a')]);
    expect(c.kind).toBe('circular-dependency');
    expect(formatFinding(c)).toContain(
      'predicted from the lock graph: no explored execution deadlocked on it',
    );
    expect(toJson(c).confirmed).toBe(false);
    expect(toMarkdown(c)).toContain('`circular-dependency` (predicted)');
  });
});

describe('the other kinds', () => {
  const locks = (w: World) => {
    const sem = init_rwsem(w, 'sem', '&ei->i_data_sem');
    return {
      sem,
      m: mutex_init(w, 'm', '&inode->i_mutex'),
      ptl: spin_lock_init(w, 'ptl', '&ptl'),
      size: shared(w, 'inode.i_size', 0, { guard: sem }) as Shared<number>,
      x: shared(w, 'x', 0) as Shared<number>,
    };
  };

  it('recursive locking: single-CPU scenario and the nesting hint', () => {
    const [f] = findings(locks, [
      'twice',
      function* (s) {
        yield* down_read(s.sem);
        yield* down_read(s.sem);
        yield* up_read(s.sem);
        yield* up_read(s.sem);
      },
    ]);
    const t = formatFinding(f);
    expect(lines(t).slice(0, 3)).toEqual([
      '============================================',
      'WARNING: possible recursive locking detected',
      '--------------------------------------------',
    ]);
    expect(t).toContain('       CPU0\n       ----\n  rlock(&ei->i_data_sem);\n  rlock(&ei->i_data_sem);\n');
    expect(t).toContain(' May be due to missing lock nesting notation');
  });

  it('bad unlock', () => {
    const [f] = findings(locks, ['unlocker', (s) => mutex_unlock(s.m)]);
    const t = formatFinding(f);
    expect(lines(t)[1]).toBe('WARNING: bad unlock balance detected!');
    expect(t).toContain('T0/0 is trying to release lock (&inode->i_mutex) at:\n  mutex_unlock\n  unlocker\n');
    expect(t).toContain('but there are no more locks to release!');
    expect(t).toContain('no locks held by T0/0.');
  });

  it('lock held when returning to user space', () => {
    const [f] = findings(locks, [
      'syscall',
      function* (s) {
        yield* mutex_lock(s.m);
        yield* lockdep_assert_no_locks();
        yield* mutex_unlock(s.m);
      },
    ]);
    const t = formatFinding(f);
    expect(lines(t)[1]).toBe('WARNING: lock held when returning to user space!');
    expect(t).toContain(
      'T0/0 is leaving the kernel with locks still held!\n1 lock held by T0/0:\n #0: (&inode->i_mutex){+.+.}, at: syscall',
    );
  });

  it('lock held at task exit', () => {
    const [f] = findings(locks, ['leaks', (s) => mutex_lock(s.m)]);
    expect(headline(f)).toBe('WARNING: T0/0 still has locks held!');
  });

  it('lockdep_assert_held and guarded accesses are WARN splats', () => {
    const [a] = findings(locks, ['needs_lock', (s) => lockdep_assert_held(s.m)]);
    const t = formatFinding(a);
    expect(lines(t).slice(0, 3)).toEqual([
      '------------[ cut here ]------------',
      'WARNING: CPU: 0 PID: 0 at needs_lock',
      'lockdep_assert_held(&inode->i_mutex): &inode->i_mutex is not held',
    ]);
    expect(t).toContain('---[ end trace ]---');
    const [g] = findings(locks, ['i_size_write', (s) => store(s.size, 1)]);
    expect(formatFinding(g)).toContain(
      'write to inode.i_size (store) needs &ei->i_data_sem held for write, but it is not held',
    );
  });

  it('sleeping in atomic context', () => {
    const [f] = findings(locks, [
      'under_ptl',
      function* (s) {
        yield* spin_lock(s.ptl);
        yield* mutex_lock(s.m);
        yield* mutex_unlock(s.m);
        yield* spin_unlock(s.ptl);
      },
    ]);
    const t = formatFinding(f);
    expect(lines(t)[0]).toBe('BUG: sleeping function called from invalid context at under_ptl');
    expect(t).toContain('pid: 0, name: T0');
    expect(t).toContain(' #0: (&ptl)');
  });

  it('data race, KCSAN style', () => {
    const [f] = findings(
      locks,
      ['writer', (s) => store(s.x, 1)],
      [
        'reader',
        function* (s) {
          yield* load(s.x);
        },
      ],
    );
    const t = formatFinding(f);
    expect(lines(t)[1]).toBe('BUG: KCSAN: data-race in reader / writer');
    expect(t).toContain('write to x by task T0/0 (store):\n writer\n');
    expect(t).toContain('read to x by task T1/1 (load):\n reader\n');
  });

  it('deadlock: the blocked tasks and what each holds and waits for', () => {
    const d = findings(two, ['take_ab', ordered('a', 'b')], ['take_ba', ordered('b', 'a')]).find(
      (x) => x.kind === 'deadlock',
    )!;
    const t = formatFinding(d);
    expect(lines(t)[1]).toMatch(/^INFO: deadlock: T0, T1 blocked forever$/);
    expect(t).toContain(' Deadlocked tasks:');
    expect(t).toMatch(/lock\(&[AB]\);\s+<blocked>/);
    expect(t).toContain(`replay: faultline replay ${d.token}`);
  });

  it('an assertion and a model-defined kind get a generic splat with the trace tail', () => {
    const m = defineModel({
      name: 'generic',
      setup: (w) => ({ c: w.cell('pmem[0]', 0) }),
      threads: [
        {
          name: 'T0',
          body: () =>
            call(
              'dax_fault',
              (function* () {
                yield* at('dax.c:312');
                assert(false, 'BUG_ON(PageDirty(page))');
              })(),
            ),
        },
      ],
      check: () => [{ kind: 'lost-write', title: 'write to pmem[0] lost', message: 'wrote 7, read back 0' }],
    });
    const [a] = check(m).findings;
    expect(headline(a)).toBe('kernel BUG: BUG_ON(PageDirty(page))');
    const m2 = defineModel({ ...m, threads: [{ name: 'T0', body: function* () {} }] });
    const [lw] = check(m2).findings;
    const t = formatFinding(lw);
    expect(lines(t).slice(0, 3)).toEqual([
      '------------[ cut here ]------------',
      'BUG: lost-write: write to pmem[0] lost',
      'wrote 7, read back 0',
    ]);
    expect(t).toContain(`replay: faultline replay ${lw.token}`);
  });
});

describe('JSON and Markdown', () => {
  const all = findings(two, ['take_ab', ordered('a', 'b')], ['take_ba', ordered('b', 'a')]);

  it('JSON keeps every field, survives a round trip, and carries the text', () => {
    for (const f of all) {
      const j = toJson(f);
      expect(JSON.parse(JSON.stringify(j))).toEqual(j);
      expect(j).toMatchObject({
        schema: 'faultline.finding/1',
        kind: f.kind,
        signature: f.signature,
        token: f.token,
        replay: `faultline replay ${f.token}`,
        text: formatFinding(f),
      });
      expect(j.trace).toHaveLength(f.trace.length);
    }
    const c = toJson(all.find((f) => f.kind === 'circular-dependency')!);
    expect(c.confirmed).toBe(true);
    expect((c.details as any).cycle).toHaveLength(2);
  });

  it('Markdown has a summary, the report in a code block and the trace table', () => {
    const f = all.find((x) => x.kind === 'deadlock')!;
    const md = toMarkdown(f);
    expect(md.startsWith(`### ${headline(f)}\n`)).toBe(true);
    expect(md).toContain(`- **replay**: \`faultline replay ${f.token}\``);
    expect(md).toContain('```text\n');
    expect(md).toContain('| # | thread | function | op | note |');
    expect(md.match(/^\| \d+ \|/gm)).toHaveLength(f.trace.length);
  });

  it('every kind of finding produced above formats without falling back to the bare title', () => {
    for (const f of all) expect(formatFinding(f).split('\n').length).toBeGreaterThan(5);
  });
});
