// The trace as a Mermaid sequence diagram.

import { useMemo } from 'preact/hooks';
import { sequenceDiagram } from '../sequence.js';
import type { TraceFile } from '../trace-format.js';
import { Diagram } from './diagram.js';

type Mermaid = typeof import('mermaid').default;
let mermaid: Promise<Mermaid> | undefined;
let drawings = 0;

async function drawMermaid(text: string): Promise<string> {
  mermaid ??= import('mermaid').then((m) => {
    m.default.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'neutral',
      maxTextSize: 500_000,
      // Natural size, scrolled in its box: scaled to the page width, a long trace is unreadable.
      sequence: { mirrorActors: false, showSequenceNumbers: false, useMaxWidth: false },
    });
    return m.default;
  });
  const { svg } = await (await mermaid).render(`sequence-${++drawings}`, text);
  return svg;
}

export function SequenceView(props: { trace: TraceFile }) {
  const text = useMemo(() => sequenceDiagram(props.trace), [props.trace]);
  return (
    <Diagram
      title="Sequence diagram"
      caption="Each step is an arrow from its CPU to the lock or group of objects it touched (a cross when the thread blocks); the red box holds the wait-for edges at the end."
      source={text}
      testid="sequence"
      draw={drawMermaid}
    />
  );
}
