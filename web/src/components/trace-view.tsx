// One trace: header with the replay command, swim lanes beside the state and report panels,
// then the lock graph and the sequence diagram. Steps are selected by click or arrow keys.

import { useEffect, useState } from 'preact/hooks';
import { replayCommand } from '../report.js';
import type { TraceFile } from '../trace-format.js';
import { CopyBox } from './copy-box.js';
import { Lanes } from './lanes.js';
import { LockGraphView } from './lock-graph-view.js';
import { ReportPanel } from './report-panel.js';
import { SequenceView } from './sequence-view.js';
import { StatePanel } from './state-panel.js';

type Tab = 'state' | 'report';

export function TraceView(props: { trace: TraceFile; back?: string }) {
  const { trace } = props;
  const last = trace.steps.length - 1;
  // -1 is the initial state, before the first step.
  const [sel, setSel] = useState(-1);
  const [tab, setTab] = useState<Tab>(trace.finding ? 'report' : 'state');
  const select = (i: number) => {
    setSel(Math.max(-1, Math.min(last, i)));
    setTab('state');
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.altKey || e.ctrlKey || e.metaKey || target?.closest('input, textarea, select')) return;
      const moves: Record<string, (i: number) => number> = {
        ArrowDown: (i) => i + 1,
        ArrowRight: (i) => i + 1,
        j: (i) => i + 1,
        ArrowUp: (i) => i - 1,
        ArrowLeft: (i) => i - 1,
        k: (i) => i - 1,
        Home: () => -1,
        End: () => last,
      };
      const move = moves[e.key];
      if (!move) return;
      e.preventDefault();
      setSel((i) => Math.max(-1, Math.min(last, move(i))));
      setTab('state');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [last]);

  const f = trace.finding;
  return (
    <div class="trace-page">
      <header class="topbar">
        {props.back && (
          <a class="back" href={props.back}>
            ← matrix
          </a>
        )}
        <h1>
          <span class="model">{trace.model}</span>
          <span class={`outcome outcome-${trace.end.outcome}`} data-testid="outcome">
            {trace.end.outcome}
          </span>
          {f && <span class="finding-title">{f.title}</span>}
        </h1>
        <div class="facts">
          {trace.threads.length} threads · {trace.steps.length} steps
          {f && ` · ${f.preemptions} preemption${f.preemptions === 1 ? '' : 's'}`}
        </div>
        <CopyBox label="replay" text={replayCommand(trace)} testid="replay-command" />
      </header>
      <main class="trace-main">
        <section class="lanes-wrap" aria-label="swim lanes">
          <Lanes trace={trace} sel={sel} onSelect={select} />
        </section>
        <aside class="side">
          <div class="tabs" role="tablist">
            <button type="button" role="tab" aria-selected={tab === 'state'} onClick={() => setTab('state')}>
              State {sel < 0 ? '(initial)' : `after step ${sel}`}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'report'}
              onClick={() => setTab('report')}
            >
              Report
            </button>
          </div>
          <div class="tab-body" role="tabpanel">
            {tab === 'state' ? <StatePanel trace={trace} sel={sel} /> : <ReportPanel trace={trace} />}
          </div>
        </aside>
      </main>
      <section class="diagrams">
        <LockGraphView trace={trace} />
        <SequenceView trace={trace} />
      </section>
    </div>
  );
}
