// The single-thread lock and state sequence of a model: run its one execution (thread 0 first,
// then the others in order) with step records on, and list the ops as the trace names them.
// Used by the per-function sequence tests, which compare it with the reference's sequence.

import { describeOp, Execution, type Model } from '../engine/index.js';
import { ObjectRegistry } from '../engine/objects.js';

export interface SequenceStep {
  thread: string;
  fn: string;
  op: string;
}

export function runSequentially<S>(model: Model<S>): {
  steps: SequenceStep[];
  outcome: string;
  findings: string[];
} {
  const ex = new Execution(model, { registry: new ObjectRegistry(), choose: () => 0, keepTrace: true });
  while (!ex.finished) {
    const r = ex.runnable();
    if (!r.length) break;
    ex.stepThread(r[0]);
  }
  ex.finish();
  return {
    steps: ex.records.map((r) => ({ thread: ex.threadName(r.thread), fn: r.fn, op: describeOp(r.op) })),
    outcome: ex.outcome,
    findings: ex.raised.map((f) => `${f.spec.kind}: ${f.spec.title}`),
  };
}

/** Only the lock operations (acquire/release of kernel locks), as `api(class)` strings. */
export function lockOps(steps: SequenceStep[], opts: { withMmu?: boolean } = {}): string[] {
  return steps
    .map((s) => s.op)
    .filter((op) =>
      /^(down_|up_|spin_|mutex_|lock_page|unlock_page|trylock_page|sb_|__set_page_locked|downgrade_write|wait_on_page_locked|lock_page_or_retry|MMU)/.test(
        op,
      ),
    )
    .filter((op) => opts.withMmu || !op.startsWith('MMU'));
}
