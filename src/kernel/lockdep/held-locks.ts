// The held-lock stack of each task (lockdep's current->held_locks): what it holds, in order,
// and the model function that took each lock.

import type { LockdepRead } from '../lock-info.js';
import type { LockRef } from './details.js';
import type { LockClasses } from './lock-class.js';

export interface HeldLock {
  cls: string;
  /** Engine lock id, or -1 for a lockdep map that is no engine lock (`jbd2_handle`). */
  lockId: number;
  read: LockdepRead;
  api: string;
  fn: string;
  stack: readonly string[];
  label: string | undefined;
  trylock: boolean;
  step: number;
}

/** How lockdep sees a hold: exclusive for read = 0, shared otherwise. */
export const holdsExclusive = (h: { read: LockdepRead }): boolean => h.read === 0;

export function lockRef(h: HeldLock, classes: LockClasses): LockRef {
  const r: LockRef = {
    cls: h.cls,
    usage: classes.usage(h.cls),
    read: h.read,
    api: h.api,
    fn: h.fn,
    stack: [...h.stack],
  };
  if (h.label !== undefined) r.label = h.label;
  if (h.trylock) r.trylock = true;
  return r;
}

/** Per-task stacks for one execution. */
export class HeldLocks {
  private readonly stacks: HeldLock[][] = [];

  of(t: number): HeldLock[] {
    let s = this.stacks[t];
    if (!s) s = this.stacks[t] = [];
    return s;
  }

  push(t: number, h: HeldLock): void {
    this.of(t).push(h);
  }

  /** Remove the innermost hold of engine lock `lockId` by `t` (any task's, for ownerless locks). */
  releaseLock(t: number, lockId: number): HeldLock | undefined {
    const own = this.removeFrom(this.of(t), (h) => h.lockId === lockId);
    if (own) return own;
    for (const s of this.stacks)
      if (s) {
        const h = this.removeFrom(s, (x) => x.lockId === lockId);
        if (h) return h;
      }
    return undefined;
  }

  /** Remove the innermost hold of lockdep map `cls` by `t`. */
  releaseMap(t: number, cls: string): HeldLock | undefined {
    return this.removeFrom(this.of(t), (h) => h.lockId === -1 && h.cls === cls);
  }

  findLock(t: number, lockId: number): HeldLock | undefined {
    const s = this.of(t);
    for (let i = s.length - 1; i >= 0; i--) if (s[i].lockId === lockId) return s[i];
    return undefined;
  }

  private removeFrom(s: HeldLock[], match: (h: HeldLock) => boolean): HeldLock | undefined {
    for (let i = s.length - 1; i >= 0; i--) {
      if (match(s[i])) return s.splice(i, 1)[0];
    }
    return undefined;
  }
}
