// Summarises the sweep files (sweep.ts) into the tables of docs/findings.md: per version, the
// distinct findings by signature with their first witness; per version and scenario, the kinds
// found on ext4 but not on XFS and the other way round; and the runs at a smaller fault bound
// (sweep-f2.jsonl, sweep-commit-f2.jsonl) against the same scenarios at the default bound, and
// the runs with the atomic MMU walk (sweep-commit-f2-atomic.jsonl) against the ptl walk's.
//   npx tsx test/linux/ext4/summarize.ts > /tmp/ext4-tables.md
//   npx tsx test/linux/ext4/summarize.ts --write     (into docs/findings.md, in place)

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allVersions } from '../../../src/history/index.js';
import type { RunLine } from './sweep.js';

const here = dirname(fileURLToPath(import.meta.url));

function load(file: string): RunLine[] {
  const p = join(here, file);
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ fs: 'ext4', ...JSON.parse(l) }) as RunLine);
}

interface Distinct {
  kind: string;
  signature: string;
  title: string;
  scenarios: string[];
  witness: { scenario: string; token: string; preemptions: number };
}

function distinct(lines: RunLine[], version: string): Distinct[] {
  const by = new Map<string, Distinct>();
  for (const l of lines) {
    if (l.version !== version) continue;
    for (const f of l.findings) {
      let d = by.get(f.signature);
      if (!d) {
        d = {
          kind: f.kind,
          signature: f.signature,
          title: f.title,
          scenarios: [],
          witness: { scenario: l.scenario, token: f.token, preemptions: f.preemptions },
        };
        by.set(f.signature, d);
      }
      d.scenarios.push(l.scenario);
      // prefer the witness with the fewest preemptions
      if (f.preemptions < d.witness.preemptions)
        d.witness = { scenario: l.scenario, token: f.token, preemptions: f.preemptions };
    }
  }
  return [...by.values()].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.signature.localeCompare(b.signature),
  );
}

const md = (s: string) => s.replace(/\|/g, '\\|');

const SHORT: Record<string, string> = {
  'v4.2': '4.2',
  '843172978bb9-only': '8431',
  'v4.3-rc1': 'rc1',
  'v4.3-rc5': 'rc5',
  'revert-v2': 'rv2',
  'revert-v3': 'rv3',
  'revert-v4-1of2': 'rv4-1/2',
  'v4.3': '4.3',
  'v4.4': '4.4',
};

/** Which paragraph of docs/findings.md explains a signature (E-numbers of the ext4 section). */
const EXPLAINED: Record<string, string> = {
  'bad-unlock|&mapping->i_mmap_rwsem|__dax_fault': 'E8 (F1)',
  'bad-unlock|&mapping->i_mmap_rwsem|do_cow_fault': 'E8 (F4)',
  'assert-held|&mapping->i_mmap_rwsem|unmap_mapping_range_tree': 'E8 (F11a), E9',
  'circular-dependency|&mapping->i_mmap_rwsem,&mm->mmap_sem|': 'E8 (F3)',
  'circular-dependency|&mapping->i_mmap_rwsem,sb_pagefaults|': 'E8 (F3)',
  // the longer cycles the same leaked lock closes (lockdep here reports every cycle, allCycles)
  'circular-dependency|&mapping->i_mmap_rwsem,&mm->mmap_sem,sb_pagefaults|': 'E8 (F3)',
  'circular-dependency|&mapping->i_mmap_rwsem,&mm->mmap_sem,jbd2_handle|': 'E8 (F3)',
  'circular-dependency|&mapping->i_mmap_rwsem,jbd2_handle,sb_pagefaults|': 'E8 (F3)',
  'circular-dependency|&mapping->i_mmap_rwsem,&mm->mmap_sem,jbd2_handle,sb_pagefaults|': 'E8 (F3)',
  'deadlock|&mapping->i_mmap_rwsem,&mm->mmap_sem|__dax_fault': 'E8 (F3)',
  'lock-held-at-exit|&mapping->i_mmap_rwsem|store2': 'E8 (F3)',
  'circular-dependency|&mapping->i_mmap_rwsem,jbd2_handle|': 'E7b',
  'deadlock|&mapping->i_mmap_rwsem,&mm->mmap_sem,PG_locked,sb_pagefaults|unmap_mapping_range': 'E8 (F2)',
  'recursive-locking|&mapping->i_mmap_rwsem|__dax_fault,unmap_mapping_range': 'E8 (F2)',
  'deadlock|&mapping->i_mmap_rwsem,&mm->mmap_sem,&sb->s_type->i_mutex_key|jbd2__journal_start,jbd2_journal_commit_transaction,unmap_mapping_range':
    'E7b',
  'deadlock|&mapping->i_mmap_rwsem,&mm->mmap_sem,PG_locked,sb_pagefaults|jbd2_journal_commit_transaction,unmap_mapping_range':
    'E7c',
  'deadlock|&mapping->i_mmap_rwsem,&mm->mmap_sem,sb_pagefaults|__dax_fault,jbd2__journal_start,jbd2_journal_commit_transaction':
    'E7b',
  'deadlock|&mm->mmap_sem,PG_locked,sb_pagefaults|__dax_fault,jbd2__journal_start,jbd2_journal_commit_transaction':
    'E7a',
  'exposed-data||load': 'E1',
  'livelock||handle_mm_fault': 'E5',
  'lost-write||final contents': 'E2',
  'pagecache-incoherent||hole page over written block': 'E3',
  'stale-mapping||maps a hole page over written data': 'E3',
  'stale-mapping||maps a block past EOF': 'E6 (rc), E9 (IS_DAX skip)',
  'stale-mapping||maps a block the file no longer owns': 'E4',
  'stale-mapping||maps a private COW page past EOF': 'E8 (F11b)',
};

