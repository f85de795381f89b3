// What a deadlock is made of, read off its wait-for graph: which blocked tasks wait for each
// other in a cycle (a task waiting for a lock it holds itself is a cycle of one), which only
// wait behind such a cycle, and which wait for a task that has exited. A deadlock report lists
// every blocked task; with three tasks or more, most of them are often bystanders queued behind
// a cycle of two, or behind one task waiting for itself, and this says which.

/**
 * One blocked task and the tasks it waits for (the holders of its lock, or the task it joins),
 * by id: names need not be unique.
 */
export interface WaitEdge {
  task: number;
  /** Tasks it waits for; empty when it waits for a wake-up that no task owes (a queue). */
  waitsFor: readonly number[];
  /** What it waits for and where, without task names (`&A in f, held from g`), for `core`. */
  wait?: string;
}

export interface WaitForSummary {
  /** Each elementary cycle among the blocked tasks, from its first task in report order. */
  cycles: string[][];
  /** Blocked tasks on no cycle that wait, directly or through others, for a task on one. */
  behind: string[];
  /** Tasks waited for that have exited: they left holding what the others wait for. */
  exited: string[];
  /** Blocked tasks on no cycle that wait, directly or through others, for an exited task. */
  strandedByExit: string[];
  /** Blocked tasks that wait for a wake-up (a wait queue) and for no task. */
  wakeUps: string[];
  /**
   * The deadlock without task names or bystanders: each cycle as the waits of its tasks
   * (`[&A in f, held from g -> ...]`, from the least), or else what the tasks waiting on an exited
   * task or on a wake-up wait for. Two deadlocks with one core are one deadlock with other tasks,
   * or other held locks, around it.
   */
  core: string;
}

/** At most this many cycles are listed (a deadlock of a few tasks has one or two). */
const MAX_CYCLES = 8;

/**
 * The cycles of the wait-for graph over `blocked` (in report order), each listed once, starting
 * at its earliest task, and where each other blocked task's waiting leads; tasks by `name`.
 */
export function waitForSummary(blocked: readonly WaitEdge[], name: (task: number) => string): WaitForSummary {
  const index = new Map(blocked.map((b, i) => [b.task, i]));
  const cycles: number[][] = [];
  const onCycle = new Set<number>();
  // Elementary cycles, each found from its lowest-indexed task only (so found once): a DFS from
  // `start` through tasks with a higher index. Deadlocks involve a handful of tasks.
  for (let start = 0; start < blocked.length && cycles.length < MAX_CYCLES; start++) {
    const path = [start];
    const walk = (at: number): void => {
      for (const next of blocked[at].waitsFor) {
        if (cycles.length >= MAX_CYCLES) return;
        const n = index.get(next);
        if (n === undefined || n < start) continue;
        if (n === start) {
          const cycle = path.map((i) => blocked[i].task);
          cycles.push(cycle);
          for (const t of cycle) onCycle.add(t);
        } else if (!path.includes(n)) {
          path.push(n);
          walk(n);
          path.pop();
        }
      }
    };
    walk(start);
  }
  const exited = new Set<number>();
  for (const b of blocked) for (const w of b.waitsFor) if (!index.has(w)) exited.add(w);
  /** Does `task`'s waiting lead to a task for which `target` holds? */
  const leadsTo = (task: number, target: (t: number) => boolean, seen = new Set<number>()): boolean => {
    if (seen.has(task)) return false;
    seen.add(task);
    const i = index.get(task);
    if (i === undefined) return false;
    return blocked[i].waitsFor.some((w) => target(w) || leadsTo(w, target, seen));
  };
  const rest = blocked.map((b) => b.task).filter((t) => !onCycle.has(t));
  const behind = rest.filter((t) => leadsTo(t, (w) => onCycle.has(w)));
  const stranded = rest.filter((t) => !behind.includes(t) && leadsTo(t, (w) => exited.has(w)));
  const names = (ts: Iterable<number>) => [...ts].map(name);
  const wakeUps = blocked.filter((b) => !b.waitsFor.length);
  return {
    cycles: cycles.map(names),
    behind: names(behind),
    exited: names(exited),
    strandedByExit: names(stranded),
    wakeUps: names(wakeUps.map((b) => b.task)),
    core: coreOf(cycles, blocked, index, exited, wakeUps),
  };
}

function coreOf(
  cycles: readonly number[][],
  blocked: readonly WaitEdge[],
  index: ReadonlyMap<number, number>,
  exited: ReadonlySet<number>,
  wakeUps: readonly WaitEdge[],
): string {
  const waitOf = (t: number) => blocked[index.get(t)!].wait ?? '?';
  const parts = new Set<string>();
  for (const c of cycles) {
    const waits = c.map(waitOf);
    // the least rotation, so the cycle reads the same from whichever task it was found
    let best = waits;
    for (let r = 1; r < waits.length; r++) {
      const rot = [...waits.slice(r), ...waits.slice(0, r)];
      if (rot.join('\n') < best.join('\n')) best = rot;
    }
    parts.add(`[${best.join(' -> ')}]`);
  }
  if (!cycles.length) {
    for (const b of blocked)
      if (b.waitsFor.some((w) => exited.has(w))) parts.add(`exited holder: ${b.wait ?? '?'}`);
    for (const b of wakeUps) parts.add(`wake-up: ${b.wait ?? '?'}`);
  }
  return [...parts].sort().join('; ');
}

/**
 * The first of `cores` (one per finding, undefined where not a deadlock) equal to `cores[i]`, if
 * it comes before `i`; else -1. Reports name that finding: the same deadlock as finding `i`.
 */
export function earlierSameCore(cores: readonly (string | undefined)[], i: number): number {
  const first = cores[i] === undefined ? -1 : cores.indexOf(cores[i]);
  return first < i ? first : -1;
}

/** The summary as report lines: `cycle: A -> B -> A`, `waiting behind it: C`, ... */
export function describeWaitFor(s: WaitForSummary): string[] {
  const lines = s.cycles.map((c) =>
    c.length === 1
      ? `cycle: ${c[0]} waits for a lock it holds itself`
      : `cycle: ${[...c, c[0]].join(' -> ')}`,
  );
  if (s.behind.length)
    lines.push(`waiting behind ${s.cycles.length === 1 ? 'it' : 'them'}: ${s.behind.join(', ')}`);
  if (s.strandedByExit.length)
    lines.push(
      `${s.cycles.length ? '' : 'no cycle: '}${s.exited.join(', ')} exited holding ` +
        `${s.exited.length === 1 ? 'a lock' : 'locks'}; ${s.strandedByExit.join(', ')} ` +
        `wait${s.strandedByExit.length === 1 ? 's' : ''} for ${s.exited.length === 1 ? 'it' : 'them'}, ` +
        'directly or behind another task',
    );
  if (s.wakeUps.length) lines.push(`waiting for a wake-up no task is left to give: ${s.wakeUps.join(', ')}`);
  return lines;
}
