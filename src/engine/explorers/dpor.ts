// Exhaustive exploration by optimal dynamic partial-order reduction: source sets, sleep sets and
// wakeup trees (Abdulla, Aronis, Jonsson, Sagonas, "Optimal Dynamic Partial Order Reduction",
// POPL 2014). Goal: one execution per Mazurkiewicz trace.
//
// Stateless: every execution re-runs the model from its initial state, following the current
// path of the exploration tree; only that path (with its sleep sets and wakeup trees) is kept.
//
// Events are the engine's steps; two events are dependent when they touch a common object and
// one of them writes it. Happens-before is tracked with vector clocks. A race is a pair of
// dependent events of different threads, ordered by happens-before with nothing in between;
// a race through a sync-only access (a wake-up) is not reversible and does not count.
//
// Nondeterministic choices are taken out of the scheduling problem: each DPOR pass runs under
// a fixed oracle (thread, k-th choice) -> value, so the program is deterministic for DPOR, and
// the oracles are enumerated around it (see `exploreDpor`). Where a choice's arity differs
// between interleavings, an oracle value past the arity is clamped to the last value: sound,
// possibly redundant.

import { ACC_SYNC, ACC_WRITE } from '../execution.js';
import type { Run } from '../run.js';

interface Ev {
  t: number;
  acc: number[];
}

interface WNode extends Ev {
  kids: WNode[];
}

interface Node {
  /** Threads asleep here with the access set of their next event. */
  sleep: Ev[];
  /** Wakeup tree: sequences still to explore from here (the branch being explored is not in it). */
  wut: WNode[];
  /** Thread explored from here in the current execution, and its event's accesses. */
  cur: number;
  curAcc: number[];
  /** Rest of the wakeup tree below the current branch, handed to the next node. */
  kids: WNode[];
}

function conflict(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) for (const y of b) if (x >>> 2 === y >>> 2 && ((x | y) & ACC_WRITE) !== 0) return true;
  return false;
}

function reversibleConflict(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) {
    if (x & ACC_SYNC) continue;
    for (const y of b) {
      if (y & ACC_SYNC) continue;
      if (x >>> 2 === y >>> 2 && ((x | y) & ACC_WRITE) !== 0) return true;
    }
  }
  return false;
}

/** Is v[k] (the first event of its thread in v) an initial of v: no earlier event of v before it? */
function isInitialAt(v: readonly Ev[], k: number): boolean {
  for (let i = 0; i < k; i++) if (conflict(v[i].acc, v[k].acc)) return false;
  return true;
}

function firstOf(v: readonly Ev[], t: number): number {
  for (let i = 0; i < v.length; i++) if (v[i].t === t) return i;
  return -1;
}

/** Is thread `e.t`, whose next event is `e`, a weak initial of v? */
function isWeakInitial(e: Ev, v: readonly Ev[]): boolean {
  const k = firstOf(v, e.t);
  if (k >= 0) return isInitialAt(v, k);
  for (const x of v) if (conflict(e.acc, x.acc)) return false;
  return true;
}

/** Insert sequence v into the wakeup tree whose root's unexplored children are `root`. */
function insert(root: WNode[], v: Ev[]): void {
  let kids = root;
  let atRoot = true;
  for (;;) {
    if (!atRoot && kids.length === 0) return; // an existing leaf is a weak prefix of v: covered
    atRoot = false;
    let next: WNode | undefined;
    for (const c of kids) {
      const k = firstOf(v, c.t);
      if (k >= 0) {
        if (!isInitialAt(v, k)) continue;
        next = c;
        v = v.slice(0, k).concat(v.slice(k + 1));
        break;
      }
      let indep = true;
      for (const x of v)
        if (conflict(c.acc, x.acc)) {
          indep = false;
          break;
        }
      if (indep) {
        next = c;
        break;
      }
    }
    if (!next) {
      // New branch: v as a chain.
      let chainKids = kids;
      for (const e of v) {
        const n: WNode = { t: e.t, acc: e.acc, kids: [] };
        chainKids.push(n);
        chainKids = n.kids;
      }
      return;
    }
    if (v.length === 0) return;
    kids = next.kids;
  }
}