/** Coverage per version, the signature x version matrix, and the witnesses. `base` marks the
 *  signatures already found without the commit (for the commit sweep). */
function table(lines: RunLine[], title: string, base: RunLine[] = []): string {
  const versions = allVersions.map((x) => x.name).filter((v) => lines.some((l) => l.version === v));
  const out: string[] = [
    `### ${title}`,
    '',
    '| version | scenarios | explored completely | within budget | executions |',
    '|---|---|---|---|---|',
  ];
  for (const v of versions) {
    const runs = lines.filter((l) => l.version === v);
    const partial = runs.filter((l) => !l.complete).length;
    out.push(
      `| ${v} | ${runs.length} | ${runs.length - partial} | ${partial} | ${runs.reduce((n, l) => n + l.executions, 0)} |`,
    );
  }
  const perVersion = new Map(versions.map((v) => [v, distinct(lines, v)]));
  const sigs: { kind: string; signature: string }[] = [];
  for (const ds of perVersion.values())
    for (const d of ds)
      if (!sigs.some((x) => x.signature === d.signature)) sigs.push({ kind: d.kind, signature: d.signature });
  sigs.sort((a, b) => a.kind.localeCompare(b.kind) || a.signature.localeCompare(b.signature));
  const known = new Set(base.flatMap((l) => l.findings.map((f) => `${l.version}|${f.signature}`)));
  out.push(
    '',
    `| # | kind | signature (locks \\| functions) | ${versions.map((v) => SHORT[v] ?? v).join(' | ')} |`,
  );
  out.push(`|---|---|---|${versions.map(() => '---').join('|')}|---|`);
  sigs.forEach((sg, i) => {
    const cells = versions.map((v) => {
      const d = perVersion.get(v)?.find((x) => x.signature === sg.signature);
      if (!d) return '';
      const fresh = base.length > 0 && !known.has(`${v}|${sg.signature}`);
      return `${d.scenarios.length}${fresh ? '*' : ''}`;
    });
    const sig = sg.signature.slice(sg.kind.length + 1);
    out.push(
      `| ${i + 1} | ${sg.kind} | \`${md(sig)}\` | ${cells.join(' | ')} | ${EXPLAINED[sg.signature] ?? '?'} |`,
    );
  });
  if (base.length) out.push('', '`*`: not found for that version without the commit.');
  out.push(
    '',
    base.length
      ? 'Witnesses (fewest preemptions) of the signatures the commit adds, per version:'
      : 'Witnesses (fewest preemptions), per signature and version. Every token below replays to the\nsignature it is listed under (`test/linux/ext4/findings-doc.test.ts`).',
    '',
  );
  sigs.forEach((sg, i) => {
    // with a base sweep, only the signatures that are new somewhere
    if (
      base.length &&
      versions.every(
        (v) =>
          known.has(`${v}|${sg.signature}`) || !perVersion.get(v)?.some((x) => x.signature === sg.signature),
      )
    )
      return;
    out.push(`${i + 1}. \`${md(sg.signature)}\``);
    for (const v of versions) {
      const d = perVersion.get(v)?.find((x) => x.signature === sg.signature);
      if (d)
        out.push(
          `   - ${v}: \`${d.witness.scenario}\`, ${d.witness.preemptions} preemptions, \`${d.witness.token}\``,
        );
    }
  });
  return out.join('\n');
}

