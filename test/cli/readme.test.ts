// The README's claims, run: the quick start is two commands, the transcripts are what the
// command prints, the library example prints what the README says, the kinds table is complete.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingKinds } from '../../src/cli/kinds.js';
import { matrixCells } from '../../src/cli/matrix.js';
import { loadProvider } from '../../src/cli/provider.js';
import { inProcess, ROOT, tempDir } from './run-cli.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced block right after a line, or after an HTML comment marker. */
function blockAfter(marker: string): string {
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${marker}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`no code block after ${marker}`);
  return m[1];
}

/** A transcript block starting `$ faultline ARGS`: the arguments and the printed lines. */
function transcript(command: string): { args: string[]; lines: string[] } {
  const at = readme.indexOf(`\n$ ${command}\n`);
  if (at < 0) throw new Error(`README has no transcript of ${command}`);
  const end = readme.indexOf('```', at);
  const lines = readme
    .slice(at + 1, end)
    .trimEnd()
    .split('\n')
    .slice(1);
  return { args: command.split(' ').slice(1), lines };
}

describe('README', () => {
  it('quick start: one command installs and runs the main job, one runs the tests', async () => {
    expect(blockAfter('## Quick start').trim().split('\n')).toEqual(['npm ci && npm start', 'npm test']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('npm run build && node bin/faultline.mjs matrix');
    expect(readme).toContain('runs the main job, `faultline\nmatrix`');
    // The number of runs it states is the default plan's: every version, filesystem and scenario.
    const p = await loadProvider(undefined);
    const runs = matrixCells({
      kernels: p.versions,
      filesystems: p.filesystems,
      scenarios: p.scenarios.map((scenario) => ({ scenario, ref: scenario.name })),
    }).length;
    expect(readme).toContain(`exhaustively (${runs} runs;`);
    expect(pkg.bin.faultline).toBe('bin/faultline.mjs');
  });

  it('the matrix, check and replay transcripts are what the command prints', async () => {
    for (const cmd of [
      'faultline --provider test/cli/fixtures/toy-kernel.ts matrix --scenarios fault-vs-truncate,racy-writes',
      'faultline --provider examples check abba',
      'faultline matrix --kernels revert-v4-1of2,v4.3 --fs xfs --scenarios driver-unbind-vs-fault,invalidate-vs-write-fault,munmap-vs-truncate,mmap-vs-fault',
      'faultline replay fl1:0,1x2,0 --scenario abba --provider examples --explain',
    ]) {
      const { args, lines } = transcript(cmd);
      const r = await inProcess(args);
      const printed = r.stdout.trimEnd().split('\n');
      // Timings vary; a transcript ending in '...' shows only the beginning.
      const norm = (l: string) => l.replace(/in \d+\.\d s/, 'in X s');
      const shown = lines[lines.length - 1] === '...' ? lines.slice(0, -1) : lines;
      expect(printed.slice(0, shown.length).map(norm)).toEqual(shown.map(norm));
      if (shown.length === lines.length) expect(printed).toHaveLength(lines.length);
    }
  }, 60_000);

  it('the three-task deadlock of the review section replays as shown, cycle line included', async () => {
    const at = readme.indexOf('<!-- readme-three-task-deadlock -->');
    const command = /```sh\n(faultline replay [^\n]+)\n```/.exec(
      readme.slice(readme.lastIndexOf('```sh', at)),
    )?.[1];
    expect(command).toBeDefined();
    // the shell quotes around the scenario name, as the shell would take them off
    const args = command!
      .split(' ')
      .slice(1)
      .map((a) => a.replace(/^'(.*)'$/, '$1'));
    const r = await inProcess(args);
    expect(r.code).toBe(1);
    const shown = blockAfter('<!-- readme-three-task-deadlock -->').trimEnd().split('\n');
    const printed = r.stdout.split('\n');
    const from = printed.indexOf(shown[0]);
    expect(from).toBeGreaterThan(0);
    expect(printed.slice(from, from + shown.length)).toEqual(shown);
  }, 60_000);

  it("the scenario file's errors are the ones shown", async () => {
    const dir = tempDir();
    const file = join(dir, 'truncate-vs-fault.yaml');
    writeFileSync(file, blockAfter('<!-- readme-scenario -->'));
    const { lines } = transcript('faultline check truncate-vs-fault.yaml');
    const r = await inProcess(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.replaceAll(`${dir}/`, '').trimEnd().split('\n')).toEqual(lines);
  });

  it('the library example prints what the README says', () => {
    const dir = tempDir();
    const code = blockAfter('<!-- readme-example -->').replace(
      "from 'faultline'",
      `from '${join(ROOT, 'src/index.ts').replaceAll('\\', '/')}'`,
    );
    writeFileSync(join(dir, 'bank.ts'), code);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'bank.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(blockAfter('<!-- readme-example-output -->'));
  }, 30_000);

  it('lists every finding kind the command knows', () => {
    const table = readme.slice(readme.indexOf('## Finding kinds'), readme.indexOf('## Exploration modes'));
    const rows = [...table.matchAll(/^\| `([a-z-]+)` +\| (\w+) +\| (.*?) +\|$/gm)].map((m) => [
      m[1],
      m[2],
      m[3],
    ]);
    expect(rows).toEqual(findingKinds.map((k) => [k.kind, k.source, k.meaning]));
  });
});
