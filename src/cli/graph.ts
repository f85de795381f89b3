// `faultline graph`: run scenarios on one kernel and filesystem with lockdep and print the lock
// dependency graph it accumulated over all their executions.

import { check, type Model, type Monitor } from '../engine/index.js';
import { type Dependency, LockdepMonitor } from '../kernel/lockdep/index.js';
import { lockGraphDot, mergeDependencies } from '../report/lock-graph.js';
import type { Provider } from './provider.js';
import { type Budget, buildTargetModel, checkOptions, type RunHooks, type Target } from './target.js';

export interface GraphResult {
  dependencies: Dependency[];
  dot: string;
  /** Runs stopped by a budget: the graph may lack their later dependencies. */
  incomplete: string[];
}

export function runGraph(p: Provider, targets: Target[], budget: Budget, hooks: RunHooks = {}): GraphResult {
  const lists: Dependency[][] = [];
  const incomplete: string[] = [];
  for (const t of targets) {
    const model = buildTargetModel(p, t);
    // Keep the run's monitors to read lockdep's graph afterwards.
    const monitors: Monitor[] = [];
    const watched: Model = {
      ...model,
      monitors: () => {
        const ms = model.monitors?.() ?? [];
        monitors.push(...ms);
        return ms;
      },
    };
    const r = check(watched, { ...checkOptions(budget, hooks), minimize: false });
    if (!r.complete) incomplete.push(t.scenario.name);
    for (const m of monitors) if (m instanceof LockdepMonitor) lists.push(m.dependencies());
  }
  const dependencies = mergeDependencies(lists);
  const t0 = targets[0];
  const title = t0 ? `lockdep graph: ${t0.kernel.name} ${t0.fs}` : 'lockdep graph';
  return { dependencies, dot: lockGraphDot(dependencies, title), incomplete };
}

/** DOT to SVG with Graphviz compiled to WebAssembly (no graphviz binary needed). */
export async function dotToSvg(dot: string): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const gv = await Graphviz.load();
  return gv.dot(dot);
}
