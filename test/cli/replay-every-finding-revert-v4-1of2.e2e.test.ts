// Every printed finding replays to itself (issue #6), part 3 of 3: the state reviewed on Oct 7
// 2015, with lockdep cycles whose tokens name several executions, and check's printed replays.

import { describe, expect, it } from 'vitest';
import { everyFindingReplays } from './replay-every-finding.js';
import { inProcess } from './run-cli.js';

describe('every printed finding replays to itself', () => {
  it('revert-v4-1of2: each occurrence of each finding, and its mermaid diagrams', async () => {
    const kinds = ['bad-unlock', 'circular-dependency', 'deadlock', 'lock-held-at-exit', 'oops'];
    const m = await everyFindingReplays(
      [
        '--kernels',
        'revert-v4-1of2',
        '--fs',
        'ext4',
        '--scenarios',
        'read-fault-vs-write-fault,munmap-vs-truncate,pmd-write-fault',
      ],
      kinds,
    );
    // Among them, a cycle whose token replays an earlier execution first (lockdep saw one of its
    // edges there).
    const tokens = m.findings.filter((f) => f.kind === 'circular-dependency').flatMap((f) => f.occurrences);
    expect(tokens.some((o) => o.token.includes('+'))).toBe(true);
  }, 60_000);

  it('check --format json: each finding, through the replay command it prints', async () => {
    const r = await inProcess([
      'check',
      'read-fault-vs-write-fault',
      '--kernel',
      'revert-v4-1of2',
      '--fs',
      'xfs',
      '--format',
      'json',
    ]);
    const j = JSON.parse(r.stdout) as { findings: { kind: string; signature: string; replay: string }[] };
    expect(j.findings.length).toBeGreaterThanOrEqual(4);
    expect(j.findings.map((f) => f.kind)).toContain('circular-dependency');
    for (const f of j.findings) {
      const args = f.replay.split(' ');
      expect(args.slice(0, 2)).toEqual(['faultline', 'replay']);
      const again = await inProcess([...args.slice(1), '--format', 'json']);
      expect(again.code, again.stderr).toBe(1);
      const shown = JSON.parse(again.stdout) as { findings: { signature: string }[] };
      expect(shown.findings.map((x) => x.signature)).toContain(f.signature);
    }
  }, 30_000);
});
