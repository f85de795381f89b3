// What a third thread adds: compares `faultline explore --threads 3 --format json` with the same
// version's `explore --threads 2` runs (same kind, settings and initial states), as the "Three
// threads" section of docs/findings.md does. Prints, per signature, the three-thread scenarios
// that show it and whether any pair does; then each three-thread scenario with a signature that
// none of its three sub-pairs (the same actions two at a time, same initial state) shows, with
// its witness token. With --cycles (the DAX model's runs), each `deadlock` witness listed is
// replayed (or read from the JSON, which has it since explore gave occurrences a `waitFor`) and
// its wait-for cycle printed after it (engine/wait-for.ts): a deadlock's signature names every
// blocked task, so this tells a cycle from the tasks stuck behind one. It ends with the new
// deadlock signatures grouped by their witnesses' cores: how many deadlocks they are, and which
// have a part (a cycle, or a wait on an exited task) that no deadlock witness of the pair files
// has: deadlocks only three tasks reach.
//
//   npx tsx scripts/three-vs-pairs.ts [--cycles] THREE.json PAIRS.json [MORE-PAIRS.json ...]

import { readFileSync } from 'node:fs';
import type { MatrixJson, MatrixOccurrence } from '../src/cli/matrix.js';
import { daxProvider } from '../src/cli/providers/dax.js';
import { buildTargetModel, tokenTarget } from '../src/cli/target.js';
import { describeWaitFor, replay, type WaitForSummary } from '../src/engine/index.js';

/** `explore --format json`: the matrix's JSON object. */
type ExploreJson = MatrixJson;

const args = process.argv.slice(2);
const cycles = args[0] === '--cycles';
/** The DAX model's provider, made once when --cycles first replays a witness. */
let provider: ReturnType<typeof daxProvider> | undefined;
const [threeFile, ...pairFiles] = cycles ? args.slice(1) : args;
if (!threeFile || !pairFiles.length) {
  process.stderr.write('usage: three-vs-pairs [--cycles] THREE.json PAIRS.json [MORE-PAIRS.json ...]\n');
  process.exit(2);
}
const load = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as ExploreJson;
const three = load(threeFile);
const pairs = pairFiles.map(load);

/** `kind:a|b|c:state[:fN]` -> its parts; actions sorted, so the order a name lists them in does not matter. */
function parse(name: string): { kind: string; actions: string[]; rest: string } {
  const [kind, actions, ...rest] = name.split(':');
  return { kind, actions: actions.split('|').sort(), rest: rest.join(':') };
}
const key = (kind: string, actions: string[], rest: string) =>
  `${kind}:${[...actions].sort().join('|')}:${rest}`;

/** Signatures each pair scenario shows, over all pair files (a signature in any counts). */
const pairShows = new Map<string, Set<string>>();
for (const p of pairs)
  for (const r of p.runs) {
    const { kind, actions, rest } = parse(r.scenario);
    const k = key(kind, actions, rest);
    const s = pairShows.get(k) ?? new Set<string>();
    for (const f of r.findings) s.add(f);
    pairShows.set(k, s);
  }
const inAnyPair = new Set([...pairShows.values()].flatMap((s) => [...s]));

const witness = new Map<string, MatrixOccurrence>();
for (const f of three.findings)
  for (const o of f.occurrences) witness.set(`${o.scenario}\n${f.signature}`, o);

const bySignature = new Map<string, string[]>();
const beyondPairs = new Map<string, string[]>();
let missingPairs = 0;
for (const r of three.runs) {
  const { kind, actions, rest } = parse(r.scenario);
  const subs = [
    [actions[0], actions[1]],
    [actions[0], actions[2]],
    [actions[1], actions[2]],
  ].map((a) => pairShows.get(key(kind, a, rest)));
  if (subs.some((s) => s === undefined)) missingPairs++;
  for (const sig of r.findings) {
    bySignature.set(sig, [...(bySignature.get(sig) ?? []), r.scenario]);
    if (!subs.some((s) => s?.has(sig))) beyondPairs.set(sig, [...(beyondPairs.get(sig) ?? []), r.scenario]);
  }
}

