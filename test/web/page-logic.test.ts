// The viewer's pure logic (web/src/*.ts, no DOM) on traces of real models: state after a step,
// grouping by key prefix, lock bars, the derived lock graph, the Mermaid text, report and replay.

import { describe, expect, it } from 'vitest';
import { acquire, check, defineModel, type Lock, recordTrace, release } from '../../src/engine/index.js';
import { abbaDeadlock } from '../../src/examples/index.js';
import { lockEdges, lockGraph } from '../../web/src/lock-graph.js';
import { waitForLines } from '../../web/src/matrix-rows.js';
import { replayCommand, reportText } from '../../web/src/report.js';
import { mermaidName, mermaidText, sequenceDiagram } from '../../web/src/sequence.js';
import { type TraceFile, traceProblem } from '../../web/src/trace-format.js';
import {
  groupOf,
  groupState,
  lockBars,
  memberOf,
  naturalCompare,
  stateAfter,
  touchedBy,
  waitersAfter,
} from '../../web/src/trace-state.js';
import { faultTruncateModel } from './fault-truncate-model.js';

function abbaTrace(): TraceFile {
  const model = abbaDeadlock();
  const f = check(model, { mode: 'dpor' }).findings[0];
  return { ...recordTrace(model, f.token), finding: f };
}

function faultTruncateTrace(): TraceFile {
  const model = faultTruncateModel();
  const f = check(model, { mode: 'dpor' }).findings[0];
  return { ...recordTrace(model, f.token), finding: f };
}

/** One thread taking A, then B inside A, then (after both are released) C: nesting and reuse. */
function nestingTrace(): TraceFile {
  const model = defineModel({
    name: 'nesting',
    setup: (w) => ({ a: w.lock('A'), b: w.lock('B', { cls: 'classB' }), c: w.lock('C') }),
    threads: [
      {
        name: 'T',
        body: function* (s: { a: Lock; b: Lock; c: Lock }) {
          yield* acquire(s.a);
          yield* acquire(s.b, 'shared');
          yield* release(s.b, 'shared');
          yield* release(s.a);
          yield* acquire(s.c);
          yield* release(s.c);
        },
      },
    ],
  });
  return recordTrace(model, 'fl1:0x7');
}

describe('state after a step', () => {
  it('groups DAX-style keys by the prefix before the first . or [', () => {
    expect(
      ['mm0.pte[3]', 'pagecache[2]', 'block[1]', 'inode.i_size', '&mapping->i_mmap_rwsem'].map(groupOf),
    ).toEqual(['mm0', 'pagecache', 'block', 'inode', '&mapping->i_mmap_rwsem']);
    expect(['mm0.pte[3]', 'pagecache[2]', 'inode.i_size', 'count'].map(memberOf)).toEqual([
      'pte[3]',
      '[2]',
      'i_size',
      '',
    ]);
    expect(['pte[10]', 'pte[2]', 'pte[1]'].sort(naturalCompare)).toEqual(['pte[1]', 'pte[2]', 'pte[10]']);
  });

  it('replays the changed objects up to the step, and tells changed from merely touched', () => {
    const trace = faultTruncateTrace();
    expect(stateAfter(trace, -1).get('inode.i_size')).toEqual({
      kind: 'cell',
      key: 'inode.i_size',
      value: 4096,
    });
    const truncated = trace.steps.findIndex((s) => s.op === 'write inode.i_size = 0');
    expect(stateAfter(trace, truncated - 1).get('inode.i_size')).toMatchObject({ value: 4096 });
    expect(stateAfter(trace, truncated).get('inode.i_size')).toMatchObject({ value: 0 });
    expect(touchedBy(trace, truncated)).toEqual(new Map([['inode.i_size', 'changed']]));
    // The truncate clears a pte nobody mapped yet: written, but the same value.
    const clear = trace.steps.findIndex((s) => s.op === 'write mm0.pte[0] = null');
    expect(touchedBy(trace, clear)).toEqual(new Map([['mm0.pte[0]', 'read']]));

    const grouped = groupState(stateAfter(trace, trace.steps.length - 1));
    expect(grouped.groups.map((g) => [g.name, g.items.map((o) => o.key)])).toEqual([
      ['block', ['block[0]']],
      ['inode', ['inode.i_size']],
      ['mm0', ['mm0.pte[0]', 'mm0.pte[1]']],
      ['pagecache', ['pagecache[0]']],
    ]);
    expect(grouped.locks.map((l) => l.key)).toEqual(['&mapping->i_mmap_rwsem']);
  });

  it('lists who waits for what at the deadlock', () => {
    const trace = abbaTrace();
    const waits = waitersAfter(stateAfter(trace, trace.steps.length - 1));
    expect(waits).toEqual([
      { thread: 0, key: 'B', kind: 'lock', mode: 'exclusive', holders: [1] },
      { thread: 1, key: 'A', kind: 'lock', mode: 'exclusive', holders: [0] },
    ]);
  });
});

