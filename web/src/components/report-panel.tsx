// The finding's lockdep-style report, as the checker wrote it into the trace.

import { reportText } from '../report.js';
import type { TraceFile } from '../trace-format.js';

export function ReportPanel(props: { trace: TraceFile }) {
  const { trace } = props;
  const { text, fromChecker } = reportText(trace);
  const f = trace.finding;
  return (
    <div class="report" data-testid="report-panel">
      {f && (
        <div class="report-meta">
          <span class={`kind kind-${f.kind}`}>{f.kind}</span>
          {f.confirmed !== undefined && (
            <span class="muted">{f.confirmed ? 'confirmed' : 'not confirmed'}</span>
          )}
        </div>
      )}
      {!fromChecker && (
        <p class="muted">
          The trace carries no report text; this summary is built from its finding and end state.
        </p>
      )}
      <pre data-testid="report-text">{text}</pre>
      <dl class="report-facts">
        <dt>token</dt>
        <dd>
          <code>{trace.token}</code>
        </dd>
        {f && fromChecker && (
          <>
            <dt>signature</dt>
            <dd>
              <code>{f.signature}</code>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
