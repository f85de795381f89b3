// Why is an exploration large? Every DPOR execution after the first starts with a branch that
// reversing a race inserted (or with another value of a `choose`). Counting the executions by the
// object of that race (a lock, a cell, a wait queue) names the objects whose conflicts multiply
// the interleavings: the place to look for a conflict the model declares but the code it models
// does not have (two atomic increments that commute, say).
//
// That count names the race behind the one branch where each execution leaves the one before,
// mostly deep in the tree. A race near the root multiplies everything below it while being that
// branch for few executions (two faults serialised on one exclusive lock: one more branch at the
// top, every subtree below it twice). So each object also gets the executions with a branch of
// its races anywhere on their path.

import type { DporObserver } from './explorers/dpor.js';
import type { Run } from './run.js';

export interface RaceCensus {
  /**
   * Per object, largest first: `executions` whose branch (where each leaves the execution
   * before) a race on it created, and `onPath`: executions with a branch created by a race on it
   * anywhere on their path.
   */
  byObject: { object: string; executions: number; onPath: number }[];
  /** Executions that try another value of a `choose` made before. */
  choices: number;
}

/** An observer for `exploreDpor`, and the census it has counted so far. */
export function raceCensus(run: Run): { observer: DporObserver; result: () => RaceCensus } {
  const byId = new Map<number, number>();
  const onPath = new Map<number, number>();
  let raced = 0;
  return {
    observer: {
      branch(age, cause) {
        if (age === 'choice' || cause === undefined || cause < 0) return;
        byId.set(cause, (byId.get(cause) ?? 0) + 1);
        raced++;
      },
      path(causes) {
        for (const id of causes) onPath.set(id, (onPath.get(id) ?? 0) + 1);
      },
    },
    result: () => ({
      byObject: [...new Set([...byId.keys(), ...onPath.keys()])]
        .map((id) => ({
          object: run.registry.handle(id).key,
          executions: byId.get(id) ?? 0,
          onPath: onPath.get(id) ?? 0,
        }))
        .sort((a, b) => b.executions - a.executions || b.onPath - a.onPath || (a.object < b.object ? -1 : 1)),
      // The rest (but the first): choice branches, and each new vector of the choices made
      // before the first step, which starts a DPOR pass of its own.
      choices: Math.max(0, run.stats.executions - 1 - raced),
    }),
  };
}
