// A matrix result: a row per finding, a column per kernel version; each cell lists where the
// finding appeared in that version (filesystem and scenario), each a link to its trace.

import { waitForLines } from '../matrix-rows.js';
import type { Matrix, MatrixRun } from '../trace-format.js';

/** `canOpen`: the server can replay an occurrence into a trace (else cells list, not link). */
export function MatrixView(props: { matrix: Matrix; canOpen: boolean }) {
  const { matrix } = props;
  const runsOf = (v: string) => matrix.runs.filter((r) => r.kernel === v);
  const incomplete = (runs: MatrixRun[]) => runs.filter((r) => !r.complete).length;
  const waits = waitForLines(matrix);
  return (
    <div class="matrix-page">
      <header class="topbar">
        <h1>
          <span class="model">faultline matrix</span>
          <span class="finding-title">
            {matrix.findings.length} finding{matrix.findings.length === 1 ? '' : 's'} ·{' '}
            {matrix.versions.length} version{matrix.versions.length === 1 ? '' : 's'} · {matrix.runs.length}{' '}
            run
            {matrix.runs.length === 1 ? '' : 's'}
          </span>
        </h1>
      </header>
      <div class="matrix-wrap">
        <table class="matrix" data-testid="matrix">
          <thead>
            <tr>
              <th class="finding-col">finding</th>
              {matrix.versions.map((v) => (
                <th data-version={v}>{v}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.findings.map((f, fi) => (
              <tr data-signature={f.signature}>
                <th class="finding-col">
                  <span class={`kind kind-${f.kind}`}>{f.kind}</span>
                  {f.confirmed !== undefined && (
                    <span class="muted"> {f.confirmed ? 'confirmed' : 'not confirmed'}</span>
                  )}
                  <div class="title">{f.title}</div>
                  <div class="signature" title="signature">
                    {f.signature}
                  </div>
                  {waits[fi] && (
                    <div class="wait-for" data-testid="matrix-wait-for">
                      {waits[fi]}
                    </div>
                  )}
                </th>
                {matrix.versions.map((v) => {
                  const occ = f.occurrences.map((o, oi) => ({ o, oi })).filter(({ o }) => o.kernel === v);
                  const ran = runsOf(v).length > 0;
                  return (
                    <td class={occ.length ? 'hit' : 'miss'} data-version={v} data-testid="matrix-cell">
                      {occ.length === 0 && <span class="muted">{ran ? '–' : 'not run'}</span>}
                      {occ.map(({ o, oi }) =>
                        // A predicted finding (lock-order cycle) may have no execution to show.
                        o.token && props.canOpen ? (
                          <a
                            href={`#/occurrence/${fi}/${oi}`}
                            title={`token ${o.token}`}
                            data-testid="occurrence"
                          >
                            {o.fs} · {o.scenario}
                          </a>
                        ) : (
                          <span
                            class="no-trace"
                            title={
                              o.token
                                ? `token ${o.token}`
                                : 'predicted from the lock graph: no execution to show'
                            }
                          >
                            {o.fs} · {o.scenario}
                            {!o.token && ' (predicted)'}
                          </span>
                        ),
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
            {matrix.findings.length === 0 && (
              <tr>
                <td colSpan={matrix.versions.length + 1} class="muted">
                  No findings.
                </td>
              </tr>
            )}
          </tbody>
          <tfoot>
            <tr>
              <th class="finding-col">runs</th>
              {matrix.versions.map((v) => {
                const runs = runsOf(v);
                const execs = runs.reduce((n, r) => n + r.executions, 0);
                const bad = incomplete(runs);
                return (
                  <td data-version={v}>
                    {runs.length} run{runs.length === 1 ? '' : 's'}, {execs.toLocaleString('en')} executions
                    {bad > 0 && (
                      <div class="warn">{bad} incomplete (budget hit): a blank cell proves nothing</div>
                    )}
                  </td>
                );
              })}
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}
