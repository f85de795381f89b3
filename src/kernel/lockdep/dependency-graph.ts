// lockdep's dependency graph between lock classes, with the four dependency kinds of the 2020
// recursive-read rework (Boqun Feng, "lockdep: Support deadlock detection for recursive read
// locks"; Documentation/locking/lockdep-design.rst): an edge A -(XY)-> B means a task held A
// (X = Exclusive or Shared) while it acquired B (Y = Recursive read, read = 2, or Non-recursive:
// a write or an rwsem down_read). One edge carries every kind seen.
//
// A path is strong when it has no two adjacent edges -(*R)-> L -(S*)->: a recursive reader of L
// does not wait for another reader of L. Only a strong cycle is a deadlock.

import type { LockdepRead } from '../lock-info.js';
import type { DepKind, PlaceRef } from './details.js';

const BIT: Record<DepKind, number> = { ER: 1, EN: 2, SR: 4, SN: 8 };
const KINDS: readonly DepKind[] = ['ER', 'EN', 'SR', 'SN'];
const EXCLUSIVE_HOLDER = BIT.ER | BIT.EN;
const RECURSIVE_ACQUIRER = BIT.ER | BIT.SR;
const NON_RECURSIVE_ACQUIRER = BIT.EN | BIT.SN;
const ALL = 15;

export function depKind(holderRead: LockdepRead, acquirerRead: LockdepRead): DepKind {
  return `${holderRead === 0 ? 'E' : 'S'}${acquirerRead === 2 ? 'R' : 'N'}` as DepKind;
}

/** The first time a kind of dependency was seen, with the lockdep `read` of both sides. */
export interface FirstSeen {
  place: PlaceRef;
  fromRead: LockdepRead;
  toRead: LockdepRead;
}

export interface Dependency {
  from: string;
  to: string;
  kinds: DepKind[];
  first: Partial<Record<DepKind, FirstSeen>>;
}

export interface Edge {
  from: string;
  to: string;
  bits: number;
  first: Partial<Record<DepKind, FirstSeen>>;
}

/** One step of a path: the edge and the kind the path uses on it. */
export interface PathStep {
  from: string;
  to: string;
  kind: DepKind;
  first: FirstSeen;
}

function pick(bits: number): DepKind {
  // Prefer an exclusive holder: the kind shown does not change whether the path is strong.
  const e = bits & EXCLUSIVE_HOLDER ? bits & EXCLUSIVE_HOLDER : bits;
  for (const k of KINDS) if (e & BIT[k]) return k;
  throw new Error('no dependency kind');
}

const byTarget = (edges: Map<string, Edge>): Edge[] =>
  [...edges.values()].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));

export class DependencyGraph {
  private readonly out = new Map<string, Map<string, Edge>>();
  private count = 0;

  /** Number of (edge, kind) pairs. */
  get size(): number {
    return this.count;
  }

  has(from: string, to: string, kind: DepKind): boolean {
    const e = this.out.get(from)?.get(to);
    return e !== undefined && (e.bits & BIT[kind]) !== 0;
  }

  /** Add a kind to edge from -> to; false when that kind was already there. */
  add(from: string, to: string, kind: DepKind, first: FirstSeen): boolean {
    let m = this.out.get(from);
    if (!m) this.out.set(from, (m = new Map()));
    let e = m.get(to);
    if (!e) m.set(to, (e = { from, to, bits: 0, first: {} }));
    if (e.bits & BIT[kind]) return false;
    e.bits |= BIT[kind];
    e.first[kind] = first;
    this.count++;
    return true;
  }

  /** For a checkpoint: every edge in insertion order (sources, then targets), with its kinds. */
  save(): Edge[] {
    const r: Edge[] = [];
    for (const m of this.out.values()) for (const e of m.values()) r.push(structuredClone(e));
    return r;
  }

  restore(saved: readonly Edge[]): void {
    this.out.clear();
    this.count = 0;
    for (const e of saved) {
      let m = this.out.get(e.from);
      if (!m) this.out.set(e.from, (m = new Map()));
      m.set(e.to, structuredClone(e));
      for (const k of KINDS) if (e.bits & BIT[k]) this.count++;
    }
  }

