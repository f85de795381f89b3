// A hash of an execution prefix's Mazurkiewicz trace, kept up to date step by step in O(accesses).
//
// Two prefixes are equivalent (one turns into the other by swapping adjacent independent steps)
// exactly when every thread took the same number of steps and choice values, and every object
// saw the same sequence of accesses, where a run of consecutive reads, or of consecutive
// commuting updates, is a set (its members commute). That is the structure `traceKey` in
// naive.ts spells out as text; this hashes the same structure, without the text, so it can be
// asked after every step. A step is named by thread.index (models are deterministic).
//
// Each object's sequence is folded into a running hash as it settles (a write, or the end of a
// run); a run still open is an order-free sum. The prefix's hash is an order-free sum over the
// objects and threads of their hashes, so a step changes only the terms of what it touched.
// Two independent 32-bit lanes: 64 bits. Equal prefixes always hash equal; m lookups against n
// recorded unequal prefixes collide with probability about m*n / 2^64 (10^8 against 10^7: 5e-5).

import { ACC_COMMUTE, ACC_WRITE, accObj } from '../execution.js';

const KIND_READ = 1;
const KIND_COMMUTE = 2;
const KIND_WRITE = 3;

/** murmur3's finaliser: a bijection on 32-bit integers that mixes every input bit into every output bit. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of (a, b, c) for lane seed `s`. */
function mix3(s: number, a: number, b: number, c: number): number {
  return fmix(fmix(fmix(s ^ a) ^ Math.imul(b, 0x9e3779b1)) ^ Math.imul(c, 0x27d4eb2f));
}

const SEED = [0x1b873593, 0x5bd1e995] as const;

interface ObjectHash {
  /** Folded hash of the settled part of the sequence, per lane. */
  seq: [number, number];
  /** The open run: its kind (0: none), the sum of its events' hashes per lane. */
  kind: number;
  run: [number, number];
  /** This object's current term in the prefix's sum, per lane. */
  term: [number, number];
}

export class TraceHasher {
  /** The prefix's hash, two lanes. */
  lo = 0;
  hi = 0;
  private readonly objects: ObjectHash[] = [];
  /** Per thread: steps taken, hash of its choice values, and its current term. */
  private readonly steps: number[] = [];
  private readonly choiceHash: [number, number][] = [];
  private readonly threadTerm: [number, number][] = [];

  /** A choice value taken by thread `t` (before or during its next step). */
  choice(t: number, v: number): void {
    const c = (this.choiceHash[t] ??= [0, 0]);
    c[0] = mix3(SEED[0], c[0], v, 0x63);
    c[1] = mix3(SEED[1], c[1], v, 0x63);
    this.retermThread(t);
  }

  /** Thread `t` took a step with these accesses (`obj << ACC_SHIFT | write | sync | commute`). */
  step(t: number, accesses: readonly number[]): void {
    const n = this.steps[t] ?? 0;
    this.steps[t] = n + 1;
    this.retermThread(t);
    for (const a of accesses) {
      const o = accObj(a);
      let h = this.objects[o];
      if (!h) {
        h = { seq: [0, 0], kind: 0, run: [0, 0], term: [0, 0] };
        this.objects[o] = h;
      }
      const kind = a & ACC_WRITE ? KIND_WRITE : a & ACC_COMMUTE ? KIND_COMMUTE : KIND_READ;
      for (let l = 0; l < 2; l++) {
        const ev = mix3(SEED[l], t, n, kind);
        if (kind === h.kind) {
          h.run[l] = (h.run[l] + ev) >>> 0;
          continue;
        }
        // The open run (if any) settles, then a write settles at once or a new run opens.
        if (h.kind) h.seq[l] = mix3(SEED[l], h.seq[l], h.run[l], h.kind);
        if (kind === KIND_WRITE) {
          h.seq[l] = mix3(SEED[l], h.seq[l], ev, KIND_WRITE);
          h.run[l] = 0;
        } else h.run[l] = ev;
      }
      h.kind = kind === KIND_WRITE ? 0 : kind;
      this.retermObject(o, h);
    }
  }

  private retermObject(o: number, h: ObjectHash): void {
    for (let l = 0; l < 2; l++) {
      const term = mix3(SEED[l] ^ 0x0b1ec7, mix3(SEED[l], o, h.seq[l], h.kind), h.run[l], 0);
      this.add(l, term - h.term[l]);
      h.term[l] = term;
    }
  }

  private retermThread(t: number): void {
    const c = (this.choiceHash[t] ??= [0, 0]);
    const old = (this.threadTerm[t] ??= [0, 0]);
    for (let l = 0; l < 2; l++) {
      const term = mix3(SEED[l] ^ 0x7e4ead, t, this.steps[t] ?? 0, c[l]);
      this.add(l, term - old[l]);
      old[l] = term;
    }
  }

  private add(lane: number, d: number): void {
    if (lane === 0) this.lo = (this.lo + d) >>> 0;
    else this.hi = (this.hi + d) >>> 0;
  }
}
