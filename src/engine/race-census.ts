// Why is an exploration large? Every DPOR execution after the first starts with a branch that
// reversing a race inserted (or with another value of a `choose`). Counting the executions by the
// object of that race (a lock, a cell, a wait queue) names the objects whose conflicts multiply
// the interleavings: the place to look for a conflict the model declares but the code it models
// does not have (two atomic increments that commute, say).

import type { DporObserver } from './explorers/dpor.js';
import type { Run } from './run.js';

export interface RaceCensus {
  /** Executions per object of the race that created their branch, largest first. */
  byObject: { object: string; executions: number }[];
  /** Executions that try another value of a `choose` made before. */
  choices: number;
}

/** An observer for `exploreDpor`, and the census it has counted so far. */
export function raceCensus(run: Run): { observer: DporObserver; result: () => RaceCensus } {
  const byId = new Map<number, number>();
  let raced = 0;
  return {
    observer: {
      branch(age, cause) {
        if (age === 'choice' || cause === undefined || cause < 0) return;
        byId.set(cause, (byId.get(cause) ?? 0) + 1);
        raced++;
      },
    },
    result: () => ({
      byObject: [...byId]
        .map(([id, executions]) => ({ object: run.registry.handle(id).key, executions }))
        .sort((a, b) => b.executions - a.executions || (a.object < b.object ? -1 : 1)),
      // The rest (but the first): choice branches, and each new vector of the choices made
      // before the first step, which starts a DPOR pass of its own.
      choices: Math.max(0, run.stats.executions - 1 - raced),
    }),
  };
}
