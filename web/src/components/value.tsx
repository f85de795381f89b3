// A cell's value: scalars inline, small objects as `key: value` pairs on one line, arrays of
// scalars inline, anything larger as a nested table, and deep values as JSON.

const MAX_DEPTH = 3;

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function Scalar(props: { v: unknown }) {
  const { v } = props;
  if (v === undefined) return <span class="v-null">undefined</span>;
  if (v === null) return <span class="v-null">null</span>;
  if (typeof v === 'string') return <span class="v-str">"{v}"</span>;
  if (typeof v === 'number' || typeof v === 'bigint') return <span class="v-num">{String(v)}</span>;
  if (typeof v === 'boolean') return <span class="v-bool">{String(v)}</span>;
  return <span>{String(v)}</span>;
}

export function Value(props: { v: unknown; depth?: number }) {
  const { v } = props;
  const depth = props.depth ?? 0;
  if (isScalar(v)) return <Scalar v={v} />;
  if (depth >= MAX_DEPTH) return <code class="v-json">{JSON.stringify(v)}</code>;
  if (Array.isArray(v)) {
    if (v.length === 0) return <span class="v-null">[]</span>;
    if (v.every(isScalar) && JSON.stringify(v).length <= 80)
      return (
        <span class="v-inline">
          [
          {v.map((x, i) => (
            <>
              {i > 0 && ', '}
              <Scalar v={x} />
            </>
          ))}
          ]
        </span>
      );
    return (
      <table class="v-table">
        {v.map((x, i) => (
          <tr>
            <th>[{i}]</th>
            <td>
              <Value v={x} depth={depth + 1} />
            </td>
          </tr>
        ))}
      </table>
    );
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return <span class="v-null">{'{}'}</span>;
  if (entries.length <= 8 && entries.every(([, x]) => isScalar(x)))
    return (
      <span class="v-pairs">
        {entries.map(([k, x]) => (
          <span class="v-pair">
            <span class="v-key">{k}:</span> <Scalar v={x} />
          </span>
        ))}
      </span>
    );
  return (
    <table class="v-table">
      {entries.map(([k, x]) => (
        <tr>
          <th>{k}</th>
          <td>
            <Value v={x} depth={depth + 1} />
          </td>
        </tr>
      ))}
    </table>
  );
}
