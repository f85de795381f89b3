// What the page derives from a trace: the state of every object after a step, objects grouped by
// key prefix, the bars of locks each thread holds over time. Pure functions, tested in Node.

import type { LockSnapshot, ObjectSnapshot, TraceFile, WaitForEdge } from './trace-format.js';

/** Lane title: CPU number (the order of threads in the trace) and the thread's own name. */
export function cpuName(t: number): string {
  return `CPU${t}`;
}

export function threadLabel(trace: TraceFile, t: number): string {
  const name = trace.threads[t] ?? `thread ${t}`;
  return name === cpuName(t) ? name : `${cpuName(t)} (${name})`;
}

/**
 * Every object's state after step `step` (-1: before the first step), by key, in the order
 * objects first appeared.
 */
export function stateAfter(trace: TraceFile, step: number): Map<string, ObjectSnapshot> {
  const state = new Map<string, ObjectSnapshot>();
  for (const o of trace.initial) state.set(o.key, o);
  const last = Math.min(step, trace.steps.length - 1);
  for (let i = 0; i <= last; i++) for (const o of trace.steps[i].changed) state.set(o.key, o);
  return state;
}

export type Touch = 'changed' | 'read';

/** The objects step `step` touched: changed (state differs from before) or only read. */
export function touchedBy(
  trace: TraceFile,
  step: number,
  before: Map<string, ObjectSnapshot> = stateAfter(trace, step - 1),
): Map<string, Touch> {
  const out = new Map<string, Touch>();
  const s = trace.steps[step];
  if (!s) return out;
  for (const o of s.changed) {
    const prev = before.get(o.key);
    out.set(o.key, prev && sameJson(prev, o) ? 'read' : 'changed');
  }
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The group an object belongs to: its key up to the first '.' or '[' (`mm0.pte[3]` -> `mm0`). */
export function groupOf(key: string): string {
  const m = /^[^.[]+/.exec(key);
  return m ? m[0] : key;
}

/** The rest of the key after its group (`mm0.pte[3]` -> `pte[3]`, `pagecache[2]` -> `[2]`). */
export function memberOf(key: string): string {
  const g = groupOf(key);
  return key.slice(g.length).replace(/^\./, '');
}

/** Compares keys so that `pte[2]` comes before `pte[10]`. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export interface ObjectGroup {
  name: string;
  items: ObjectSnapshot[];
}

export interface GroupedState {
  /** Cells, grouped by key prefix, groups and members in natural order. */
  groups: ObjectGroup[];
  locks: LockSnapshot[];
  queues: Extract<ObjectSnapshot, { kind: 'queue' }>[];
}

export function groupState(state: Map<string, ObjectSnapshot>): GroupedState {
  const byGroup = new Map<string, ObjectSnapshot[]>();
  const locks: LockSnapshot[] = [];
  const queues: GroupedState['queues'] = [];
  for (const o of state.values()) {
    if (o.kind === 'lock') locks.push(o);
    else if (o.kind === 'queue') queues.push(o);
    else {
      const g = groupOf(o.key);
      const list = byGroup.get(g);
      if (list) list.push(o);
      else byGroup.set(g, [o]);
    }
  }
  const byKey = (a: { key: string }, b: { key: string }) => naturalCompare(a.key, b.key);
  const groups = [...byGroup.entries()]
    .sort(([a], [b]) => naturalCompare(a, b))
    .map(([name, items]) => ({ name, items: items.sort(byKey) }));
  return { groups, locks: locks.sort(byKey), queues: queues.sort(byKey) };
}

/** A stretch of steps during which a thread holds one lock. */
export interface LockBar {
  lock: string;
  cls: string;
  mode: string;
  /** Index of the lock's track in the thread's lane (tracks are reused once free). */
  track: number;
  /** First and last step (inclusive) after which the lock is held. */
  from: number;
  to: number;
}

/**
 * The bars of locks each thread holds, per thread. A bar runs from the step that took the lock
 * to the last step after which it is still held, in one mode; a bar that reaches the last step
 * is held at the end. Tracks are reused, so a lane is as wide as its deepest lock nesting.
 */
export function lockBars(trace: TraceFile): { bars: LockBar[]; tracks: number }[] {
  return trace.threads.map((_, t) => {
    const bars: LockBar[] = [];
    const open = new Map<string, LockBar>();
    const busy: boolean[] = [];
    trace.steps.forEach((s, i) => {
      const held = s.held[t] ?? [];
      const now = new Set(held.map((h) => `${h.lock}\u0000${h.mode}`));
      for (const [id, bar] of open)
        if (!now.has(id)) {
          open.delete(id);
          busy[bar.track] = false;
        }
      for (const h of held) {
        const id = `${h.lock}\u0000${h.mode}`;
        const bar = open.get(id);
        if (bar) bar.to = i;
        else {
          let track = busy.indexOf(false);
          if (track < 0) track = busy.length;
          busy[track] = true;
          const b: LockBar = { lock: h.lock, cls: h.cls, mode: h.mode, track, from: i, to: i };
          open.set(id, b);
          bars.push(b);
        }
      }
    });
    return { bars, tracks: busy.length };
  });
}

/** What a blocked thread waits for, in words: a lock, a wait queue, or another thread's exit. */
export function waitText(w: { kind: string; key: string }): string {
  if (w.kind === 'queue') return `waits on ${w.key}`;
  if (w.kind === 'join') return `waits for ${w.key} to exit`;
  return `waits for ${w.key}`;
}

/** A thread blocked at the end, in a sentence: `CPU0 (T0) waits for B, held by CPU1 (T1)`. */
export function blockedSentence(trace: TraceFile, b: WaitForEdge): string {
  const who = `${threadLabel(trace, b.thread)} ${waitText(b.waitsFor)}`;
  if (b.waitsFor.kind === 'join') return who;
  if (b.holders.length) {
    const by = b.holders.map((h) => (h === b.thread ? 'itself' : threadLabel(trace, h)));
    return `${who}, held by ${by.join(', ')}`;
  }
  return b.waitsFor.kind === 'lock' ? `${who}, held by nobody` : `${who}, and nobody is left to wake it`;
}

/** Who waits for what after step `step`, from the locks' and queues' waiter lists. */
export function waitersAfter(
  state: Map<string, ObjectSnapshot>,
): { thread: number; key: string; kind: 'lock' | 'queue'; mode?: string; holders: number[] }[] {
  const out: ReturnType<typeof waitersAfter> = [];
  for (const o of state.values()) {
    if (o.kind === 'lock')
      for (const w of o.waiters)
        out.push({
          thread: w.thread,
          key: o.key,
          kind: 'lock',
          mode: w.mode,
          holders: o.holders.map((h) => h.thread),
        });
    else if (o.kind === 'queue')
      for (const w of o.waiters) out.push({ thread: w, key: o.key, kind: 'queue', holders: [] });
  }
  return out.sort((a, b) => a.thread - b.thread);
}

/**
 * A colour per lock, the same in every lane and panel: hues a golden angle apart in the order
 * locks first appear, so that locks named alike (fork0, fork2) still look different.
 */
export function lockColors(trace: TraceFile): (lock: string, mode?: string) => string {
  const hue = new Map<string, number>();
  const see = (lock: string) => {
    if (!hue.has(lock)) hue.set(lock, Math.round((hue.size * 137.508 + 15) % 360));
  };
  for (const o of trace.initial) if (o.kind === 'lock') see(o.key);
  for (const s of trace.steps) {
    for (const o of s.changed) if (o.kind === 'lock') see(o.key);
    for (const held of s.held) for (const h of held) see(h.lock);
  }
  return (lock, mode = 'exclusive') => `hsl(${hue.get(lock) ?? 0} 60% ${mode === 'shared' ? 72 : 52}%)`;
}
