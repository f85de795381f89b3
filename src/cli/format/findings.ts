// Findings in the command's reports: src/report's lockdep-style text, markdown and JSON, with
// each `faultline replay TOKEN` completed into a command that runs as is (the scenario, kernel,
// filesystem and provider the token belongs to).

import { earlierSameCore, type Finding } from '../../engine/index.js';
import { formatFinding, toJson, toMarkdown } from '../../report/index.js';
import type { Provider } from '../provider.js';
import { replayCommand, type Target } from '../target.js';

/** A token, or several joined by '+' (a finding that rests on earlier executions). */
const REPLAY = /faultline replay (fl1:[0-9x,:]+(?:\+fl1:[0-9x,:]+)*)/g;

/** Every bare `faultline replay TOKEN` in `text`, completed for target `t`. */
export function withReplays(text: string, p: Provider, t: Target): string {
  return text.replace(REPLAY, (_m, token: string) => replayCommand(p, t, token));
}

/** The lockdep-style report, ending with the replay command and the signature. */
export function findingReport(f: Finding, p: Provider, t: Target): string {
  return `${withReplays(formatFinding(f), p, t).trimEnd()}\nsignature: ${f.signature}\n`;
}

export function findingMarkdown(f: Finding, p: Provider, t: Target): string {
  return withReplays(toMarkdown(f), p, t);
}

export function findingJson(f: Finding, p: Provider, t: Target) {
  const j = toJson(f);
  return { ...j, replay: f.token ? replayCommand(p, t, f.token) : '', text: withReplays(j.text, p, t) };
}

/**
 * `deadlocks: 18 signatures, 2 once the tasks and held locks around them are set aside`, when
 * deadlock signatures share a core (wait-for.ts): one deadlock with other bystanders, or with
 * other locks held around it, has several signatures. `cores` has one entry per finding,
 * undefined for a finding that is not a deadlock.
 */
export function deadlocksByCore(cores: readonly (string | undefined)[]): string | undefined {
  const known = cores.filter((c): c is string => c !== undefined);
  const distinct = new Set(known).size;
  if (distinct === known.length) return undefined;
  return (
    `deadlocks: ${known.length} signatures, ${distinct} once the tasks and held locks around them are set ` +
    'aside (the same locks waited for and held in the same functions)'
  );
}

/**
 * `; the deadlock of finding N, ...` for finding `i` when an earlier one has its deadlock core
 * (`cores` as for `deadlocksByCore`), else ''.
 */
export function sameDeadlockNote(cores: readonly (string | undefined)[], i: number): string {
  const first = earlierSameCore(cores, i);
  return first >= 0 ? `the deadlock of finding ${first + 1}, with other tasks or held locks around it` : '';
}

/** A finding's deadlock core (`details.waitFor.core`), if it is a deadlock. */
export function deadlockCore(f: Finding): string | undefined {
  return (f.details as { waitFor?: { core?: string } } | undefined)?.waitFor?.core;
}
