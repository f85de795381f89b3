// The command's small parts: CPU columns, durations, progress text, colour and progress
// decisions, kernel names, trace file names, the matrix checkpoint.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuTable, wrap } from '../../src/cli/format/cpu-table.js';
import { remainingEstimate } from '../../src/cli/format/matrix-report.js';
import { commandWord } from '../../src/cli/main.js';
import { type MatrixPlan, matrixCells, runMatrix } from '../../src/cli/matrix.js';
import { parseDuration } from '../../src/cli/program.js';
import { describeProgress, duration, progressEnabled, progressLine } from '../../src/cli/progress.js';
import { loadProvider } from '../../src/cli/provider.js';
import { colorEnabled } from '../../src/cli/style.js';
import { resolveKernel, shellQuote } from '../../src/cli/target.js';
import { numberedPath } from '../../src/cli/trace-out.js';
import { TOY, tempDir } from './run-cli.js';

describe('CPU columns', () => {
  it('puts each step under its CPU and wraps long text inside the column', () => {
    const lines = cpuTable(
      [
        { step: 0, thread: 0, lines: ['down_write(&mapping->i_mmap_rwsem) now'] },
        { step: 1, thread: 1, lines: ['a very long operation text that cannot fit in one column of thirty'] },
      ],
      { threads: ['truncate', 'fault'], width: 60 },
    );
    expect(lines).toEqual([
      '      CPU0 (truncate)            CPU1 (fault)',
      '      ----                       ----',
      '   0  down_write(',
      '        &mapping->i_mmap_rwsem)',
      '        now',
      '   1                             a very long operation text',
      '                                   that cannot fit in one',
      '                                   column of thirty',
    ]);
  });

  it('hard-wraps words longer than the column', () => {
    expect(wrap('x'.repeat(25), 10)).toEqual(['xxxxxxxxxx', '  xxxxxxxx', '  xxxxxxx']);
  });
});

