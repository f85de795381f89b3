// A one-line progress display on stderr for long runs: executions, findings, rate, ETA. Only on a
// terminal; on a pipe, in CI or in a test it prints nothing.

export interface ProgressUpdate {
  executions: number;
  findings: number;
  elapsedMs: number;
  /** DPOR's estimate of the share of the exploration done. */
  explored?: number;
}

export interface ProgressLine {
  /** Start a new unit of work (a matrix cell); `index` is 0-based; `startedAt` if not now. */
  unit(index: number, total: number, label: string, startedAt?: number): void;
  update(p: ProgressUpdate): void;
  /** Erase the line. */
  done(): void;
}

export interface ProgressOptions {
  stream: { isTTY?: boolean; columns?: number; write(s: string): boolean };
  /** Budget known in advance, for the ETA: executions (random/PCT runs, --max-executions) and time. */
  maxExecutions?: number;
  timeLimitMs?: number;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

export function progressEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.CI && env.TERM !== 'dumb';
}

const quiet: ProgressLine = { unit() {}, update() {}, done() {} };

export function progressLine(opts: ProgressOptions): ProgressLine {
  if (!progressEnabled(opts.stream, opts.env)) return quiet;
  const now = opts.now ?? (() => performance.now());
  const started = now();
  let unitText = '';
  let unitIndex = 0;
  let unitTotal = 1;
  let unitStarted = started;
  let shown = false;
  const write = (text: string) => {
    const cols = opts.stream.columns ?? 100;
    const line = text.length >= cols ? `${text.slice(0, cols - 2)}…` : text;
    opts.stream.write(`\r\x1b[2K${line}`);
    shown = true;
  };
  return {
    unit(index, total, label, startedAt) {
      unitIndex = index;
      unitTotal = total;
      unitText = `[${index + 1}/${total} ${label}] `;
      unitStarted = startedAt ?? now();
      write(unitText);
    },
    update(p) {
      write(unitText + describeProgress(p, opts, unitIndex, unitTotal, now() - unitStarted, now() - started));
    },
    done() {
      if (shown) opts.stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** The progress text (exported for tests): `12,345 executions, 2 findings, 3,100/s, ETA 1m20s`. */
export function describeProgress(
  p: ProgressUpdate,
  budget: { maxExecutions?: number; timeLimitMs?: number },
  unitIndex = 0,
  unitTotal = 1,
  unitElapsedMs = p.elapsedMs,
  totalElapsedMs = p.elapsedMs,
): string {
  const rate = p.elapsedMs > 0 ? (p.executions * 1000) / p.elapsedMs : 0;
  const parts = [
    `${p.executions.toLocaleString('en-US')} executions`,
    `${p.findings} finding${p.findings === 1 ? '' : 's'}`,
    `${Math.round(rate).toLocaleString('en-US')}/s`,
  ];
  if (p.explored !== undefined && p.explored < 1) parts.push(`~${sharePercent(p.explored)} explored`);
  // Time left in this unit, when a budget bounds it; then scaled to the units still to run.
  let unitLeft: number | undefined;
  if (budget.maxExecutions !== undefined && rate > 0)
    unitLeft = (Math.max(0, budget.maxExecutions - p.executions) / rate) * 1000;
  if (budget.timeLimitMs !== undefined) {
    const byTime = Math.max(0, budget.timeLimitMs - unitElapsedMs);
    unitLeft = unitLeft === undefined ? byTime : Math.min(unitLeft, byTime);
  }
  if (unitLeft !== undefined) {
    const perUnit = unitIndex > 0 ? (totalElapsedMs - unitElapsedMs) / unitIndex : unitElapsedMs + unitLeft;
    parts.push(`ETA ${duration(unitLeft + perUnit * (unitTotal - unitIndex - 1))}`);
  } else if (unitTotal > 1 && unitIndex > 0)
    parts.push(
      `ETA ≥ ${duration(((totalElapsedMs - unitElapsedMs) / unitIndex) * (unitTotal - unitIndex - 1))}`,
    );
  return parts.join(', ');
}

/** What every report of DPOR's estimate adds: how far off it was measured to be (BENCHMARKS.md). */
export const ESTIMATE_CAVEAT = '(a guide: early estimates are off by up to 50 times, BENCHMARKS.md)';

/** A share as a percentage: whole percents, one significant digit below 1%. */
export function sharePercent(f: number): string {
  return `${f > 0 && f < 0.01 ? (100 * f).toPrecision(1) : Math.round(100 * f)}%`;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
