// The page: what the server has (GET /api/session), and which view the location hash asks for.
// Routes: #/trace, #/matrix, #/occurrence/F/O (occurrence O of matrix finding F).

import { useEffect, useState } from 'preact/hooks';
import { type Matrix, type Session, type TraceFile, traceProblem } from '../trace-format.js';
import { MatrixView } from './matrix-view.js';
import { TraceView } from './trace-view.js';

type Route =
  | { view: 'trace' }
  | { view: 'matrix' }
  | { view: 'occurrence'; finding: number; occurrence: number };

function parseRoute(hash: string, session: Session): Route {
  const m = /^#\/occurrence\/(\d+)\/(\d+)$/.exec(hash);
  if (m) return { view: 'occurrence', finding: Number(m[1]), occurrence: Number(m[2]) };
  if (hash === '#/matrix' && session.matrix) return { view: 'matrix' };
  if (hash === '#/trace' && session.trace) return { view: 'trace' };
  return session.trace ? { view: 'trace' } : { view: 'matrix' };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: 'no-store' });
  const body = await res.text();
  if (!res.ok) {
    let msg = body;
    try {
      msg = (JSON.parse(body) as { error?: string }).error ?? body;
    } catch {}
    throw new Error(`${url}: ${res.status} ${msg}`);
  }
  return JSON.parse(body) as T;
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

type Loaded<T> = { state: 'loading' } | { state: 'error'; error: string } | { state: 'ready'; value: T };

function useJson<T>(url: string, check?: (x: unknown) => string | undefined): Loaded<T> {
  const [data, setData] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setData({ state: 'loading' });
    getJson<T>(url)
      .then((value) => {
        const problem = check?.(value);
        if (live) setData(problem ? { state: 'error', error: problem } : { state: 'ready', value });
      })
      .catch((e: Error) => live && setData({ state: 'error', error: e.message }));
    return () => {
      live = false;
    };
  }, [url]);
  return data;
}

export function App() {
  const session = useJson<Session>('/api/session');
  const hash = useHash();
  if (session.state !== 'ready') return <Status loaded={session} what="the session" />;
  const route = parseRoute(hash, session.value);
  if (route.view === 'matrix') return <MatrixPage canOpen={session.value.traceFor} />;
  if (route.view === 'trace') return <TracePage url="/api/trace" />;
  return (
    <TracePage
      url={`/api/occurrence/${route.finding}/${route.occurrence}`}
      back={session.value.matrix ? '#/matrix' : undefined}
    />
  );
}

function TracePage(props: { url: string; back?: string }) {
  const trace = useJson<TraceFile>(props.url, traceProblem);
  useEffect(() => {
    if (trace.state === 'ready')
      document.title = `${trace.value.model}: ${trace.value.finding?.title ?? trace.value.end.outcome}`;
  }, [trace]);
  if (trace.state !== 'ready') return <Status loaded={trace} what="the trace" back={props.back} />;
  return <TraceView key={props.url} trace={trace.value} back={props.back} />;
}

function MatrixPage(props: { canOpen: boolean }) {
  const matrix = useJson<Matrix>('/api/matrix');
  useEffect(() => {
    document.title = 'faultline matrix';
  }, []);
  if (matrix.state !== 'ready') return <Status loaded={matrix} what="the matrix" />;
  return <MatrixView matrix={matrix.value} canOpen={props.canOpen} />;
}

function Status(props: { loaded: Loaded<unknown>; what: string; back?: string }) {
  const { loaded } = props;
  return (
    <div class="status-page">
      {props.back && <a href={props.back}>← matrix</a>}
      {loaded.state === 'error' ? (
        <p class="error" role="alert" data-testid="load-error">
          Cannot show {props.what}: {loaded.error}
        </p>
      ) : (
        <p class="loading">Loading {props.what}…</p>
      )}
    </div>
  );
}