function comparison(ext4: RunLine[], xfs: RunLine[]): string {
  const out: string[] = ['### ext4 vs XFS, same scenario and version (kinds found)', ''];
  out.push(
    '| version | scenario | ext4 only | XFS only | explored completely (ext4 / XFS) |',
    '|---|---|---|---|---|',
  );
  for (const x of xfs) {
    const name = x.scenario.replace(/^xfs-/, 'ext4-');
    const e = ext4.find((l) => l.version === x.version && l.scenario === name);
    if (!e) continue;
    const ke = new Set(e.findings.map((f) => f.kind));
    const kx = new Set(x.findings.map((f) => f.kind));
    const onlyE = [...ke].filter((k) => !kx.has(k));
    const onlyX = [...kx].filter((k) => !ke.has(k));
    if (onlyE.length || onlyX.length)
      out.push(
        `| ${x.version} | ${name.replace(/^ext4-/, '')} | ${onlyE.join(', ')} | ${onlyX.join(', ')} | ${e.complete ? 'yes' : 'no'} / ${x.complete ? 'yes' : 'no'} |`,
      );
  }
  return out.join('\n');
}

/** The scenario a bounded run (`-f<n>`) repeats at the default fault bound. */
const unbounded = (scenario: string): string => scenario.replace(/-f[0-9]+$/, '');

/** What a table compares its runs with: the run each is set against, and the column labels. */
interface Against {
  baseOf: (l: RunLine, base: RunLine[]) => RunLine | undefined;
  columns: { same: string; onlyHere: string; onlyThere: string; complete: string };
  sameText: string;
  diffText: string;
}

const AT_FIVE_FAULTS: Against = {
  baseOf: (l, base) => base.find((b) => b.version === l.version && b.scenario === unbounded(l.scenario)),
  columns: {
    same: 'the same at 5 faults: complete',
    onlyHere: 'at the smaller bound only',
    onlyThere: 'at 5 faults only',
    complete: 'complete (smaller / 5)',
  },
  sameText: 'Every run found the same signatures at both bounds.',
  diffText: 'Signatures found at one bound only (per version and scenario):',
};

/** Runs with `mmu.walk: atomic` (names end in `-atomic`) against the same scenario with the ptl
 *  walk: at the same fault bound where that ran, else at 5 faults. */
const WITH_THE_PTL_WALK: Against = {
  baseOf: (l, base) => {
    const ptl = l.scenario.replace(/-atomic$/, '');
    return (
      base.find((b) => b.version === l.version && b.scenario === ptl) ??
      base.find((b) => b.version === l.version && b.scenario === unbounded(ptl))
    );
  },
  columns: {
    same: 'the same with the ptl walk: complete',
    onlyHere: 'atomic walk only',
    onlyThere: 'ptl walk only',
    complete: 'complete (atomic / ptl)',
  },
  sameText: 'Every run found the same signatures with both walks.',
  diffText:
    'Signatures found with one walk only (per version and scenario, named as the ptl run it is compared with):',
};

/**
 * Runs at a smaller fault bound (`sweep.ts --max-faults`) against the same scenarios at the
 * default bound: coverage, then every signature one found and the other did not, per run.
 */
