// How a plan's runs are dealt to shards, and `--shard I/N` parsing: every run on exactly one shard,
// shard sizes within one of each other, and each scenario's runs spread over the shards.

import { describe, expect, it } from 'vitest';
import { dealShards } from '../../src/cli/matrix.js';
import { parseShard } from '../../src/cli/shard.js';

/** Keys of a plan in plan order: version, then filesystem, then scenario. */
function keys(versions: number, filesystems: string[], scenarios: string[]): string[] {
  const out: string[] = [];
  for (let v = 0; v < versions; v++)
    for (const fs of filesystems) for (const s of scenarios) out.push(`v${v}|${fs}|${s}`);
  return out;
}

describe('dealShards', () => {
  it('puts every run on one shard, sizes within one of each other', () => {
    const k = keys(9, ['ext4', 'xfs'], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']);
    for (const n of [1, 2, 3, 4, 7, 198, 250]) {
      const dealt = dealShards(k, n);
      expect(dealt).toHaveLength(198);
      const sizes = Array.from({ length: n }, (_, i) => dealt.filter((s) => s === i + 1).length);
      expect(sizes.reduce((a, b) => a + b)).toBe(198);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it("spreads each scenario's runs over the shards even when N divides the runs per version", () => {
    // 2 filesystems x 11 scenarios = 22 runs per version: in plan order, shard k mod 2 would take
    // the same scenarios on every version.
    const scenarios = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
    const k = keys(9, ['ext4', 'xfs'], scenarios);
    const dealt = dealShards(k, 2);
    for (const s of scenarios)
      for (const fs of ['ext4', 'xfs']) {
        const runs = k
          .map((key, i) => [key, dealt[i]] as const)
          .filter(([key]) => key.endsWith(`|${fs}|${s}`));
        const onFirst = runs.filter(([, shard]) => shard === 1).length;
        expect(Math.abs(onFirst - (runs.length - onFirst))).toBeLessThanOrEqual(1);
      }
  });

  it('reads scenario names with | (explore names them page:load|write:hole)', () => {
    const k = ['v|xfs|page:load|load:hole', 'v|xfs|page:load|write:hole', 'v|xfs|page:write|write:hole'];
    expect(dealShards(k, 2)).toEqual([1, 2, 1]);
  });
});

describe('parseShard', () => {
  it('reads I/N with 1 <= I <= N and names the flag otherwise', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '3', '1/0', '-1/2', '1/2/3', ''])
      expect(() => parseShard(bad)).toThrow(`--shard must be I/N with 1 <= I <= N (e.g. 2/3), got '${bad}'`);
  });
});
