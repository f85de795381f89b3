// The merge of sweep lines from elsewhere (merge-runs.ts): a complete run wins, a partial one
// wins only over a smaller partial one, new runs go at the end, the target's order stays.
import { describe, expect, it } from 'vitest';
import { merge } from './merge-runs.js';
import type { RunLine } from './sweep.js';

const run = (version: string, scenario: string, complete: boolean, executions: number): RunLine => ({
  version,
  fs: 'ext4',
  scenario,
  commit: true,
  mode: 'dpor',
  complete,
  executions,
  ms: 1,
  findings: [],
});

describe('merge-runs', () => {
  it('keeps one line per version and scenario, the complete or the longer one', () => {
    const into = [run('v4.4', 'a', false, 100), run('v4.4', 'b', true, 50), run('rc1', 'a', false, 100)];
    const more = [
      run('rc1', 'a', false, 90), // shorter partial: kept out
      run('v4.4', 'b', false, 900), // a partial never replaces a complete run
      run('v4.4', 'a', true, 400), // complete: replaces
      run('rc5', 'a', false, 10), // new: appended
      run('rc1', 'a', false, 120), // longer partial: replaces
    ];
    const { merged, replaced, added } = merge(into, more);
    expect(merged.map((r) => [r.version, r.scenario, r.complete, r.executions])).toEqual([
      ['v4.4', 'a', true, 400],
      ['v4.4', 'b', true, 50],
      ['rc1', 'a', false, 120],
      ['rc5', 'a', false, 10],
    ]);
    expect([replaced, added]).toEqual([2, 1]);
  });
});
