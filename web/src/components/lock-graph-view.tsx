// The lock dependency graph of the run, laid out by Graphviz compiled to WebAssembly.

import { useMemo } from 'preact/hooks';
import { lockGraph } from '../lock-graph.js';
import type { TraceFile } from '../trace-format.js';
import { Diagram } from './diagram.js';

let graphviz: Promise<{ dot(src: string): string }> | undefined;

async function drawDot(dot: string): Promise<string> {
  graphviz ??= import('@hpcc-js/wasm-graphviz').then((m) => m.Graphviz.load());
  return (await graphviz).dot(dot);
}

export function LockGraphView(props: { trace: TraceFile }) {
  const graph = useMemo(() => lockGraph(props.trace), [props.trace]);
  return (
    <Diagram
      title="Lock dependency graph"
      caption={
        graph.locks === 0
          ? 'This trace takes no locks.'
          : graph.source === 'checker'
            ? 'As the checker recorded it for this run.'
            : 'Derived from this trace, by lock class: A → B when a thread takes or waits for B while holding A. Red edges close a cycle.'
      }
      source={graph.dot}
      testid="lock-graph"
      draw={drawDot}
    />
  );
}
