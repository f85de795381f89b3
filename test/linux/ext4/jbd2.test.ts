// The jbd2 journal wired into ext4: a commit waits for the running handles, new handle starts
// wait for the commit, nested starts do not wait; and the deadlocks that close through a commit
// (hand-driven interleavings, replayed from their tokens; the ->page_mkwrite one also found by PCT).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check, replay } from '../../../src/engine/index.js';
import { buildModel, type Scenario } from '../../../src/workload/index.js';
import { drive, runExt4, shared } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const written = { size: 4, blocks: [{ written: 5 }] };

describe('kjournald2 commit', () => {
  it('on an idle journal: locks the transaction, finds no handle, opens the next one', () => {
    const r = runExt4('v4.4', {
      file: written,
      threads: [{ name: 'kjournald2', actions: [{ do: 'commit' }] }],
    });
    expect(r.outcome).toBe('done');
    expect(r.events).toEqual(['commit', 'commit-wait', 'commit']);
  });

  it('waits for a running handle; a handle start during the commit waits for the next transaction', () => {
    const d = drive(
      'v4.4',
      {
        file: { size: 4, blocks: ['hole', { written: 5 }] },
        mappings: [shared('m', 'p1')],
        threads: [
          { name: 'punch', process: 'p2', actions: [{ do: 'punch', page: 1, pages: 1 }] },
          { name: 'reader', process: 'p1', actions: [{ do: 'load', map: 'm', page: 0 }] },
          { name: 'kjournald2', process: 'p3', actions: [{ do: 'commit' }] },
        ],
      },
      [
        { thread: 'punch', until: (ev) => ev === 'J' },
        { thread: 'kjournald2', blocked: true },
        // a v4.4 read fault over a hole starts a handle in ext4_get_block_dax
        { thread: 'reader', blocked: true },
      ],
    );
    expect(d.outcome).toBe('done');
    const order = d.events.map((e) => `${e.thread}:${e.ev}`);
    const i = (x: string) => order.indexOf(x);
    expect(i('kjournald2:commit')).toBeGreaterThan(i('punch:J'));
    // the commit finishes only after the punch's handle stops, and the reader's start after that
    expect(order.lastIndexOf('kjournald2:commit')).toBeGreaterThan(i('punch:uJ'));
    expect(i('reader:J-wait')).toBeGreaterThan(i('kjournald2:commit-wait'));
    expect(order.lastIndexOf('reader:J')).toBeGreaterThan(order.lastIndexOf('kjournald2:commit'));
  });

  it('a nested start (ext4_ext_remove_space under the punch handle, the conversion under the fault handle) never waits for a commit', () => {
    const d = drive(
      'v4.4',
      {
        file: { size: 4, blocks: ['hole'] },
        mappings: [shared('m', 'p1')],
        threads: [
          { name: 'writer', process: 'p1', actions: [{ do: 'store', map: 'm', page: 0, value: 3 }] },
          { name: 'kjournald2', process: 'p3', actions: [{ do: 'commit' }] },
        ],
      },
      [],
    );
    expect(d.outcome).toBe('done');
    const writerHandles = d.events.filter((e) => e.thread === 'writer' && (e.ev === 'J' || e.ev === 'uJ'));
    // PMD attempt, PTE fault: two outer handles; the conversion's start is nested (no event)
    expect(writerHandles.map((e) => e.ev)).toEqual(['J', 'uJ', 'J', 'uJ']);
  });

  it('every interleaving of a truncate, a read fault and a commit ends (v4.4: no cycle through the journal)', () => {
    const model = buildModel(
      {
        name: 'truncate-load-commit',
        file: written,
        mappings: [shared('m', 'p1')],
        threads: [
          { name: 'truncate', process: 'p2', actions: [{ do: 'truncate', size: 0 }] },
          { name: 'kjournald2', process: 'p3', actions: [{ do: 'commit' }] },
        ],
      },
      { kernel: 'v4.4', fs: 'ext4' },
    );
    const r = check(model, { mode: 'dpor', timeLimitMs: 15000 });
    expect(r.complete).toBe(true);
    expect(r.findings).toEqual([]);
    expect(r.stats.executions).toBeGreaterThan(2);
  });
});

