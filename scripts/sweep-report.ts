// Tabulates `faultline explore --format json` results of several versions (one file per kind,
// version and filesystem, as scripts/sweep.sh writes them) into the markdown of docs/findings.md:
// per version the runs, how many hit their budget and the executions; per signature the number
// of scenarios per version, and one replayable witness per version.
//
//   npx tsx scripts/sweep-report.ts DIR > table.md

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { versions } from '../src/history/index.js';

interface ExploreJson {
  versions: string[];
  runs: {
    kernel: string;
    fs: string;
    scenario: string;
    complete: boolean;
    executions: number;
    findings: string[];
  }[];
  findings: {
    signature: string;
    kind: string;
    occurrences: { kernel: string; fs: string; scenario: string; token: string }[];
  }[];
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: sweep-report DIR (with <kind>-<version>-<fs>.json files)\n');
  process.exit(2);
}
// Columns in historical order, as src/history names the versions.
const order = versions.map((v) => v.name);
const groups = new Map<string, ExploreJson[]>();
for (const f of readdirSync(dir)
  .filter((n) => /^(page|pmd)-.+-(xfs|ext4)\.json$/.test(n))
  .sort()) {
  const m = /^(page|pmd)-(.+)-(xfs|ext4)\.json$/.exec(f)!;
  const key = `${m[1]} ${m[3]}`;
  const j = JSON.parse(readFileSync(join(dir, f), 'utf8')) as ExploreJson;
  groups.set(key, [...(groups.get(key) ?? []), j]);
}
const out: string[] = [];
for (const [key, files] of [...groups].sort()) {
  const [kind, fs] = key.split(' ');
  const byVersion = new Map(files.map((j) => [j.versions[0], j]));
  const versions = order.filter((v) => byVersion.has(v));
  out.push(`### ${kind} pairs on ${fs}`, '');
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
process.stdout.write(`${out.join('\n')}\n`);
