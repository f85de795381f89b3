// `--format mermaid` is valid Mermaid: diagrams go through Mermaid's own parser (mermaid.parse,
// the grammar the browser renders with). Every finding of the DAX matrix plan is checked the
// same way in replay-every-finding-*.e2e.test.ts.

import { describe, expect, it } from 'vitest';
import { findingMermaid } from '../../src/cli/format/mermaid.js';
import type { Finding } from '../../src/engine/index.js';
import { mermaidVerdict as parse } from './mermaid-parse.js';
import { EX, inProcess } from './run-cli.js';

describe('--format mermaid', () => {
  it('the parser rejects what is not Mermaid (so the checks below can fail)', async () => {
    expect(await parse('sequenceDiagram\n  participant T0 as CPU0\n  T0->>T0: hi')).toBe('sequence');
    expect(await parse('sequenceDiagram\n  T0->>: hi; there')).toMatch(/^error/);
    expect(await parse('sequenceDiagram\n  Note over: x')).toMatch(/^error/);
  });

  it('check --format mermaid draws lock operations as arrows to the lock and ends with the finding', async () => {
    const r = await inProcess([...EX, 'check', 'abba', '--format', 'mermaid']);
    expect(await parse(r.stdout)).toBe('sequence');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines).toContain('  participant T0 as CPU0 (T0)');
    const a = lines.findIndex((l) => / as A$/.test(l));
    expect(a).toBeGreaterThan(0);
    const lockA = lines[a].trim().split(' ')[1];
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^  T1-x${lockA}: \\d+: lock A \\[blocked`)),
    );
    expect(lines[lines.length - 1]).toMatch(/^ {2}Note over T0,T1: deadlock: /);
  });

  it('a release is a dashed arrow, a lock outside the finding gets its lifeline, text is escaped', async () => {
    const step = (i: number, thread: number, op: string, note?: string) => ({
      i,
      thread,
      threadName: `t${thread}`,
      fn: 'f',
      op,
      ...(note ? { note } : {}),
    });
    const f: Finding = {
      kind: 'lock-held-at-exit',
      title: 't0 exited holding &mm->mmap_sem; #1 <oops>',
      locks: ['&mm->mmap_sem'],
      signature: '',
      token: 'fl1:0x3+fl1:0x2,1x3',
      trace: [
        step(0, 0, 'down_read(&mm->mmap_sem)'),
        step(1, 0, 'spin_lock(&(ptlock_ptr(page))->rlock)'),
        step(2, 1, 'lock_page(PG_locked)', 'blocked: PG_locked (exclusive), held by t0'),
        step(3, 0, 'spin_unlock(&(ptlock_ptr(page))->rlock)'),
        step(4, 0, 'read p1.pte[a#0]'),
      ],
      preemptions: 0,
      threads: ['t0', 't1'],
    };
    const lines = findingMermaid(f);
    expect(await parse(lines.join('\n'))).toBe('sequence');
    expect(lines).toEqual([
      'sequenceDiagram',
      '  participant T0 as CPU0 (t0)',
      '  participant T1 as CPU1 (t1)',
      '  participant L0 as &mm-#gt;mmap_sem',
      '  participant L1 as &(ptlock_ptr(page))-#gt;rlock',
      '  participant L2 as PG_locked',
      '  Note over T0,T1: 1 earlier execution made lock-order edges of it first (not drawn)',
      '  T0->>L0: 0: down_read(&mm-#gt;mmap_sem)',
      '  T0->>L1: 1: spin_lock(&(ptlock_ptr(page))-#gt;rlock)',
      '  T1-xL2: 2: lock_page(PG_locked) [blocked: PG_locked (exclusive), held by t0]',
      '  T0-->>L1: 3: spin_unlock(&(ptlock_ptr(page))-#gt;rlock)',
      '  Note over T0: 4: read p1.pte[a#35;0]',
      '  Note over T0,T1: lock-held-at-exit: t0 exited holding &mm-#gt;mmap_sem#59; #35;1 #lt;oops#gt;',
    ]);
  });
});