const runs = three.runs.length;
const complete = three.runs.filter((r) => r.complete).length;
const executions = three.runs.reduce((n, r) => n + r.executions, 0);
console.log(`${runs} runs, ${complete} complete, ${executions.toLocaleString('en-US')} executions`);
if (missingPairs) console.log(`(${missingPairs} runs lack a sub-pair in the pair files)`);
console.log('\n| signature | scenarios | in any pair |\n|---|---:|---|');
for (const [sig, list] of [...bySignature].sort())
  console.log(`| \`${sig.replace(/\|/g, '\\|')}\` | ${list.length} | ${inAnyPair.has(sig) ? 'yes' : 'no'} |`);
console.log('\nScenarios with a signature none of their sub-pairs shows:');
/** New deadlock signatures by the core of their witnesses. */
const byCore = new Map<string, Set<string>>();
for (const [sig, list] of [...beyondPairs].sort()) {
  console.log(`\n${sig} (${list.length})`);
  for (const s of list) {
    const o = witness.get(`${s}\n${sig}`);
    console.log(`  ${s}  ${o?.token ?? '(no witness listed)'}`);
    if (!cycles || !o?.token || !sig.startsWith('deadlock|')) continue;
    const waitFor =
      o.waitFor ??
      waitForOf(
        three.runs.find((r) => r.scenario === s),
        s,
        o.token,
      );
    if (!waitFor) {
      console.log('    (the replay shows no deadlock)');
      continue;
    }
    for (const line of describeWaitFor(waitFor)) console.log(`    ${line}`);
    console.log(`    core: ${waitFor.core}`);
    byCore.set(waitFor.core, (byCore.get(waitFor.core) ?? new Set()).add(sig));
  }
}
if (cycles) {
  // The cores the pairs' deadlocks have (every witness of every pair file): a core no pair has is
  // a deadlock only three tasks reach; the others are pair deadlocks with another task around.
  // A core is its parts (cycles, waits on an exited task) joined by '; ' (engine/wait-for.ts).
  const parts = (core: string) => core.split('; ');
  const pairParts = new Set<string>();
  for (const p of pairs)
    for (const f of p.findings)
      if (f.kind === 'deadlock')
        for (const o of f.occurrences) {
          const run = p.runs.find((r) => r.scenario === o.scenario && r.kernel === o.kernel && r.fs === o.fs);
          const w = o.waitFor ?? (o.token && run ? waitForOf(run, o.scenario, o.token) : undefined);
          if (w) for (const part of parts(w.core)) pairParts.add(part);
        }
  const sigs = new Set([...byCore.values()].flatMap((s) => [...s]));
  const inPairs = (core: string) => parts(core).every((part) => pairParts.has(part));
  const fresh = [...byCore.keys()].filter((c) => !inPairs(c)).length;
  console.log(
    `\nNew deadlock signatures: ${sigs.size}; deadlocks by their witnesses' cores: ${byCore.size}, ` +
      `${fresh} of them with a part no pair's deadlock witness has`,
  );
  for (const [core, s] of [...byCore].sort((a, b) => b[1].size - a[1].size))
    console.log(
      `  ${s.size} signature${s.size === 1 ? '' : 's'}${inPairs(core) ? '' : ' (not in the pairs)'}: ${core}`,
    );
}

/** The wait-for summary of the deadlock that `token` replays in scenario `scenario` of the three-thread run. */
function waitForOf(
  run: { kernel: string; fs: string; mmuWalk?: string } | undefined,
  scenario: string,
  token: string,
): WaitForSummary | undefined {
  if (!run) return undefined;
  const p = (provider ??= daxProvider());
  const t = tokenTarget(p, { scenario, kernel: run.kernel, fs: run.fs, mmuWalk: run.mmuWalk ?? 'ptl' });
  const r = replay(buildTargetModel(p, t), token);
  const d = r.execution.raised.map((x) => x.spec).find((f) => f.kind === 'deadlock');
  return (d?.details as { waitFor?: WaitForSummary } | undefined)?.waitFor;
}
