// What `check --checkpoint` costs a long DPOR run: the size of a checkpoint, the time to take and
// write one, and the executions per second with and without saving (every second here, sixty
// times the default rate, so the cost shows above the noise). The two runs alternate, ROUNDS
// times each, in one process: compare the ratio, not the absolute rates.
//
//   npx tsc -p tsconfig.build.json
//   node dist/bench/checkpoint.js [scenario file or name] [kernel] [fs] [seconds per run] [rounds]
//   node dist/bench/checkpoint.js test/linux/ext4/scenarios/ext4-load-punch-hole-commit-f2-atomic.json v4.3-rc5 ext4 20 3

import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, type RunCheckpoint } from '../src/engine/index.js';
import {
  buildModel,
  builtinScenarios,
  type FsName,
  type Scenario,
  spaceScenarioNamed,
} from '../src/workload/index.js';

const [
  name = 'test/linux/ext4/scenarios/ext4-load-punch-hole-commit-f2-atomic.json',
  kernel = 'v4.3-rc5',
  fs = 'ext4',
  seconds = '20',
  rounds = '3',
] = process.argv.slice(2);
const scenario: Scenario | undefined = existsSync(name)
  ? JSON.parse(readFileSync(name, 'utf8'))
  : (builtinScenarios.find((s) => s.name === name) ?? spaceScenarioNamed(name));
if (!scenario) throw new Error(`no scenario file, built-in or generated scenario '${name}'`);

const file = join(tmpdir(), `faultline-bench-checkpoint-${process.pid}.json`);
const model = () => buildModel(scenario, { kernel, fs: fs as FsName });

function once(saving: boolean) {
  let saves = 0;
  let saveMs = 0;
  let bytes = 0;
  const save = (cp: RunCheckpoint) => {
    const t = performance.now();
    const text = JSON.stringify(cp);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    saveMs += performance.now() - t;
    bytes = text.length;
    saves++;
  };
  const r = check(model(), {
    mode: 'dpor',
    minimize: false,
    timeLimitMs: Number(seconds) * 1000,
    ...(saving ? { checkpoint: { everyMs: 1000, save } } : {}),
  });
  return {
    rate: r.stats.executions / (r.stats.elapsedMs / 1000),
    saves,
    saveMs,
    bytes,
    executions: r.stats.executions,
  };
}

console.log(`${scenario.name} on ${kernel}/${fs}, ${seconds} s per run`);
console.log(
  '| round | executions/s without | executions/s saving every 1 s | ratio | saves | ms per save | checkpoint (KB) |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (let i = 1; i <= Number(rounds); i++) {
  const plain = once(false);
  const saving = once(true);
  console.log(
    `| ${i} | ${plain.rate.toFixed(0)} | ${saving.rate.toFixed(0)} | ${(saving.rate / plain.rate).toFixed(3)} | ${saving.saves} | ${(saving.saveMs / saving.saves).toFixed(1)} | ${(saving.bytes / 1024).toFixed(0)} |`,
  );
}
rmSync(file, { force: true });
