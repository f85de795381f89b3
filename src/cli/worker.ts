// The worker thread that runs an exploring command (see main.ts): the same command line, its
// output forwarded by Node to the main thread's stdout and stderr, Ctrl-C seen through a flag
// the main thread raises.

import { parentPort, workerData } from 'node:worker_threads';
import { runCli } from './program.js';

interface WorkerInput {
  argv: string[];
  flag: SharedArrayBuffer;
  stdoutTTY: boolean;
  stderrTTY: boolean;
  columns?: number;
}

const input = workerData as WorkerInput;
const stop = new Int32Array(input.flag);

let code: number;
try {
  code = await runCli(input.argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutTTY: input.stdoutTTY,
    stderrTTY: input.stderrTTY,
    columns: input.columns,
    env: process.env,
    interrupt: () => ({ requested: () => Atomics.load(stop, 0) !== 0, dispose() {} }),
  });
} catch (e) {
  process.stderr.write(`faultline: internal error: ${(e as Error).stack ?? e}\n`);
  code = 70;
}
parentPort?.postMessage({ code });
