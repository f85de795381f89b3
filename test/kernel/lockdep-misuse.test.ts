// Lock misuse in one task: what lockdep (and might_sleep) report, with the details the splat needs.

import { describe, expect, it } from 'vitest';
import { assert, call, check, defineModel, type Op, replay, type World } from '../../src/engine/index.js';
import {
  type AssertHeldDetails,
  type BadUnlockDetails,
  down_read,
  down_write,
  downgrade_write,
  type HeldAtExitDetails,
  init_rwsem,
  jbd2_journal_start,
  jbd2_journal_stop,
  journal_init,
  kernelMonitors,
  lock_page,
  lockdep_assert_held,
  lockdep_assert_no_locks,
  lockdep_assert_not_held,
  mutex_init,
  mutex_lock,
  mutex_unlock,
  spin_lock,
  spin_lock_init,
  spin_unlock,
  up_read,
  up_write,
} from '../../src/kernel/index.js';
import { kinds, ofKind } from './helpers.js';

function kernelModel(
  name: string,
  setup: (w: World) => any,
  ...bodies: Array<(s: any) => Generator<Op, void, any>>
) {
  return defineModel({
    name,
    setup,
    threads: bodies.map((body, i) => ({ name: `T${i}`, body })),
    monitors: () => kernelMonitors(),
  });
}

const locks = (w: World) => ({
  m: mutex_init(w, 'inode.i_mutex', '&inode->i_mutex'),
  sem: init_rwsem(w, 'ei.i_data_sem', '&ei->i_data_sem'),
  ptl: spin_lock_init(w, 'pmd.ptl', '&(ptlock_ptr(page))->rlock'),
});

describe('sleeping under a spinlock', () => {
  it('is BUG: sleeping function called from invalid context, naming the spinlock', () => {
    const m = kernelModel('sleep under spinlock', locks, (s) =>
      call(
        'insert_pfn_like',
        (function* () {
          yield* spin_lock(s.ptl);
          yield* mutex_lock(s.m);
          yield* mutex_unlock(s.m);
          yield* spin_unlock(s.ptl);
        })(),
      ),
    );
    const r = check(m);
    const [f] = ofKind(r, 'sleep-in-atomic');
    expect(f.locks).toEqual(['&(ptlock_ptr(page))->rlock']);
    expect(f.functions).toEqual(['insert_pfn_like']);
    expect(f.details).toMatchObject({ api: 'mutex_lock', preemptCount: 1 });
    expect(kinds(r)).toEqual(['sleep-in-atomic']);
  });

  it('is not reported once the spinlock is dropped', () => {
    const m = kernelModel('sleep after spinlock', locks, (s) =>
      call(
        'ok',
        (function* () {
          yield* spin_lock(s.ptl);
          yield* spin_unlock(s.ptl);
          yield* mutex_lock(s.m);
          yield* mutex_unlock(s.m);
        })(),
      ),
    );
    expect(check(m).findings).toEqual([]);
  });
});

describe('bad unlock balance', () => {
  it('unlocking a lock not held: one finding, with lockdep details', () => {
    const m = kernelModel('unlock not held', locks, (s) =>
      call(
        'error_path',
        (function* () {
          yield* mutex_lock(s.m);
          yield* mutex_unlock(s.m);
          yield* mutex_unlock(s.m);
        })(),
      ),
    );
    const r = check(m);
    expect(kinds(r)).toEqual(['bad-unlock']);
    const [f] = r.findings;
    expect(f.locks).toEqual(['&inode->i_mutex']);
    expect(f.functions).toEqual(['error_path']);
    const d = f.details as BadUnlockDetails;
    expect(d.reason).toBe('not-held');
    expect(d.api).toBe('mutex_unlock');
    expect(d.held).toEqual([]);
    expect(f.trace[f.trace.length - 1].op).toBe('mutex_unlock(&inode->i_mutex)');
    expect(replay(m, f.token).findings.map((x) => x.kind)).toContain('bad-unlock');
  });

  it('unlocking for read a lock taken for write', () => {
    const m = kernelModel('up_read after down_write', locks, (s) =>
      call(
        'ext4_ind_map_blocks_like',
        (function* () {
          yield* down_write(s.sem);
          yield* up_read(s.sem);
        })(),
      ),
    );
    const r = check(m);
    expect(kinds(r)).toEqual(['bad-unlock']);
    const d = r.findings[0].details as BadUnlockDetails;
    expect(d).toMatchObject({
      reason: 'wrong-mode',
      heldMode: 'exclusive',
      releasedMode: 'shared',
      api: 'up_read',
    });
    expect(d.held.map((h) => [h.cls, h.api, h.fn])).toEqual([
      ['&ei->i_data_sem', 'down_write', 'ext4_ind_map_blocks_like'],
    ]);
  });

  it('downgrading a rwsem held only for read', () => {
    const m = kernelModel('downgrade of a read hold', locks, (s) =>
      call(
        'bad_downgrade',
        (function* () {
          yield* down_read(s.sem);
          yield* downgrade_write(s.sem);
          yield* up_read(s.sem);
        })(),
      ),
    );
    const r = check(m);
    expect(kinds(r)).toEqual(['bad-unlock']);
    expect((r.findings[0].details as BadUnlockDetails).reason).toBe('downgrade-not-write');
  });

  it('stopping a jbd2 handle twice releases the jbd2_handle map twice', () => {
    const m = kernelModel(
      'double journal stop',
      (w) => ({ j: journal_init(w, 'journal') }),
      (s) =>
        call(
          'double_stop',
          (function* () {
            const h = yield* jbd2_journal_start(s.j);
            yield* jbd2_journal_stop(h);
            yield* jbd2_journal_stop(h);
          })(),
        ),
    );
    const [f] = ofKind(check(m), 'bad-unlock');
    expect(f.locks).toEqual(['jbd2_handle']);
    expect((f.details as BadUnlockDetails).api).toBe('jbd2_journal_stop');
  });
});

