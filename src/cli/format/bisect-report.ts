// The output of `faultline bisect`, in each format.

import type { BisectResult, Culprit } from '../bisect.js';
import { brief } from '../matrix.js';
import { type PatchInfo, type Provider, replacesList } from '../provider.js';
import { plain, type Style } from '../style.js';
import { replayCommand } from '../target.js';
import type { Format } from './check-report.js';

function patchJson(p: PatchInfo) {
  return {
    id: p.id,
    title: p.title,
    author: p.author,
    date: p.date,
    link: p.link,
    replaces: replacesList(p),
  };
}

function verb(b: BisectResult): string {
  return b.fixed ? 'removes' : 'introduces';
}

export function bisectText(p: Provider, b: BisectResult, style: Style = plain): string {
  const total = b.steps.length ? b.to.patches.length - b.from.patches.length : 0;
  const out = [
    style.bold(
      `faultline bisect: ${b.from.name} -> ${b.to.name} (${total} patch${total === 1 ? '' : 'es'}), ` +
        `looking for the patch that ${verb(b)} a finding`,
    ),
    '',
  ];
  const targets = new Set(b.targets);
  const whatOf = (s: BisectResult['steps'][number]) =>
    s.patch ? `${s.patch.id} ${s.patch.title}` : s.applied ? '(end)' : '(start)';
  const kw = Math.max(...b.steps.map((s) => s.kernel.name.length));
  const ww = Math.min(72, Math.max(...b.steps.map((s) => whatOf(s).length)));
  for (const s of b.steps) {
    const hits = s.signatures.filter((x) => targets.has(x)).length;
    const n = s.signatures.length;
    let text = `${hits} of ${targets.size} findings present`;
    if (targets.size === 1) text = hits ? 'finding present' : 'finding absent';
    else if (targets.size === 0) text = `${n} finding${n === 1 ? '' : 's'}`;
    const mark = hits ? style.red(text) : style.dim(text);
    out.push(
      `  ${s.kernel.name.padEnd(kw)}  ${whatOf(s).padEnd(ww)}  ${mark}${s.complete ? '' : ' (incomplete run)'}`,
    );
  }
  out.push('');
  if (!b.targets.length) {
    out.push(
      b.interrupted
        ? 'interrupted before both ends were checked'
        : `no finding ${b.fixed ? 'present on' : 'new in'} ${b.fixed ? b.from.name : b.to.name} that ${b.fixed ? `${b.to.name} does not show` : `${b.from.name} does not show`}`,
    );
    return `${out.join('\n')}\n`;
  }
  for (const c of b.culprits) out.push(...culpritText(p, b, c, style), '');
  const missing = b.targets.filter((t) => !b.culprits.some((c) => c.signature === t));
  if (missing.length) out.push(`not attributed (interrupted): ${missing.join('; ')}`);
  if (b.steps.some((s) => !s.complete))
    out.push('note: some runs stopped at a budget; a finding absent from them is not proven absent');
  return `${out.join('\n')}\n`;
}

function culpritText(p: Provider, b: BisectResult, c: Culprit, style: Style): string[] {
  const pt = c.patch;
  const out = [
    `first patch that ${verb(b)} ${style.bold(`[${c.finding.kind}] ${c.finding.title}`)}:`,
    `  ${style.bold(pt.id)} ${pt.title}`,
    `  author:   ${pt.author}`,
    `  date:     ${pt.date}`,
    `  link:     ${pt.link}`,
  ];
  const repl = replacesList(pt);
  if (repl.length) out.push(`  replaces: ${repl.join(', ')}`);
  out.push(
    `  kernels:  ${c.before.name} (finding ${b.fixed ? 'present' : 'absent'}) -> ${c.after.name} (finding ${b.fixed ? 'gone' : 'present'})`,
  );
  out.push(`  signature: ${c.signature}`);
  if (c.finding.token) out.push(`  replay:   ${style.cyan(replayCommand(p, c.target, c.finding.token))}`);
  return out;
}

export function bisectJson(p: Provider, b: BisectResult): unknown {
  return {
    from: b.from.name,
    to: b.to.name,
    fixed: b.fixed,
    interrupted: b.interrupted,
    steps: b.steps.map((s) => ({
      kernel: s.kernel.name,
      applied: s.applied,
      ...(s.patch ? { patch: s.patch.id } : {}),
      complete: s.complete,
      findings: s.signatures,
    })),
    culprits: b.culprits.map((c) => ({
      signature: c.signature,
      patch: patchJson(c.patch),
      before: c.before.name,
      after: c.after.name,
      finding: brief(p, c.target, c.finding),
    })),
  };
}

export function bisectMarkdown(p: Provider, b: BisectResult): string {
  const out = [`## faultline bisect: ${b.from.name} → ${b.to.name}`, ''];
  out.push('| kernel | patch | findings sought present |', '|---|---|---:|');
  const targets = new Set(b.targets);
  for (const s of b.steps)
    out.push(
      `| ${s.kernel.name} | ${s.patch ? `\`${s.patch.id}\` ${s.patch.title.replace(/\|/g, '\\|')}` : '(start)'} | ${s.signatures.filter((x) => targets.has(x)).length} |`,
    );
  out.push('');
  if (!b.culprits.length) out.push('No patch found.', '');
  for (const c of b.culprits) {
    out.push(`### First patch that ${verb(b)} \`${c.finding.kind}\`: ${c.finding.title}`, '');
    out.push(
      `[\`${c.patch.id}\` "${c.patch.title}"](${c.patch.link}) (${c.patch.author}, ${c.patch.date})`,
      '',
    );
    const repl = replacesList(c.patch);
    if (repl.length) out.push(`Replaces: ${repl.map((x) => `\`${x}\``).join(', ')}`, '');
    if (c.finding.token) out.push(`Replay: \`${replayCommand(p, c.target, c.finding.token)}\``, '');
  }
  return `${out.join('\n')}\n`;
}

export function renderBisect(p: Provider, b: BisectResult, format: Format, style: Style): string {
  if (format === 'json') return `${JSON.stringify(bisectJson(p, b), null, 2)}\n`;
  if (format === 'markdown') return bisectMarkdown(p, b);
  return bisectText(p, b, style);
}
