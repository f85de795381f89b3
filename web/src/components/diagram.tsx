// A panel that draws an SVG produced asynchronously (by a lazily loaded renderer), with its
// source text one click away, and an error message instead of the drawing when it fails.

import { useEffect, useState } from 'preact/hooks';

type Drawn = { state: 'drawing' } | { state: 'ready'; svg: string } | { state: 'error'; error: string };

export function Diagram(props: {
  title: string;
  caption: string;
  source: string;
  testid: string;
  draw: (source: string) => Promise<string>;
}) {
  const { source, draw } = props;
  const [drawn, setDrawn] = useState<Drawn>({ state: 'drawing' });
  useEffect(() => {
    let live = true;
    setDrawn({ state: 'drawing' });
    draw(source)
      .then((svg) => live && setDrawn({ state: 'ready', svg }))
      .catch(
        (e: unknown) =>
          live && setDrawn({ state: 'error', error: e instanceof Error ? e.message : String(e) }),
      );
    return () => {
      live = false;
    };
  }, [source, draw]);
  return (
    <section class="diagram" data-testid={props.testid} data-state={drawn.state}>
      <h2>{props.title}</h2>
      <p class="muted">{props.caption}</p>
      {drawn.state === 'drawing' && <p class="loading">Drawing…</p>}
      {drawn.state === 'error' && (
        <p class="error" role="alert" data-testid={`${props.testid}-error`}>
          Cannot draw it: {drawn.error}
        </p>
      )}
      {drawn.state === 'ready' && (
        // The SVG comes from Graphviz or Mermaid (strict mode) run on text this page generated.
        <div class="svg-box" dangerouslySetInnerHTML={{ __html: drawn.svg }} />
      )}
      <details>
        <summary>source</summary>
        <pre>{source}</pre>
      </details>
    </section>
  );
}
