// `faultline check` and `replay` end to end, spawned as a user runs them: exit codes, the JSON
// shape, a bad scenario file's message, replaying a printed token and a trace file.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EX, faultline, faultlineAsync, inProcess, TOY, tempDir } from './run-cli.js';

// Most spawns here run the command in its main thread (FAULTLINE_NO_WORKER): the same code, a
// second faster; the worker thread that makes Ctrl-C work is exercised by the first tests here
// and by the interruption test in matrix-bisect.e2e.test.ts.
const INLINE = { FAULTLINE_NO_WORKER: '1' };

/** The arguments of the first `replay:` command a text report prints. */
function printedReplay(stdout: string): string[] {
  const m = /replay: +faultline (replay .*)$/m.exec(stdout);
  if (!m) throw new Error(`no replay command in:\n${stdout}`);
  return m[1].trim().split(/ +/);
}

describe('faultline check', () => {
  it('exits 1 with a lockdep-style report and a replay command that reproduces the finding', () => {
    const r = faultline([...EX, 'check', 'abba']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('INFO: deadlock: T0, T1 blocked forever');
    expect(r.stdout).toContain(' Deadlocked tasks:');
    expect(r.stdout).toMatch(/^ {2}lock\(B\); {2}<blocked>$/m);
    expect(r.stdout).toContain('signature: deadlock|A,B|lock_a_then_b,lock_b_then_a');
    const replay = faultline(printedReplay(r.stdout));
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('outcome: deadlock');
    expect(replay.stdout).toContain('signature: deadlock|A,B|lock_a_then_b,lock_b_then_a');
  }, 30_000);

  it('--races names the objects whose races made the exploration, in text and JSON', () => {
    const r = faultline([...EX, 'check', 'abba', '--races'], INLINE);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'executions by the object of the race that created their branch (where they leave the execution before), and any branch on their path:',
    );
    expect(r.stdout).toMatch(/^ +44\.4% +4 +66\.7% +6 {2}A$/m);
    expect(r.stdout).toMatch(/^ +44\.4% +4 +55\.6% +5 {2}B$/m);
    const j = JSON.parse(faultline([...EX, 'check', 'abba', '--races', '--format', 'json'], INLINE).stdout);
    expect(j.races.byObject).toEqual([
      { object: 'A', executions: 4, onPath: 6 },
      { object: 'B', executions: 4, onPath: 5 },
    ]);
    expect(j.stats.executions).toBe(9);
    const pct = faultline([...EX, 'check', 'abba', '--races', '--mode', 'pct'], INLINE);
    expect(pct.code).toBe(2);
    expect(pct.stderr).toContain('--races counts the branches of a DPOR search');
  }, 30_000);

  it('--no-minimize keeps the first witness DPOR found; by default it is minimised to 1 preemption', () => {
    const json = (...flags: string[]) =>
      JSON.parse(faultline([...EX, 'check', 'philosophers-4', '--format', 'json', ...flags], INLINE).stdout);
    const raw = json('--no-minimize').findings[0];
    const min = json().findings[0];
    expect(raw.signature).toBe(min.signature);
    expect(raw.preemptions).toBeGreaterThan(1);
    expect(min.preemptions).toBe(1);
    expect(faultline([...EX, 'replay', raw.token, '--scenario', 'philosophers-4'], INLINE).stdout).toContain(
      'outcome: deadlock',
    );
  }, 30_000);

  it('--max-steps and --max-faults go into the printed replay command, which reproduces the livelock', () => {
    // A livelock's token ends where the bound stopped the thread: replayed under the default
    // bound it does not fit (faultline replay then fails or shows no finding).
    const steps = faultline(
      ['check', 'fault-vs-truncate', '--kernel', 'v4.4', '--fs', 'ext4', '--max-steps', '12'],
      INLINE,
    );
    expect(steps.code).toBe(1);
    const stepsReplay = printedReplay(steps.stdout);
    expect(stepsReplay.slice(-2)).toEqual(['--max-steps', '12']);
    const r1 = faultline(stepsReplay, INLINE);
    expect(r1.code).toBe(1);
    expect(r1.stdout).toContain('ran past its step bound (12)');
    expect(faultline(stepsReplay.slice(0, -2), INLINE).stdout).not.toContain('step bound');

    // A shared store needs two faults (test/workload/fault-bound.test.ts): at one it livelocks.
    const dir = tempDir();
    const trace = join(dir, 'bounded.json');
    const faults = faultline(
      [
        'check',
        'write-fault-vs-write-fault',
        '--kernel',
        'v4.4',
        '--fs',
        'xfs',
        '--max-faults',
        '1',
        '--trace-out',
        trace,
      ],
      INLINE,
    );
    expect(faults.code).toBe(1);
    expect(faults.stdout).toContain('keeps faulting without progress');
    const faultsReplay = printedReplay(faults.stdout);
    expect(faultsReplay.slice(-2)).toEqual(['--max-faults', '1']);
    const r2 = faultline(faultsReplay, INLINE);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain('signature: livelock||handle_mm_fault');
    expect(faultline(faultsReplay.slice(0, -2), INLINE).stdout).not.toContain('keeps faulting');
    // a provider whose models have no fault bound says so rather than ignore the flag
    const ex = faultline([...EX, 'check', 'abba', '--max-faults', '2'], INLINE);
    expect(ex.code).toBe(2);
    expect(ex.stderr).toContain("--max-faults: the examples provider's models have no fault bound");
    // the trace file carries the bound in its scenario
    const r3 = faultline(['replay', trace], INLINE);
    expect(r3.code).toBe(1);
    expect(r3.stdout).toContain('signature: livelock||handle_mm_fault');
    expect(printedReplay(r3.stdout).slice(-2)).toEqual(['--max-faults', '1']);
  }, 60_000);

  it('--mmu-walk goes into the scenario, the printed replay command and the trace file', () => {
    // The atomic walk takes other steps than the ptl walk: its token fits only under it.
    const dir = tempDir();
    const trace = join(dir, 'atomic.json');
    const args = ['check', 'write-fault-vs-write-fault', '--kernel', 'v4.2', '--fs', 'xfs'];
    const atomic = faultline([...args, '--mmu-walk', 'atomic', '--trace-out', trace], INLINE);
    expect(atomic.code).toBe(1);
    expect(atomic.stdout).toContain('stale read');
    const replay = printedReplay(atomic.stdout);
    expect(replay.slice(-2)).toEqual(['--mmu-walk', 'atomic']);
    const r1 = faultline(replay, INLINE);
    expect(r1.code).toBe(1);
    expect(r1.stdout).toContain('signature: stale-read||load');
    const ptl = faultline(replay.slice(0, -2), INLINE);
    expect(ptl.stdout).not.toContain('signature: stale-read||load');
    // the trace file records the walk and its replay command carries it
    const r2 = faultline(['replay', trace], INLINE);
    expect(r2.code).toBe(1);
    expect(printedReplay(r2.stdout).slice(-2)).toEqual(['--mmu-walk', 'atomic']);
    // a walk the model does not have, and a provider with no walk to choose, are usage errors
    const bad = faultline([...args, '--mmu-walk', 'locked'], INLINE);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--mmu-walk: expected one of 'ptl', 'atomic', got 'locked'");
    const ex = faultline([...EX, 'check', 'abba', '--mmu-walk', 'atomic'], INLINE);
    expect(ex.code).toBe(2);
    expect(ex.stderr).toContain("--mmu-walk: the examples provider's models have no MMU walk to choose");
  }, 60_000);

  it('exits 0 when nothing is found', () => {
    const r = faultline([...EX, 'check', 'counter-locked']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('every interleaving covered');
    expect(r.stdout).toContain('no findings');
  }, 30_000);

  it('says a finished bounded search covers its bound, not every interleaving', () => {
    // counter-racy's lost update needs one preemption
    const r = faultline([...EX, 'check', 'counter-racy', '--max-preemptions', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'every schedule with at most 0 preemptions covered (not a proof of absence beyond that bound)',
    );
    expect(r.stdout).not.toContain('every interleaving covered');
    expect(r.stdout).toContain('no findings within 0 preemptions');
    const j = JSON.parse(
      faultline([...EX, 'check', 'counter-racy', '--max-preemptions', '0', '--format', 'json']).stdout,
    );
    expect(j).toMatchObject({ mode: 'bounded', complete: true, maxPreemptions: 0, findings: [] });
    // at 2 preemptions some prefixes repeat one explored before: their executions are cut short
    const two = faultline([...EX, 'check', 'counter-racy', '--max-preemptions', '2']);
    expect(two.stdout).toContain('11 executions (and 3 cut short: equivalent to one explored) in ');
  }, 30_000);

  it('prints one JSON object with the findings, their tokens and traces', () => {
    const r = faultline([...EX, 'check', 'counter-racy', '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ scenario: 'counter-racy', mode: 'dpor', complete: true });
    expect(j.findings).toHaveLength(1);
    const f = j.findings[0];
    expect(f.kind).toBe('lost-write');
    expect(f.token).toMatch(/^fl1:/);
    expect(f.trace.length).toBeGreaterThan(0);
    expect(f.replay).toBe(`faultline replay ${f.token} --scenario counter-racy --provider examples`);
  }, 30_000);

  it('rejects a bad scenario file with file:line:column, the field and what was expected, and runs nothing', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'name: bad',
        'fs: btrfs',
        'file: { size: 2 }',
        'threads:',
        '  - name: t',
        '    actions:',
        '      - do: laod',
        '        map: m',
        '      - { do: truncate, size: -1 }',
      ].join('\n'),
    );
    const r = faultline(['check', file], INLINE);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:2:5: fs: expected 'ext4' or 'xfs', got 'btrfs'`);
    expect(r.stderr).toContain(
      `${file}:7:13: threads[0].actions[0].do: expected one of 'mmap', 'munmap', 'load'`,
    );
    expect(r.stderr).toContain(`${file}:9:31: threads[0].actions[1].size: expected a number >= 0, got -1`);
    expect(r.stderr).toContain('3 problems; nothing ran');
  }, 30_000);

  it('exits 2 on bad usage, saying what is wrong', () => {
    const unknown = faultline([...EX, 'check', 'abba', '--kernel', 'v9.9'], INLINE);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("faultline: unknown kernel version 'v9.9' (known: examples)\n");
  }, 30_000);

  it('runs a scenario file through the provider (a toy kernel with a deadlock put in on purpose)', async () => {
    const dir = tempDir();
    const file = join(dir, 'fault.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'fault-vs-truncate-file',
        file: { size: 1 },
        mappings: [{ id: 'm', process: 'p', shared: true }],
        threads: [
          { name: 'fault', actions: [{ do: 'load', map: 'm', page: 0 }] },
          { name: 'truncate', actions: [{ do: 'truncate', size: 0 }] },
        ],
      }),
    );
    const r = faultline(['--provider', TOY, 'check', file, '--kernel', 'rc1', '--fs', 'ext4'], INLINE);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('deadlock: fault, truncate blocked forever');
    const xfs = await inProcess(['--provider', TOY, 'check', file, '--kernel', 'rc1', '--fs', 'xfs']);
    expect(xfs.code).toBe(0);
  }, 30_000);
});

describe('faultline replay', () => {
  it('replays a trace file written by --trace-out, and --explain narrates it in CPU columns', () => {
    const dir = tempDir();
    const out = join(dir, 'trace.json');
    const c = faultline(
      ['--provider', TOY, 'check', 'fault-vs-truncate', '--kernel', 'rc1', '--trace-out', out],
      INLINE,
    );
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`trace written: ${out}`);
    const tf = JSON.parse(readFileSync(out, 'utf8'));
    expect(tf.format).toBe('faultline-trace/1');
    expect(tf.finding.kind).toBe('deadlock');
    // No --provider, --scenario or --kernel: the trace file names them.
    const r = faultline(['replay', out, '--explain']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('outcome: deadlock');
    expect(r.stdout).toMatch(/CPU0 \(fault\) +CPU1 \(truncate\)/);
    expect(r.stdout).toContain('toy_fault():');
    expect(r.stdout).toContain('holds: jbd2_handle');
    expect(r.stdout).toMatch(/CPU0 \(fault\): jbd2_handle +\[blocked\]/);
  }, 30_000);
});

describe('a reader that goes away', () => {
  it('ends the command quietly, in the worker thread and inline (`faultline ... | head`)', async () => {
    for (const args of [
      [...EX, 'check', 'abba'],
      ['explore', '--help'],
    ]) {
      const { child, done } = faultlineAsync(args);
      // Closed before the command writes anything: each of its writes meets EPIPE.
      child.stdout!.destroy();
      const r = await done;
      expect(r.stderr, args.join(' ')).not.toContain('EPIPE');
      expect(r.code, args.join(' ')).toBe(0);
    }
  }, 30_000);
});
