// `faultline check --workers N` end to end: a random, PCT or DPOR check on the DAX model, run
// with worker threads, prints what one thread prints (lockdep cycles made of edges from several
// executions included), and a bounded search refuses more than one worker. The workers start at
// once here (FAULTLINE_CHECK_POOL=eager): by default a check this short ends before they are up.

import { describe, expect, it } from 'vitest';
import { faultline, inProcess } from './run-cli.js';

const untimed = (json: string) => {
  const j = JSON.parse(json);
  delete j.stats.elapsedMs;
  return j;
};

/** Workers started at once and not warmed up, so a short check runs on them too; they say how much. */
const EAGER = { FAULTLINE_CHECK_POOL: 'eager' };
const ranOnWorkers = (stderr: string) => Number(/check pool: (\d+) batches run on/.exec(stderr)?.[1] ?? -1);

describe('faultline check --workers', () => {
  it('pct on 2 worker threads prints the JSON of 1, cross-execution lockdep cycles included', () => {
    const args = ['check', 'mmap-vs-fault', '--kernel', '843172978bb9-only', '--fs', 'ext4'];
    const pct = [...args, '--mode', 'pct', '--runs', '700', '--format', 'json'];
    const one = faultline([...pct, '--workers', '1']);
    const two = faultline([...pct, '--workers', '2'], EAGER);
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    expect(ranOnWorkers(two.stderr)).toBeGreaterThan(0);
    const j = untimed(one.stdout);
    expect(untimed(two.stdout)).toEqual(j);
    expect(j.stats.executions).toBe(701); // the probe run and 700 PCT runs
    // the case the split has to get right: a cycle whose edges came from earlier executions
    expect(
      j.findings.some(
        (f: { kind: string; token: string }) => f.kind === 'circular-dependency' && f.token.includes('+'),
      ),
    ).toBe(true);
  }, 120_000);

  it('random with a budget inside a batch: the same on 3 workers', () => {
    const args = ['check', 'invalidate-vs-write-fault', '--kernel', '843172978bb9-only', '--fs', 'xfs'];
    const random = [
      ...args,
      '--mode',
      'random',
      '--runs',
      '500',
      '--max-executions',
      '77',
      '--format',
      'json',
    ];
    const one = untimed(faultline([...random, '--workers', '1']).stdout);
    expect(one.stats.executions).toBe(77);
    const three = faultline([...random, '--workers', '3'], EAGER);
    expect(ranOnWorkers(three.stderr)).toBeGreaterThan(0);
    expect(untimed(three.stdout)).toEqual(one);
  }, 120_000);

  it('DPOR on 2 worker threads prints the JSON of 1, cross-execution lockdep cycles included', () => {
    const dpor = [
      'check',
      'mmap-vs-fault',
      '--kernel',
      '843172978bb9-only',
      '--fs',
      'ext4',
      '--format',
      'json',
    ];
    const one = faultline([...dpor, '--workers', '1']);
    const two = faultline([...dpor, '--workers', '2'], EAGER);
    expect(two.code).toBe(1);
    // some of the executions were taken from the worker's recordings
    const used = Number(/"used":(\d+)/.exec(two.stderr)?.[1] ?? -1);
    expect(used).toBeGreaterThan(0);
    const j = untimed(one.stdout);
    expect(untimed(two.stdout)).toEqual(j);
    expect(j.complete).toBe(true);
    expect(used).toBeLessThan(j.stats.executions);
    expect(
      j.findings.some(
        (f: { kind: string; token: string }) => f.kind === 'circular-dependency' && f.token.includes('+'),
      ),
    ).toBe(true);
  }, 120_000);

  it('a bounded search refuses more than one worker, naming what can use them', async () => {
    const bounded = await inProcess(['check', 'mmap-vs-fault', '--max-preemptions', '1', '--workers', '2']);
    expect(bounded.code).toBe(2);
    expect(bounded.stderr).toMatch(
      /--workers 2: a bounded search runs on one thread \(use matrix or explore/,
    );
  }, 60_000);
});