describe('lock bars', () => {
  it('draws a bar per lock held, nested locks on their own track, tracks reused once free', () => {
    const trace = nestingTrace();
    const [lane] = lockBars(trace);
    expect(lane.bars.map((b) => [b.lock, b.mode, b.track, b.from, b.to])).toEqual([
      ['A', 'exclusive', 0, 0, 2],
      ['B', 'shared', 1, 1, 1],
      ['C', 'exclusive', 0, 4, 4],
    ]);
    expect(lane.tracks).toBe(2);
  });

  it('runs both ABBA bars to the end of the trace', () => {
    const trace = abbaTrace();
    const last = trace.steps.length - 1;
    expect(lockBars(trace).map((l) => l.bars.map((b) => [b.lock, b.to]))).toEqual([
      [['A', last]],
      [['B', last]],
    ]);
  });
});

describe('lock graph', () => {
  it('derives A -> B and B -> A from the ABBA trace, both on a cycle, by the waits as well as the takes', () => {
    const edges = lockEdges(abbaTrace());
    expect(edges.map((e) => [e.from, e.to, e.cycle]).sort()).toEqual([
      ['A', 'B', true],
      ['B', 'A', true],
    ]);
    const dot = lockGraph(abbaTrace());
    expect(dot.source).toBe('trace');
    expect(dot.dot).toMatch(/"A" -> "B" \[label="T0: lock_a_then_b \(step \d\)", color="#c62828"/);
  });

  it('uses lock classes, and leaves an ordered nesting off any cycle', () => {
    const edges = lockEdges(nestingTrace());
    expect(edges.map((e) => [e.from, e.to, e.cycle, e.step])).toEqual([['A', 'classB', false, 1]]);
  });

  it('draws a thread waiting for a lock it holds as a self-loop on a cycle', () => {
    const model = defineModel({
      name: 'recursive',
      setup: (w) => ({ a: w.lock('A') }),
      threads: [
        {
          name: 'T',
          body: function* (s: { a: Lock }) {
            yield* acquire(s.a);
            yield* acquire(s.a);
          },
        },
      ],
    });
    const f = check(model, { mode: 'dpor' }).findings.find((x) => x.kind === 'deadlock')!;
    const edges = lockEdges(recordTrace(model, f.token));
    expect(edges.map((e) => [e.from, e.to, e.cycle, e.step])).toEqual([['A', 'A', true, 1]]);
  });

  it("prefers the checker's own graph when the trace carries it", () => {
    const trace = { ...abbaTrace(), extra: { lockGraphDot: 'digraph { x -> y }' } };
    expect(lockGraph(trace)).toEqual({ dot: 'digraph { x -> y }', source: 'checker', locks: 2 });
  });
});

describe('sequence diagram text', () => {
  it('has a lifeline per CPU and object, a cross for a blocking step, the wait-for edges at the end', () => {
    const trace = abbaTrace();
    const lines = sequenceDiagram(trace).split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines).toContain('  participant T0 as CPU0 T0');
    expect(lines).toContain('  participant T1 as CPU1 T1');
    const last = trace.steps[trace.steps.length - 1];
    expect(
      lines.some((l) => l.startsWith(`  T${last.thread}-xO`) && l.endsWith(`: ${last.i}: ${last.op}`)),
    ).toBe(true);
    const rect = lines.indexOf('  rect rgb(255, 235, 235)');
    expect(lines.slice(rect + 1, rect + 3).sort()).toEqual([
      '  T0-->>T1: waits for B',
      '  T1-->>T0: waits for A',
    ]);
  });

  it('keeps the characters Mermaid would read as syntax', () => {
    expect(mermaidText('a;b#c <d>')).toBe('a#59;b#35;c #lt;d#gt;');
    expect(mermaidName('x#1;')).toBe('x\u266f1#59;');
  });
});

