// `explore --shard` and merge end to end, and merging a shard cut short by Ctrl-C: explore's shards
// merge into explore's output and exit status; an interrupted shard merges as an interrupted run.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { faultlineAsync, inProcess, type Ran, TOY, tempDir } from './run-cli.js';

const spawnAll = (commands: string[][]): Promise<Ran[]> =>
  Promise.all(commands.map((args) => faultlineAsync(args).done));

describe('explore --shard and merge', () => {
  it('two shards merged print what one explore prints, and exit as explore does', async () => {
    const dir = tempDir();
    const explore = ['explore', '--threads', '2', '--actions', 'load,truncate', '--states', 'hole,written'];
    explore.push('--kernel', '843172978bb9-only', '--fs', 'ext4', '--workers', '1', '--format', 'json');
    explore.push('--no-timings');
    const files = [1, 2].map((i) => join(dir, `explore-${i}.json`));
    const [whole, ...shards] = await spawnAll([
      explore,
      ...files.map((f, i) => [...explore, '--shard', `${i + 1}/2`, '--out', f]),
    ]);
    expect(whole.code, whole.stderr).toBe(1);
    expect(JSON.parse(whole.stdout).findings.length).toBeGreaterThan(0);
    expect(
      shards.map((s) => s.code),
      shards.map((s) => s.stderr).join(''),
    ).toEqual([1, 1]);
    const merged = await inProcess(['merge', ...files, '--format', 'json', '--no-timings']);
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).toBe(whole.stdout);
    const text = await inProcess(['merge', ...files]);
    expect(text.stdout).toMatch(/^faultline explore: 1 version x 1 filesystem x 6 scenarios: 6 runs\n/);
    // Shards of an explore and a matrix do not mix.
    const m = join(dir, 'matrix.json');
    await inProcess([
      '--provider',
      TOY,
      'matrix',
      '--scenarios',
      'racy-writes',
      '--shard',
      '2/2',
      '--out',
      m,
    ]);
    const mixed = await inProcess(['merge', files[0], m]);
    expect(mixed.code, mixed.stderr).toBe(2);
    expect(mixed.stderr).toContain('come from different commands (matrix, explore)');
  }, 60_000);
});

describe('merge of an interrupted shard', () => {
  it('merges the runs the shard finished and exits 130, as the interrupted matrix would', async () => {
    const dir = tempDir();
    const args = [
      '--provider',
      TOY,
      'matrix',
      '--scenarios',
      'fault-vs-truncate,racy-writes',
      '--workers',
      '1',
    ];
    const files = [1, 2].map((i) => join(dir, `toy-${i}.json`));
    expect((await inProcess([...args, '--shard', '1/2', '--out', files[0]])).code).toBe(0);
    // Ctrl-C at the fourth poll for a stop (between runs or executions): the shard keeps what finished.
    let polls = 0;
    let stderr = '';
    const code = await runCli([...args, '--shard', '2/2', '--out', files[1]], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      stdoutTTY: false,
      stderrTTY: false,
      env: { NO_COLOR: '1' },
      interrupt: () => ({ requested: () => ++polls > 3, dispose() {} }),
    });
    expect(code).toBe(130);
    expect(stderr).toContain('shard 2/2');
    const shard = JSON.parse(readFileSync(files[1], 'utf8'));
    expect(shard.interrupted).toBe(true);
    expect(shard.runs.length).toBeLessThan(6);
    const merged = await inProcess(['merge', ...files]);
    expect(merged.code, merged.stderr).toBe(130);
    expect(merged.stdout).toContain(`${6 + shard.runs.length} of 12 runs (interrupted)`);
  });
});

describe('--out without --shard, and checkpoints of shards', () => {
  const args = [
    '--provider',
    TOY,
    'matrix',
    '--scenarios',
    'fault-vs-truncate,racy-writes',
    '--workers',
    '1',
  ];

  it('--out alone writes shard 1/1, and merging it alone prints the run again', async () => {
    const file = join(tempDir(), 'all.json');
    const run = await inProcess([...args, '--out', file]);
    expect(run.stderr).toContain(`shard 1/1 (12 runs) written to ${file}`);
    const merged = await inProcess(['merge', file]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(run.stdout);
  });

  it("a shard resumes from its own checkpoint and refuses another shard's", async () => {
    const cp = join(tempDir(), 'shard.checkpoint');
    expect((await inProcess([...args, '--shard', '1/2', '--checkpoint', cp])).code).toBe(0);
    const again = await inProcess([...args, '--shard', '1/2', '--checkpoint', cp]);
    expect(again.stdout).toContain('shard 1/2: 6 runs, 6 from the checkpoint');
    const other = await inProcess([...args, '--shard', '2/2', '--checkpoint', cp]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`checkpoint ${cp} was written for another matrix`);
  });
});
