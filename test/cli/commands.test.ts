// The commands run in-process (same code as the spawned command, without the process around it):
// lists, formats, exit codes of the less common paths, bisect --fixed, colour.

import { describe, expect, it } from 'vitest';
import { EX, inProcess, TOY } from './run-cli.js';

describe('faultline list', () => {
  it('lists versions, patches and scenarios of the provider, and the finding kinds', async () => {
    const v = await inProcess(['--provider', TOY, 'list', 'versions']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^base +the toy kernel before the series$/m);
    expect(v.stdout).toContain('patches: aaaa00000001 bbbb00000002 cccc00000003 dddd00000004');
    const p = await inProcess(['--provider', TOY, 'list', 'patches', '--format', 'json']);
    const patches = JSON.parse(p.stdout);
    expect(patches.map((x: { id: string }) => x.id)).toEqual([
      'aaaa00000001',
      'bbbb00000002',
      'cccc00000003',
      'dddd00000004',
    ]);
    expect(patches[1].versions).toEqual(['rc1', 'final']);
    expect(patches[3].versions).toEqual(['final']);
    const s = await inProcess([...EX, 'list', 'scenarios', '--format', 'markdown']);
    expect(s.stdout).toContain('| abba | any | T0, T1 | two threads take two locks in opposite orders |');
    const k = await inProcess([...EX, 'list', 'kinds']);
    for (const kind of ['deadlock', 'circular-dependency', 'sleep-in-atomic', 'stale-mapping', 'livelock'])
      expect(k.stdout).toMatch(new RegExp(`^${kind} `, 'm'));
  });

  it('rejects an unknown list with exit 2', async () => {
    const r = await inProcess([...EX, 'list', 'colours']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "'colours' is invalid for argument 'what'. Allowed choices are versions, patches",
    );
  });
});

