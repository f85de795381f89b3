// The jbd2 model leans on the engine's reductions: handle starts and stops are commuting updates
// of t_updates, a start checks T_LOCKED in the same step, and the commit and waiting starts sleep
// with waitVar (woken by whichever update makes their condition true). Here DPOR is checked
// against the plain search of every interleaving, which trusts none of that: both must reach the
// same end states (each one is reported as a finding of its own).

import { describe, expect, it } from 'vitest';
import { call, check, defineModel, exploreNaive } from '../../src/engine/index.js';
import {
  jbd2_journal_commit_transaction,
  jbd2_journal_start,
  jbd2_journal_stop,
  journal_init,
} from '../../src/kernel/index.js';

const usersAndACommit = defineModel({
  name: 'jbd2-two-handles-and-a-commit',
  setup: (w) => journal_init(w, 'journal'),
  threads: [
    ...[0, 1].map((i) => ({
      name: `T${i}`,
      body: function* (j: ReturnType<typeof journal_init>) {
        const h = yield* jbd2_journal_start(j);
        yield* jbd2_journal_stop(h);
        return h.tid;
      },
    })),
    { name: 'kjournald2', body: (j) => call('kjournald2', jbd2_journal_commit_transaction(j)) },
  ],
  // The transactions the two handles ran in, and the tid the journal ends at.
  check: (j, view) => [
    {
      kind: 'end-state',
      title: 'end state',
      functions: [`handles in ${view.results[0]},${view.results[1]}; next ${view.peek(j.state).tid}`],
    },
  ],
});

describe('jbd2 under DPOR and under the plain search', () => {
  it('two handles and a commit: the same end states, and no deadlock', () => {
    const naive = exploreNaive(usersAndACommit, { maxExecutions: 1_000_000 });
    const dpor = check(usersAndACommit, { minimize: false });
    expect(naive.complete).toBe(true);
    expect(dpor.complete).toBe(true);
    const states = [...naive.findings.keys()].sort();
    // Each handle runs before the commit (transaction 1) or after it (transaction 2).
    expect(states).toEqual([
      'end-state||handles in 1,1; next 2',
      'end-state||handles in 1,2; next 2',
      'end-state||handles in 2,1; next 2',
      'end-state||handles in 2,2; next 2',
    ]);
    expect(dpor.findings.map((f) => f.signature).sort()).toEqual(states);
    // The reductions at work: fewer executions than the naive search's distinct traces.
    expect(dpor.stats.executions).toBeLessThan(naive.traces);
  }, 60_000); // the naive search runs about 130,000 executions: a few seconds, more on a busy machine
});