describe('durations and progress', () => {
  it('parses durations; a plain number is seconds', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('0.5h')).toBe(1_800_000);
    expect(() => parseDuration('soon')).toThrow('expected a duration');
    expect(duration(59_400)).toBe('59s');
    expect(duration(80_000)).toBe('1m20s');
    expect(duration(3_900_000)).toBe('1h05m');
  });

  it('shows executions, findings, rate, and an ETA only when a budget bounds the run', () => {
    const p = { executions: 12_345, findings: 2, elapsedMs: 4000 };
    expect(describeProgress(p, {})).toBe('12,345 executions, 2 findings, 3,086/s');
    expect(describeProgress(p, { timeLimitMs: 10_000 })).toBe(
      '12,345 executions, 2 findings, 3,086/s, ETA 6s',
    );
    expect(describeProgress(p, { maxExecutions: 24_690 })).toBe(
      '12,345 executions, 2 findings, 3,086/s, ETA 4s',
    );
    // Third of four matrix cells, 20 s spent on the first two: 10 s each.
    expect(describeProgress({ ...p, elapsedMs: 4000 }, {}, 2, 4, 4000, 24_000)).toBe(
      '12,345 executions, 2 findings, 3,086/s, ETA ≥ 10s',
    );
    // DPOR's estimate of the share explored, while it is below 1.
    expect(describeProgress({ ...p, explored: 0.123 }, {})).toBe(
      '12,345 executions, 2 findings, 3,086/s, ~12% explored',
    );
    expect(describeProgress({ ...p, explored: 0.0004 }, {})).toBe(
      '12,345 executions, 2 findings, 3,086/s, ~0.04% explored',
    );
    expect(describeProgress({ ...p, explored: 1 }, {})).toBe('12,345 executions, 2 findings, 3,086/s');
  });

  it("sums DPOR's estimates of the incomplete runs of a matrix or explore", () => {
    const run = { kernel: 'v4.4', fs: 'xfs', scenario: 's', complete: false, elapsedMs: 0, findings: [] };
    // With run times: the CPU time left at the rate they ran (1,500 executions in 3 s: 500/s).
    expect(
      remainingEstimate([
        { ...run, executions: 1000, explored: 0.25, elapsedMs: 2000 },
        { ...run, executions: 500, explored: 0.5, elapsedMs: 1000 },
      ]),
    ).toBe(
      "DPOR's estimate: they had explored 25% to 50%, about 3,500 executions more to finish, 7s of CPU at their rate (a guide: early estimates are off by up to 50 times, BENCHMARKS.md)",
    );
    expect(remainingEstimate([{ ...run, executions: 1000 }])).toBeUndefined();
    expect(remainingEstimate([{ ...run, executions: 1000, explored: 0.25 }])).toBe(
      "DPOR's estimate: it had explored 25%, about 3,000 executions more to finish (a guide: early estimates are off by up to 50 times, BENCHMARKS.md)",
    );
    // 1000 at 25% and 500 at 50%: 3,000 + 500 more; the run without an estimate is named.
    expect(
      remainingEstimate([
        { ...run, executions: 1000, explored: 0.25 },
        { ...run, executions: 500, explored: 0.5 },
        { ...run, executions: 9, maxPreemptions: 1 },
      ]),
    ).toBe(
      "DPOR's estimate (2 of them DPOR): they had explored 25% to 50%, about 3,500 executions more to finish (a guide: early estimates are off by up to 50 times, BENCHMARKS.md)",
    );
  });

  it('draws only on a terminal outside CI', () => {
    expect(progressEnabled({ isTTY: true }, {})).toBe(true);
    expect(progressEnabled({ isTTY: false }, {})).toBe(false);
    expect(progressEnabled({ isTTY: true }, { CI: 'true' })).toBe(false);
    let written = '';
    const sink = (s: string) => {
      written += s;
      return true;
    };
    const line = progressLine({ stream: { isTTY: true, columns: 80, write: sink }, env: {} });
    line.unit(0, 3, 'v4.2 ext4 s1');
    line.update({ executions: 10, findings: 0, elapsedMs: 1000 });
    line.done();
    expect(written).toContain('[1/3 v4.2 ext4 s1] 10 executions, 0 findings, 10/s');
    expect(written.endsWith('\r\x1b[2K')).toBe(true);
    written = '';
    progressLine({ stream: { isTTY: false, write: sink }, env: {} }).update({
      executions: 1,
      findings: 0,
      elapsedMs: 1,
    });
    expect(written).toBe('');
  });
});

describe('colour', () => {
  it('follows --color/--no-color, then NO_COLOR, FORCE_COLOR, TERM=dumb, then the terminal', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: false }, { CI: 'true' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { NO_COLOR: '1' }, true)).toBe(true);
    expect(colorEnabled({ isTTY: true }, {}, false)).toBe(false);
  });
});

describe('names', () => {
  it('finds the command word past global options', () => {
    expect(commandWord(['--provider', 'x.ts', 'matrix', '--fs', 'ext4'])).toBe('matrix');
    expect(commandWord(['--no-color', 'check', 'abba'])).toBe('check');
    expect(commandWord(['--help'])).toBeUndefined();
  });

  it('resolves VERSION~N as the version without its last N patches', async () => {
    const p = await loadProvider(TOY);
    expect(resolveKernel(p, undefined).name).toBe('final');
    const k = resolveKernel(p, 'final~2');
    expect(k.name).toBe('final~2');
    expect(k.patches.map((x) => (typeof x === 'string' ? x : x.id))).toEqual([
      'aaaa00000001',
      'bbbb00000002',
    ]);
    expect(resolveKernel(p, 'final~0')).toBe(p.versions[2]);
    expect(() => resolveKernel(p, 'rc1~4')).toThrow('rc1 has only 3 patches');
  });

  it('numbers trace files and quotes shell words only when needed', () => {
    expect(numberedPath('out/trace.json', 1)).toBe('out/trace.json');
    expect(numberedPath('out/trace.json', 3)).toBe('out/trace-3.json');
    expect(numberedPath('trace', 2)).toBe('trace-2');
    expect(shellQuote('fl1:0x3,1')).toBe('fl1:0x3,1');
    expect(shellQuote("my file's.yaml")).toBe(`'my file'\\''s.yaml'`);
  });
});