describe('locks held at exit or on return to user space', () => {
  it('returning to user space with a lock held (lockdep_sys_exit)', () => {
    const m = kernelModel('return with lock', locks, (s) =>
      call(
        'sys_fallocate_like',
        (function* () {
          yield* mutex_lock(s.m);
          yield* lockdep_assert_no_locks();
          yield* mutex_unlock(s.m);
        })(),
      ),
    );
    const r = check(m);
    expect(kinds(r)).toEqual(['lock-held-at-exit']);
    const d = r.findings[0].details as HeldAtExitDetails;
    expect(d.when).toBe('return-to-user');
    expect(d.held.map((h) => [h.cls, h.fn])).toEqual([['&inode->i_mutex', 'sys_fallocate_like']]);
  });

  it('a thread that ends holding a lock: one finding, lockdep details kept over the engine report', () => {
    const m = kernelModel(
      'exit with lock',
      (w) => ({ ...locks(w), j: journal_init(w, 'journal') }),
      (s) =>
        call(
          'leaky',
          (function* () {
            yield* down_read(s.sem);
            yield* jbd2_journal_start(s.j);
          })(),
        ),
    );
    const r = check(m);
    expect(r.findings).toHaveLength(1);
    const [f] = r.findings;
    expect(f.kind).toBe('lock-held-at-exit');
    expect(f.locks).toEqual(['&ei->i_data_sem']);
    const d = f.details as HeldAtExitDetails;
    expect(d.when).toBe('exit');
    expect(d.held.map((h) => h.cls)).toEqual(['&ei->i_data_sem', 'jbd2_handle']);
  });

  it('a thread killed by an oops keeps its locks without a second finding', () => {
    const m = kernelModel('oops with lock', locks, (s) =>
      call(
        'buggy',
        (function* () {
          yield* mutex_lock(s.m);
          assert(false, 'BUG_ON(!page)');
        })(),
      ),
    );
    expect(kinds(check(m))).toEqual(['assertion']);
  });

  it('page locks are invisible to lockdep: a lock_page left held is no lockdep finding', () => {
    const m = kernelModel(
      'page lock',
      (w) => ({ page: w.lock('page0', { cls: 'PG_locked', ownerless: true }) }),
      (s) => call('leaves_page_locked', lock_page(s.page)),
    );
    expect(check(m).findings).toEqual([]);
  });
});

describe('lockdep_assert_held', () => {
  const asserting = (mode?: 'exclusive' | 'shared', take?: 'read' | 'write') =>
    kernelModel(`assert ${mode ?? 'held'} after ${take ?? 'nothing'}`, locks, (s) =>
      call(
        'dax_insert_mapping_like',
        (function* () {
          if (take === 'read') yield* down_read(s.sem);
          if (take === 'write') yield* down_write(s.sem);
          yield* lockdep_assert_held(s.sem, mode);
          if (take === 'read') yield* up_read(s.sem);
          if (take === 'write') yield* up_write(s.sem);
        })(),
      ),
    );

  it('fails when the lock is not held', () => {
    const [f] = ofKind(check(asserting()), 'assert-held');
    expect(f.locks).toEqual(['&ei->i_data_sem']);
    expect(f.functions).toEqual(['dax_insert_mapping_like']);
    expect(f.details).toMatchObject({ expected: 'held', api: 'lockdep_assert_held' });
  });

  it('passes when held in any mode', () => {
    expect(check(asserting(undefined, 'read')).findings).toEqual([]);
    expect(check(asserting(undefined, 'write')).findings).toEqual([]);
  });

  it('checks the mode when one is asked', () => {
    expect(check(asserting('exclusive', 'write')).findings).toEqual([]);
    const [f] = ofKind(check(asserting('exclusive', 'read')), 'assert-held');
    expect(f.details as AssertHeldDetails).toMatchObject({ expected: 'held-exclusive', actual: 'shared' });
    expect(check(asserting('shared', 'read')).findings).toEqual([]);
  });

  it('lockdep_assert_not_held fails when the lock is held', () => {
    const m = kernelModel('assert not held', locks, (s) =>
      call(
        'must_not_hold',
        (function* () {
          yield* lockdep_assert_not_held(s.m);
          yield* mutex_lock(s.m);
          yield* lockdep_assert_not_held(s.m);
          yield* mutex_unlock(s.m);
        })(),
      ),
    );
    const r = check(m);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].details).toMatchObject({ expected: 'not-held', actual: 'exclusive' });
  });
});
