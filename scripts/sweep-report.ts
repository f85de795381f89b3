// Tabulates `faultline explore --format json` results of several versions (one file per kind,
// version and filesystem, as scripts/sweep.sh writes them) into the markdown of docs/findings.md:
// per version the runs, how many hit their budget and the executions; per signature the number
// of scenarios per version, and one replayable witness per version. Runs of `explore
// --max-faults N` (scenario names ending in :fN) get a heading that says so.
//
//   npx tsx scripts/sweep-report.ts DIR > table.md
//   npx tsx scripts/sweep-report.ts DIR --against BASEDIR   (DIR's runs at a smaller fault bound:
//     per run, how the signatures differ from the same scenario's in BASEDIR, and which of those
//     runs had not completed there)

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MatrixJson } from '../src/cli/matrix.js';
import { versions } from '../src/history/index.js';

/** `explore --format json`: the matrix's JSON object. */
type ExploreJson = MatrixJson;

const dir = process.argv[2];
if (!dir) {
  process.stderr.write(
    'usage: sweep-report DIR [--against BASEDIR] (with <kind>-<version>-<fs>.json files)\n',
  );
  process.exit(2);
}
const against = process.argv[3] === '--against' ? process.argv[4] : undefined;
// Columns in historical order, as src/history names the versions.
const order = versions.map((v) => v.name);
const groups = new Map<string, ExploreJson[]>();
/** Each result file's name and contents, read once. */
const results: [string, ExploreJson][] = readdirSync(dir)
  .filter((n) => /^(page|pmd)-.+-(xfs|ext4)\.json$/.test(n))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as ExploreJson]);
for (const [f, j] of results) {
  const m = /^(page|pmd)-(.+)-(xfs|ext4)\.json$/.exec(f)!;
  const key = `${m[1]} ${m[3]}`;
  groups.set(key, [...(groups.get(key) ?? []), j]);
}
const out: string[] = [];
for (const [key, files] of [...groups].sort()) {
  const [kind, fs] = key.split(' ');
  const byVersion = new Map(files.map((j) => [j.versions[0], j]));
  const versions = order.filter((v) => byVersion.has(v));
  // explore --max-faults N names its scenarios ...:fN
  const bound = /:f([0-9]+)$/.exec(files[0]?.runs[0]?.scenario ?? '')?.[1];
  out.push(`### ${kind} pairs on ${fs}${bound ? `, at most ${bound} faults per access` : ''}`, '');
  out.push(
    '| version | runs | hit the budget | executions | distinct findings |',
    '|---|---:|---:|---:|---:|',
  );
  for (const v of versions) {
    const j = byVersion.get(v)!;
    const runs = j.runs.length;
    const inc = j.runs.filter((r) => !r.complete).length;
    const ex = j.runs.reduce((a, r) => a + r.executions, 0);
    out.push(`| ${v} | ${runs} | ${inc} | ${ex} | ${j.findings.length} |`);
  }
  out.push('');
  const sigs = [
    ...new Set(versions.flatMap((v) => byVersion.get(v)!.findings.map((f) => f.signature))),
  ].sort();
  out.push(`| signature | ${versions.join(' | ')} |`, `|---|${versions.map(() => '---:').join('|')}|`);
  for (const s of sigs) {
    const cells = versions.map((v) => {
      const f = byVersion.get(v)!.findings.find((x) => x.signature === s);
      return f ? String(new Set(f.occurrences.map((o) => o.scenario)).size) : '';
    });
    out.push(`| \`${s.replaceAll('|', '\\|')}\` | ${cells.join(' | ')} |`);
  }
  out.push('', 'Witnesses (scenario, token), the first occurrence per version:', '');
  sigs.forEach((s, i) => {
    out.push(`${i + 1}. \`${s.replaceAll('|', '\\|')}\``);
    for (const v of versions) {
      const f = byVersion.get(v)!.findings.find((x) => x.signature === s);
      if (f) out.push(`   - ${v}: \`${f.occurrences[0].scenario}\` \`${f.occurrences[0].token}\``);
    }
  });
  out.push('');
}
if (against) {
  // Bounded runs (names ending in :fN) against the same scenarios at the default bound.
  const rows: string[] = [];
  let runs = 0;
  let baseIncomplete = 0;
  for (const [f, j] of results) {
    const base = JSON.parse(readFileSync(join(against, f), 'utf8')) as ExploreJson;
    for (const r of j.runs) {
      const b = base.runs.find((x) => x.scenario === r.scenario.replace(/:f[0-9]+$/, ''));
      if (!b) throw new Error(`${join(against, f)}: no run of ${r.scenario}`);
      runs++;
      if (!b.complete) baseIncomplete++;
      const onlyHere = r.findings.filter((x) => !b.findings.includes(x));
      const onlyThere = b.findings.filter((x) => !r.findings.includes(x));
      const cell = (xs: string[]) => xs.map((x) => `\`${x.replaceAll('|', '\\|')}\``).join(', ');
      if (onlyHere.length || onlyThere.length)
        rows.push(
          `| ${r.kernel} | ${cell([r.scenario])} | ${cell(onlyHere)} | ${cell(onlyThere)} | ${b.complete ? 'yes' : 'no'} |`,
        );
    }
  }
  out.push(
    `The same ${runs} scenarios at the default fault bound: ${baseIncomplete} of them incomplete there; the runs whose signatures differ:`,
    '',
    '| version | scenario | found only here | found only there | complete there |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  );
}
process.stdout.write(`${out.join('\n')}\n`);
