// The two MMU walks of a scenario's `mmu.walk` (src/workload/actors.ts), driven by hand through
// one interleaving: a store whose walk has found a writable pfn PTE, and a truncate to 0 that
// runs before the store reaches memory. With the ptl stand-in the truncate cannot zap the PTE
// until the store is done; with the atomic walk it can, and the store then goes nowhere: it
// walks again, faults beyond i_size and ends in SIGBUS.

import { describe, expect, it } from 'vitest';
import { check, describeOp, Execution, type Op } from '../../src/engine/index.js';
import { ObjectRegistry } from '../../src/engine/objects.js';
import { buildModel, type MmuWalk, type Scenario } from '../../src/workload/index.js';

function scenario(walk: MmuWalk): Scenario {
  return {
    name: `store-vs-truncate-${walk}`,
    fs: 'xfs',
    file: { size: 4, blocks: [{ written: 5 }] },
    mappings: [{ id: 'm', process: 'p1', shared: true }],
    mmu: { walk },
    threads: [
      { name: 'cpu', process: 'p1', actions: [{ do: 'store', map: 'm', page: 0, value: 7 }] },
      { name: 'truncate', process: 'p2', actions: [{ do: 'truncate', size: 0 }] },
    ],
  };
}

const apiOf = (op: Op | undefined): string | undefined => {
  const info = op && 'info' in op ? op.info : undefined;
  return info && typeof info === 'object' && 'api' in info ? String(info.api) : undefined;
};

function cellValue(ex: Pick<Execution<unknown>, 'objectIds' | 'objectState'>, key: string): unknown {
  for (const id of ex.objectIds()) {
    const o = ex.objectState(id);
    if (o?.kind === 'cell' && o.key === key) return o.value;
  }
  throw new Error(`no cell ${key}`);
}

/** Runs `cpu` until its next step is the store to pmem (after its faults), then `truncate` as far
 *  as it goes, then everything in thread order. */
function storeRacesTruncate(walk: MmuWalk) {
  const model = buildModel(scenario(walk), { kernel: 'v4.4', fs: 'xfs', monitors: false });
  const ex = new Execution(model, { registry: new ObjectRegistry(), choose: () => 0, keepTrace: true });
  const [cpu, truncate] = [0, 1];
  const storeApi = walk === 'atomic' ? 'pmem store through the TLB' : 'pmem store';
  while (apiOf(ex.pending(cpu) ?? undefined) !== storeApi) ex.stepThread(cpu);
  const walked = ex.records.length;
  while (ex.isRunnable(truncate)) ex.stepThread(truncate);
  const truncateBlockedOn = ex.threadStatus(truncate) === 'blocked' ? ex.describeWait(truncate) : undefined;
  while (!ex.finished && ex.runnable().length) ex.stepThread(ex.runnable()[0]);
  ex.finish();
  const after = ex.records
    .slice(walked)
    .filter((r) => r.thread === cpu)
    .map((r) => `${apiOf(r.op) ?? '-'}: ${describeOp(r.op)}`);
  const results = ex.threads.map((t) => (t as { result?: unknown }).result) as {
    records: { outcome: string }[];
  }[];
  return { ex, truncateBlockedOn, cpuAfter: after, cpuOutcome: results[cpu].records[0].outcome };
}

describe('MMU walk', () => {
  it("'ptl': a truncate that reaches the PTE while a store is between its walk and memory waits for the ptl", () => {
    const r = storeRacesTruncate('ptl');
    expect(r.truncateBlockedOn).toMatch(/ptl/);
    expect(r.cpuAfter[0]).toBe('pmem store: write pmem[0] = 7');
    expect(r.cpuOutcome).toBe('ok');
  });

  it("'atomic': the truncate zaps the PTE first; the store stores nothing, walks again and gets SIGBUS", () => {
    const r = storeRacesTruncate('atomic');
    expect(r.truncateBlockedOn).toBeUndefined();
    // the access step re-reads the PTE with the memory, finds it gone and stores nothing ...
    expect(r.cpuAfter[0]).toBe('pmem store through the TLB: update pmem[0]');
    expect(cellValue(r.ex, 'pmem[0]')).not.toBe(7);
    // ... the CPU walks again and faults
    expect(r.cpuAfter[1]).toBe('MMU page walk: read p1.pte[m+0]');
    expect(r.cpuAfter.some((op) => op.startsWith('down_read'))).toBe(true);
    expect(r.cpuOutcome).toBe('SIGBUS');
  });

  it('a walk the model does not have is an error naming the scenario', () => {
    const s = { ...scenario('ptl'), mmu: { walk: 'locked' as MmuWalk } };
    expect(() => buildModel(s, { kernel: 'v4.4', fs: 'xfs' })).toThrow(
      "scenario 'store-vs-truncate-ptl': mmu.walk must be one of ptl, atomic, got 'locked'",
    );
  });

  it('both walks find the same on a fault-vs-truncate pair, the atomic one in fewer executions', () => {
    const runs = (['ptl', 'atomic'] as const).map((walk) => {
      const s = scenario(walk);
      s.threads[0].actions = [{ do: 'load', map: 'm', page: 0 }];
      const r = check(buildModel(s, { kernel: 'v4.4', fs: 'xfs' }), { minimize: false });
      expect(r.complete).toBe(true);
      return { signatures: r.findings.map((f) => f.signature).sort(), executions: r.stats.executions };
    });
    expect(runs[1].signatures).toEqual(runs[0].signatures);
    expect(runs[1].executions).toBeLessThan(runs[0].executions);
  });
});
