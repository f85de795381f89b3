// The state after the selected step: threads (status, locks held, what they wait for), every lock
// with its holders and waiters, wait queues, and the other objects grouped by key prefix
// (`mm0.pte[3]` under mm0, `pagecache[2]` under pagecache). Objects the step touched are marked.

import { useMemo } from 'preact/hooks';
import type { ObjectSnapshot, TraceFile } from '../trace-format.js';
import {
  cpuName,
  groupState,
  lockColors,
  memberOf,
  stateAfter,
  threadLabel,
  touchedBy,
  waitersAfter,
  waitText,
} from '../trace-state.js';
import { Value } from './value.js';

export function StatePanel(props: { trace: TraceFile; sel: number }) {
  const { trace, sel } = props;
  const state = useMemo(() => stateAfter(trace, sel), [trace, sel]);
  const before = useMemo(() => stateAfter(trace, sel - 1), [trace, sel]);
  const touched = useMemo(() => touchedBy(trace, sel, before), [trace, sel, before]);
  const lockColor = useMemo(() => lockColors(trace), [trace]);
  const grouped = groupState(state);
  const waiting = waitersAfter(state);
  const step = trace.steps[sel];
  const mark = (key: string) => {
    const t = touched.get(key);
    return t ? `touched-${t}` : '';
  };
  const thread = (t: number) => (
    <span class="thread-chip" title={threadLabel(trace, t)}>
      {cpuName(t)}
    </span>
  );

  return (
    <div class="state" data-testid="state-panel" data-step={sel}>
      <div class="state-head" data-testid="state-head">
        {step ? (
          <>
            <div>
              After step <b>{sel}</b>: {threadLabel(trace, step.thread)} in <code>{step.fn}</code>
            </div>
            <div class="op">{step.op}</div>
            {step.note && <div class="state-note">{step.note}</div>}
          </>
        ) : (
          <div>Initial state, before the first step</div>
        )}
      </div>

      <section data-group="threads">
        <h3>Threads</h3>
        <table class="kv">
          {trace.threads.map((_, t) => {
            const status = step ? (step.status[t] ?? 'not started') : 'not started';
            const held = step?.held[t] ?? [];
            const waits = waiting.filter((w) => w.thread === t);
            return (
              <tr data-thread={t}>
                <th>{threadLabel(trace, t)}</th>
                <td>
                  <span class={`status st-${status}`}>{status}</span>
                  {held.map((h) => (
                    <span class="lock-chip" style={{ borderColor: lockColor(h.lock) }}>
                      holds {h.lock}
                      {h.mode === 'shared' ? ' (shared)' : ''}
                    </span>
                  ))}
                  {waits.map((w) => (
                    <span class="wait-chip">
                      {waitText(w)}
                      {w.holders.length > 0 && <> (held by {w.holders.map((h) => cpuName(h)).join(', ')})</>}
                    </span>
                  ))}
                </td>
              </tr>
            );
          })}
        </table>
      </section>

      {grouped.locks.length > 0 && (
        <section data-group="locks">
          <h3>Locks</h3>
          <table class="kv">
            {grouped.locks.map((l) => (
              <tr class={mark(l.key)} data-key={l.key}>
                <th>
                  <i class="swatch" style={{ background: lockColor(l.key) }} />
                  {l.key}
                  {l.cls !== l.key && <div class="cls">class {l.cls}</div>}
                </th>
                <td>
                  {l.holders.length === 0 && l.waiters.length === 0 && <span class="muted">free</span>}
                  {l.holders.length > 0 && (
                    <div>
                      held by{' '}
                      {l.holders.map((h) => (
                        <span class="holder">
                          {thread(h.thread)} {h.mode}
                        </span>
                      ))}
                    </div>
                  )}
                  {l.waiters.length > 0 && (
                    <div>
                      waiters{' '}
                      {l.waiters.map((w, k) => (
                        <span class="waiter">
                          {k + 1}. {thread(w.thread)} {w.mode}
                        </span>
                      ))}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </table>
        </section>
      )}

      {grouped.queues.length > 0 && (
        <section data-group="queues">
          <h3>Wait queues</h3>
          <table class="kv">
            {grouped.queues.map((q) => (
              <tr class={mark(q.key)} data-key={q.key}>
                <th>{q.key}</th>
                <td>
                  {q.waiters.length ? (
                    <>waiting: {q.waiters.map((t) => thread(t))}</>
                  ) : (
                    <span class="muted">nobody waits</span>
                  )}
                </td>
              </tr>
            ))}
          </table>
        </section>
      )}

      {grouped.groups.map((g) => (
        <section data-group={g.name}>
          <h3>{g.name}</h3>
          <table class="kv">
            {g.items.map((o) => (
              <tr class={mark(o.key)} data-key={o.key}>
                <th title={o.key}>{memberOf(o.key) || o.key}</th>
                <td>
                  <CellValue now={o} before={before.get(o.key)} changed={touched.get(o.key) === 'changed'} />
                </td>
              </tr>
            ))}
          </table>
        </section>
      ))}
    </div>
  );
}

function CellValue(props: { now: ObjectSnapshot; before: ObjectSnapshot | undefined; changed: boolean }) {
  const { now, before, changed } = props;
  if (now.kind !== 'cell') return null;
  return (
    <>
      <Value v={now.value} />
      {changed && before?.kind === 'cell' && (
        <div class="was">
          was <Value v={before.value} />
        </div>
      )}
    </>
  );
}
