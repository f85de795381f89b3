// Race detection over shared locations (src/kernel/shared-state.ts), as an engine monitor:
// guard checks (`assert-held`) and happens-before data races (`data-race`, reported KCSAN style).
//
// Happens-before is vector clocks over: lock release -> later acquisition of the same lock (a
// write release orders every later holder; a read release orders later writers only, as
// ThreadSanitizer does for rwlocks), downgrade (a write release), spawn -> child start,
// exit -> join, wake -> woken, and cells that are no plain shared location, which act as
// sequentially consistent atomics (a write releases, any access acquires; wait conditions read
// them), except that a commuting update (`commutingUpdate`: an atomic_inc / atomic_dec whose
// order the explorer does not try both ways) releases without acquiring what other commuting
// updates released: its order against them differs between executions that DPOR counts as one,
// so an edge between them would make a race show in one and not in the other. A later plain
// access of the cell acquires them all. Two accesses to a plain location by different threads,
// at least one a write and not both marked, unordered by happens-before, are a data race.
// FastTrack-style bookkeeping: the last write and the last read of each thread.
//
// Exploration makes this exhaustive: DPOR orders every pair of conflicting accesses both ways,
// so an unordered pair shows up in some explored execution.

import type { EngineEvent, ExecutionContext, Monitor } from '../engine/index.js';
import type { AccessRef, AssertHeldDetails, DataRaceDetails, LockRef } from './lockdep/details.js';
import { isSharedAccessInfo, type SharedAccessInfo } from './shared-state.js';

type Clock = number[];

interface Access {
  t: number;
  /** The thread's own clock component at the access (its epoch). */
  epoch: number;
  ref: AccessRef;
}

interface Location {
  write: Access | undefined;
  reads: Map<number, Access>;
}

export interface RaceDetectorOptions {
  /** Gives the held-lock list (with the function that took each) for assert-held reports. */
  heldLocks?: (t: number) => LockRef[];
}

const joinInto = (into: Clock, from: Clock | undefined): void => {
  if (!from) return;
  for (let i = 0; i < from.length; i++) if ((from[i] ?? 0) > (into[i] ?? 0)) into[i] = from[i];
};

export class RaceDetector implements Monitor {
  private clocks: Clock[] = [];
  private lockWrite = new Map<number, Clock>();
  private lockRead = new Map<number, Clock>();
  private syncCells = new Map<number, Clock>();
  /** What commuting updates released, per cell (acquired by every access but another commuting update). */
  private syncCommutes = new Map<number, Clock>();
  private exitClocks: Clock[] = [];
  private locations = new Map<number, Location>();

  constructor(private readonly opts: RaceDetectorOptions = {}) {}

  /** Nothing carries over from one execution to the next: a checkpoint keeps nothing of it. */
  saveRun(): null {
    return null;
  }

  restoreRun(): void {}

  beginExecution(): void {
    this.clocks = [];
    this.lockWrite = new Map();
    this.lockRead = new Map();
    this.syncCells = new Map();
    this.syncCommutes = new Map();
    this.exitClocks = [];
    this.locations = new Map();
  }

  private clock(t: number): Clock {
    let c = this.clocks[t];
    if (!c) {
      c = this.clocks[t] = [];
      c[t] = 1;
    }
    return c;
  }

  private tick(t: number): void {
    const c = this.clock(t);
    c[t] = (c[t] ?? 0) + 1;
  }

  private releaseInto(map: Map<number, Clock>, id: number, t: number): void {
    let c = map.get(id);
    if (!c) map.set(id, (c = []));
    joinInto(c, this.clock(t));
    this.tick(t);
  }

  onEvent(e: EngineEvent, x: ExecutionContext): void {
    switch (e.type) {
      case 'acquired': {
        const c = this.clock(e.thread);
        joinInto(c, this.lockWrite.get(e.lock.id));
        if (e.mode === 'exclusive') joinInto(c, this.lockRead.get(e.lock.id));
        return;
      }
      case 'release':
        this.releaseInto(e.mode === 'exclusive' ? this.lockWrite : this.lockRead, e.lock.id, e.thread);
        return;
      case 'downgrade':
        this.releaseInto(this.lockWrite, e.lock.id, e.thread);
        return;
      case 'spawn': {
        const child = [...this.clock(e.thread)];
        child[e.child] = 1;
        this.clocks[e.child] = child;
        this.tick(e.thread);
        return;
      }
      case 'exit':
        this.exitClocks[e.thread] = [...this.clock(e.thread)];
        return;
      case 'join':
        joinInto(this.clock(e.thread), this.exitClocks[e.joined]);
        return;
      case 'wake':
        if (!e.woken.length) return;
        for (const w of e.woken) joinInto(this.clock(w), this.clock(e.thread));
        this.tick(e.thread);
        return;
      case 'access': {
        const info = e.info;
        if (!e.wait && isSharedAccessInfo(info) && !info.atomic) {
          this.plainAccess(e.thread, e.cell.id, e.write, info, x);
          return;
        }
        // An atomic or undeclared cell, or a wait condition's read: synchronisation only.
        joinInto(this.clock(e.thread), this.syncCells.get(e.cell.id));
        if (e.commute) this.releaseInto(this.syncCommutes, e.cell.id, e.thread);
        else {
          joinInto(this.clock(e.thread), this.syncCommutes.get(e.cell.id));
          if (e.write) this.releaseInto(this.syncCells, e.cell.id, e.thread);
        }
        if (isSharedAccessInfo(info) && !e.wait) this.checkGuard(e.thread, e.write, info, x);
        return;
      }
      default:
        return;
    }
  }

