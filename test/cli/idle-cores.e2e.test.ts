// `matrix` and `explore --workers N`: a DPOR run takes the cores the pool has no run for (fewer
// runs than workers, or none left to give) for workers exploring its subtrees ahead, and the
// result is still the one of one thread. The workers start at once here
// (FAULTLINE_CHECK_POOL=eager): by default a run this short ends before they would.

import { describe, expect, it } from 'vitest';
import { faultline } from './run-cli.js';

const EAGER = { FAULTLINE_CHECK_POOL: 'eager' };
const untimed = (json: string) =>
  JSON.stringify(JSON.parse(json), (k, v) => (k === 'elapsedMs' ? undefined : v));
/** Jobs the run's own DPOR workers ran, from the pool's eager note (-1: no pool started). */
const jobs = (stderr: string) => [...stderr.matchAll(/dpor pool: (\d+) jobs/g)].map((m) => Number(m[1]));

describe('a run of matrix or explore on idle cores', () => {
  it('one matrix run on 2 workers explores subtrees on the second core and prints the JSON of 1', () => {
    const args = ['matrix', '--kernels', 'v4.4', '--fs', 'xfs', '--scenarios', 'read-fault-vs-write-syscall'];
    const one = faultline([...args, '--format', 'json', '--workers', '1']);
    const two = faultline([...args, '--format', 'json', '--workers', '2'], EAGER);
    expect(one.code).toBe(two.code);
    expect(jobs(one.stderr)).toEqual([]);
    // One run, so one pool worker: the other core goes to the run's DPOR worker.
    const ran = jobs(two.stderr);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toBeGreaterThan(0);
    expect(two.stderr).toContain('jobs run on 1 worker threads');
    expect(untimed(two.stdout)).toBe(untimed(one.stdout));
    expect(JSON.parse(one.stdout).runs[0].executions).toBeGreaterThan(1000);
  }, 120_000);

  it('explore: runs sharing the cores as they free up print the JSON of 1', () => {
    const args = ['explore', '--threads', '2', '--actions', 'load,write', '--states', 'hole', '--fs', 'xfs'];
    const one = faultline([...args, '--kernel', 'v4.4', '--format', 'json', '--workers', '1']);
    const two = faultline([...args, '--kernel', 'v4.4', '--format', 'json', '--workers', '2'], EAGER);
    expect(two.code).toBe(one.code);
    expect(JSON.parse(one.stdout).runs).toHaveLength(3);
    expect(untimed(two.stdout)).toBe(untimed(one.stdout));
  }, 120_000);
});
