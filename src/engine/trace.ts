// Rendering ops and steps as text that reads like kernel code.

import type { Execution } from './execution.js';
import type { TraceStep } from './findings.js';
import type { Op } from './ops.js';

export function describeOp(op: Op): string {
  switch (op.k) {
    case 'acquire': {
      const api = apiName(op.info);
      if (api) return `${api}(${op.lock.cls})`;
      return `${op.try ? 'trylock' : 'lock'} ${op.lock.cls}${op.mode === 'shared' ? ' (read)' : ''}`;
    }
    case 'release': {
      const api = apiName(op.info);
      if (api) return `${api}(${op.lock.cls})`;
      return `unlock ${op.lock.cls}${op.mode === 'shared' ? ' (read)' : ''}`;
    }
    case 'downgrade':
      return `${apiName(op.info) ?? 'downgrade'}(${op.lock.cls})`;
    case 'read':
      return `read ${op.cell.key}`;
    case 'snapshot':
      return `${apiName(op.info) ?? 'read'} ${op.cells.map((c) => c.key).join(' + ')}`;
    case 'write':
      return `write ${op.cell.key} = ${short(op.value)}`;
    case 'update':
      return `update ${op.cell.key}`;
    case 'wait':
      return `${apiName(op.info) ?? (op.implicit ? 'wait_var_event' : 'wait_event')} ${op.queue.key}`;
    case 'wake':
      return `${apiName(op.info) ?? (op.all ? 'wake_up_all' : 'wake_up')} ${op.queue.key}`;
    case 'spawn':
      return `spawn ${op.name}`;
    case 'join':
      return `join thread ${op.thread}`;
    case 'resume':
      return 'wakes up';
    case 'start':
      return 'starts';
    case 'exit':
      return 'exits';
    default:
      return op.k;
  }
}

/** Ops built by a higher layer may name the API that issued them (`down_read`, `lock_page`). */
function apiName(info: unknown): string | undefined {
  if (info && typeof info === 'object' && 'api' in info && typeof (info as { api: unknown }).api === 'string')
    return (info as { api: string }).api;
  return undefined;
}

function short(v: unknown): string {
  if (v === undefined) return 'undefined';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The trace of an execution, steps 0..upTo (inclusive). */
export function traceOf(ex: Execution<any>, upTo = ex.records.length - 1): TraceStep[] {
  const out: TraceStep[] = [];
  const end = Math.min(upTo, ex.records.length - 1);
  for (let i = 0; i <= end; i++) {
    const r = ex.records[i];
    const s: TraceStep = {
      i,
      thread: r.thread,
      threadName: ex.threadName(r.thread),
      fn: r.fn,
      op: describeOp(r.op),
    };
    if (r.label !== undefined) s.label = r.label;
    if (r.note !== undefined) s.note = r.note;
    out.push(s);
  }
  return out;
}
