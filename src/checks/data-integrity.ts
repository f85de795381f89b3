// Data checks over the threads' logs and the final file contents: lost-write, stale-read,
// exposed-data.
//
// The oracle, per file page i:
// - lost-write: a store (through a shared mapping) or write(2) completed, no thread did anything
//   that may legitimately discard page i (a truncate to i or below, a hole punch over it), and
//   the final contents are none of the threads' last completed writes to i.
// - stale-read: a load returned a value the file cannot have held for that thread: not its own
//   last completed write to i (or, before any, the initial contents), not any value another
//   thread wrote to i, and not 0 when another thread may have zeroed i (truncate, punch).
//   Through a private mapping, values stored through private mappings of the same process
//   count too.
// - exposed-data: a load returned old device contents (never written through the file), or a
//   block the file calls written holds such contents at the end.

import type { FinalView, FindingSpec } from '../engine/index.js';
import { isGarbage, type KState } from '../linux/types.js';
import { fileContents } from './contents.js';

/** What the checks need of a thread's action (the workload's records have this shape). */
export interface CheckedAction {
  do: string;
  map?: string;
  page?: number;
  pages?: number;
  value?: number;
  size?: number;
}

export interface ActionRecord {
  /** Position in the thread's action list. */
  i: number;
  action: CheckedAction;
  outcome: string;
  /** What a load returned. */
  value?: number;
}

export interface ThreadLog {
  thread: string;
  process: string;
  records: ActionRecord[];
}

interface VmaInfo {
  pgoff: number;
  shared: boolean;
}

/** File page a file-writing record writes, or undefined (loads, private stores, failures). */
function writtenPage(r: ActionRecord, vmas: Record<string, VmaInfo>): number | undefined {
  if (r.outcome !== 'ok') return undefined;
  const a = r.action;
  if (a.do === 'write') return a.page;
  if (a.do === 'store' && a.map !== undefined && vmas[a.map]?.shared) return a.page;
  return undefined;
}

function mayDiscard(r: ActionRecord, i: number): boolean {
  const a = r.action;
  if (a.do === 'truncate') return (a.size ?? 0) <= i;
  if (a.do === 'punch') return (a.page ?? 0) <= i && i < (a.page ?? 0) + (a.pages ?? 0);
  return false;
}

export function checkDataIntegrity(
  /** The file's contents at the start, by page. */
  initial: (page: number) => number,
  st: KState,
  view: FinalView,
  logs: ThreadLog[],
  vmas: Record<string, VmaInfo>,
): FindingSpec[] {
  const out: FindingSpec[] = [];
  // lost-write
  for (let i = 0; i < st.geo.filePages; i++) {
    if (logs.some((l) => l.records.some((r) => mayDiscard(r, i)))) continue;
    const last: { thread: string; value: number }[] = [];
    for (const l of logs) {
      let v: number | undefined;
      for (const r of l.records) if (writtenPage(r, vmas) === i) v = r.action.value as number;
      if (v !== undefined) last.push({ thread: l.thread, value: v });
    }
    if (!last.length) continue;
    const final = fileContents(st, view, i);
    if (final === undefined || !last.some((w) => w.value === final))
      out.push({
        kind: 'lost-write',
        title: `lost write: page ${i} holds ${final ?? '(past EOF)'} after ${last.map((w) => `${w.thread} wrote ${w.value}`).join(', ')}`,
        functions: ['final contents'],
        details: { page: i, final, writes: last },
      });
  }
  // stale-read and exposed-data (loads)
  for (const l of logs) {
    for (const r of l.records) {
      if (r.action.do !== 'load' || r.outcome !== 'ok' || r.value === undefined) continue;
      const i = r.action.page as number;
      if (isGarbage(r.value)) {
        out.push({
          kind: 'exposed-data',
          title: `exposed data: ${l.thread} loaded old device contents (${r.value}) from page ${i}`,
          functions: ['load'],
          details: { thread: l.thread, page: i, value: r.value },
        });
        continue;
      }
      const allowed = new Set<number>();
      let own: number | undefined;
      for (const p of l.records) {
        if (p.i >= r.i) break;
        if (writtenPage(p, vmas) === i) own = p.action.value as number;
        // the thread's own completed punch (or truncate) over i earlier: i reads as zeros
        else if (p.outcome === 'ok' && mayDiscard(p, i)) own = 0;
      }
      allowed.add(own ?? initial(i));
      for (const o of logs) {
        if (o === l) continue;
        for (const p of o.records) {
          if (writtenPage(p, vmas) === i) allowed.add(p.action.value as number);
          if (mayDiscard(p, i)) allowed.add(0);
        }
      }
      const map = r.action.map as string;
      if (!vmas[map]?.shared)
        for (const o of logs)
          if (o.process === l.process)
            for (const p of o.records)
              if (
                p.action.do === 'store' &&
                p.action.page === i &&
                p.outcome === 'ok' &&
                !vmas[p.action.map as string]?.shared
              )
                allowed.add(p.action.value as number);
      if (!allowed.has(r.value))
        out.push({
          kind: 'stale-read',
          title: `stale read: ${l.thread} loaded ${r.value} from page ${i}; the file held ${[...allowed].join(' or ')}`,
          functions: ['load'],
          details: { thread: l.thread, page: i, value: r.value, allowed: [...allowed] },
        });
    }
  }
  // exposed-data (final state): a written block holding old device contents
  for (let i = 0; i < st.geo.filePages; i++) {
    const c = fileContents(st, view, i);
    if (c !== undefined && isGarbage(c))
      out.push({
        kind: 'exposed-data',
        title: `exposed data: page ${i} is written but holds old device contents (${c})`,
        functions: ['final contents'],
        details: { page: i, value: c },
      });
  }
  return out;
}
