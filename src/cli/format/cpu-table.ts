// Steps of an execution in CPU columns, one column per thread, the way lockdep's scenario tables
// and kernel developers' race diagrams put them:
//
//          CPU0 (truncate)                 CPU1 (fault)
//          ----                            ----
//     3    down_write(&mapping->i_mmap_rwsem)
//     4                                    down_read(&mm->mmap_sem)

import type { TraceStep } from '../../engine/index.js';

export interface CpuRow {
  /** Step number shown at the left (omitted for continuation lines). */
  step?: number;
  thread: number;
  /** Lines of text for the thread's column; long lines are wrapped to the column. */
  lines: string[];
  /** Dim the text (function headers, held-lock lines). */
  dim?: boolean;
}

export interface CpuTableOptions {
  threads: readonly string[];
  /** Total width (default 110, the project's line width). */
  width?: number;
  dim?: (s: string) => string;
  bold?: (s: string) => string;
}

const STEP_WIDTH = 6;

export function cpuTable(rows: readonly CpuRow[], opts: CpuTableOptions): string[] {
  const n = Math.max(1, opts.threads.length);
  const width = opts.width ?? 110;
  const col = Math.max(20, Math.floor((width - STEP_WIDTH) / n) - 1);
  const dim = opts.dim ?? ((s: string) => s);
  const bold = opts.bold ?? ((s: string) => s);
  const out: string[] = [];
  const header = opts.threads.map((name, i) => pad(`CPU${i} (${name})`, col)).join(' ');
  out.push(' '.repeat(STEP_WIDTH) + bold(header.trimEnd()));
  out.push(
    ' '.repeat(STEP_WIDTH) +
      opts.threads
        .map(() => pad('----', col))
        .join(' ')
        .trimEnd(),
  );
  for (const row of rows) {
    const wrapped = row.lines.flatMap((l) => wrap(l, col));
    wrapped.forEach((text, k) => {
      const stepText = k === 0 && row.step !== undefined ? String(row.step) : '';
      const left = `${stepText.padStart(STEP_WIDTH - 2)}  `;
      const indent = row.thread * (col + 1);
      const cell = row.dim ? dim(text) : text;
      out.push(`${left}${' '.repeat(indent)}${cell}`.trimEnd());
    });
  }
  return out;
}

function pad(s: string, w: number): string {
  return s.length >= w ? `${s.slice(0, w - 1)}…` : s.padEnd(w);
}

/** Wrap to the column; continuation lines are indented. */
export function wrap(text: string, w: number): string[] {
  if (text.length <= w) return [text];
  const out: string[] = [];
  let rest = text;
  let first = true;
  while (rest.length) {
    const avail = first ? w : w - 2;
    const prefix = first ? '' : '  ';
    if (rest.length <= avail) {
      out.push(prefix + rest);
      break;
    }
    // Break at a space, else after an opening parenthesis or a comma, else anywhere.
    let cut = rest.lastIndexOf(' ', avail);
    if (cut <= avail / 3)
      cut = Math.max(rest.lastIndexOf('(', avail - 1), rest.lastIndexOf(',', avail - 1)) + 1;
    if (cut <= avail / 3) cut = avail;
    out.push(prefix + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    first = false;
  }
  return out;
}

/** Trace steps as CPU-table rows, with a dim `fn():` line when a thread enters another function. */
export function traceRows(
  steps: readonly TraceStep[],
  held?: (s: TraceStep) => string | undefined,
): CpuRow[] {
  const rows: CpuRow[] = [];
  const lastFn = new Map<number, string>();
  for (const s of steps) {
    if (lastFn.get(s.thread) !== s.fn) {
      rows.push({ thread: s.thread, lines: [`${s.fn}():`], dim: true });
      lastFn.set(s.thread, s.fn);
    }
    const note = s.note ? `  [${s.note}]` : '';
    const label = s.label ? `  @${s.label}` : '';
    rows.push({ step: s.i, thread: s.thread, lines: [`  ${s.op}${note}${label}`] });
    const h = held?.(s);
    if (h !== undefined) rows.push({ thread: s.thread, lines: [`    holds: ${h}`], dim: true });
  }
  return rows;
}
