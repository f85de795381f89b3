// The viewer's local HTTP server: what it serves, to whom, and how it fails.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultWebRoot, startViewServer, type ViewServer } from '../../src/cli/view.js';
import { check, recordTrace, type TraceFile } from '../../src/engine/index.js';
import { abbaDeadlock } from '../../src/examples/index.js';
import { repoRoot } from './browser.js';

let webRoot: string;
let trace: TraceFile;
const open: ViewServer[] = [];

beforeAll(() => {
  webRoot = mkdtempSync(path.join(tmpdir(), 'faultline-view-'));
  mkdirSync(path.join(webRoot, 'assets'));
  writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>viewer</title>');
  writeFileSync(path.join(webRoot, 'assets', 'page-1234.js'), 'console.log(1)');
  const model = abbaDeadlock();
  trace = recordTrace(model, check(model, { mode: 'dpor' }).findings[0].token);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

afterAll(() => rmSync(webRoot, { recursive: true, force: true }));

async function serve(opts: Parameters<typeof startViewServer>[0]): Promise<ViewServer> {
  const s = await startViewServer({ webRoot, ...opts });
  open.push(s);
  return s;
}

const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

/** A raw GET, with the Host header chosen by the caller. */
function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('view server', () => {
  it('serves the page, its assets and the trace on 127.0.0.1', async () => {
    const s = await serve({ trace });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(s.url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>viewer</title>');
    const js = await fetch(`${s.url}assets/page-1234.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await json(fetch(`${s.url}api/session`))).toEqual({ trace: true, matrix: false, traceFor: false });
    expect(await json(fetch(`${s.url}api/trace`))).toEqual(JSON.parse(JSON.stringify(trace)));
    expect((await fetch(`${s.url}api/matrix`)).status).toBe(404);
    expect((await fetch(`${s.url}assets/none.js`)).status).toBe(404);
    expect((await fetch(`${s.url}api/nothing`)).status).toBe(404);
  });

  it('serves nothing outside the page folder, to no other host, for no other method', async () => {
    const s = await serve({ trace });
    for (const p of [
      '/..%2f..%2fetc%2fpasswd',
      '/assets/..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/package.json',
    ]) {
      const r = await get(`${s.url.replace(/\/$/, '')}${p}`);
      expect([403, 404]).toContain(r.status);
      expect(r.body).not.toContain('root:');
    }
    const port = new URL(s.url).port;
    expect((await get(s.url, { host: `evil.example:${port}` })).status).toBe(421);
    expect((await get(s.url, { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(s.url, {}, 'POST')).status).toBe(405);
  });

  it('replays a matrix occurrence once through traceFor, and reports bad ones', async () => {
    const matrix = {
      versions: ['v1'],
      runs: [],
      findings: [
        {
          signature: 's',
          kind: 'deadlock',
          title: 't',
          occurrences: [{ kernel: 'v1', fs: 'ext4', scenario: 'x', token: trace.token }],
        },
      ],
    };
    const asked: unknown[] = [];
    const s = await serve({
      matrix,
      traceFor: (o) => {
        asked.push(o);
        return trace;
      },
    });
    expect(await json(fetch(`${s.url}api/session`))).toEqual({ trace: false, matrix: true, traceFor: true });
    expect(await json(fetch(`${s.url}api/matrix`))).toEqual(matrix);
    for (let i = 0; i < 2; i++)
      expect((await json(fetch(`${s.url}api/occurrence/0/0`))).token).toBe(trace.token);
    expect(asked).toEqual([matrix.findings[0].occurrences[0]]);
    const missing = await fetch(`${s.url}api/occurrence/0/5`);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error).toBe('no occurrence 5 of finding 0 in the matrix');
  });

  it('answers 500 with the reason when traceFor fails, and tries again next time', async () => {
    let calls = 0;
    const s = await serve({
      matrix: {
        versions: [],
        runs: [],
        findings: [{ occurrences: [{ kernel: 'k', fs: 'f', scenario: 's', token: 'fl1:0' }] }],
      },
      traceFor: () => {
        calls++;
        throw new Error('replay diverged');
      },
    });
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${s.url}api/occurrence/0/0`);
      expect(r.status).toBe(500);
      expect((await json(r)).error).toBe('cannot replay the occurrence: replay diverged');
    }
    expect(calls).toBe(2);
    const noReplay = await serve({ matrix: { versions: [], runs: [], findings: [{ occurrences: [{}] }] } });
    expect((await json(fetch(`${noReplay.url}api/occurrence/0/0`))).error).toMatch(/no traceFor/);
  });

  it('refuses to start without anything to show, without a built page, or on a taken port', async () => {
    await expect(startViewServer({ webRoot })).rejects.toThrow('nothing to view');
    await expect(startViewServer({ trace, webRoot: path.join(webRoot, 'assets') })).rejects.toThrow(
      /the viewer page is not built .*npm run build:web/,
    );
    const s = await serve({ trace });
    await expect(startViewServer({ trace, webRoot, port: Number(new URL(s.url).port) })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });

  it('serves dist/web of the package by default', () => {
    expect(defaultWebRoot()).toBe(path.join(repoRoot, 'dist', 'web'));
  });
});
