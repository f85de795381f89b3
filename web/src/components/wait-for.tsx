// How the execution ends, and for each thread still blocked an arrow to the thread it waits for
// (the holder of the lock it wants): at a deadlock the arrows close a cycle.

import type { TraceFile } from '../trace-format.js';
import { blockedSentence, waitText } from '../trace-state.js';

interface Edge {
  from: number;
  to: number | undefined;
  key: string;
  kind: string;
}

const EDGE_H = 30;

export function WaitFor(props: { trace: TraceFile }) {
  const { trace } = props;
  const n = trace.threads.length;
  const edges = trace.end.blocked.flatMap<Edge>((b) =>
    b.holders.length
      ? b.holders.map((h) => ({ from: b.thread, to: h, key: b.waitsFor.key, kind: b.waitsFor.kind }))
      : [{ from: b.thread, to: undefined, key: b.waitsFor.key, kind: b.waitsFor.kind }],
  );
  const x = (t: number) => `${((t + 0.5) / n) * 100}%`;
  const height = 14 + edges.length * EDGE_H;
  return (
    <div class="waitfor" data-testid="waitfor">
      <div class="waitfor-title">
        execution ends: <b class={`outcome-${trace.end.outcome}`}>{trace.end.outcome}</b>
        {edges.length > 0 && ' · wait-for edges'}
      </div>
      {edges.length > 0 && (
        <svg width="100%" height={height} role="img" aria-label="wait-for edges between threads">
          <defs>
            <marker
              id="wf-arrow"
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" fill="#c62828" />
            </marker>
          </defs>
          {trace.threads.map((_, t) => (
            <line class="guide" x1={x(t)} x2={x(t)} y1={0} y2={height} />
          ))}
          {edges.map((e, k) => {
            const y = 22 + k * EDGE_H;
            const base = { 'data-testid': 'waitfor-edge', 'data-from': e.from, 'data-key': e.key };
            if (e.to === undefined || e.to === e.from) {
              // No arrow: a mark on the lane, the words on the side with more room.
              const right = e.from + 0.5 < n / 2;
              return (
                <g class="waitfor-edge" {...base} data-to={e.to ?? ''}>
                  <circle cx={x(e.from)} cy={y} r={5} />
                  <text x={x(e.from)} dx={right ? 10 : -10} y={y + 4} text-anchor={right ? 'start' : 'end'}>
                    {waitText(e)}
                    {e.to === undefined ? '' : ', which it holds itself'}
                  </text>
                </g>
              );
            }
            const mid = `${((e.from + e.to + 1) / 2 / n) * 100}%`;
            return (
              <g class="waitfor-edge" {...base} data-to={e.to}>
                <line x1={x(e.from)} x2={x(e.to)} y1={y} y2={y} marker-end="url(#wf-arrow)" />
                <circle cx={x(e.from)} cy={y} r={3.5} />
                <text x={mid} y={y - 6} text-anchor="middle">
                  {waitText(e)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {edges.length > 0 && (
        <ul class="waitfor-list">
          {trace.end.blocked.map((b) => (
            <li>{blockedSentence(trace, b)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
