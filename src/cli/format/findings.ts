// Findings in the command's reports: src/report's lockdep-style text, markdown and JSON, with
// each `faultline replay TOKEN` completed into a command that runs as is (the scenario, kernel,
// filesystem and provider the token belongs to).

import type { Finding } from '../../engine/index.js';
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
