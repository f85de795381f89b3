// `faultline check --checkpoint`: a DPOR exploration stopped by a budget or Ctrl-C saves where it
// is; the same command goes on from there and ends with what one uninterrupted run prints. The
// file is refused by another check, and removed once the exploration is complete.

import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sealedJson } from '../../src/cli/sealed-file.js';
import { faultline, interruptWhen, TOY, tempDir } from './run-cli.js';

const INLINE = { FAULTLINE_NO_WORKER: '1' };
const CHECK = ['check', 'read-fault-vs-write-fault', '--kernel', '843172978bb9-only', '--fs', 'xfs'];

/** The JSON report without the wall time. */
const report = (stdout: string) => {
  const r = JSON.parse(stdout);
  delete r.stats.elapsedMs;
  return r;
};

describe('faultline check --checkpoint', () => {
  it('stopped by a budget, goes on from the file and ends as one uninterrupted run', () => {
    const cp = join(tempDir(), 'check.checkpoint');
    const args = [...CHECK, '--format', 'json', '--checkpoint', cp];
    const first = faultline([...args, '--max-executions', '100'], INLINE);
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout).complete).toBe(false);
    expect(first.stderr).toContain(`stopped after 100 executions; saved in ${cp}`);
    expect(existsSync(cp)).toBe(true);

    const second = faultline([...args, '--max-executions', '250'], INLINE);
    expect(second.stderr).toContain(`resuming from ${cp} after 100 executions`);
    expect(JSON.parse(second.stdout).stats.executions).toBe(250);

    const last = faultline(args, INLINE);
    expect(last.stderr).toContain(`resuming from ${cp} after 250 executions`);
    const whole = faultline([...CHECK, '--format', 'json'], INLINE);
    expect(report(last.stdout)).toEqual(report(whole.stdout));
    expect(report(whole.stdout).complete).toBe(true);
    expect(existsSync(cp)).toBe(false);
  }, 60_000);

  it('refuses a checkpoint of another check, a file that is not one, and other modes', () => {
    const dir = tempDir();
    const cp = join(dir, 'check.checkpoint');
    expect(faultline([...CHECK, '--max-executions', '5', '--checkpoint', cp], INLINE).code).toBe(1);
    const other = faultline([...CHECK, '--mmu-walk', 'atomic', '--checkpoint', cp], INLINE);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`checkpoint ${cp} was written for another check`);
    // The same check's checkpoint from other model code (another faultline version, which seals
    // what it writes too).
    const { sha256: seal, ...saved } = JSON.parse(readFileSync(cp, 'utf8'));
    saved.run.code = 'another';
    const older = join(dir, 'older.checkpoint');
    writeFileSync(older, sealedJson(saved));
    const stale = faultline([...CHECK, '--checkpoint', older], INLINE);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain(`checkpoint ${older} was taken with other model code`);
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"format": "something else"}\n');
    const bad = faultline([...CHECK, '--checkpoint', junk], INLINE);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${junk} is not a faultline check checkpoint`);
    // The same file changed by hand, with a well-formed but other path: refused by its seal.
    saved.run.code = JSON.parse(readFileSync(cp, 'utf8')).run.code;
    saved.run.explorer.stack[0].cur = 7;
    const edited = join(dir, 'edited.checkpoint');
    writeFileSync(edited, JSON.stringify({ ...saved, sha256: seal }));
    const altered = faultline([...CHECK, '--checkpoint', edited], INLINE);
    expect(altered.code).toBe(2);
    expect(altered.stderr).toContain(
      `${edited} was changed after faultline wrote it (its content does not match its sha256): remove it to start afresh`,
    );
    const unsealed = join(dir, 'unsealed.checkpoint');
    writeFileSync(unsealed, JSON.stringify(saved));
    const hand = faultline([...CHECK, '--checkpoint', unsealed], INLINE);
    expect(hand.code).toBe(2);
    expect(hand.stderr).toContain(`${unsealed} has no sha256 seal`);
    const pct = faultline([...CHECK, '--mode', 'pct', '--checkpoint', cp], INLINE);
    expect(pct.code).toBe(2);
    expect(pct.stderr).toContain('--checkpoint saves a DPOR exploration');
  }, 60_000);

  it('on Ctrl-C saves the exploration, and the next run goes on from it', async () => {
    const cp = join(tempDir(), 'check.checkpoint');
    // An exploration without end, saved every second.
    const args = ['--provider', TOY, 'check', 'many-stores', '--checkpoint', cp, '--checkpoint-every', '1'];
    const r = await interruptWhen(args, () => existsSync(cp));
    expect(r.wasReady).toBe(true);
    expect(r.code).toBe(130);
    const saved = JSON.parse(readFileSync(cp, 'utf8')).run.stats.executions as number;
    expect(r.stderr).toContain(`stopped after ${saved} executions; saved in ${cp}`);
    const again = faultline([...args, '--max-executions', String(saved + 20), '--format', 'json']);
    expect(again.stderr).toContain(`resuming from ${cp} after ${saved} executions`);
    expect(JSON.parse(again.stdout).stats.executions).toBe(saved + 20);
  }, 60_000);
});

describe('matrix and explore --checkpoint: the runs in progress', () => {
  it('a run killed part-way goes on from FILE.runs/ and ends as an uninterrupted one', async () => {
    const dir = tempDir();
    const cp = join(dir, 'matrix.checkpoint');
    // One run of several seconds (6,865 executions), saved every second.
    const plan = ['matrix', '--kernels', 'v4.4', '--fs', 'ext4', '--scenarios', 'mmap-vs-fault'];
    const out = ['--format', 'json', '--no-timings'];
    const runs = `${cp}.runs`;
    const r = await interruptWhen(
      [...plan, ...out, '--workers', '2', '--checkpoint', cp, '--checkpoint-every', '1'],
      () => existsSync(runs) && readdirSync(runs).length > 0,
    );
    expect(r.wasReady).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`runs in progress in ${runs}/`);
    const [file] = readdirSync(runs);
    const savedAt = JSON.parse(readFileSync(join(runs, file), 'utf8')).run.stats.executions as number;
    expect(savedAt).toBeGreaterThan(0);
    // The report names the run, what it had done and DPOR's estimate of the share explored.
    const line = new RegExp(
      `in progress: v4\\.4\\|ext4\\|mmap-vs-fault, ${savedAt.toLocaleString('en-US')} executions, ~[\\d.]+% explored`,
    );
    expect(r.stderr).toMatch(line);

    // A copy whose saved count is 1000 more: the run it resumes counts from there (the state is
    // used). Edited and sealed again; edited only, it is refused.
    const cp2 = join(dir, 'copy.checkpoint');
    expect(existsSync(cp)).toBe(false); // no run has finished
    cpSync(runs, `${cp2}.runs`, { recursive: true });
    const { sha256: runSeal, ...tampered } = JSON.parse(readFileSync(join(`${cp2}.runs`, file), 'utf8'));
    tampered.run.stats.executions += 1000;
    writeFileSync(join(`${cp2}.runs`, file), JSON.stringify({ ...tampered, sha256: runSeal }));
    const refused = faultline([...plan, ...out, '--workers', '1', '--checkpoint', cp2]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${join(`${cp2}.runs`, file)} was changed after faultline wrote it (its content does not match its sha256): remove it to start that run afresh`,
    );
    writeFileSync(join(`${cp2}.runs`, file), sealedJson(tampered));
    const counted = faultline([...plan, ...out, '--workers', '1', '--checkpoint', cp2]);

    // Resumed on the main thread this time: the saved state is the same for both.
    const again = faultline([...plan, ...out, '--workers', '1', '--checkpoint', cp]);
    expect(again.stderr).toContain(`1 run in progress go on from ${runs}/`);
    const whole = faultline([...plan, ...out, '--workers', '1']);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(whole.stdout));
    expect(JSON.parse(whole.stdout).runs[0].complete).toBe(true);
    expect(JSON.parse(counted.stdout).runs[0].executions).toBe(
      JSON.parse(whole.stdout).runs[0].executions + 1000,
    );
    expect(existsSync(runs)).toBe(false);
  }, 90_000);
});