function boundComparison(
  bounded: RunLine[],
  base: RunLine[],
  title: string,
  against: Against = AT_FIVE_FAULTS,
  /** `version signature` of every finding of the other runs to tell apart what is new: a
   *  signature found only by this table's runs is marked (new). */
  elsewhere?: Set<string>,
): string {
  const out: string[] = [
    `### ${title}`,
    '',
    `| version | scenarios | explored completely | within budget | executions | ${against.columns.same} |`,
    '|---|---|---|---|---|---|',
  ];
  const baseOf = (l: RunLine) => against.baseOf(l, base);
  for (const v of allVersions.map((x) => x.name)) {
    const runs = bounded.filter((l) => l.version === v);
    if (!runs.length) continue;
    const done = runs.filter((l) => l.complete).length;
    const baseDone = runs.filter((l) => baseOf(l)?.complete).length;
    out.push(
      `| ${v} | ${runs.length} | ${done} | ${runs.length - done} | ${runs.reduce((n, l) => n + l.executions, 0)} | ${baseDone} |`,
    );
  }
  const diffs: string[] = [];
  for (const l of bounded) {
    const b = baseOf(l);
    if (!b) continue;
    const here = new Set(l.findings.map((f) => f.signature));
    const there = new Set(b.findings.map((f) => f.signature));
    const onlyHere = [...here].filter((x) => !there.has(x)).sort();
    const onlyThere = [...there].filter((x) => !here.has(x)).sort();
    if (onlyHere.length || onlyThere.length)
      diffs.push(
        `| ${l.version} | ${b.scenario.replace(/^ext4-/, '')} | ${onlyHere.map((x) => `\`${md(x)}\`${elsewhere && !elsewhere.has(`${l.version} ${x}`) ? ' (new)' : ''}`).join(', ')} | ${onlyThere.map((x) => `\`${md(x)}\``).join(', ')} | ${l.complete ? 'yes' : 'no'} / ${b.complete ? 'yes' : 'no'} |`,
      );
  }
  out.push('');
  if (diffs.length)
    out.push(
      against.diffText,
      '',
      `| version | scenario | ${against.columns.onlyHere} | ${against.columns.onlyThere} | ${against.columns.complete} |`,
      '|---|---|---|---|---|',
      ...diffs,
    );
  else out.push(against.sameText);
  out.push('', 'Witnesses (fewest preemptions), per signature and version:', '');
  const versions = allVersions.map((x) => x.name).filter((v) => bounded.some((l) => l.version === v));
  const sigs = [...new Set(bounded.flatMap((l) => l.findings.map((f) => f.signature)))].sort();
  sigs.forEach((sg, i) => {
    out.push(`${i + 1}. \`${md(sg)}\``);
    for (const v of versions) {
      const d = distinct(bounded, v).find((x) => x.signature === sg);
      if (d)
        out.push(
          `   - ${v}: \`${d.witness.scenario}\`, ${d.witness.preemptions} preemptions, \`${d.witness.token}\``,
        );
    }
  });
  return out.join('\n');
}

const ext4 = load('sweep.jsonl');
const ext4c = load('sweep-commit.jsonl');
const xfs = load('sweep-xfs.jsonl');
const ext4f = load('sweep-f2.jsonl');
const ext4cf = load('sweep-commit-f2.jsonl');
const ext4cfa = load('sweep-commit-f2-atomic.jsonl');
const parts: string[] = [];
parts.push(
  `${table(ext4, 'ext4, pairs of actions (`sweep.jsonl`)')}\n\n${table(ext4c, 'ext4, pairs of actions plus a jbd2 commit (`sweep-commit.jsonl`)', ext4)}\n`,
);
if (xfs.length) parts.push(`\n${comparison(ext4, xfs)}\n`);
if (ext4f.length)
  parts.push(
    `\n${boundComparison(ext4f, ext4, 'ext4, the incomplete pairs again at two faults per access (`sweep-f2.jsonl`)')}\n`,
  );
if (ext4cf.length)
  parts.push(
    `\n${boundComparison(ext4cf, ext4c, 'ext4 with a jbd2 commit, the incomplete pairs again at two faults per access (`sweep-commit-f2.jsonl`)')}\n`,
  );
if (ext4cfa.length)
  parts.push(
    `\n${boundComparison(ext4cfa, [...ext4cf, ...ext4c], 'ext4 with a jbd2 commit, the last incomplete pairs with the atomic MMU walk (`sweep-commit-f2-atomic.jsonl`)', WITH_THE_PTL_WALK, new Set([ext4, ext4c, ext4f, ext4cf].flat().flatMap((l) => l.findings.map((f) => `${l.version} ${f.signature}`))))}\n`,
  );

// --write: put the tables into docs/findings.md in place of the ones there (from the first table's
// heading up to the next section), instead of printing them.
const tables = parts.join('');
if (process.argv.includes('--write')) {
  const doc = join(here, '..', '..', '..', 'docs', 'findings.md');
  const text = readFileSync(doc, 'utf8');
  const from = text.indexOf('### ext4, pairs of actions (`sweep.jsonl`)');
  const to = text.indexOf('## What each ext4 finding is');
  if (from < 0 || to < from) throw new Error(`${doc}: the tables' heading or the next section is missing`);
  writeFileSync(doc, `${text.slice(0, from)}${tables.replace(/\n+$/, '')}\n\n${text.slice(to)}`);
  process.stdout.write(`tables written into ${doc}\n`);
} else process.stdout.write(tables);