describe('report and replay command', () => {
  it('shows the report the checker wrote, else one built from the finding', () => {
    const trace = abbaTrace();
    const built = reportText(trace);
    expect(built.fromChecker).toBe(false);
    expect(built.text).toContain(trace.finding!.title);
    expect(built.text).toContain(trace.finding!.message!);
    expect(built.text).toContain('CPU0 (T0) waits for B, held by CPU1 (T1)');
    const withReport = {
      ...trace,
      finding: { ...trace.finding!, report: '=== WARNING: possible deadlock ===' },
    };
    expect(reportText(withReport)).toEqual({ text: '=== WARNING: possible deadlock ===', fromChecker: true });
  });

  it('uses the recorded replay command, else builds one from the target in extra', () => {
    const trace = abbaTrace();
    expect(replayCommand(trace)).toBe(`faultline replay ${trace.token}`);
    expect(replayCommand({ ...trace, extra: { replay: 'faultline replay X --scenario s' } })).toBe(
      'faultline replay X --scenario s',
    );
    const faultline = { scenarioRef: 'my scenario.yaml', kernel: 'v4.3', fs: 'ext4', provider: undefined };
    expect(replayCommand({ ...trace, extra: { faultline } })).toBe(
      `faultline replay ${trace.token} --scenario 'my scenario.yaml' --kernel v4.3 --fs ext4`,
    );
  });

  it('refuses JSON that is not a faultline trace', () => {
    expect(traceProblem(abbaTrace())).toBeUndefined();
    expect(traceProblem({ format: 'other/2' })).toMatch(/unsupported trace format 'other\/2'/);
    expect(traceProblem(null)).toBe('not a JSON object');
  });
});

describe('matrix rows (web/src/matrix-rows.ts)', () => {
  it('gives a deadlock row its wait-for line and names the earlier row that is the same deadlock', () => {
    // abba-bystander's two deadlocks: the ABBA pair alone, and with T2 queued behind it.
    const result = check(abbaDeadlock({ bystander: true }), { minimize: false });
    const findings = result.findings.map((f) => ({
      signature: f.signature,
      kind: f.kind,
      title: f.title,
      occurrences: [
        {
          kernel: 'k',
          fs: 'none',
          scenario: 'abba-bystander',
          token: f.token,
          waitFor: (f.details as { waitFor?: any }).waitFor,
        },
      ],
    }));
    const lines = waitForLines({ versions: ['k'], runs: [], findings });
    // the search meets the deadlock with T2 behind it first
    expect(lines).toEqual([
      'cycle: T0 -> T1 -> T0; waiting behind it: T2',
      'cycle: T0 -> T1 -> T0 (the deadlock of row 1, with other tasks or held locks around it)',
    ]);
    // A row that is not a deadlock has no line.
    expect(waitForLines({ versions: [], runs: [], findings: [{ ...findings[0], occurrences: [] }] })).toEqual(
      [undefined],
    );
  });
});
