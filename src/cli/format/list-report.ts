// `faultline list versions|patches|scenarios|kinds`, in text, JSON or markdown.

import { findingKinds } from '../kinds.js';
import { type Provider, patchIds, patchOf, replacesList } from '../provider.js';
import { plain, type Style } from '../style.js';
import type { Format } from './check-report.js';
import { cellText } from './markdown.js';

export const LISTS = ['versions', 'patches', 'scenarios', 'kinds'] as const;
export type ListWhat = (typeof LISTS)[number];

type Row = Record<string, string | number | string[]>;

function rows(p: Provider, what: ListWhat): Row[] {
  switch (what) {
    case 'versions':
      return p.versions.map((v) => ({ name: v.name, patches: patchIds(v), description: v.description }));
    case 'patches':
      return p.patches.map((x) => ({
        id: x.id,
        date: x.date,
        author: x.author,
        title: x.title,
        link: x.link,
        replaces: replacesList(x),
        versions: p.versions
          .filter((v) => v.patches.some((y) => patchOf(p, y).id === x.id))
          .map((v) => v.name),
      }));
    case 'scenarios':
      return p.scenarios.map((s) => ({
        name: s.name,
        fs: s.fs ?? 'any',
        threads: s.threads.map((t) => t.name),
        description: s.description ?? '',
      }));
    case 'kinds':
      return findingKinds.map((k) => ({ kind: k.kind, source: k.source, meaning: k.meaning }));
  }
}

const show = (v: Row[string]) => (Array.isArray(v) ? v.join(', ') : String(v));

export function renderList(p: Provider, what: ListWhat, format: Format, style: Style = plain): string {
  const rs = rows(p, what);
  if (format === 'json') return `${JSON.stringify(rs, null, 2)}\n`;
  if (!rs.length) return `no ${what} in the ${p.name} provider\n`;
  const cols = Object.keys(rs[0]);
  if (format === 'markdown') {
    const out = [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`];
    for (const r of rs) out.push(`| ${cols.map((c) => cellText(show(r[c]))).join(' | ')} |`);
    return `${out.join('\n')}\n`;
  }
  // Text: short columns aligned, the long last column (description, meaning, title...) after them.
  const out: string[] = [];
  if (what === 'patches') {
    for (const r of rs) {
      out.push(`${style.bold(show(r.id))} ${show(r.date)} ${show(r.author)}`);
      out.push(`    ${show(r.title)}`);
      out.push(style.dim(`    ${show(r.link)}`));
      if ((r.replaces as string[]).length) out.push(`    replaces: ${show(r.replaces)}`);
      out.push(`    in: ${show(r.versions) || '(no version)'}`);
    }
    return `${out.join('\n')}\n`;
  }
  if (what === 'versions') {
    const w = Math.max(...rs.map((r) => show(r.name).length));
    for (const r of rs) {
      const ids = r.patches as string[];
      out.push(`${style.bold(show(r.name).padEnd(w))}  ${show(r.description)}`);
      out.push(
        style.dim(`${' '.repeat(w)}  ${ids.length ? `patches: ${ids.join(' ')}` : 'base: no patches'}`),
      );
    }
    return `${out.join('\n')}\n`;
  }
  const short = cols.slice(0, -1);
  const widths = short.map((c) => Math.max(c.length, ...rs.map((r) => Math.min(40, show(r[c]).length))));
  out.push(style.bold([...short.map((c, i) => c.padEnd(widths[i])), cols[cols.length - 1]].join('  ')));
  for (const r of rs)
    out.push(
      [...short.map((c, i) => show(r[c]).padEnd(widths[i])), show(r[cols[cols.length - 1]])].join('  '),
    );
  return `${out.join('\n')}\n`;
}