describe('matrix cells', () => {
  it('runs each scenario on every version and filesystem, a scenario naming its filesystem only there', async () => {
    const p = await loadProvider(TOY);
    const [a, b] = p.scenarios;
    const plan: MatrixPlan = {
      kernels: p.versions.slice(0, 2),
      filesystems: ['ext4', 'xfs'],
      scenarios: [
        { scenario: a, ref: a.name },
        { scenario: { ...b, fs: 'xfs' }, ref: b.name },
      ],
    };
    expect(matrixCells(plan).map((c) => c.key)).toEqual([
      'base|ext4|fault-vs-truncate',
      'base|xfs|fault-vs-truncate',
      'base|xfs|racy-writes',
      'rc1|ext4|fault-vs-truncate',
      'rc1|xfs|fault-vs-truncate',
      'rc1|xfs|racy-writes',
    ]);
    expect(matrixCells({ ...plan, filesystems: ['ext4'] }).map((c) => c.key)).toEqual([
      'base|ext4|fault-vs-truncate',
      'rc1|ext4|fault-vs-truncate',
    ]);
  });
});

describe('matrix checkpoint', () => {
  it('saves each finished run and skips them when run again with the same plan', async () => {
    const p = await loadProvider(TOY);
    const scenario = p.scenarios.find((s) => s.name === 'fault-vs-truncate')!;
    const plan: MatrixPlan = {
      kernels: p.versions,
      filesystems: ['ext4'],
      scenarios: [{ scenario, ref: scenario.name }],
    };
    const cp = join(tempDir(), 'cp.json');
    const ran: string[] = [];
    const onRun = (_i: number, _n: number, c: { key: string }) => ran.push(c.key);
    // Ctrl-C during the second run: the first is saved, the second is not.
    const first = runMatrix(p, plan, {}, { checkpoint: cp, onRun, shouldStop: () => ran.length >= 2 });
    expect(first.interrupted).toBe(true);
    expect(first.runs).toHaveLength(1);
    expect(existsSync(cp)).toBe(true);
    const second = runMatrix(p, plan, {}, { checkpoint: cp, onRun });
    expect(second.interrupted).toBe(false);
    expect(second.resumed).toBe(1);
    expect(ran).toEqual([
      'base|ext4|fault-vs-truncate',
      'rc1|ext4|fault-vs-truncate',
      'rc1|ext4|fault-vs-truncate',
      'final|ext4|fault-vs-truncate',
    ]);
    expect(second.findings.map((f) => f.kind)).toEqual(['deadlock']);
    expect(JSON.parse(readFileSync(cp, 'utf8')).runs).toHaveLength(3);
    // Another plan with the same file is refused rather than mixed.
    expect(() => runMatrix(p, { ...plan, filesystems: ['xfs'] }, {}, { checkpoint: cp })).toThrow(
      'was written for another matrix',
    );
    // A finished run's record edited by hand is not taken as a result.
    const saved = readFileSync(cp, 'utf8');
    writeFileSync(
      cp,
      saved.replace(/"executions":(\d+)/, (_, n) => `"executions":${Number(n) + 1}`),
    );
    expect(() => runMatrix(p, plan, {}, { checkpoint: cp })).toThrow(
      `${cp} was changed after faultline wrote it (its content does not match its sha256): remove it to run the matrix afresh`,
    );
    writeFileSync(cp, 'not json');
    expect(() => runMatrix(p, plan, {}, { checkpoint: cp })).toThrow('cannot read checkpoint');
  });
});
