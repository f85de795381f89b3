// The scenario space of `faultline explore` (and, with two threads, of the pair sweep in
// docs/findings.md): every multiset of actions by processes of their own, on one page (or one
// PMD) of a 4-page file, for each initial block state.

import type { Action, BlockInit, MappingInit, Scenario } from './scenario.js';

export type BlockState = 'hole' | 'hole+cached' | 'unwritten' | 'written';
export const blockStates: BlockState[] = ['hole', 'hole+cached', 'unwritten', 'written'];

/** One actor of a pair: what its process maps and what it does. */
interface PairAction {
  name: string;
  maps?: (p: string) => MappingInit[];
  actions: (p: string) => Action[];
}

const sharedMap = (p: string, huge = false): MappingInit[] => [
  { id: `${p}m`, process: p, shared: true, huge },
];

const pageActions: PairAction[] = [
  { name: 'load', maps: sharedMap, actions: (p) => [{ do: 'load', map: `${p}m`, page: 0 }] },
  {
    name: 'store+load',
    maps: sharedMap,
    actions: (p) => [
      { do: 'store', map: `${p}m`, page: 0, value: p === 'p1' ? 11 : 22 },
      { do: 'load', map: `${p}m`, page: 0 },
    ],
  },
  {
    name: 'cow-store',
    maps: (p) => [{ id: `${p}m`, process: p, shared: false }],
    actions: (p) => [{ do: 'store', map: `${p}m`, page: 0, value: p === 'p1' ? 13 : 23 }],
  },
  { name: 'write', actions: (p) => [{ do: 'write', page: 0, value: p === 'p1' ? 14 : 24 }] },
  { name: 'truncate', actions: () => [{ do: 'truncate', size: 0 }] },
  {
    name: 'load+munmap',
    maps: sharedMap,
    actions: (p) => [
      { do: 'load', map: `${p}m`, page: 0 },
      { do: 'munmap', map: `${p}m` },
    ],
  },
  { name: 'unbind', actions: () => [{ do: 'unbind' }] },
  { name: 'invalidate', actions: () => [{ do: 'invalidate', page: 0, pages: 1 }] },
];

const pmdActions: PairAction[] = [
  {
    name: 'pmd-load',
    maps: (p) => sharedMap(p, true),
    actions: (p) => [{ do: 'load', map: `${p}m`, page: 0 }],
  },
  {
    name: 'pmd-store+load',
    maps: (p) => sharedMap(p, true),
    actions: (p) => [
      { do: 'store', map: `${p}m`, page: 0, value: p === 'p1' ? 11 : 22 },
      { do: 'load', map: `${p}m`, page: 0 },
    ],
  },
  { name: 'truncate', actions: () => [{ do: 'truncate', size: 1 }] },
  { name: 'write', actions: (p) => [{ do: 'write', page: 0, value: p === 'p1' ? 14 : 24 }] },
  { name: 'unbind', actions: () => [{ do: 'unbind' }] },
];

function fileFor(state: BlockState, pages: number): Scenario['file'] {
  const b: BlockInit[] = [];
  for (let i = 0; i < pages; i++)
    b.push(state === 'written' ? { written: 100 + i } : state === 'unwritten' ? 'unwritten' : 'hole');
  return { size: 4, blocks: b, ...(state === 'hole+cached' ? { cachedHoles: [0] } : {}) };
}

export interface SpaceOptions {
  /** Threads (one process each). */
  threads: number;
  /** Page-sized actions on page 0 of a 1-page file, or PMD-sized ones on a 4-page file. */
  kind?: 'page' | 'pmd';
  /** Action names from `pageActions` / `pmdActions` (default: all of them). */
  actions?: readonly string[];
  /** Initial block states (default: all four). */
  states?: readonly BlockState[];
  /** Each scenario's `limits.maxFaults`; names then end in `:f<n>` (page:load|unbind:hole:f2). */
  maxFaults?: number;
}

/**
 * The generated scenario space of `faultline explore`: every multiset of `threads` actions
 * (repetition allowed, order irrelevant), for each initial state. Each thread is its own
 * process; every store and write(2) writes a value of its own, so a lost or stale value says
 * whose it was.
 */
export function scenarioSpace(o: SpaceOptions): Scenario[] {
  const kind = o.kind ?? 'page';
  const vocab = kind === 'page' ? pageActions : pmdActions;
  const acts = o.actions ? o.actions.map((n) => actionNamed(vocab, n, kind)) : vocab;
  if (!Number.isInteger(o.threads) || o.threads < 1)
    throw new Error(`threads must be >= 1 (got ${o.threads})`);
  if (o.maxFaults !== undefined && !(Number.isInteger(o.maxFaults) && o.maxFaults >= 1))
    throw new Error(`maxFaults must be an integer >= 1 (got ${o.maxFaults})`);
  for (const st of o.states ?? [])
    if (!blockStates.includes(st))
      throw new Error(`unknown initial state '${st}' (known: ${blockStates.join(', ')})`);
  const out: Scenario[] = [];
  const pick = (from: number, chosen: PairAction[]): void => {
    if (chosen.length === o.threads) {
      for (const state of o.states ?? blockStates) out.push(spaceScenario(kind, chosen, state, o.maxFaults));
      return;
    }
    for (let i = from; i < acts.length; i++) pick(i, [...chosen, acts[i]]);
  };
  pick(0, []);
  return out;
}

/**
 * The scenario a name of the generated space stands for (`page:load|write:hole`, with a fault
 * bound `page:load|unbind:hole:f2`): the inverse of `spaceScenario`'s naming; undefined for a
 * name it does not produce.
 */
export function spaceScenarioNamed(name: string): Scenario | undefined {
  const m = /^(page|pmd):([^:]+):([a-z+]+)(?::f([1-9][0-9]*))?$/.exec(name);
  if (!m) return undefined;
  const actions = m[2].split('|');
  try {
    return scenarioSpace({
      threads: actions.length,
      kind: m[1] as 'page' | 'pmd',
      actions: [...new Set(actions)],
      states: [m[3] as BlockState],
      ...(m[4] ? { maxFaults: Number(m[4]) } : {}),
    }).find((s) => s.name === name);
  } catch {
    return undefined; // an unknown action or state
  }
}

function actionNamed(vocab: readonly PairAction[], name: string, kind: string): PairAction {
  const a = vocab.find((x) => x.name === name);
  if (!a) throw new Error(`unknown ${kind} action '${name}' (known: ${vocab.map((x) => x.name).join(', ')})`);
  return a;
}

function spaceScenario(
  kind: 'page' | 'pmd',
  chosen: readonly PairAction[],
  state: BlockState,
  maxFaults: number | undefined,
): Scenario {
  const procs = chosen.map((_, i) => `p${i + 1}`);
  let value = 0;
  const threads = chosen.map((a, i) => ({
    name: `${String.fromCharCode(65 + i)}:${a.name}`,
    process: procs[i],
    actions: a
      .actions(procs[i])
      .map((x) => (x.do === 'store' || x.do === 'write' ? { ...x, value: 10 * (i + 1) + ++value } : x)),
  }));
  return {
    name: `${kind}:${chosen.map((a) => a.name).join('|')}:${state}${maxFaults ? `:f${maxFaults}` : ''}`,
    file: fileFor(state, kind === 'page' ? 1 : 4),
    mappings: chosen.flatMap((a, i) => a.maps?.(procs[i]) ?? []),
    ...(maxFaults ? { limits: { maxFaults } } : {}),
    threads,
  };
}
