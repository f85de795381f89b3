// End-to-end: the trace viewer page, built from its sources, served by `startViewServer`, driven
// in headless Chromium on traces of real models. Fails (never skips) when Chromium is missing.

import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from '../../src/cli/view.js';
import { check, type Finding, type Model, recordTrace, type TraceFile } from '../../src/engine/index.js';
import { abbaDeadlock, diningPhilosophers } from '../../src/examples/index.js';
import type { TraceFile as PageTraceFile } from '../../web/src/trace-format.js';
import { buildWeb, launchChromium, screenshot, watchPage } from './browser.js';
import { faultTruncateModel } from './fault-truncate-model.js';

/** A trace of the first finding of `kind` that a full check of `model` reports. */
function traceOfFinding(model: Model, kind: string): TraceFile & { finding: Finding } {
  const f = check(model, { mode: 'dpor' }).findings.find((x) => x.kind === kind);
  if (!f) throw new Error(`${model.name}: no ${kind} found`);
  const trace = { ...recordTrace(model, f.token), finding: f };
  // The page's own types of the format must accept what the engine writes (checked by tsc).
  const forPage: PageTraceFile = trace;
  return forPage as typeof trace;
}

let web: ReturnType<typeof buildWeb>;
// Launched by the first test that needs it, so that a missing Chromium fails every test with
// its message (a failing beforeAll would only mark them skipped).
let browser: ReturnType<typeof launchChromium> | undefined;
const servers: ViewServer[] = [];

async function browserContext(): Promise<BrowserContext> {
  browser ??= launchChromium();
  return (await browser).context;
}

beforeAll(() => {
  web = buildWeb();
}, 90_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await (await browser?.catch(() => undefined))?.close();
  web?.cleanup();
});

async function open(
  opts: Parameters<typeof startViewServer>[0],
): Promise<{ page: Page; problems: string[] }> {
  const server = await startViewServer({ ...opts, webRoot: web.dir });
  servers.push(server);
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await (await browserContext()).newPage();
  const { problems } = watchPage(page, server.url.replace(/\/$/, ''));
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=lanes]');
  return { page, problems };
}

const diagramsDrawn = (page: Page) =>
  Promise.all([
    page.waitForSelector('[data-testid=lock-graph][data-state=ready] svg', { timeout: 20_000 }),
    page.waitForSelector('[data-testid=sequence][data-state=ready] svg', { timeout: 20_000 }),
  ]);

/** The wait-for arrows drawn in the last row, as [from, to, lock]. */
async function drawnEdges(page: Page): Promise<[number, number, string][]> {
  return page.$$eval('[data-testid=waitfor-edge]', (gs) =>
    gs.map((g) => {
      const line = g.querySelector('line')!.getBoundingClientRect();
      if (line.width < 20) throw new Error('wait-for arrow is not drawn');
      return [
        Number(g.getAttribute('data-from')),
        Number(g.getAttribute('data-to')),
        g.getAttribute('data-key')!,
      ];
    }),
  );
}

/** The Locks table of the state panel: key -> text of its holders and waiters. */
async function lockRows(page: Page): Promise<Record<string, string>> {
  const rows = await page.$$eval('[data-testid=state-panel] [data-group=locks] tr', (trs) =>
    trs.map((tr) => [
      tr.getAttribute('data-key')!,
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, spaced as shown
      tr.querySelector('td')!.innerText.replace(/\s+/g, ' ').trim(),
    ]),
  );
  return Object.fromEntries(rows);
}