  dependencies(): Dependency[] {
    const r: Dependency[] = [];
    for (const m of this.out.values())
      for (const e of m.values())
        r.push({
          from: e.from,
          to: e.to,
          kinds: KINDS.filter((k) => e.bits & BIT[k]),
          first: { ...e.first },
        });
    return r;
  }

  /**
   * lockdep's check_noncircular() after the rework: is there a strong path next -> ... -> prev
   * that a new dependency prev -(kind)-> next closes into a strong cycle? Breadth first over
   * (class, "arrived by a -(*R)-> edge") states, neighbours in class-name order, so the path
   * returned is the first of the shortest ones in that order, whatever order the edges came in:
   * a replay, whose graph is part of the run's and still holds that path, finds it again.
   * The cycle is strong at the closing junction when the path's last edge is -(*N)-> or the
   * new edge is -(E*)->; at the junction after the new edge, a -(*R)-> new edge needs an
   * -(E*)-> first path edge.
   */
  strongPath(prev: string, next: string, kind: DepKind): PathStep[] | undefined {
    const key = (cls: string, r: boolean) => `${r ? 'R' : 'N'}${cls}`;
    const parent = new Map<string, { from: string; step: PathStep } | null>();
    const startR = (BIT[kind] & RECURSIVE_ACQUIRER) !== 0;
    const newIsExclusive = (BIT[kind] & EXCLUSIVE_HOLDER) !== 0;
    const start = key(next, startR);
    parent.set(start, null);
    const queue: Array<{ cls: string; r: boolean; k: string }> = [{ cls: next, r: startR, k: start }];
    for (let qi = 0; qi < queue.length; qi++) {
      const { cls, r, k } = queue[qi];
      for (const { step, arriveR } of this.strongSteps(cls, r)) {
        if (step.to === prev) {
          if (arriveR && !newIsExclusive) continue;
          const path = [step];
          for (let p = parent.get(k); p; p = parent.get(p.from)) path.push(p.step);
          return path.reverse();
        }
        const nk = key(step.to, arriveR);
        if (parent.has(nk)) continue;
        parent.set(nk, { from: k, step });
        queue.push({ cls: step.to, r: arriveR, k: nk });
      }
    }
    return undefined;
  }

  /**
   * Every strong path from `next` back to `prev` that visits no class twice (in the order a
   * depth-first search meets them), at most `limit`: the cycles a new dependency prev -> next
   * closes, for `LockdepOptions.allCycles`.
   */
  strongPaths(prev: string, next: string, kind: DepKind, limit: number): PathStep[][] {
    const out: PathStep[][] = [];
    const startR = (BIT[kind] & RECURSIVE_ACQUIRER) !== 0;
    const newIsExclusive = (BIT[kind] & EXCLUSIVE_HOLDER) !== 0;
    const onPath = new Set<string>([next]);
    const steps: PathStep[] = [];
    const walk = (cls: string, r: boolean): void => {
      for (const { step, arriveR } of this.strongSteps(cls, r)) {
        if (out.length >= limit) return;
        if (step.to === prev) {
          if (!arriveR || newIsExclusive) out.push([...steps, step]);
          continue;
        }
        if (onPath.has(step.to)) continue;
        onPath.add(step.to);
        steps.push(step);
        walk(step.to, arriveR);
        steps.pop();
        onPath.delete(step.to);
      }
    };
    walk(next, startR);
    return out;
  }

  /**
   * The steps a strong path can take out of `cls`, reached holding it for read (`r`) or not:
   * each dependency (no self-loop) in the kinds allowed after such a hold, arriving at its
   * target for read or not.
   */
  private *strongSteps(cls: string, r: boolean): Generator<{ step: PathStep; arriveR: boolean }> {
    const edges = this.out.get(cls);
    if (!edges) return;
    for (const e of byTarget(edges)) {
      if (e.to === e.from) continue;
      const allowed = e.bits & (r ? EXCLUSIVE_HOLDER : ALL);
      if (!allowed) continue;
      for (const arriveR of [false, true]) {
        const bits = allowed & (arriveR ? RECURSIVE_ACQUIRER : NON_RECURSIVE_ACQUIRER);
        if (!bits) continue;
        const kindUsed = pick(bits);
        yield { step: { from: e.from, to: e.to, kind: kindUsed, first: e.first[kindUsed]! }, arriveR };
      }
    }
  }
}
