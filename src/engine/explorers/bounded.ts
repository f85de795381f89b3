// Preemption-bounded exhaustive search (Musuvathi and Qadeer, "Iterative context bounding",
// PLDI 2007): every schedule with at most `bound` preemptions, and every choice value, by plain
// depth-first search. No partial-order reduction: combining it with a preemption bound is
// unsound (Coons et al., OOPSLA 2013), and this search is what the bound promises.
//
// What it may skip (`mergePrefixes`): the rest of an execution whose prefix has the Mazurkiewicz
// trace of a prefix explored before, ending with the same thread, reached with no more
// preemptions. Equivalent prefixes lead to the same state, so every continuation within the
// bound from here was a continuation within the bound from there, with the same findings; and
// that prefix came earlier in depth-first order, so the first execution showing each finding,
// and its token, are the ones the plain search finds. Only the count of executions changes.
// This is visited-state caching with the budget left as part of the state, not partial-order
// reduction: nothing independent is assumed to commute beyond what the trace itself says. It
// rests on the trace hash (trace-hash.ts: 64 bits, collisions improbable, not impossible).
//
// Used for `maxPreemptions` and to find a witness with the fewest preemptions for a finding.

import type { Execution } from '../execution.js';
import type { Run } from '../run.js';
import { PrefixTable } from './prefix-table.js';
import { fmix, TraceHasher } from './trace-hash.js';

interface Frame {
  /** Alternatives at this decision: threads (schedule) or values (choice). */
  options: number[];
  at: number;
  isChoice: boolean;
}

export interface BoundedOptions {
  /** Skip continuations of prefixes equivalent to one explored (see the file comment). */
  mergePrefixes?: boolean;
  /** Bound of the table of explored prefixes, in slots of 9 bytes (default 2^23). */
  maxTableSlots?: number;
}

export function exploreBounded(
  run: Run,
  bound: number,
  onExecution?: (ex: Execution) => boolean | undefined,
  opts: BoundedOptions = {},
): boolean {
  const frames: Frame[] = [];
  const table = opts.mergePrefixes ? new PrefixTable(opts.maxTableSlots) : undefined;
  /** Frames below this index were all taken by the execution before: their prefixes are known. */
  let changed = 0;
  for (;;) {
    if (run.exhausted()) return false;
    let d = 0;
    const hash = table ? new TraceHasher() : undefined;
    const take = (isChoice: boolean, options: () => number[]): number => {
      if (d < frames.length) return frames[d++].options[frames[d - 1].at];
      const f: Frame = { options: options(), at: 0, isChoice };
      frames.push(f);
      d++;
      return f.options[0];
    };
    const ex = run.execution((t, _k, n) => {
      const v = take(true, () => Array.from({ length: n }, (_, i) => i));
      hash?.choice(t, v);
      return v;
    });
    let last = -1;
    let cut = false;
    while (!ex.finished) {
      const t = take(false, () => {
        const rs = ex.runnable();
        const lastRunnable = last >= 0 && rs.includes(last);
        if (!lastRunnable) return rs;
        // Continuing the last thread costs nothing; switching away from it is a preemption.
        return ex.preemptions < bound ? [last, ...rs.filter((x) => x !== last)] : [last];
      });
      const acc = ex.stepThread(t);
      last = t;
      if (hash && table) {
        hash.step(t, acc);
        // Only a prefix that ends past the frame changed last can be new.
        if (d > changed && !ex.finished && table.covered(hash.lo, keyWithLast(hash.hi, t), ex.preemptions)) {
          cut = true;
          break;
        }
      }
    }
    if (cut) {
      ex.stop();
      ex.finish();
      run.stats.merged = (run.stats.merged ?? 0) + 1;
    } else {
      run.finish(ex);
      if (onExecution?.(ex)) return false;
    }
    // Next alternative, deepest first.
    while (frames.length) {
      const f = frames[frames.length - 1];
      if (f.at + 1 < f.options.length) {
        f.at++;
        break;
      }
      frames.pop();
    }
    if (!frames.length) return true;
    changed = frames.length - 1;
  }
}

/** The prefix's key: its trace hash's high lane with the thread that ran last mixed in. */
function keyWithLast(hi: number, last: number): number {
  return fmix(hi ^ Math.imul(last + 1, 0x9e3779b1));
}