/** One DPOR pass under a fixed choice oracle. Returns false if stopped by the budget. */
export function dporPass(run: Run, choose: (thread: number, k: number, n: number) => number): boolean {
  const stack: Node[] = [];
  let divergence = 0;
  for (;;) {
    if (run.exhausted()) return false;
    const ex = run.execution(choose);

    // Happens-before state of this execution.
    const evThread: number[] = [];
    const evIdx: number[] = [];
    const evVC: number[][] = [];
    const evAcc: number[][] = [];
    const thrClock: number[][] = [];
    const thrCount: number[] = [];
    const lastWrite = new Map<number, number>();
    const readsSince = new Map<number, number[]>();
    const races: number[] = [];

    let inherited: WNode[] = [];
    let i = 0;
    while (!ex.finished) {
      let node: Node;
      if (i < stack.length) {
        node = stack[i];
      } else {
        const parent = i > 0 ? stack[i - 1] : undefined;
        const sleep = parent ? parent.sleep.filter((s) => !conflict(s.acc, evAcc[i - 1])) : [];
        node = { sleep, wut: inherited, cur: -1, curAcc: [], kids: [] };
        if (node.wut.length) {
          const b = node.wut.shift()!;
          node.cur = b.t;
          node.kids = b.kids;
        } else {
          let pick = -1;
          for (const t of ex.runnable()) {
            if (!sleep.some((s) => s.t === t)) {
              pick = t;
              break;
            }
          }
          if (pick < 0) {
            run.stats.sleepBlocked++;
            ex.stop();
            break;
          }
          node.cur = pick;
        }
        stack.push(node);
        inherited = node.kids;
      }
      if (i >= divergence) inherited = node.kids;
      const p = node.cur;
      if (!ex.isRunnable(p))
        throw new Error(
          `DPOR: thread ${p} is not runnable at step ${i} on re-execution: the model is not deterministic ` +
            '(it must not depend on Math.random, time, I/O or state shared outside cells)',
        );
      const acc = ex.stepThread(p);
      node.curAcc = acc;

      // Vector clock of the new event and its races.
      const prior = thrClock[p] ?? [];
      const cands: number[] = [];
      for (const a of acc) {
        const o = a >>> 2;
        if (a & ACC_WRITE) {
          const rs = readsSince.get(o);
          if (rs?.length) {
            for (const r of rs) if (!cands.includes(r)) cands.push(r);
          } else {
            const w = lastWrite.get(o);
            if (w !== undefined && !cands.includes(w)) cands.push(w);
          }
        } else {
          const w = lastWrite.get(o);
          if (w !== undefined && !cands.includes(w)) cands.push(w);
        }
      }
      const idx = (thrCount[p] ?? 0) + 1;
      thrCount[p] = idx;
      const vc = prior.slice();
      for (const c of cands) {
        const cv = evVC[c];
        for (let k = 0; k < cv.length; k++) if ((vc[k] ?? 0) < cv[k]) vc[k] = cv[k];
      }
      vc[p] = idx;
      if (i >= divergence) {
        for (const c of cands) {
          const tc = evThread[c];
          if (tc === p) continue;
          if ((prior[tc] ?? 0) >= evIdx[c]) continue;
          let shadowed = false;
          for (const c2 of cands) {
            if (c2 !== c && (evVC[c2][tc] ?? 0) >= evIdx[c]) {
              shadowed = true;
              break;
            }
          }
          if (shadowed || !reversibleConflict(evAcc[c], acc)) continue;
          races.push(c, i);
        }
      }
      evThread[i] = p;
      evIdx[i] = idx;
      evVC[i] = vc;
      evAcc[i] = acc;
      thrClock[p] = vc;
      for (const a of acc) {
        const o = a >>> 2;
        if (a & ACC_WRITE) {
          lastWrite.set(o, i);
          readsSince.set(o, []);
        } else {
          const rs = readsSince.get(o);
          if (rs) rs.push(i);
          else readsSince.set(o, [i]);
        }
      }
      i++;
    }

    // Reverse each race (e, f): the sequence notdep(e).f goes into the wakeup tree before e.
    for (let r = 0; r < races.length; r += 2) {
      const e = races[r];
      const f = races[r + 1];
      const te = evThread[e];
      const ie = evIdx[e];
      const v: Ev[] = [];
      for (let g = e + 1; g < f; g++) {
        if ((evVC[g][te] ?? 0) >= ie) continue;
        v.push({ t: evThread[g], acc: evAcc[g] });
      }
      v.push({ t: evThread[f], acc: evAcc[f] });
      const node = stack[e];
      if (node.sleep.some((s) => isWeakInitial(s, v))) continue;
      insert(node.wut, v);
    }

    run.finish(ex);

    // Backtrack to the deepest node with an unexplored wakeup-tree branch.
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) return true;
      top.sleep.push({ t: top.cur, acc: top.curAcc });
      if (top.wut.length) {
        const b = top.wut.shift()!;
        top.cur = b.t;
        top.kids = b.kids;
        top.curAcc = [];
        divergence = stack.length - 1;
        break;
      }
      stack.pop();
    }
  }
}

/**
 * Exhaustive exploration: DPOR passes over every choice oracle. Oracles are enumerated lazily:
 * a pass discovers the choice points it met (defaulting them to 0); each newly discovered point
 * then gets every other value in turn, with the points discovered before it held at 0.
 */
export function exploreDpor(run: Run): boolean {
  const work: Map<string, number>[] = [new Map()];
  while (work.length) {
    const oracle = work.pop()!;
    const seen = new Map<string, number>();
    const order: string[] = [];
    const complete = dporPass(run, (t, k, n) => {
      const key = `${t}.${k}`;
      const prev = seen.get(key);
      if (prev === undefined) {
        seen.set(key, n);
        order.push(key);
      } else if (n > prev) seen.set(key, n);
      const v = oracle.get(key) ?? 0;
      return v < n ? v : n - 1;
    });
    if (!complete) return false;
    const fresh = order.filter((k) => !oracle.has(k));
    const next: Map<string, number>[] = [];
    for (let j = 0; j < fresh.length; j++) {
      const arity = seen.get(fresh[j])!;
      for (let val = 1; val < arity; val++) {
        const o = new Map(oracle);
        for (let q = 0; q < j; q++) o.set(fresh[q], 0);
        o.set(fresh[j], val);
        next.push(o);
      }
    }
    // Depth-first, in discovery order.
    for (let j = next.length - 1; j >= 0; j--) work.push(next[j]);
  }
  return true;
}