describe('faultline check formats', () => {
  it('markdown: the headline, the lockdep-style report, the trace and a complete replay command', async () => {
    const r = await inProcess([...EX, 'check', 'abba', '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('### INFO: deadlock: T0, T1 blocked forever');
    expect(r.stdout).toContain('| # | thread | function | op | note |');
    expect(r.stdout).toMatch(
      /- \*\*replay\*\*: `faultline replay fl1:[0-9x,]+ --scenario abba --provider examples`/,
    );
  });

  it('--finding N shows only that finding', async () => {
    const args = ['--provider', TOY, 'check', 'fault-and-writes', '--kernel', 'rc1', '--fs', 'ext4'];
    const all = await inProcess(args);
    expect(all.stdout).toContain('[finding 1 of 2]');
    expect(all.stdout).toContain('[finding 2 of 2]');
    const one = await inProcess([...args, '--finding', '2']);
    expect(one.stdout).not.toContain('[finding 1 of 2]');
    expect(one.stdout).toContain('[finding 2 of 2]');
    expect(one.stdout).toContain('2 distinct findings (1 shown)');
  });

  it('random and pct modes are seeded, budgets mark the run incomplete', async () => {
    const a = await inProcess([
      ...EX,
      'check',
      'philosophers-3',
      '--mode',
      'random',
      '--runs',
      '50',
      '--seed',
      '7',
      '--format',
      'json',
    ]);
    const b = await inProcess([
      ...EX,
      'check',
      'philosophers-3',
      '--mode',
      'random',
      '--runs',
      '50',
      '--seed',
      '7',
      '--format',
      'json',
    ]);
    const ja = JSON.parse(a.stdout);
    expect(ja.mode).toBe('random');
    expect(ja.complete).toBe(false);
    expect(ja.stats.executions).toBe(50);
    expect(ja.findings.map((f: { token: string }) => f.token)).toEqual(
      JSON.parse(b.stdout).findings.map((f: { token: string }) => f.token),
    );
    const cut = await inProcess([...EX, 'check', 'philosophers-5', '--max-executions', '3']);
    expect(cut.stdout).toContain('3 executions');
    expect(cut.stdout).toContain('stopped at the execution budget (not a proof of absence)');
    // DPOR's estimate of what it had explored, and the total that makes.
    const est = /DPOR's estimate: (\d+)% explored, about ([\d,]+) executions in all/.exec(cut.stdout);
    expect(est).not.toBeNull();
    const cutJson = JSON.parse(
      (await inProcess([...EX, 'check', 'philosophers-5', '--max-executions', '3', '--format', 'json']))
        .stdout,
    );
    expect(cutJson.explored).toBeGreaterThan(0);
    expect(cutJson.explored).toBeLessThan(1);
    expect(Number(est![1])).toBe(Math.round(100 * cutJson.explored));
    expect(Number(est![2].replace(/,/g, ''))).toBe(Math.round(3 / cutJson.explored));
    const pct = await inProcess([
      ...EX,
      'check',
      'abba',
      '--mode',
      'pct',
      '--runs',
      '20',
      '--depth',
      '2',
      '--format',
      'json',
    ]);
    expect(JSON.parse(pct.stdout).mode).toBe('pct');
    const bounded = await inProcess([...EX, 'check', 'abba', '--max-preemptions', '0', '--format', 'json']);
    expect(JSON.parse(bounded.stdout)).toMatchObject({ mode: 'bounded', findings: [] });
  });

  it('colour only on a terminal or when forced, never with NO_COLOR', async () => {
    const esc = '\x1b[';
    expect((await inProcess([...EX, 'check', 'abba'], { tty: true, env: {} })).stdout).toContain(esc);
    expect(
      (await inProcess([...EX, 'check', 'abba'], { tty: true, env: { NO_COLOR: '1' } })).stdout,
    ).not.toContain(esc);
    expect(
      (await inProcess([...EX, 'check', 'abba'], { tty: false, env: { CI: 'true' } })).stdout,
    ).not.toContain(esc);
    expect(
      (await inProcess([...EX, 'check', 'abba'], { tty: false, env: { FORCE_COLOR: '1' } })).stdout,
    ).toContain(esc);
    expect(
      (await inProcess([...EX, '--no-color', 'check', 'abba'], { tty: true, env: {} })).stdout,
    ).not.toContain(esc);
    expect((await inProcess([...EX, '--color', 'check', 'abba'], { tty: false, env: {} })).stdout).toContain(
      esc,
    );
  });
});

describe('exit codes and usage', () => {
  it('--help and --version exit 0; no command, unknown commands and options exit 2', async () => {
    const help = await inProcess([...EX, 'check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit status: 0 nothing found, 1 findings');
    expect((await inProcess([...EX, '--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await inProcess([...EX])).code).toBe(2);
    expect((await inProcess([...EX, 'frobnicate'])).code).toBe(2);
    expect((await inProcess([...EX, 'check', 'abba', '--mode', 'sideways'])).code).toBe(2);
    expect((await inProcess([...EX, 'check', 'abba', '--time-limit', 'soon'])).stderr).toContain(
      'expected a duration like 30s',
    );
    expect((await inProcess([...EX, 'check', 'no-such-scenario'])).stderr).toContain(
      "no scenario 'no-such-scenario'",
    );
    expect((await inProcess([...EX, 'check', 'abba', '--fs', 'ntfs'])).stderr).toContain(
      "unknown filesystem 'ntfs'",
    );
    expect((await inProcess(['--provider', './nowhere.ts', 'list', 'kinds'])).stderr).toContain(
      "cannot load provider './nowhere.ts'",
    );
  });

  it('replay: exit 2 for a token that does not fit the model, or a token without its scenario', async () => {
    const tooLong = await inProcess([...EX, 'replay', 'fl1:0x50', '--scenario', 'abba']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/^faultline: token /);
    expect((await inProcess([...EX, 'replay', 'fl1:zz', '--scenario', 'abba'])).stderr).toContain(
      "bad schedule run 'zz'",
    );
    expect((await inProcess([...EX, 'replay', 'fl1:0,1x2,0'])).stderr).toContain(
      'replaying a token needs --scenario',
    );
    expect((await inProcess([...EX, 'replay', 'nothing-here'])).stderr).toContain('neither a replay token');
  });

  it('replay: exit 0 for an execution without findings; json lists the steps with the locks held', async () => {
    const r = await inProcess([
      ...EX,
      'replay',
      'fl1:0x5,1x5',
      '--scenario',
      'abba',
      '--format',
      'json',
      '--explain',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.outcome).toBe('done');
    expect(j.steps[0].held[0]).toEqual([{ lock: 'A', cls: 'A', mode: 'exclusive' }]);
  });

  it('matrix: exit 1 only with --fail-on-findings; the text says which versions are clean', async () => {
    const toyMatrix = (...more: string[]) =>
      inProcess(['--provider', TOY, 'matrix', '--scenarios', 'fault-vs-truncate', ...more]);
    const r = await toyMatrix('--fail-on-findings');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/deadlock: fault, truncate blocked forever +- +ext4 +-/);
    expect(r.stdout).toContain('clean: base, final');
    expect(r.stdout).toContain('with findings: rc1 (1)');
    // the deadlock's wait-for graph, read off its witness: a cycle of the two tasks
    expect(r.stdout).toContain('   wait-for:  cycle: fault -> truncate -> fault\n');
    const md = await toyMatrix('--format', 'markdown');
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('| # | finding | base | rc1 | final |');
    expect(md.stdout).toContain(
      '| 1 | `deadlock` deadlock: fault, truncate blocked forever | - | ext4 | - |',
    );
    expect(md.stdout).toContain('**wait-for** cycle: fault -> truncate -> fault');
    const json = await toyMatrix('--format', 'json');
    const [occurrence] = JSON.parse(json.stdout).findings[0].occurrences;
    expect(occurrence).toMatchObject({ kernel: 'rc1', fs: 'ext4', token: 'fl1:0,1x2,0' });
    expect(occurrence.waitFor).toEqual({
      cycles: [['fault', 'truncate']],
      behind: [],
      exited: [],
      strandedByExit: [],
      wakeUps: [],
      core: '[&mapping->i_mmap_rwsem in toy_fault, held from toy_truncate -> jbd2_handle in toy_truncate, held from toy_fault]',
    });
  }, 45_000); // three matrices, each starting worker threads: slow on a loaded machine
});

describe('faultline matrix and check: deadlocks that are one cycle with other tasks around it', () => {
  it('says which finding has the same deadlock, and how many deadlocks the signatures are', async () => {
    const r = await inProcess([...EX, 'matrix', '--scenarios', 'abba,abba-bystander', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('   wait-for:  cycle: T0 -> T1 -> T0\n');
    expect(r.stdout).toContain(
      '   wait-for:  cycle: T0 -> T1 -> T0; waiting behind it: T2 (the deadlock of finding 1, with other tasks or held locks around it)\n',
    );
    expect(r.stdout).toContain(
      'deadlocks: 2 signatures, 1 once the tasks and held locks around them are set aside',
    );
    const one = await inProcess([...EX, 'matrix', '--scenarios', 'abba,philosophers-3', '--workers', '1']);
    expect(one.stdout).not.toContain('the deadlock of finding');
    expect(one.stdout).not.toContain('deadlocks:');
    // check says it too, in the finding's header and its last line
    const check = await inProcess([...EX, 'check', 'abba-bystander']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('[finding 1 of 2]\n');
    expect(check.stdout).toContain(
      '[finding 2 of 2; the deadlock of finding 1, with other tasks or held locks around it]\n',
    );
    expect(check.stdout).toMatch(/2 distinct findings\ndeadlocks: 2 signatures, 1 once/);
  }, 30_000);
});

describe('faultline bisect (in-process)', () => {
  it('--fixed names the patch that removes the finding, with a replay command that reproduces it', async () => {
    const args = ['--provider', TOY, 'bisect', '--scenario', 'fault-vs-truncate', '--fs', 'ext4'];
    const r = await inProcess([...args, '--fixed', '--bad', 'rc1', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.from).toBe('rc1');
    expect(j.to).toBe('final');
    expect(j.culprits).toHaveLength(1);
    expect(j.culprits[0].patch).toMatchObject({
      id: 'dddd00000004',
      date: '2015-10-01',
      replaces: ['toy_fault'],
    });
    const replay = await inProcess(['--provider', TOY, ...j.culprits[0].finding.replay.split(' ').slice(1)]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('deadlock: fault, truncate blocked forever');
  });

  it('exits 1 when no finding differs, and 2 when the versions are not one series', async () => {
    const none = await inProcess(['--provider', TOY, 'bisect', '--scenario', 'racy-writes', '--fs', 'xfs']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('no finding new in final that base does not show');
    const backwards = await inProcess([
      '--provider',
      TOY,
      'bisect',
      '--scenario',
      'racy-writes',
      '--good',
      'final',
      '--bad',
      'rc1',
    ]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain("final's patch series is not a prefix of rc1's");
    const one = await inProcess([...EX, 'bisect', '--scenario', 'abba']);
    expect(one.stderr).toContain('only one version');
  });
});
