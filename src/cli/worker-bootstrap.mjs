// Starts the command's worker thread from the TypeScript sources (development and tests):
// tsx must be registered inside the worker first, since `execArgv: ['--import', 'tsx']` does
// not work for workers on Node 20. The compiled command starts dist/src/cli/worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker.ts', import.meta.url).href);
