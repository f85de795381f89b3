// What the matrix page says of a deadlock row: its wait-for graph, and whether an earlier row is
// the same deadlock with other tasks or held locks around it (the same core, engine/wait-for.ts),
// as the text report of `faultline matrix` says.

import { describeWaitFor, earlierSameCore, type WaitForSummary } from '../../src/engine/wait-for.js';
import type { Matrix, MatrixFinding } from './trace-format.js';

/** A deadlock's wait-for summary, from its first occurrence that has one. */
function waitForOf(f: MatrixFinding): WaitForSummary | undefined {
  return f.occurrences.find((o) => o.waitFor)?.waitFor;
}

/** Per finding row: its wait-for line, or undefined when it is not a deadlock (or has none). */
export function waitForLines(matrix: Matrix): (string | undefined)[] {
  const cores = matrix.findings.map((f) => waitForOf(f)?.core);
  return matrix.findings.map((f, i) => {
    const w = waitForOf(f);
    if (!w) return undefined;
    const first = earlierSameCore(cores, i);
    const same =
      first >= 0 ? ` (the deadlock of row ${first + 1}, with other tasks or held locks around it)` : '';
    return `${describeWaitFor(w).join('; ')}${same}`;
  });
}
