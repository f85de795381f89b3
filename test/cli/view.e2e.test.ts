// `faultline view` end to end: spawned as a user runs it on a trace file written by
// `check --trace-out`, it prints its URL on 127.0.0.1, serves the trace, and stops on SIGTERM.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWeb } from '../web/browser.js';
import { faultline, faultlineAsync, tempDir } from './run-cli.js';

describe('faultline view', () => {
  it('serves a trace file on 127.0.0.1 and stops on SIGTERM', async () => {
    // The page as `npm run build` makes it, in a folder of its own.
    const web = buildWeb();
    const dir = tempDir();
    const file = join(dir, 'abba.json');
    const check = faultline(['--provider', 'examples', 'check', 'abba', '--trace-out', file]);
    expect(check.code).toBe(1);
    const { child, done } = faultlineAsync(['view', file, '--port', '0', '--web-root', web.dir]);
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stdout!.on('data', (d) => {
        seen += d;
        const m = /faultline view: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(seen);
        if (m) resolve(m[1]);
      });
      child.on('close', () => reject(new Error(`view exited before printing its URL: ${seen}`)));
    });
    const session = await (await fetch(`${url}api/session`)).json();
    expect(session).toMatchObject({ trace: true, matrix: false });
    const trace = (await (await fetch(`${url}api/trace`)).json()) as {
      format: string;
      end: { outcome: string; blocked: unknown[] };
    };
    expect(trace.format).toBe('faultline-trace/1');
    expect(trace.end.outcome).toBe('deadlock');
    expect(trace.end.blocked).toHaveLength(2);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"');
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
    web.cleanup();
  }, 60_000);

  it('says what it needs when given nothing to show', () => {
    const r = faultline(['view']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('view needs a trace file, a token or --matrix FILE');
  });
});
