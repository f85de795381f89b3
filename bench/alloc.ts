// Allocation per step: checks one DAX matrix cell with DPOR under V8's sampling heap profiler
// (objects later freed by either GC included) and prints the bytes allocated per engine step and
// the functions that allocate them. Byte counts are sampled (one sample per 4 KiB on average), so
// they vary by a few percent between runs; they do not depend on the machine's load.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/alloc.js [kernel] [fs] [scenario] [top]
//   node dist/bench/alloc.js v4.4 ext4 mmap-vs-fault 30
//
// Allocation sites are functions (V8 samples carry no line); builtins such as `push` are shown
// with the function that called them.

import { Session } from 'node:inspector/promises';
import { check } from '../src/engine/index.js';
import { buildModel, builtinScenarios } from '../src/workload/index.js';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

async function main(): Promise<void> {
  const [kernel = 'v4.4', fs = 'ext4', name = 'mmap-vs-fault', top = '25'] = process.argv.slice(2);
  const scenario = builtinScenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`no built-in scenario '${name}'`);
  const model = buildModel(scenario, { kernel, fs: fs as 'ext4' | 'xfs' });
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const res = check(model, { minimize: false });
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
  session.disconnect();

  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (n: ProfileNode, parent: string): void => {
    const f = n.callFrame;
    let site = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    if (!f.url && parent) site += ` <- ${parent}`;
    if (n.selfSize) {
      bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c, site);
  };
  walk(profile.head, '');
  const steps = res.stats.steps;
  console.log(
    `${kernel} ${fs} ${name}: ${res.stats.executions} executions, ${steps} steps, ` +
      `${Math.round(total / steps)} bytes allocated per step (${(total / 1e6).toFixed(0)} MB sampled)`,
  );
  const rows = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
  for (const [site, bytes] of rows)
    console.log(`${String(Math.round(bytes / steps)).padStart(6)} B/step  ${site}`);
}

await main();