  private plainAccess(
    t: number,
    cellId: number,
    write: boolean,
    info: SharedAccessInfo,
    x: ExecutionContext,
  ): void {
    this.checkGuard(t, write, info, x);
    let loc = this.locations.get(cellId);
    if (!loc) this.locations.set(cellId, (loc = { write: undefined, reads: new Map() }));
    const me = this.clock(t);
    const cur: Access = { t, epoch: me[t], ref: this.accessRef(t, write, info, x) };
    const races = (a: Access | undefined): boolean =>
      !!a && a.t !== t && a.epoch > (me[a.t] ?? 0) && !(a.ref.marked && info.marked);
    if (races(loc.write)) this.race(info.shared, loc.write!, cur, x);
    else if (write) {
      for (const r of loc.reads.values())
        if (races(r)) {
          this.race(info.shared, r, cur, x);
          break;
        }
    }
    if (write) {
      loc.write = cur;
      loc.reads.clear();
    } else loc.reads.set(t, cur);
  }

  private accessRef(t: number, write: boolean, info: SharedAccessInfo, x: ExecutionContext): AccessRef {
    const r: AccessRef = {
      task: { name: x.threadName(t), id: t },
      write,
      marked: info.marked,
      api: info.api,
      fn: x.currentFunction(t),
      stack: [...x.functionStack(t)],
      step: Math.max(0, x.step - 1),
    };
    const label = x.currentLabel(t);
    if (label !== undefined) r.label = label;
    return r;
  }

  private race(location: string, earlier: Access, later: Access, x: ExecutionContext): void {
    const a = earlier.ref;
    const b = later.ref;
    const [f1, f2] = [a.fn, b.fn].sort();
    const what = (r: AccessRef) => `${r.write ? 'write' : 'read'}${r.marked ? ' (marked)' : ''}`;
    const details: DataRaceDetails = { location, accesses: [a, b] };
    x.report({
      kind: 'data-race',
      title: `data-race in ${f1} / ${f2}`,
      message:
        `${what(a)} of ${location} by ${a.task.name} in ${a.fn} and ${what(b)} by ${b.task.name} in ${b.fn}, ` +
        'not ordered by any lock, wake-up, spawn or join',
      functions: [a.fn, b.fn],
      details,
    });
  }

  private checkGuard(t: number, write: boolean, info: SharedAccessInfo, x: ExecutionContext): void {
    const g = info.guard;
    if (!g || (!write && info.marked)) return;
    const h = x.held(t).find((e) => e.lock.id === g.id);
    const needsExclusive = write && g.writeMode === 'exclusive';
    if (h && (!needsExclusive || h.mode === 'exclusive')) return;
    const fn = x.currentFunction(t);
    const details: AssertHeldDetails = {
      task: { name: x.threadName(t), id: t },
      api: info.api,
      cls: g.cls,
      expected: needsExclusive ? 'held-exclusive' : 'held',
      fn,
      stack: [...x.functionStack(t)],
      held: this.opts.heldLocks?.(t) ?? [],
      access: { location: info.shared, write, marked: info.marked },
    };
    if (h) details.actual = h.mode;
    const label = x.currentLabel(t);
    if (label !== undefined) details.label = label;
    x.report({
      kind: 'assert-held',
      title: `${write ? 'write to' : 'read of'} ${info.shared} in ${fn} without ${g.cls}${needsExclusive ? ' held for write' : ''}`,
      message: h ? `${g.cls} is held ${h.mode}` : `${g.cls} is not held`,
      locks: [g.cls],
      functions: [fn],
      details,
    });
  }
}

export function raceDetector(opts: RaceDetectorOptions = {}): RaceDetector {
  return new RaceDetector(opts);
}