describe('deadlocks closed through a commit', () => {
  it('v4.3-rc1: a read fault holds W(i_mmap) and waits to start a handle; the punch holds a handle and waits for W(i_mmap); the commit waits for the punch', () => {
    const scenario = {
      file: { size: 4, blocks: [{ written: 5 }] },
      mappings: [shared('m', 'p1')],
      threads: [
        { name: 'punch', process: 'p2', actions: [{ do: 'punch' as const, page: 1, pages: 1 }] },
        { name: 'reader', process: 'p1', actions: [{ do: 'load' as const, map: 'm', page: 2 }] },
        { name: 'kjournald2', process: 'p3', actions: [{ do: 'commit' as const }] },
      ],
    };
    const d = drive('v4.3-rc1', scenario, [
      { thread: 'punch', until: (ev) => ev === 'J' },
      { thread: 'reader', until: (ev) => ev === 'W(i_mmap)' },
      { thread: 'kjournald2', blocked: true },
      { thread: 'reader', blocked: true },
      { thread: 'punch', blocked: true },
    ]);
    expect(d.outcome).toBe('deadlock');
    expect(d.waits.punch).toMatch(/i_mmap_rwsem \(exclusive\), held by reader/);
    expect(d.waits.reader).toMatch(/j_wait_transaction_locked/);
    expect(d.waits.kjournald2).toMatch(/j_wait_updates/);
    // the token replays the same deadlock
    const model = buildModel(
      { name: 'driven', ...scenario },
      { kernel: 'v4.3-rc1', fs: 'ext4', monitors: false },
    );
    expect(replay(model, d.token).outcome).toBe('deadlock');
  });

  it('the same schedule cannot happen in v4.3: the read fault takes no i_mmap_rwsem before get_block', () => {
    expect(() =>
      drive(
        'v4.3',
        {
          file: { size: 4, blocks: [{ written: 5 }] },
          mappings: [shared('m', 'p1')],
          threads: [
            { name: 'punch', process: 'p2', actions: [{ do: 'punch', page: 1, pages: 1 }] },
            { name: 'reader', process: 'p1', actions: [{ do: 'load', map: 'm', page: 2 }] },
          ],
        },
        [
          { thread: 'punch', until: (ev) => ev === 'J' },
          { thread: 'reader', until: (ev) => ev === 'W(i_mmap)' },
        ],
      ),
    ).toThrow(/cannot complete/);
  });

  it('every version: ->page_mkwrite holds the hole page lock and waits to start a handle, while the punch holds a handle and waits for that page in its second truncate_pagecache_range', () => {
    for (const v of ['v4.2', 'v4.3', 'v4.4']) {
      const d = drive(
        v,
        {
          file: { size: 4, blocks: ['hole'] },
          mappings: [shared('m', 'p1')],
          threads: [
            { name: 'punch', process: 'p2', actions: [{ do: 'punch', page: 0, pages: 1 }] },
            {
              name: 'writer',
              process: 'p1',
              actions: [
                { do: 'load', map: 'm', page: 0 },
                { do: 'store', map: 'm', page: 0, value: 3 },
              ],
            },
            { name: 'kjournald2', process: 'p3', actions: [{ do: 'commit' }] },
          ],
        },
        [
          // the punch is past its first truncate_pagecache_range and runs a handle
          { thread: 'punch', until: (ev) => ev === 'J' },
          // the load faults the hole page in (v4.3+: its lookup handle nests in nothing and
          // joins the running transaction); the store's page_mkwrite locks it
          {
            thread: 'writer',
            until: (ev, s) => ev === 'PL' && s.fn === '__dax_fault' && s.op.startsWith('lock_page_or_retry'),
          },
          { thread: 'kjournald2', blocked: true },
          { thread: 'writer', blocked: true },
          { thread: 'punch', blocked: true },
        ],
      );
      expect(d.outcome, v).toBe('deadlock');
      expect(d.waits.punch, v).toMatch(/PG_locked/);
      expect(d.waits.writer, v).toMatch(/j_wait_transaction_locked/);
      expect(d.waits.kjournald2, v).toMatch(/j_wait_updates/);
    }
  });

  it('PCT finds that ->page_mkwrite deadlock by itself (1,000 runs, seed 1), a witness that replays to it', () => {
    const scenario = JSON.parse(
      readFileSync(join(here, 'scenarios', 'ext4-load-store-vs-punch-commit.json'), 'utf8'),
    ) as Scenario;
    for (const v of ['v4.2', 'v4.3', 'v4.4']) {
      const model = buildModel(scenario, { kernel: v, fs: 'ext4' });
      const r = check(model, { mode: 'pct', runs: 1000, depth: 3, seed: 1 });
      const dl = r.findings.find((f) => f.kind === 'deadlock');
      expect(dl?.signature, v).toBe(
        'deadlock|&mm->mmap_sem,&sb->s_type->i_mutex_key,PG_locked,sb_pagefaults|' +
          'jbd2__journal_start,jbd2_journal_commit_transaction,truncate_inode_pages_range',
      );
      expect(replay(model, dl!.token).outcome, v).toBe('deadlock');
    }
  }, 30_000); // about 4 s on a quiet machine, past vitest's 5 s default on a busy one
});

describe('without a commit actor', () => {
  const twoFaults = {
    name: 'write-fault-and-read-fault',
    file: { size: 4, blocks: ['hole' as const, 'hole' as const] },
    mappings: [shared('m', 'p1'), shared('n', 'p2')],
    threads: [
      { name: 'writer', process: 'p1', actions: [{ do: 'store' as const, map: 'm', page: 0, value: 1 }] },
      { name: 'reader', process: 'p2', actions: [{ do: 'load' as const, map: 'n', page: 1 }] },
    ],
  };

  it('lockdep still sees every handle as jbd2_handle: v4.3-rc1 orders jbd2_handle -> i_mmap_rwsem in the write fault and i_mmap_rwsem -> jbd2_handle in the read fault; v4.3 does not', () => {
    const rc1 = check(buildModel(twoFaults, { kernel: 'v4.3-rc1', fs: 'ext4' }), {
      mode: 'dpor',
      timeLimitMs: 15000,
    });
    expect(rc1.complete).toBe(true);
    const cycle = rc1.findings.find((f) => f.kind === 'circular-dependency');
    expect(cycle?.signature).toBe('circular-dependency|&mapping->i_mmap_rwsem,jbd2_handle|');
    const v43 = check(buildModel(twoFaults, { kernel: 'v4.3', fs: 'ext4' }), {
      mode: 'dpor',
      timeLimitMs: 15000,
    });
    expect(v43.complete).toBe(true);
    expect(v43.findings).toEqual([]);
  });

  it("a handle start is a step on the task's own current->journal_info, not on shared transaction state", () => {
    const r = runExt4('v4.3', twoFaults);
    const starts = r.steps.filter((x) => x.fn === 'jbd2__journal_start').map((x) => `${x.thread} ${x.op}`);
    expect(new Set(starts)).toEqual(
      new Set(['writer update writer: current->journal_info', 'reader update reader: current->journal_info']),
    );
    expect(r.steps.some((x) => x.op.includes('s_journal'))).toBe(false);
  });
});
