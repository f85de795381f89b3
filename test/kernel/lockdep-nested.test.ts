// lockdep subclasses (*_nested): two locks of one class nested under an annotation are not
// recursion, and lockdep trusts the annotation even where it hides a real inversion, which
// the explorer still finds as a deadlock.
import { describe, expect, it } from 'vitest';
import { check, defineModel, replay, signatureOf } from '../../src/engine/index.js';
import {
  down_write,
  down_write_nested,
  init_rwsem,
  kernelMonitors,
  mutex_init,
  mutex_lock,
  mutex_lock_nested,
  mutex_unlock,
  nestedInfo,
  spin_lock,
  spin_lock_init,
  spin_lock_nested,
  spin_unlock,
  up_write,
} from '../../src/kernel/index.js';
import { kinds, ofKind } from './helpers.js';

const I_MUTEX = '&sb->s_type->i_mutex_key';
const I_MUTEX_CHILD = 1;

/** Two inodes' i_mutex, one class (as inode_init_always sets it). */
const twoInodes = (w: Parameters<Parameters<typeof defineModel>[0]['setup']>[0]) => ({
  dir: mutex_init(w, 'dir->i_mutex', I_MUTEX),
  file: mutex_init(w, 'file->i_mutex', I_MUTEX),
});

describe('lockdep subclasses', () => {
  it('parent then child of one class: recursion without the annotation, none with it', () => {
    const run = (nested: boolean) =>
      check(
        defineModel({
          name: 'lock-two-inodes',
          setup: twoInodes,
          threads: [
            {
              name: 'rename',
              *body(s) {
                yield* mutex_lock(s.dir);
                if (nested) yield* mutex_lock_nested(s.file, I_MUTEX_CHILD);
                else yield* mutex_lock(s.file);
                yield* mutex_unlock(s.file);
                yield* mutex_unlock(s.dir);
              },
            },
          ],
          monitors: () => kernelMonitors(),
        }),
      );
    const plain = run(false);
    expect(kinds(plain)).toEqual(['recursive-locking']);
    expect(ofKind(plain, 'recursive-locking')[0].locks).toEqual([I_MUTEX]);
    expect(run(true).findings).toEqual([]);
  });

  it('lockdep trusts the annotation: opposite nesting orders are no cycle to it, but the explorer deadlocks', () => {
    const model = defineModel({
      name: 'abba-nested',
      setup: (w) => ({ a: init_rwsem(w, 'a', '&ei->i_data_sem'), b: init_rwsem(w, 'b', '&ei->i_data_sem') }),
      threads: [
        {
          name: 'ab',
          *body(s) {
            yield* down_write(s.a);
            yield* down_write_nested(s.b, 1);
            yield* up_write(s.b);
            yield* up_write(s.a);
          },
        },
        {
          name: 'ba',
          *body(s) {
            yield* down_write(s.b);
            yield* down_write_nested(s.a, 1);
            yield* up_write(s.a);
            yield* up_write(s.b);
          },
        },
      ],
      monitors: () => kernelMonitors(),
    });
    const r = check(model);
    expect(ofKind(r, 'circular-dependency')).toEqual([]);
    expect(ofKind(r, 'recursive-locking')).toEqual([]);
    const [d] = ofKind(r, 'deadlock');
    expect(d).toBeDefined();
    expect([...new Set(d.locks)]).toEqual(['&ei->i_data_sem']);
    expect(replay(model, d.token).findings.map(signatureOf)).toContain(d.signature);
  });

  it('a subclass is a class of its own in the dependency graph, named as lockdep prints it', () => {
    const model = defineModel({
      name: 'nested-cycle',
      setup: (w) => ({ a: init_rwsem(w, 'a', '&ei->i_data_sem'), b: init_rwsem(w, 'b', '&ei->i_data_sem') }),
      threads: [
        {
          name: 'a-then-b/1',
          *body(s) {
            yield* down_write(s.a);
            yield* down_write_nested(s.b, 1);
            yield* up_write(s.b);
            yield* up_write(s.a);
          },
        },
        {
          name: 'b/1-then-a',
          *body(s) {
            yield* down_write_nested(s.b, 1);
            yield* down_write(s.a);
            yield* up_write(s.a);
            yield* up_write(s.b);
          },
        },
      ],
      monitors: () => kernelMonitors(),
    });
    const [c] = ofKind(check(model), 'circular-dependency');
    expect([...(c.locks ?? [])].sort()).toEqual(['&ei->i_data_sem', '&ei->i_data_sem/1']);
  });

  it('spin_lock_nested keeps atomic context; subclasses outside 0-7 are a BUG', () => {
    const model = defineModel({
      name: 'ptl-nested',
      setup: (w) => ({
        p: spin_lock_init(w, 'p', '&(ptlock_ptr(page))->rlock'),
        q: spin_lock_init(w, 'q', '&(ptlock_ptr(page))->rlock'),
        m: mutex_init(w, 'm', '&m'),
      }),
      threads: [
        {
          name: 't',
          *body(s) {
            yield* spin_lock(s.p);
            yield* spin_lock_nested(s.q, 1);
            yield* mutex_lock(s.m); // sleeping under two spinlocks
            yield* mutex_unlock(s.m);
            yield* spin_unlock(s.q);
            yield* spin_unlock(s.p);
          },
        },
      ],
      monitors: () => kernelMonitors(),
    });
    expect(kinds(check(model))).toEqual(['sleep-in-atomic']);
    const base = { api: 'mutex_lock', read: 0, lockdep: true } as const;
    expect(nestedInfo(base, 7).subclass).toBe(7);
    expect(() => nestedInfo(base, 8)).toThrow(/invalid subclass: 8/);
  });
});
