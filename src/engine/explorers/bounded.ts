// Preemption-bounded exhaustive search (Musuvathi and Qadeer, "Iterative context bounding",
// PLDI 2007): every schedule with at most `bound` preemptions, and every choice value, by plain
// depth-first search. No partial-order reduction: combining it with a preemption bound is
// unsound (Coons et al., OOPSLA 2013), and this search is what the bound promises.
//
// Used for `maxPreemptions` and to find a witness with the fewest preemptions for a finding.

import type { Execution } from '../execution.js';
import type { Run } from '../run.js';

interface Frame {
  /** Alternatives at this decision: threads (schedule) or values (choice). */
  options: number[];
  at: number;
  isChoice: boolean;
}

export function exploreBounded(
  run: Run,
  bound: number,
  onExecution?: (ex: Execution) => boolean | undefined,
): boolean {
  const frames: Frame[] = [];
  for (;;) {
    if (run.exhausted()) return false;
    let d = 0;
    const take = (isChoice: boolean, options: () => number[]): number => {
      if (d < frames.length) return frames[d++].options[frames[d - 1].at];
      const f: Frame = { options: options(), at: 0, isChoice };
      frames.push(f);
      d++;
      return f.options[0];
    };
    const ex = run.execution((_t, _k, n) => take(true, () => Array.from({ length: n }, (_, i) => i)));
    let last = -1;
    while (!ex.finished) {
      const t = take(false, () => {
        const rs = ex.runnable();
        const lastRunnable = last >= 0 && rs.includes(last);
        if (!lastRunnable) return rs;
        // Continuing the last thread costs nothing; switching away from it is a preemption.
        return ex.preemptions < bound ? [last, ...rs.filter((x) => x !== last)] : [last];
      });
      ex.stepThread(t);
      last = t;
    }
    run.finish(ex);
    if (onExecution?.(ex)) return false;
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
  }
}
