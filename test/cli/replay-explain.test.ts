// `replay --explain` on ext4 (v4.4): each CPU's held locks as lockdep lists them, with the jbd2
// handle (a lockdep map, no engine lock) and sb_pagefaults beside the real locks, and the page
// lock marked as invisible to lockdep.

import { describe, expect, it } from 'vitest';
import { loadProvider } from '../../src/cli/provider.js';
import { buildTargetModel, resolveKernel, resolveScenario } from '../../src/cli/target.js';
import { replayExecution } from '../../src/engine/index.js';
import { inProcess } from './run-cli.js';

const TARGET = ['--scenario', 'read-fault-vs-write-fault', '--kernel', 'v4.4', '--fs', 'ext4'];

/**
 * A token where the writer runs alone from the start (a serial schedule), cut after the first
 * step in function `fn`, so the replay ends with the writer inside its fault.
 */
async function writerUntil(fn: string): Promise<string> {
  const p = await loadProvider(undefined);
  const scenario = resolveScenario(p, 'read-fault-vs-write-fault');
  const model = buildTargetModel(p, {
    scenario,
    scenarioRef: scenario.name,
    kernel: resolveKernel(p, 'v4.4'),
    fs: 'ext4',
  });
  const writer = model.threads.findIndex((t) => t.name === 'writer');
  const ex = replayExecution(model, 'fl1:', {}, undefined, [], true);
  while (ex.isRunnable(writer)) {
    ex.stepThread(writer);
    if (ex.records[ex.records.length - 1].fn === fn) return ex.token();
  }
  throw new Error(`the writer never runs ${fn}`);
}

describe('replay --explain on ext4 v4.4', () => {
  it('a write fault holds sb_pagefaults and the jbd2_handle lockdep map next to mmap_sem', async () => {
    // Up to the first i_data_sem acquisition inside the journal handle.
    const token = await writerUntil('ext4_map_blocks');
    const r = await inProcess(['replay', token, ...TARGET, '--explain']);
    expect(r.code, r.stderr).toBe(0);
    const text = r.stdout.replace(/\n +/g, ' ');
    // The MMU's page-table walk is no lock to lockdep.
    expect(text).toContain(
      'MMU page walk(&(ptlock_ptr(page))->rlock) holds: &(ptlock_ptr(page))->rlock (not in lockdep)',
    );
    expect(text).toContain(
      'sb_start_pagefault(sb_pagefaults) holds: &mm->mmap_sem (read), sb_pagefaults (read)',
    );
    expect(text).toContain(
      'holds: &mm->mmap_sem (read), sb_pagefaults (read), jbd2_handle (lockdep map), &ei->i_data_sem (read)',
    );
    // The end: the CPU's locks, then lockdep's own list, in the order taken.
    expect(r.stdout).toContain(
      'CPU1 (writer): &mm->mmap_sem (read), sb_pagefaults (read), jbd2_handle (lockdep map), &ei->i_data_sem (read)   [runnable]',
    );
    expect(r.stdout).toMatch(
      /4 locks held by writer\/1:\n +#0: \(&mm->mmap_sem\)\S+, at: __do_page_fault\n +#1: \(sb_pagefaults\)\S+, at: ext4_dax_fault\n +#2: \(jbd2_handle\)\S+, at: jbd2__journal_start\n +#3: \(&ei->i_data_sem\)\S+, at: ext4_map_blocks/,
    );
  });

  it('JSON has lockdep lists per step: jbd2_handle there only, sb_pagefaults in both', async () => {
    const token = await writerUntil('dax_insert_mapping');
    const r = await inProcess(['replay', token, ...TARGET, '--explain', '--format', 'json']);
    const j = JSON.parse(r.stdout) as {
      executions: number;
      steps: { held: { cls: string }[][]; lockdep: { cls: string; read: number }[][] }[];
    };
    expect(j.executions).toBe(1);
    const withHandle = j.steps.filter((s) => s.lockdep[1].some((l) => l.cls === 'jbd2_handle'));
    expect(withHandle.length).toBeGreaterThan(0);
    // jbd2_handle is never an engine lock; sb_pagefaults is both.
    for (const s of withHandle) {
      expect(s.held[1].map((h) => h.cls)).not.toContain('jbd2_handle');
      expect(s.lockdep[1].map((l) => l.cls)).toContain('sb_pagefaults');
    }
  });
});

describe('replay of a token that names several executions', () => {
  it('says that the earlier ones only build lockdep state, and shows the cycle', async () => {
    const provider = ['--provider', 'test/cli/fixtures/lockdep-orders.ts'];
    const check = await inProcess([...provider, 'check', 'two-orders', '--format', 'json']);
    const [cycle] = (
      JSON.parse(check.stdout) as { findings: { kind: string; token: string; replay: string }[] }
    ).findings;
    expect(cycle.kind).toBe('circular-dependency');
    expect(cycle.token.split('+')).toHaveLength(2);
    const r = await inProcess([...cycle.replay.split(' ').slice(1)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "the token names 2 executions: the first only builds lockdep's graph, the last is shown",
    );
    expect(r.stdout).toContain(
      "replay runs 2 executions with one lockdep: the first made an edge of the cycle (lockdep's graph spans executions), the last closes it",
    );
    expect(r.stdout).toContain('signature: circular-dependency|&A,&B|');
  });
});
