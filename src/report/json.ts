// A finding as JSON: every field of the finding, its headline and its text report, in a stable
// shape tools (and the trace viewer) can read.

import type { Finding, TraceStep } from '../engine/index.js';
import { formatFinding, headline, replayCommand } from './text.js';

export const FINDING_JSON_SCHEMA = 'faultline.finding/1';

export interface FindingJson {
  schema: typeof FINDING_JSON_SCHEMA;
  kind: string;
  headline: string;
  title: string;
  message?: string;
  signature: string;
  locks: string[];
  functions: string[];
  /** Predicted findings: whether an explored execution really deadlocked (absent for others). */
  confirmed?: boolean;
  token: string;
  replay: string;
  preemptions: number;
  threads: string[];
  details?: unknown;
  trace: TraceStep[];
  /** The lockdep-style text report. */
  text: string;
}

/** A JSON-ready object (plain data, no cycles); `JSON.stringify` it to write. */
export function toJson(f: Finding): FindingJson {
  const j: FindingJson = {
    schema: FINDING_JSON_SCHEMA,
    kind: f.kind,
    headline: headline(f),
    title: f.title,
    signature: f.signature,
    locks: [...(f.locks ?? [])],
    functions: [...(f.functions ?? [])],
    token: f.token,
    replay: f.token ? replayCommand(f.token) : '',
    preemptions: f.preemptions,
    threads: [...f.threads],
    trace: f.trace.map((s) => ({ ...s })),
    text: formatFinding(f),
  };
  if (f.message !== undefined) j.message = f.message;
  if (f.confirmed !== undefined) j.confirmed = f.confirmed;
  else if (f.kind === 'circular-dependency' || f.kind === 'recursive-locking') j.confirmed = false;
  if (f.details !== undefined) j.details = JSON.parse(JSON.stringify(f.details));
  return j;
}
