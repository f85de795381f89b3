// The lock dependency graph lockdep accumulated, as Graphviz DOT: one node per lock class, one
// edge per dependency "held -> taken" labelled with its kinds (E/S holder x N/R acquirer, as in
// lockdep's 2020 rework) and the function that first took it. Edges on a cycle are red.

import type { Dependency } from '../kernel/lockdep/index.js';

/** Merge dependencies seen in several runs: one edge per pair, kinds united, first place kept. */
export function mergeDependencies(lists: readonly (readonly Dependency[])[]): Dependency[] {
  const byPair = new Map<string, Dependency>();
  for (const list of lists)
    for (const d of list) {
      const key = `${d.from}\u0000${d.to}`;
      const old = byPair.get(key);
      if (!old) byPair.set(key, { ...d, kinds: [...d.kinds], first: { ...d.first } });
      else
        for (const k of d.kinds)
          if (!old.kinds.includes(k)) {
            old.kinds.push(k);
            old.first[k] = d.first[k];
          }
    }
  return [...byPair.values()].sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
}

/** Edges that lie on some cycle of the graph (any kinds: lockdep's strong-cycle rule is in the reports). */
function onCycle(deps: readonly Dependency[]): Set<Dependency> {
  const out = new Map<string, string[]>();
  for (const d of deps) out.set(d.from, [...(out.get(d.from) ?? []), d.to]);
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const todo = [from];
    while (todo.length) {
      const n = todo.pop()!;
      if (n === to) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      todo.push(...(out.get(n) ?? []));
    }
    return false;
  };
  return new Set(deps.filter((d) => reaches(d.to, d.from)));
}

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function lockGraphDot(deps: readonly Dependency[], title: string): string {
  const cyc = onCycle(deps);
  const nodes = [...new Set(deps.flatMap((d) => [d.from, d.to]))].sort();
  const lines = [
    `digraph ${quote(title)} {`,
    `  label=${quote(title)}; labelloc=t; rankdir=LR;`,
    '  node [shape=box, fontname="monospace"]; edge [fontname="monospace", fontsize=10];',
  ];
  for (const n of nodes) lines.push(`  ${quote(n)};`);
  for (const d of deps) {
    const first = d.first[d.kinds[0]];
    const fn = first ? ` ${first.place.fn}` : '';
    const color = cyc.has(d) ? ', color=red, fontcolor=red' : '';
    lines.push(`  ${quote(d.from)} -> ${quote(d.to)} [label=${quote(`${d.kinds.join(',')}${fn}`)}${color}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
