// `faultline view`: a local HTTP server for the trace viewer page (built by `npm run build:web`
// into dist/web) and the JSON it shows. Listens on 127.0.0.1 only, on a free port unless told.
//
// Routes: GET /api/session (what there is to show), /api/trace, /api/matrix,
// /api/occurrence/F/O (the trace of occurrence O of matrix finding F, made by `traceFor`), and
// the page's static files. Nothing else is served, and only to a Host naming this server.

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceFile } from '../engine/index.js';

/** Where a matrix finding showed up: the `occurrences` entries of a matrix result. */
export interface MatrixOccurrence {
  kernel: string;
  fs: string;
  scenario: string;
  token: string;
  /** The settings the token replays under, when the matrix run was given them. */
  maxSteps?: number;
  maxFaults?: number;
  mmuWalk?: string;
}

export interface ViewServerOptions {
  trace?: TraceFile;
  /** A matrix result (`{ versions, runs, findings }`), shown as the version x finding table. */
  matrix?: unknown;
  /** Replays an occurrence of a matrix finding into a trace file; cell links need it. */
  traceFor?: (occurrence: MatrixOccurrence) => TraceFile | Promise<TraceFile>;
  /** 0 or absent: a free port. */
  port?: number;
  /** The built page (default: dist/web of this package). */
  webRoot?: string;
}

export interface ViewServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/** dist/web of the package this file belongs to (from src/cli or dist/src/cli alike). */
export function defaultWebRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'faultline')
      return path.join(dir, 'dist', 'web');
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the faultline package root to serve the viewer from');
    dir = up;
  }
}

export async function startViewServer(opts: ViewServerOptions): Promise<ViewServer> {
  if (!opts.trace && opts.matrix === undefined) throw new Error('nothing to view: give a trace or a matrix');
  const root = path.resolve(opts.webRoot ?? defaultWebRoot());
  if (!existsSync(path.join(root, 'index.html')))
    throw new Error(
      `the viewer page is not built (no ${path.join(root, 'index.html')}): run \`npm run build:web\``,
    );
  const occurrenceTraces = new Map<string, Promise<TraceFile>>();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const occurrence = (f: number, o: number): Promise<TraceFile> | string => {
    const m = opts.matrix as { findings?: { occurrences?: MatrixOccurrence[] }[] } | undefined;
    const occ = m?.findings?.[f]?.occurrences?.[o];
    if (!occ) return `no occurrence ${o} of finding ${f} in the matrix`;
    if (!opts.traceFor) return 'this server cannot replay matrix occurrences (no traceFor)';
    const id = `${f}/${o}`;
    let p = occurrenceTraces.get(id);
    if (!p) {
      const traceFor = opts.traceFor;
      p = Promise.resolve().then(() => traceFor(occ));
      occurrenceTraces.set(id, p);
      p.catch(() => occurrenceTraces.delete(id));
    }
    return p;
  };

  const api = async (route: string, res: ServerResponse) => {
    if (route === '/api/session')
      return json(res, 200, {
        trace: opts.trace !== undefined,
        matrix: opts.matrix !== undefined,
        traceFor: opts.traceFor !== undefined,
      });
    if (route === '/api/trace')
      return opts.trace ? json(res, 200, opts.trace) : json(res, 404, { error: 'no trace given' });
    if (route === '/api/matrix')
      return opts.matrix !== undefined
        ? json(res, 200, opts.matrix)
        : json(res, 404, { error: 'no matrix given' });
    const m = /^\/api\/occurrence\/(\d+)\/(\d+)$/.exec(route);
    if (m) {
      const p = occurrence(Number(m[1]), Number(m[2]));
      if (typeof p === 'string') return json(res, 404, { error: p });
      try {
        return json(res, 200, await p);
      } catch (e) {
        return json(res, 500, { error: `cannot replay the occurrence: ${(e as Error).message}` });
      }
    }
    return json(res, 404, { error: `no such API: ${route}` });
  };

  const file = async (route: string, res: ServerResponse) => {
    const rel = route === '/' ? 'index.html' : decodeURIComponent(route).replace(/^\/+/, '');
    const full = path.resolve(root, rel);
    if (full !== root && !full.startsWith(root + path.sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      const body = await readFile(full);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(full)] ?? 'application/octet-stream',
        // Bundles carry a content hash in their names; the page itself must always be fresh.
        'cache-control': rel.startsWith('assets/') ? 'max-age=31536000, immutable' : 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };

  let allowedHosts: Set<string> = new Set();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    // Only this machine's browser, by this server's own name (no DNS rebinding from a web page).
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let route: string;
    try {
      route = new URL(req.url ?? '/', 'http://x').pathname;
      decodeURIComponent(route);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    if (route.startsWith('/api/')) await api(route, res);
    else await file(route, res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${e.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
