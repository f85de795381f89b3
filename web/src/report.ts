// The finding's report text and the command that replays the trace, as the page shows them.

import type { TraceFile } from './trace-format.js';
import { blockedSentence } from './trace-state.js';

/** The report the checker wrote into the trace; else one assembled from the finding's fields. */
export function reportText(trace: TraceFile): { text: string; fromChecker: boolean } {
  const f = trace.finding;
  if (f?.report) return { text: f.report, fromChecker: true };
  const lines: string[] = [];
  if (f) {
    lines.push(f.title, '');
    if (f.message) lines.push(f.message, '');
    if (f.locks?.length) lines.push(`locks:     ${[...new Set(f.locks)].join(', ')}`);
    if (f.functions?.length) lines.push(`functions: ${[...new Set(f.functions)].join(', ')}`);
    lines.push(`signature: ${f.signature}`);
    if (f.confirmed !== undefined) lines.push(`confirmed: ${f.confirmed ? 'yes' : 'no'}`);
  } else lines.push(`no finding: the execution ends ${trace.end.outcome}`);
  if (trace.end.blocked.length) {
    lines.push('', 'blocked at the end:');
    for (const b of trace.end.blocked) lines.push(`  ${blockedSentence(trace, b)}`);
  }
  return { text: lines.join('\n'), fromChecker: false };
}

const shellWord = (s: string) => (/^[\w@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The command that replays this trace: the one the command recorded (`extra.replay`), else
 * `faultline replay TOKEN` with the target `extra.faultline` names (scenario, kernel, fs,
 * provider), if any.
 */
export function replayCommand(trace: TraceFile): string {
  const x = trace.extra ?? {};
  if (typeof x.replay === 'string' && x.replay) return x.replay;
  const ctx = (x.faultline ?? {}) as Record<string, unknown>;
  const parts = ['faultline', 'replay', trace.token];
  const target: [string, unknown][] = [
    ['scenario', ctx.scenarioRef],
    ['kernel', ctx.kernel],
    ['fs', ctx.fs],
    ['provider', ctx.provider],
  ];
  for (const [opt, v] of target) if (typeof v === 'string' && v) parts.push(`--${opt}`, v);
  return parts.map(shellWord).join(' ');
}
