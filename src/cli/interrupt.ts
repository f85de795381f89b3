// Ctrl-C: the first one asks the running exploration to stop between executions, so partial
// results are written; a second one exits at once.

import { EXIT } from './errors.js';

export interface Interrupt {
  requested(): boolean;
  dispose(): void;
}

export function onInterrupt(notify: (msg: string) => void = (m) => process.stderr.write(m)): Interrupt {
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) notify('\nfaultline: interrupted; writing partial results (Ctrl-C again to quit now)\n');
    else process.exit(EXIT.interrupted);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => count > 0,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
