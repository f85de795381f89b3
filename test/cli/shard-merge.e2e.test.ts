// `--shard I/N`, `--out` and `faultline merge` end to end: a plan run whole and run as shards then
// merged prints the same bytes (text, and JSON without timings), whatever the worker count; merge
// refuses files that are not the N shards of one plan, naming the file.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { faultlineAsync, inProcess, type Ran, tempDir } from './run-cli.js';

/** Spawn several `faultline` commands at once (two cores: the tsx start-up overlaps) and wait for all. */
const spawnAll = (commands: string[][]): Promise<Ran[]> =>
  Promise.all(commands.map((args) => faultlineAsync(args).done));

// Two versions x both filesystems x four scenarios: 16 runs, five findings spread over runs of
// different shards (so the merged order and the witness chosen across shards are both tested).
const matrix = [
  'matrix',
  '--kernels',
  '843172978bb9-only,v4.3-rc1',
  '--scenarios',
  'fault-vs-truncate,cow-fault-vs-truncate,pmd-write-fault,driver-unbind-vs-fault',
];

describe('matrix --shard and merge', () => {
  const dir = tempDir();
  const shardFile = (i: number) => join(dir, `matrix-${i}.json`);
  let wholeJson: Ran;
  let wholeText: Ran;
  let shards: Ran[];

  beforeAll(async () => {
    // The whole run on a pool of two workers, the shards on one each: the worker count must not matter.
    [wholeJson, ...shards] = await spawnAll([
      [...matrix, '--workers', '2', '--format', 'json', '--no-timings'],
      ...[1, 2, 3].map((i) => [...matrix, '--workers', '1', '--shard', `${i}/3`, '--out', shardFile(i)]),
    ]);
    wholeText = await inProcess([...matrix, '--workers', '1']);
  }, 120_000);

  it('a shard runs its third of the runs, and says it is a shard', () => {
    expect(
      shards.map((s) => s.code),
      shards.map((s) => s.stderr).join(''),
    ).toEqual([0, 0, 0]);
    // 16 runs over 3 shards: 6, 5, 5.
    expect(shards.map((s) => s.stdout.split('\n')[0])).toEqual([
      'faultline matrix: 2 versions x 2 filesystems x 4 scenarios: shard 1/3: 6 runs',
      'faultline matrix: 2 versions x 2 filesystems x 4 scenarios: shard 2/3: 5 runs',
      'faultline matrix: 2 versions x 2 filesystems x 4 scenarios: shard 3/3: 5 runs',
    ]);
    expect(shards[1].stdout).toContain('the runs of shard 2/3 only');
    expect(shards[1].stderr).toContain(`shard 2/3 (5 runs) written to ${shardFile(2)}`);
    const file = JSON.parse(readFileSync(shardFile(2), 'utf8'));
    expect(file.format).toBe('faultline-shard/1');
    expect(file.shard).toEqual({ index: 2, count: 3 });
    expect(file.cells).toHaveLength(16);
    // Each scenario's four runs dealt to shards 1, 2, 3, 1, ... in turn; the shard keeps plan order.
    expect(
      file.runs.map((r: { kernel: string; fs: string; scenario: string }) =>
        Object.values(r).slice(0, 3).join(' '),
      ),
    ).toEqual([
      '843172978bb9-only ext4 cow-fault-vs-truncate',
      '843172978bb9-only xfs pmd-write-fault',
      'v4.3-rc1 ext4 fault-vs-truncate',
      'v4.3-rc1 ext4 driver-unbind-vs-fault',
      'v4.3-rc1 xfs cow-fault-vs-truncate',
    ]);
  });

  it('merged shards print byte for byte what the single run prints, text and JSON', async () => {
    expect(wholeJson.code, wholeJson.stderr).toBe(0);
    const j = JSON.parse(wholeJson.stdout);
    expect(j.runs).toHaveLength(16);
    expect(j.findings.length).toBeGreaterThanOrEqual(4);
    expect(wholeJson.stdout).not.toContain('elapsedMs');
    // Files in any order.
    const files = [3, 1, 2].map(shardFile);
    const [json] = await spawnAll([['merge', ...files, '--format', 'json', '--no-timings']]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe(wholeJson.stdout);
    const text = await inProcess(['merge', ...files]);
    expect(text.code, text.stderr).toBe(0);
    expect(wholeText.stdout).toMatch(
      /^faultline matrix: 2 versions x 2 filesystems x 4 scenarios: 16 runs\n/,
    );
    expect(text.stdout).toBe(wholeText.stdout);
    // With timings, the JSON carries each run's own time, taken from the shard that ran it.
    const timed = JSON.parse((await inProcess(['merge', ...files, '--format', 'json'])).stdout);
    expect(timed.runs.every((r: { elapsedMs: unknown }) => typeof r.elapsedMs === 'number')).toBe(true);
    expect(timed.findings).toEqual(j.findings);
  });

  it('refuses a missing shard, a shard given twice, and shards of another plan', async () => {
    const missing = await inProcess(['merge', shardFile(1), shardFile(3)]);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain(`shard 2/3 missing (given: 1/3 ${shardFile(1)}, 3/3 ${shardFile(3)})`);

    const twice = await inProcess(['merge', shardFile(1), shardFile(2), shardFile(2), shardFile(3)]);
    expect(twice.code, twice.stderr).toBe(2);
    expect(twice.stderr).toContain(`shard 2/3 given twice: ${shardFile(2)} and ${shardFile(2)}`);

    // The same shard of a plan with another budget.
    const other = join(dir, 'other-3.json');
    const o = await inProcess([
      ...matrix,
      '--max-steps',
      '5000',
      '--workers',
      '1',
      '--shard',
      '3/3',
      '--out',
      other,
    ]);
    expect(o.code, o.stderr).toBe(0);
    const mixed = await inProcess(['merge', shardFile(1), shardFile(2), other]);
    expect(mixed.code, mixed.stderr).toBe(2);
    expect(mixed.stderr).toContain(`${other} and ${shardFile(1)} come from different plans`);

    // The same plan split in two: its shards do not complete a split in three.
    const half = join(dir, 'half-2.json');
    await inProcess([...matrix, '--workers', '1', '--shard', '2/2', '--out', half]);
    const halves = await inProcess(['merge', shardFile(1), shardFile(2), shardFile(3), half]);
    expect(halves.code, halves.stderr).toBe(2);
    expect(halves.stderr).toContain(
      `${half} is shard 2/2 but ${shardFile(1)} is 1/3: all shards must split the plan in the same N`,
    );

    const notShard = join(dir, 'plain.json');
    writeFileSync(notShard, wholeJson.stdout);
    const plain = await inProcess(['merge', notShard]);
    expect(plain.code, plain.stderr).toBe(2);
    expect(plain.stderr).toContain(`${notShard} is not a shard result (faultline-shard/1)`);

    // A shard result edited after it was written (one run's execution count) is not merged.
    const edited = join(dir, 'edited-2.json');
    const shard2 = JSON.parse(readFileSync(shardFile(2), 'utf8'));
    shard2.runs[0].executions += 1;
    writeFileSync(edited, JSON.stringify(shard2));
    const changed = await inProcess(['merge', shardFile(1), edited, shardFile(3)]);
    expect(changed.code, changed.stderr).toBe(2);
    expect(changed.stderr).toContain(
      `${edited} was changed after faultline wrote it (its content does not match its sha256): run its shard again`,
    );
  });

  it('--shard must be I/N with 1 <= I <= N', async () => {
    for (const bad of ['0/3', '4/3', '2', 'a/b', '1/0']) {
      const r = await inProcess([...matrix, '--shard', bad]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`option '--shard <I/N>' argument '${bad}' is invalid`);
    }
  });
});
