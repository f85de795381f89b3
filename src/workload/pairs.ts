// The scenario space of docs/findings.md: every pair of actions by two processes on one page
// (and on one PMD) of a 4-page file, for each initial block state.

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

export const pageActions: PairAction[] = [
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

export const pmdActions: PairAction[] = [
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

/** Every unordered pair (a, b), a before b in the list, including (a, a). */
export function pairScenarios(kind: 'page' | 'pmd', state: BlockState): Scenario[] {
  const acts = kind === 'page' ? pageActions : pmdActions;
  const out: Scenario[] = [];
  for (let i = 0; i < acts.length; i++)
    for (let j = i; j < acts.length; j++) {
      const a = acts[i];
      const b = acts[j];
      out.push({
        name: `${kind}:${a.name}|${b.name}:${state}`,
        file: fileFor(state, kind === 'page' ? 1 : 4),
        mappings: [...(a.maps?.('p1') ?? []), ...(b.maps?.('p2') ?? [])],
        threads: [
          { name: `A:${a.name}`, process: 'p1', actions: a.actions('p1') },
          { name: `B:${b.name}`, process: 'p2', actions: b.actions('p2') },
        ],
      });
    }
  return out;
}
