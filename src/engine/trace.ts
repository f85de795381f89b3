// Rendering ops and steps as text that reads like kernel code.

import type { Execution } from './execution.js';
import type { TraceStep } from './findings.js';
import type { Op } from './ops.js';

export function describeOp(op: Op): string {
  switch (op.k) {
    case 'acquire':
      return `${op.try ? 'trylock' : 'lock'} ${op.lock.cls}${op.mode === 'shared' ? ' (read)' : ''}`;
    case 'release':
      return `unlock ${op.lock.cls}${op.mode === 'shared' ? ' (read)' : ''}`;
    case 'downgrade':
      return `downgrade ${op.lock.cls}`;
    case 'read':
      return `read ${op.cell.key}`;
    case 'write':
      return `write ${op.cell.key} = ${short(op.value)}`;
    case 'update':
      return `update ${op.cell.key}`;
    case 'wait':
      return `wait_event ${op.queue.key}`;
    case 'wake':
      return `wake_up${op.all ? '_all' : ''} ${op.queue.key}`;
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
