// Entry point of the `faultline` command (bin/faultline.mjs runs the compiled file; in the
// source tree: node --import tsx src/cli/main.ts).
//
// Explorations are long synchronous loops, during which the main thread's event loop, and so
// its Ctrl-C handler, does not run. Commands that explore therefore run in a worker thread; the
// main thread stays idle, catches SIGINT and raises a shared flag that the exploration polls
// between executions, so partial results are still written.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EXIT } from './errors.js';
import { type Interrupt, onInterrupt } from './interrupt.js';
import { type CliContext, runCli } from './program.js';
import { workerUrl } from './worker-url.js';

const EXPLORING = new Set(['check', 'matrix', 'bisect', 'explore', 'graph']);
/** Exit status of an internal error (a bug in faultline, not in the model): sysexits' EX_SOFTWARE. */
const EXIT_INTERNAL = 70;

/** The command word of a command line (the first argument that is not an option or its value). */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--provider') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

export function processContext(interrupt: () => Interrupt = () => onInterrupt()): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutTTY: process.stdout.isTTY === true,
    stderrTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
    env: process.env,
    interrupt,
  };
}

async function runInline(argv: readonly string[]): Promise<number> {
  try {
    return await runCli(argv, processContext());
  } catch (e) {
    process.stderr.write(`faultline: internal error: ${(e as Error).stack ?? e}\n`);
    return EXIT_INTERNAL;
  }
}

function runInWorker(argv: readonly string[]): Promise<number> {
  const flag = new SharedArrayBuffer(4);
  const stop = new Int32Array(flag);
  const worker = new Worker(workerUrl('worker'), {
    workerData: {
      argv: [...argv],
      flag,
      stdoutTTY: process.stdout.isTTY === true,
      stderrTTY: process.stderr.isTTY === true,
      columns: process.stderr.columns,
    },
    stdout: false,
    stderr: false,
  });
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals === 1) {
      process.stderr.write('\nfaultline: interrupted; writing partial results (Ctrl-C again to quit now)\n');
      Atomics.store(stop, 0, 1);
    } else process.exit(EXIT.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return new Promise((resolve) => {
    let code: number | undefined;
    worker.on('message', (m: { code?: number }) => {
      if (typeof m.code === 'number') code = m.code;
    });
    worker.on('error', (e) => {
      process.stderr.write(`faultline: internal error: ${e.stack ?? e}\n`);
      code = EXIT_INTERNAL;
    });
    worker.on('exit', (exitCode) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(code ?? (exitCode === 0 ? EXIT_INTERNAL : exitCode));
    });
  });
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const word = commandWord(argv);
  const inWorker = word !== undefined && EXPLORING.has(word) && !process.env.FAULTLINE_NO_WORKER;
  return inWorker ? runInWorker(argv) : runInline(argv);
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

/**
 * A reader that goes away (`faultline explore --help | head`) ends the command quietly, as SIGPIPE
 * ends a C tool, instead of an unhandled EPIPE with a stack trace. Status 0: the output was
 * wanted only up to there.
 */
export function quietOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
}

if (isEntryPoint()) {
  quietOnClosedStdout();
  process.exitCode = await main();
}
