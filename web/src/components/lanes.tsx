// Swim lanes: a column per thread (CPU0, CPU1, ...), a row per step, time going down like the
// CPU0/CPU1 tables of lockdep reports. Locks held are bars beside each lane; a blocked thread's
// lane is hatched; the last row draws the wait-for edges between threads.

import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { TraceFile } from '../trace-format.js';
import { cpuName, lockBars, lockColors, threadLabel } from '../trace-state.js';
import { WaitFor } from './wait-for.js';

/** Height of one step's row, in px: the bars are positioned by it. */
const ROW = 46;
const BAR = 12;
const BAR_GAP = 3;
/** Preact 11 sets numbers in styles as they are: lengths need their unit. */
const px = (n: number) => `${n}px`;

export function Lanes(props: { trace: TraceFile; sel: number; onSelect: (i: number) => void }) {
  const { trace, sel, onSelect } = props;
  const n = trace.threads.length;
  const rows = trace.steps.length;
  const lanes = useMemo(() => lockBars(trace), [trace]);
  const lockColor = useMemo(() => lockColors(trace), [trace]);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    box.current?.querySelector(`.num[data-step="${sel}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [sel]);

  const barsWidth = (t: number) => 6 + lanes[t].tracks * (BAR + BAR_GAP);
  const cls = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(' ');
  const cells = [];

  cells.push(
    <div class="head num" style={{ gridRow: 1, gridColumn: 1 }}>
      step
    </div>,
  );
  for (let t = 0; t < n; t++) {
    const locks = [...new Map(lanes[t].bars.map((b) => [b.lock, b])).values()];
    cells.push(
      <div
        class="head lane-head"
        style={{ gridRow: 1, gridColumn: t + 2 }}
        data-testid="lane"
        data-thread={t}
      >
        <div class="cpu">{cpuName(t)}</div>
        <div class="thread-name" title={threadLabel(trace, t)}>
          {trace.threads[t]}
        </div>
        {locks.length > 0 && (
          <div class="legend">
            {locks.map((b) => (
              <span class="legend-item" title={`${b.lock} (class ${b.cls})`}>
                <i style={{ background: lockColor(b.lock) }} />
                {b.lock}
              </span>
            ))}
          </div>
        )}
      </div>,
    );
  }

  // Row 2: the initial state; rows 3..: the steps.
  const row = (i: number) => i + 3;
  cells.push(
    <div class={cls('cell num', sel === -1 && 'sel')} style={{ gridRow: 2, gridColumn: 1 }} data-step={-1}>
      start
    </div>,
  );
  for (let t = 0; t < n; t++)
    cells.push(
      <div
        class={cls('cell lane-cell start', sel === -1 && 'sel')}
        style={{ gridRow: 2, gridColumn: t + 2, paddingLeft: px(barsWidth(t)) }}
        data-step={-1}
      >
        <span class="muted">initial state</span>
      </div>,
    );
  trace.steps.forEach((s, i) => {
    cells.push(
      <div
        class={cls('cell num', sel === i && 'sel')}
        style={{ gridRow: row(i), gridColumn: 1 }}
        data-step={i}
      >
        {i}
      </div>,
    );
    for (let t = 0; t < n; t++) {
      const status = s.status[t] ?? 'absent';
      const own = s.thread === t;
      cells.push(
        <div
          class={cls('cell lane-cell', `st-${status}`, sel === i && 'sel', own && 'own')}
          style={{ gridRow: row(i), gridColumn: t + 2, paddingLeft: px(barsWidth(t)) }}
          data-step={i}
        >
          {own && (
            <div
              class={cls('card', status === 'blocked' && 'blocking')}
              data-testid="step"
              data-step={i}
              data-thread={t}
              title={`${i}: ${s.fn}${s.label ? ` [${s.label}]` : ''}\n${s.op}${s.note ? `\n${s.note}` : ''}`}
            >
              <div class="op">{s.op}</div>
              <div class="fn">
                {s.fn}
                {s.label && <span class="label"> · {s.label}</span>}
                {s.note && <span class="note"> · {s.note}</span>}
              </div>
            </div>
          )}
        </div>,
      );
    }
  });
  if (rows > 0)
    for (let t = 0; t < n; t++)
      cells.push(
        <div class="bars" style={{ gridRow: `3 / span ${rows}`, gridColumn: t + 2 }}>
          {lanes[t].bars.map((b) => (
            <div
              class={cls('lock-bar', b.mode === 'shared' && 'shared')}
              data-testid="lock-bar"
              data-thread={t}
              data-lock={b.lock}
              data-from={b.from}
              data-to={b.to}
              data-step={b.from}
              title={`${cpuName(t)} holds ${b.lock} (${b.mode}) after steps ${b.from}..${b.to}`}
              style={{
                top: px(b.from * ROW + 3),
                height: px((b.to - b.from + 1) * ROW - 6),
                left: px(4 + b.track * (BAR + BAR_GAP)),
                width: px(BAR),
                background: lockColor(b.lock, b.mode),
              }}
            >
              <span>{b.lock}</span>
            </div>
          ))}
        </div>,
      );
  cells.push(
    <div class="cell num end" style={{ gridRow: row(rows), gridColumn: 1 }}>
      end
    </div>,
    <div class="end-cell" style={{ gridRow: row(rows), gridColumn: `2 / span ${n}` }}>
      <WaitFor trace={trace} />
    </div>,
  );

  // One handler for every cell: the step is in the clicked element's data-step.
  const onClick = (e: MouseEvent) => {
    const at = (e.target as Element).closest<HTMLElement>('[data-step]');
    if (at) onSelect(Number(at.dataset.step));
  };

  return (
    // Keys (arrows, Home, End) are handled for the whole page by TraceView, not on this element.
    // biome-ignore lint/a11y/noStaticElementInteractions: see above
    // biome-ignore lint/a11y/useKeyWithClickEvents: see above
    <div
      ref={box}
      onClick={onClick}
      class="lanes"
      data-testid="lanes"
      style={{
        gridTemplateColumns: `3.2rem repeat(${n}, minmax(10.5rem, 1fr))`,
        gridTemplateRows: `auto repeat(${rows + 1}, ${ROW}px) auto`,
      }}
    >
      {cells}
    </div>
  );
}
