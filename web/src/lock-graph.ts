// The lock dependency graph of a run, as Graphviz DOT: the checker's own (`extra.lockGraphDot`)
// when the trace carries it, else one derived from the trace by lock class, the way lockdep
// records dependencies: A -> B when a thread takes B, or starts waiting for it, while holding A.

import type { TraceFile } from './trace-format.js';

export interface LockEdge {
  from: string;
  to: string;
  /** Where the dependency was first seen. */
  thread: number;
  fn: string;
  step: number;
  /** Part of a cycle (a possible deadlock). */
  cycle: boolean;
}

export function lockEdges(trace: TraceFile): LockEdge[] {
  const edges = new Map<string, LockEdge>();
  const clsOf = new Map<string, string>();
  for (const o of trace.initial) if (o.kind === 'lock') clsOf.set(o.key, o.cls);
  trace.steps.forEach((s, i) => {
    for (const o of s.changed) if (o.kind === 'lock') clsOf.set(o.key, o.cls);
    const t = s.thread;
    const before = i > 0 ? (trace.steps[i - 1].held[t] ?? []) : [];
    // Taken: held now more times than before (a recursive read counts). Waiting: the thread's
    // own step put it in a lock's queue (blocked threads take no steps, so this is the enqueue).
    const count = new Map<string, number>();
    for (const h of before) count.set(h.lock, (count.get(h.lock) ?? 0) + 1);
    const taken: string[] = [];
    for (const h of s.held[t] ?? []) {
      const n = count.get(h.lock) ?? 0;
      if (n > 0) count.set(h.lock, n - 1);
      else taken.push(h.lock);
    }
    const waiting = s.changed
      .filter((o) => o.kind === 'lock' && o.waiters.some((w) => w.thread === t))
      .map((o) => o.key);
    for (const lock of [...taken, ...waiting])
      for (const h of before) {
        const from = h.cls;
        const to = clsOf.get(lock) ?? lock;
        const id = `${from}\u0000${to}`;
        if (!edges.has(id)) edges.set(id, { from, to, thread: t, fn: s.fn, step: i, cycle: false });
      }
  });
  const list = [...edges.values()];
  const comp = components(list);
  for (const e of list) e.cycle = e.from === e.to || comp.get(e.from) === comp.get(e.to);
  return list;
}

/** Strongly connected components (Tarjan): nodes of a cycle share a component number. */
function components(edges: LockEdge[]): Map<string, number> {
  const succ = new Map<string, string[]>();
  for (const e of edges) {
    if (!succ.has(e.to)) succ.set(e.to, []);
    const list = succ.get(e.from);
    if (list) list.push(e.to);
    else succ.set(e.from, [e.to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const comp = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let next = 0;
  let ncomp = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of succ.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.set(w, ncomp);
      } while (w !== v);
      ncomp++;
    }
  };
  for (const v of succ.keys()) if (!index.has(v)) visit(v);
  return comp;
}

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Lock classes of the run, in order of appearance. */
function lockClasses(trace: TraceFile): Set<string> {
  const nodes = new Set<string>();
  for (const o of trace.initial) if (o.kind === 'lock') nodes.add(o.cls);
  for (const s of trace.steps) {
    for (const o of s.changed) if (o.kind === 'lock') nodes.add(o.cls);
    for (const held of s.held) for (const h of held) nodes.add(h.cls);
  }
  return nodes;
}

export function derivedDot(trace: TraceFile): string {
  const edges = lockEdges(trace);
  const out = [
    'digraph locks {',
    '  rankdir=LR;',
    // Fonts Graphviz has metrics for, so that labels fit their boxes in the browser too.
    '  node [shape=box, style="rounded", fontname="Courier", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  // Locks no thread nests still appear, so the graph shows every lock of the run.
  const nodes = lockClasses(trace);
  for (const e of edges) nodes.add(e.from).add(e.to);
  for (const n of nodes) out.push(`  ${q(n)};`);
  for (const e of edges) {
    const label = `${trace.threads[e.thread] ?? e.thread}: ${e.fn} (step ${e.step})`;
    const style = e.cycle ? ', color="#c62828", fontcolor="#c62828", penwidth=2' : '';
    out.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(label)}${style}];`);
  }
  out.push('}');
  return out.join('\n');
}

/** The DOT to draw, and where it comes from. */
export function lockGraph(trace: TraceFile): { dot: string; source: 'checker' | 'trace'; locks: number } {
  const locks = lockClasses(trace).size;
  const given = trace.extra?.lockGraphDot;
  if (typeof given === 'string' && given.trim()) return { dot: given, source: 'checker', locks };
  return { dot: derivedDot(trace), source: 'trace', locks };
}