describe('trace viewer (headless Chromium)', () => {
  it('shows an ABBA deadlock: lanes, lock bars, wait-for cycle, state per step, report, graph, sequence', async () => {
    const trace = traceOfFinding(abbaDeadlock(), 'deadlock');
    const { page, problems } = await open({ trace });

    // One lane per thread, CPU0 and CPU1, each step in its thread's lane with function and op.
    const lanes = await page.$$eval('[data-testid=lane]', (ls) => ls.map((l) => l.textContent));
    expect(lanes).toHaveLength(2);
    expect(lanes[0]).toContain('CPU0');
    expect(lanes[0]).toContain('T0');
    expect(lanes[1]).toContain('CPU1');
    expect(lanes[1]).toContain('T1');
    const cards = await page.$$eval('[data-testid=step]', (cs) =>
      cs.map((c) => ({
        step: Number(c.getAttribute('data-step')),
        thread: Number(c.getAttribute('data-thread')),
        text: c.textContent!,
      })),
    );
    expect(cards.map((c) => [c.step, c.thread])).toEqual(trace.steps.map((s) => [s.i, s.thread]));
    for (const s of trace.steps) {
      expect(cards[s.i].text).toContain(s.op);
      expect(cards[s.i].text).toContain(s.fn);
    }
    expect(await page.textContent('[data-testid=outcome]')).toBe('deadlock');

    // Each thread holds its first lock to the end: a bar from the step that took it to the last.
    const last = trace.steps.length - 1;
    const bars = await page.$$eval('[data-testid=lock-bar]', (bs) =>
      bs.map((b) =>
        [b.getAttribute('data-thread'), b.getAttribute('data-lock'), b.getAttribute('data-to')].join(' '),
      ),
    );
    expect(bars.sort()).toEqual([`0 A ${last}`, `1 B ${last}`]);

    // At the end: T0 waits for B held by T1, T1 waits for A held by T0, the cycle of the deadlock.
    const edges = await drawnEdges(page);
    expect(edges.sort()).toEqual([
      [0, 1, 'B'],
      [1, 0, 'A'],
    ]);
    expect(edges.sort()).toEqual(
      trace.end.blocked
        .map((b) => [b.thread, b.holders[0], b.waitsFor.key] as [number, number, string])
        .sort(),
    );

    // The report is beside the trace at first, with the replay command to copy.
    const report = await page.textContent('[data-testid=report-text]');
    expect(report).toContain(trace.finding.title);
    for (const line of trace.finding.message!.split('\n')) expect(report).toContain(line);
    expect(await page.inputValue('[data-testid=replay-command]')).toBe(`faultline replay ${trace.token}`);
    await (await browserContext()).grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.click('[data-testid=replay-command-copy]');
    expect(
      await page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>),
    ).toBe(`faultline replay ${trace.token}`);

    // Click the first step: the state after it has A held by T0's CPU, B free.
    await page.click('[data-testid=step][data-step="0"]');
    await page.waitForSelector('[data-testid=state-panel][data-step="0"]');
    expect(await page.textContent('[data-testid=state-head]')).toContain(trace.steps[0].op);
    const first = trace.steps[0];
    const firstLock = first.held[first.thread][0].lock;
    const otherLock = firstLock === 'A' ? 'B' : 'A';
    expect(await lockRows(page)).toEqual({
      [firstLock]: `held by CPU${first.thread} exclusive`,
      [otherLock]: 'free',
    });

    // Arrow keys walk to the last step: both locks held, each with the other CPU waiting.
    for (let i = 0; i < last; i++) await page.keyboard.press('ArrowDown');
    await page.waitForSelector(`[data-testid=state-panel][data-step="${last}"]`);
    expect(await lockRows(page)).toEqual({
      A: 'held by CPU0 exclusive waiters 1. CPU1 exclusive',
      B: 'held by CPU1 exclusive waiters 1. CPU0 exclusive',
    });
    const threads = await page.$$eval('[data-group=threads] tr', (trs) => trs.map((tr) => tr.textContent));
    expect(threads[0]).toMatch(/blocked.*holds A.*waits for B \(held by CPU1\)/);
    expect(threads[1]).toMatch(/blocked.*holds B.*waits for A \(held by CPU0\)/);
    await page.keyboard.press('ArrowUp');
    await page.waitForSelector(`[data-testid=state-panel][data-step="${last - 1}"]`);

    // The lock graph (Graphviz) has the A -> B -> A cycle; the sequence diagram (Mermaid) draws.
    await diagramsDrawn(page);
    const graphEdges = await page.$$eval('[data-testid=lock-graph] svg g.edge title', (ts) =>
      ts.map((t) => t.textContent),
    );
    expect(graphEdges.sort()).toEqual(['A->B', 'B->A']);
    const seq = await page.textContent('[data-testid=sequence] svg');
    for (const word of ['CPU0 T0', 'CPU1 T1', 'A', 'B', trace.steps[0].op]) expect(seq).toContain(word);
    expect(await page.$$('[role=alert]')).toHaveLength(0);

    await screenshot(page, 'viewer-abba-deadlock.png');
    expect(problems).toEqual([]);
  }, 60_000);

  it('groups a DAX-shaped state by key prefix and marks what the selected step changed', async () => {
    const trace = traceOfFinding(faultTruncateModel(), 'stale-mapping');
    const { page, problems } = await open({ trace });
    const mapStep = trace.steps.findIndex((s) => s.op.startsWith('write mm0.pte[0] = {'));
    expect(mapStep).toBeGreaterThan(0);
    await page.click(`[data-testid=step][data-step="${mapStep}"]`);
    await page.waitForSelector(`[data-testid=state-panel][data-step="${mapStep}"]`);

    const groups = await page.$$eval('[data-testid=state-panel] section', (ss) =>
      ss.map((s) => s.getAttribute('data-group')),
    );
    expect(groups).toEqual(['threads', 'locks', 'block', 'inode', 'mm0', 'pagecache']);
    const row = (key: string) =>
      page.$eval(`[data-testid=state-panel] tr[data-key="${key}"]`, (tr) => ({
        label: tr.querySelector('th')!.textContent,
        // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, spaced as shown
        value: tr.querySelector('td')!.innerText.replace(/\s+/g, ' ').trim(),
        cls: tr.className,
      }));
    // The step that maps the page: its pte changed (was null), the block is already free.
    expect(await row('mm0.pte[0]')).toEqual({
      label: 'pte[0]',
      value: 'pfn: 7 block: 0 writable: false was null',
      cls: 'touched-changed',
    });
    expect(await row('mm0.pte[1]')).toEqual({ label: 'pte[1]', value: 'null', cls: '' });
    expect(await row('inode.i_size')).toEqual({ label: 'i_size', value: '0', cls: '' });
    expect(await row('block[0]')).toEqual({ label: '[0]', value: 'state: "free" data: ""', cls: '' });
    expect(await row('pagecache[0]')).toEqual({ label: '[0]', value: 'null', cls: '' });
    // down_read earlier took i_mmap_rwsem shared: the lock lists the fault's CPU as a reader.
    expect(await lockRows(page)).toEqual({ '&mapping->i_mmap_rwsem': 'held by CPU0 shared' });

    // No deadlock here: the last row says how the execution ended, without wait-for edges.
    expect(trace.end.outcome).not.toBe('deadlock');
    expect(await page.textContent('[data-testid=waitfor]')).toContain(`execution ends: ${trace.end.outcome}`);
    expect(await page.$$('[data-testid=waitfor-edge]')).toHaveLength(0);
    await diagramsDrawn(page);
    expect(await page.textContent('[data-testid=sequence] svg')).toContain('&mapping->i_mmap_rwsem');
    await screenshot(page, 'viewer-fault-truncate-state.png');
    expect(problems).toEqual([]);
  }, 60_000);

  it('shows a matrix as a version x finding table whose cells open the traces', async () => {
    // Two "versions": the philosophers taking the left fork first (deadlocks), and in fork order.
    const models: Record<string, Model> = {
      'left-first': diningPhilosophers({ n: 3 }),
      ordered: diningPhilosophers({ n: 3, ordered: true }),
    };
    const runs = Object.entries(models).map(([kernel, model]) => ({
      kernel,
      model,
      result: check(model, { mode: 'dpor' }),
    }));
    const findings = new Map<
      string,
      { signature: string; kind: string; title: string; occurrences: any[] }
    >();
    for (const { kernel, result } of runs)
      for (const f of result.findings) {
        const entry = findings.get(f.signature) ?? {
          signature: f.signature,
          kind: f.kind,
          title: f.title,
          occurrences: [],
        };
        entry.occurrences.push({
          kernel,
          fs: 'none',
          scenario: 'philosophers-3',
          token: f.token,
          waitFor: (f.details as { waitFor?: unknown }).waitFor,
        });
        findings.set(f.signature, entry);
      }
    const matrix = {
      versions: Object.keys(models),
      runs: runs.map(({ kernel, result }) => ({
        kernel,
        fs: 'none',
        scenario: 'philosophers-3',
        complete: result.complete,
        executions: result.stats.executions,
        elapsedMs: result.stats.elapsedMs,
        findings: result.findings.map((f) => f.signature),
      })),
      findings: [...findings.values()],
    };
    expect(matrix.findings.map((f) => f.kind)).toEqual(['deadlock']);
    let replays = 0;
    const traceFor = (o: { kernel: string; token: string }) => {
      replays++;
      const model = models[o.kernel];
      const finding = runs
        .find((r) => r.kernel === o.kernel)!
        .result.findings.find((f) => f.token === o.token);
      return { ...recordTrace(model, o.token), finding };
    };

    const server = await startViewServer({ matrix, traceFor, webRoot: web.dir });
    servers.push(server);
    const page = await (await browserContext()).newPage();
    const { problems } = watchPage(page, server.url.replace(/\/$/, ''));
    await page.goto(server.url);
    await page.waitForSelector('[data-testid=matrix]');
    const header = await page.$$eval('[data-testid=matrix] thead th', (ths) => ths.map((t) => t.textContent));
    expect(header).toEqual(['finding', 'left-first', 'ordered']);
    const cells = await page.$$eval('[data-testid=matrix-cell]', (tds) =>
      tds.map((td) => [td.getAttribute('data-version'), td.textContent]),
    );
    expect(cells).toEqual([
      ['left-first', 'none · philosophers-3'],
      ['ordered', '–'],
    ]);
    // the deadlock's wait-for graph, as the matrix text prints it
    expect(await page.textContent('[data-testid=matrix-wait-for]')).toBe('cycle: P0 -> P1 -> P2 -> P0');
    await screenshot(page, 'viewer-matrix.png');

    await page.click('[data-testid=occurrence]');
    await page.waitForSelector('[data-testid=lanes]');
    expect(page.url()).toMatch(/#\/occurrence\/0\/0$/);
    expect(await page.$$('[data-testid=lane]')).toHaveLength(3);
    // Three philosophers, each waiting for the fork its right neighbour holds: a cycle of three.
    const edges = await drawnEdges(page);
    expect(edges.map(([from]) => from).sort()).toEqual([0, 1, 2]);
    expect(edges.map(([, to]) => to).sort()).toEqual([0, 1, 2]);
    expect(replays).toBe(1);
    await page.click('a.back');
    await page.waitForSelector('[data-testid=matrix]');
    expect(problems).toEqual([]);

    // Without traceFor the cells name the occurrences without linking to traces it cannot make.
    const listing = await startViewServer({ matrix, webRoot: web.dir });
    servers.push(listing);
    await page.goto(listing.url);
    await page.waitForSelector('[data-testid=matrix]');
    expect(await page.$$('[data-testid=occurrence]')).toHaveLength(0);
    expect(await page.textContent('[data-testid=matrix-cell][data-version=left-first]')).toBe(
      'none · philosophers-3',
    );
  }, 60_000);
});
