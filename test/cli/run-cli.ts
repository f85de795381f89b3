// Helpers for the command's tests: spawn `faultline` as a user would (from the sources, through
// tsx), or run it in-process with captured output.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliContext, runCli } from '../../src/cli/program.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TOY = 'test/cli/fixtures/toy-kernel.ts';
/** The engine's example models (abba, counter-racy, ...), named explicitly: the default is the DAX model. */
export const EX = ['--provider', 'examples'];
const MAIN = ['--import', 'tsx', 'src/cli/main.ts'];

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

const env = (extra: NodeJS.ProcessEnv = {}) => {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete e.FORCE_COLOR;
  return e;
};

/** `faultline ARGS` in a child process; waits for it to end. */
export function faultline(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Ran {
  const r = spawnSync(process.execPath, [...MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: env(extraEnv),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `faultline ARGS` in the background, for tests that interrupt it. */
export function faultlineAsync(args: string[]): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(process.execPath, [...MAIN, ...args], { cwd: ROOT, env: env() });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<Ran>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/**
 * `faultline ARGS` in the background, sent SIGINT (Ctrl-C) as soon as `ready()` holds (polled
 * every 50 ms, at most 30 s); `wasReady` says whether it held or the wait ran out.
 */
export async function interruptWhen(
  args: string[],
  ready: () => boolean,
): Promise<Ran & { wasReady: boolean }> {
  const { child, done } = faultlineAsync(args);
  let wasReady = ready();
  for (let i = 0; i < 600 && !wasReady; i++) {
    await new Promise((r) => setTimeout(r, 50));
    wasReady = ready();
  }
  child.kill('SIGINT');
  return { ...(await done), wasReady };
}

/** The command in this process (no worker, no spawn): fast, for the many small cases. */
export async function inProcess(
  args: string[],
  /** `tty`: stdout is a terminal (colour); `stderrTty`: stderr is one (the progress line). */
  opts: { tty?: boolean; stderrTty?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdoutTTY: opts.tty ?? false,
    stderrTTY: opts.stderrTty ?? false,
    env: opts.env ?? { NO_COLOR: '1' },
    interrupt: () => ({ requested: () => false, dispose() {} }),
  };
  const code = await runCli(args, ctx);
  return { code, stdout, stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'faultline-cli-'));
}
