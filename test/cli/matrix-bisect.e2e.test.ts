// `faultline matrix` and `bisect` end to end, spawned as a user runs them: the JSON object, Ctrl-C
// with partial results and resuming from the checkpoint, bisect naming a patch put in on purpose.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultline, interruptWhen, TOY, tempDir } from './run-cli.js';

describe('faultline matrix', () => {
  it('prints the documented JSON object and exits 0 though it found things', () => {
    const r = faultline([
      '--provider',
      TOY,
      'matrix',
      '--scenarios',
      'fault-vs-truncate,racy-writes',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(['findings', 'runs', 'versions']);
    expect(j.versions).toEqual(['base', 'rc1', 'final']);
    expect(j.runs).toHaveLength(12);
    for (const run of j.runs)
      expect(Object.keys(run).sort()).toEqual([
        'complete',
        'elapsedMs',
        'executions',
        'findings',
        'fs',
        'kernel',
        'scenario',
      ]);
    for (const f of j.findings)
      expect(Object.keys(f).sort()).toEqual([
        'confirmed',
        'functions',
        'kind',
        'locks',
        'occurrences',
        'signature',
        'title',
      ]);
    const deadlock = j.findings.find((f: { kind: string }) => f.kind === 'deadlock');
    expect(deadlock.locks.sort()).toEqual(['&mapping->i_mmap_rwsem', 'jbd2_handle']);
    expect(deadlock.confirmed).toBe(true);
    expect(deadlock.occurrences.map((o: { kernel: string; fs: string }) => `${o.kernel}/${o.fs}`)).toEqual([
      'rc1/ext4',
    ]);
    expect(deadlock.occurrences[0].token).toMatch(/^fl1:/);
    const rc1ext4 = j.runs.find(
      (r: { kernel: string; fs: string; scenario: string }) =>
        r.kernel === 'rc1' && r.fs === 'ext4' && r.scenario === 'fault-vs-truncate',
    );
    expect(rc1ext4.findings).toEqual([deadlock.signature]);
    const lost = j.findings.find((f: { kind: string }) => f.kind === 'lost-write');
    expect(lost.occurrences).toHaveLength(6);
  }, 30_000);

  it('--workers N gives the same matrix as one worker (timings aside)', () => {
    const args = [
      '--provider',
      TOY,
      'matrix',
      '--scenarios',
      'fault-vs-truncate,racy-writes',
      '--format',
      'json',
    ];
    const one = faultline([...args, '--workers', '1']);
    const three = faultline([...args, '--workers', '3']);
    expect(one.code).toBe(0);
    expect(three.code).toBe(0);
    const untimed = (text: string) => {
      const j = JSON.parse(text);
      for (const r of j.runs) r.elapsedMs = 0;
      return j;
    };
    const a = untimed(one.stdout);
    expect(a.runs).toHaveLength(12);
    expect(a.findings.length).toBeGreaterThan(1);
    expect(untimed(three.stdout)).toEqual(a);
  }, 60_000);

  it('--max-faults bounds every scenario, and the replay commands carry it, on any number of workers', () => {
    const args = ['matrix', '--scenarios', 'write-fault-vs-write-fault', '--kernels', 'v4.4', '--fs', 'xfs'];
    const bounded = [...args, '--max-faults', '1', '--format', 'json'];
    const untimed = (text: string) => {
      const j = JSON.parse(text);
      for (const r of j.runs) r.elapsedMs = 0;
      return j;
    };
    const one = untimed(faultline([...bounded, '--workers', '1']).stdout);
    // a shared store needs two faults: at one, each writer livelocks; the occurrence says so
    const livelock = one.findings.find((f: { kind: string }) => f.kind === 'livelock');
    expect(livelock.occurrences[0]).toMatchObject({ kernel: 'v4.4', fs: 'xfs', maxFaults: 1 });
    // so does the run: complete means complete up to the bound
    expect(one.runs).toEqual([expect.objectContaining({ complete: true, maxFaults: 1 })]);
    // the text report's replay command carries the bound and reproduces the livelock
    const text = faultline([...args, '--max-faults', '1', '--workers', '1']).stdout;
    const m = /replay: +faultline (replay .*)$/m.exec(text);
    expect(m?.[1]).toMatch(/ --max-faults 1$/);
    const replay = faultline(m![1].trim().split(/ +/));
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('keeps faulting without progress');
    expect(untimed(faultline([...bounded, '--workers', '2']).stdout)).toEqual(one);
    // without the bound: no livelock
    const free = untimed(faultline([...args, '--format', 'json', '--workers', '1']).stdout);
    expect(free.findings.map((f: { kind: string }) => f.kind)).not.toContain('livelock');
    expect(free.runs[0]).not.toHaveProperty('maxFaults');
  }, 60_000);

  it('--mmu-walk runs every scenario with that walk; runs, occurrences and replay commands say so', () => {
    const args = ['matrix', '--scenarios', 'write-fault-vs-write-fault', '--kernels', 'v4.2', '--fs', 'xfs'];
    const j = JSON.parse(
      faultline([...args, '--mmu-walk', 'atomic', '--format', 'json', '--workers', '2']).stdout,
    );
    expect(j.runs).toEqual([expect.objectContaining({ complete: true, mmuWalk: 'atomic' })]);
    const stale = j.findings.find((f: { kind: string }) => f.kind === 'stale-read');
    expect(stale.occurrences[0]).toMatchObject({ kernel: 'v4.2', mmuWalk: 'atomic' });
    const text = faultline([...args, '--mmu-walk', 'atomic', '--workers', '1']).stdout;
    const m = /replay: +faultline (replay .*)$/m.exec(text);
    expect(m?.[1]).toMatch(/ --mmu-walk atomic$/);
    // the same matrix with the default walk: no mmuWalk keys
    const ptl = JSON.parse(faultline([...args, '--format', 'json', '--workers', '1']).stdout);
    expect(ptl.runs[0]).not.toHaveProperty('mmuWalk');
  }, 60_000);

  it('on Ctrl-C writes partial results and a checkpoint, and resumes from it', async () => {
    const dir = tempDir();
    const cp = join(dir, 'matrix.checkpoint');
    const args = ['--provider', TOY, 'matrix', '--kernels', 'base', '--fs', 'ext4'];
    args.push('--scenarios', 'racy-writes,many-stores', '--time-limit', '2s', '--checkpoint', cp);
    // Interrupted once the quick run is saved and the endless one has started.
    const r = await interruptWhen(args, () => existsSync(cp));
    expect(r.wasReady).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted; writing partial results');
    expect(r.stdout).toContain('1 of 2 runs (interrupted)');
    expect(r.stdout).toContain('lost-write');
    expect(JSON.parse(readFileSync(cp, 'utf8')).runs).toHaveLength(1);

    const again = faultline(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('2 runs, 1 from the checkpoint');
    // The endless scenario stopped at its time limit: marked, and its version not called clean.
    expect(again.stdout).toContain('1 run stopped by a budget');
    expect(again.stdout).toContain('clean: none');
  }, 40_000);
});

describe('faultline bisect', () => {
  it('names the patch that introduces a finding put in on purpose in a test-only version', () => {
    const r = faultline([
      '--provider',
      TOY,
      'bisect',
      '--scenario',
      'fault-vs-truncate',
      '--fs',
      'ext4',
      '--bad',
      'rc1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('first patch that introduces [deadlock]');
    expect(r.stdout).toContain('bbbb00000002 toy: take the journal before i_mmap in fault');
    expect(r.stdout).toContain('author:   Test Author <test@example.org>');
    expect(r.stdout).toContain('date:     2015-09-02');
    expect(r.stdout).toContain('link:     https://example.org/toy/bbbb00000002');
    expect(r.stdout).toContain('replaces: toy_fault');
    expect(r.stdout).toContain('kernels:  rc1~2 (finding absent) -> rc1~1 (finding present)');
  }, 30_000);
});
