// lockdep's lock classes: every lock initialised at one site shares one class, named like
// `&mapping->i_mmap_rwsem`; lockdep reasons about classes, never about lock instances.
//
// A class's usage string is lockdep's `{....}`: per IRQ state (hardirq, softirq) one character
// for write use and one for read use, '+' meaning "taken with IRQs enabled". The model has no
// interrupts, so both pairs are the same: `{+.+.}` for a class only ever taken for write,
// `{++++}` for one taken both ways, `{.+.+}` for read only.

import type { LockdepRead } from '../lock-info.js';

const WRITE = 1;
const READ = 2;

export class LockClasses {
  private readonly used = new Map<string, number>();

  /** Record one acquisition of `cls` (accumulated over the run, like lockdep's class usage). */
  use(cls: string, read: LockdepRead): void {
    const was = this.used.get(cls);
    const now = (was ?? 0) | (read === 0 ? WRITE : READ);
    if (now === was) return;
    this.used.set(cls, now);
    this.changes++;
  }

  /** How many times a class was added or used in a new way (`Monitor.runVersion`). */
  changes = 0;

  usage(cls: string): string {
    const u = this.used.get(cls) ?? 0;
    const pair = `${u & WRITE ? '+' : '.'}${u & READ ? '+' : '.'}`;
    return `{${pair}${pair}}`;
  }

  get size(): number {
    return this.used.size;
  }

  /** For a checkpoint: each class with its usage bits, in the order first used. */
  save(): [string, number][] {
    return [...this.used];
  }

  restore(saved: readonly [string, number][]): void {
    this.used.clear();
    for (const [cls, u] of saved) this.used.set(cls, u);
  }
}
