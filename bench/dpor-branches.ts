// Could one DPOR exploration be split over worker threads and still give the same result for
// every number of workers? One way: a coordinator keeps the sequential algorithm (wakeup trees,
// sleep sets, races, in the same order) and only the model runs go to workers, each run ahead of
// time as soon as the branch it starts with is known. That pays only if branches are known early.
// This prints, for some DAX matrix cells, how many executions earlier each execution's branch was
// inserted into the wakeup tree: age 1 means the races of the execution just before it created
// it, so it could not have started any sooner than in the sequential search. `2 workers` is the
// best speed-up such a scheme could reach with two workers: every execution taking the same time,
// started as soon as the coordinator has taken in (in order) the execution whose races created its
// branch and a worker is free, the coordinator itself costing nothing. `settled` also waits for
// the last insertion below the branch (a run started earlier would follow a wakeup tree that later
// races still change). Splitting by subtrees instead of executions is no better: each execution
// still waits for the one that settled its branch.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/dpor-branches.js
//   node dist/bench/dpor-branches.js v4.4 xfs 'page:load|write|invalidate:hole:f2'
//   node dist/bench/dpor-branches.js v4.4 xfs read-fault-vs-write-syscall

import { exploreDpor } from '../src/engine/explorers/dpor.js';
import { Run } from '../src/engine/run.js';
import { buildModel, builtinScenarios, spaceScenarioNamed } from '../src/workload/index.js';

const CELLS: [string, 'ext4' | 'xfs', string][] = [
  ['v4.4', 'xfs', 'read-fault-vs-write-syscall'],
  ['v4.4', 'ext4', 'mmap-vs-fault'],
  ['v4.4', 'ext4', 'read-fault-vs-write-syscall'],
  ['v4.3', 'ext4', 'write-fault-vs-write-fault'],
];

const BUCKETS = ['1', '2', '3-4', '5-16', '>16', 'choice'] as const;
function bucket(age: number | 'choice'): (typeof BUCKETS)[number] {
  if (age === 'choice') return 'choice';
  if (age <= 2) return age <= 1 ? '1' : '2';
  if (age <= 4) return '3-4';
  return age <= 16 ? '5-16' : '>16';
}

const args = process.argv.slice(2);
const cells = args.length >= 3 ? [[args[0], args[1], args[2]] as (typeof CELLS)[number]] : CELLS;

/** Makespan, in executions, of running them on `workers` workers as soon as each branch exists. */
function makespan(ages: readonly number[], workers: number): number {
  // committed[k]: when the coordinator has the results of executions 0..k (it takes them in order).
  const committed: number[] = [];
  const free = new Array<number>(workers).fill(0);
  for (let k = 0; k < ages.length; k++) {
    const ready = k - ages[k] >= 0 ? committed[k - ages[k]] : 0;
    let w = 0;
    for (let i = 1; i < workers; i++) if (free[i] < free[w]) w = i;
    const finish = Math.max(ready, free[w]) + 1;
    free[w] = finish;
    committed[k] = Math.max(finish, k > 0 ? committed[k - 1] : 0);
  }
  return committed[ages.length - 1];
}

console.log(
  `| cell | executions | ${BUCKETS.map((b) => `age ${b}`).join(' | ')} | 2 workers | 2 workers, settled |`,
);
console.log(`|---|---:|${BUCKETS.map(() => '---:').join('|')}|---:|---:|`);
for (const [kernel, fs, name] of cells) {
  // A scenario of explore's space runs with the atomic MMU walk, as the three-thread runs do.
  const space = spaceScenarioNamed(name);
  const scenario =
    builtinScenarios.find((s) => s.name === name) ?? (space && { ...space, mmu: { walk: 'atomic' } });
  if (!scenario) throw new Error(`no built-in or explore scenario '${name}'`);
  const run = new Run(buildModel(scenario, { kernel, fs }), {});
  const count = new Map<string, number>();
  // The first execution starts at once (no branch to wait for); a choice-vector branch waits for
  // the execution before it (its arity is learnt there). These cells have one pass, so the ages
  // line up with the executions (checked below).
  const ages: number[] = [Number.POSITIVE_INFINITY];
  // The same, waiting also for the last insertion below the branch (what it explores is fixed).
  const settled: number[] = [Number.POSITIVE_INFINITY];
  const complete = exploreDpor(run, {
    branch: (age, _cause, settledAge) => {
      count.set(bucket(age), (count.get(bucket(age)) ?? 0) + 1);
      ages.push(age === 'choice' ? 1 : age);
      settled.push(age === 'choice' ? 1 : (settledAge as number));
    },
  });
  const n = run.stats.executions;
  if (ages.length !== n) throw new Error(`${name}: ${n} executions in more than one DPOR pass`);
  const pct = (b: string) => `${(((count.get(b) ?? 0) / n) * 100).toFixed(0)}%`;
  console.log(
    `| ${kernel} ${fs} ${name}${complete ? '' : ' (incomplete)'} | ${n} | ${BUCKETS.map(pct).join(' | ')} | ` +
      `${(n / makespan(ages, 2)).toFixed(2)}x | ${(n / makespan(settled, 2)).toFixed(2)}x |`,
  );
}
