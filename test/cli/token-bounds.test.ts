// A token replays only under the bounds it was found with (steps per thread, faults per access):
// the target carries them into replay commands and into the trace the viewer shows.

import { describe, expect, it } from 'vitest';
import { loadProvider } from '../../src/cli/provider.js';
import {
  replayCommand,
  resolveKernel,
  resolveScenario,
  runTarget,
  type Target,
  withScenarioSettings,
  withStepBound,
} from '../../src/cli/target.js';
import { occurrenceTrace, traceForToken } from '../../src/cli/view-command.js';

async function livelockUnder(scenario: string, fs: string, bounds: { steps?: number; faults?: number }) {
  const p = await loadProvider(undefined);
  const s = resolveScenario(p, scenario);
  const plain: Target = { scenario: s, scenarioRef: scenario, kernel: resolveKernel(p, 'v4.4'), fs };
  const budget = bounds.steps === undefined ? {} : { maxStepsPerThread: bounds.steps };
  const t = withScenarioSettings(p, withStepBound(plain, budget), { maxFaults: bounds.faults });
  const f = runTarget(p, t, budget).findings.find((x) => x.kind === 'livelock');
  if (!f?.token) throw new Error(`no livelock in ${scenario} under ${JSON.stringify(bounds)}`);
  return { p, plain, t, token: f.token };
}

describe('bounds travel with the target', () => {
  it('--max-steps: the viewer traces the token under it; without it the token does not fit', async () => {
    const { p, plain, t, token } = await livelockUnder('fault-vs-truncate', 'ext4', { steps: 12 });
    expect(replayCommand(p, t, token)).toMatch(/ --max-steps 12$/);
    expect(traceForToken(p, t, token).finding?.kind).toBe('livelock');
    expect(() => traceForToken(p, plain, token)).toThrow(/but it is not runnable/);
  });

  it('--max-faults: the bound goes into the scenario, and the viewer shows the livelock', async () => {
    const { p, plain, t, token } = await livelockUnder('write-fault-vs-write-fault', 'xfs', { faults: 1 });
    expect(t.scenario.limits).toEqual({ maxFaults: 1 });
    expect(replayCommand(p, t, token)).toMatch(/ --max-faults 1$/);
    expect(traceForToken(p, t, token).finding?.title).toContain('keeps faulting');
    expect(traceForToken(p, plain, token).finding?.kind).not.toBe('livelock');
    // a matrix occurrence records the bound, and the viewer replays it under it
    const occ = { kernel: 'v4.4', fs: 'xfs', scenario: 'write-fault-vs-write-fault', token };
    expect(occurrenceTrace(p, { ...occ, maxFaults: 1 }).finding?.kind).toBe('livelock');
    expect(occurrenceTrace(p, occ).finding?.kind).not.toBe('livelock');
  });
});
