// Reading a scenario file (YAML or JSON; JSON is read by the same YAML 1.2 parser) and checking
// it against the schema. Every problem is reported as `file:line:column: field: what was
// expected`, all of them at once, and nothing runs.

import { readFileSync } from 'node:fs';
import { isMap, isNode, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { core } from 'zod';
import { UsageError } from './errors.js';
import { type Scenario, ScenarioSchema } from './scenario-schema.js';

export interface ScenarioProblem {
  line: number;
  column: number;
  /** Dotted field path (`threads[0].actions[1].do`), empty for the whole document. */
  field: string;
  message: string;
}

export class ScenarioFileError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: ScenarioProblem[],
  ) {
    super(
      problems
        .map((p) => `${file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`)
        .join('\n'),
    );
    this.name = 'ScenarioFileError';
  }
}

export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read scenario file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return parseScenarioText(text, file);
}

export function parseScenarioText(text: string, file: string): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ScenarioFileError(
      file,
      doc.errors.map((e) => ({
        line: e.linePos?.[0].line ?? 1,
        column: e.linePos?.[0].col ?? 1,
        field: '',
        // The parser's message repeats the position and quotes the source; keep its first line.
        message: `syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  const data = doc.toJS();
  const result = ScenarioSchema.safeParse(data);
  if (result.success) return result.data;
  const pos = (offset: number) => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems = result.error.issues.map((issue) => describeIssue(issue, doc.contents, data, pos));
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ScenarioFileError(file, problems);
}

type PathKey = PropertyKey;

function fieldName(path: readonly PathKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

/** The YAML node at `path`, or the deepest existing ancestor, with the path it really reached. */
function nodeAt(
  root: unknown,
  path: readonly PathKey[],
): { node: Node | undefined; depth: number; key?: Node } {
  let node: unknown = root;
  let depth = 0;
  let key: Node | undefined;
  for (const k of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isNode(it.key) && (it.key as { value?: unknown }).value === k);
      if (!pair) break;
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof k === 'number' && k < node.items.length) {
      key = undefined;
      node = node.items[k];
    } else break;
    depth++;
  }
  return { node: isNode(node) ? node : undefined, depth, key };
}

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let v = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function describeIssue(
  issue: core.$ZodIssue,
  root: unknown,
  data: unknown,
  pos: (offset: number) => { line: number; column: number },
): ScenarioProblem {
  const path = issue.path;
  const found = nodeAt(root, path);
  const got = valueAt(data, path);
  let field = fieldName(path);
  let message = issue.message;
  let at: Node | undefined = found.node;
  const missing = found.depth < path.length;
  switch (issue.code) {
    case 'invalid_type':
      message = missing
        ? `missing required field '${String(path[path.length - 1])}' (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${show(got)}`;
      break;
    case 'invalid_value':
      message = `expected ${issue.values.map((v) => show(v)).join(' or ')}, got ${show(got)}`;
      break;
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        message = missing
          ? `missing required field '${issue.discriminator as string}' (expected one of ${options.map(show).join(', ')})`
          : `expected one of ${options.map(show).join(', ')}, got ${show(got)}`;
      } else if (issue.message === 'Invalid input') message = `unexpected ${show(got)}`;
      else message = `${issue.message}, got ${show(got)}`;
      break;
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const k = nodeAt(root, [...path, key]);
      if (k.key) at = k.key;
      field = fieldName([...path, key]);
      message =
        issue.keys.length === 1
          ? `unknown field '${key}'`
          : `unknown fields ${issue.keys.map((x) => `'${x}'`).join(', ')}`;
      message += ` (expected one of: ${expectedKeys(path, data)})`;
      break;
    }
    case 'too_small':
      message =
        issue.origin === 'array'
          ? `expected at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`
          : issue.origin === 'string'
            ? 'expected a non-empty string'
            : `expected a number ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}, got ${show(got)}`;
      break;
    case 'too_big':
      message = `expected at most ${String(issue.maximum)}, got ${show(got)}`;
      break;
    default:
      break;
  }
  if (issue.code === 'invalid_type' && issue.expected === 'int')
    message = `expected an integer, got ${show(got)}`;
  const range = at?.range;
  const p = range ? pos(range[0]) : { line: 1, column: 1 };
  return { ...p, field, message };
}

/** The fields allowed where an unknown one was found, for the error message. */
function expectedKeys(path: readonly PathKey[], data: unknown): string {
  const shape = shapeAt(path, data);
  return shape ? Object.keys(shape).join(', ') : '(see the schema)';
}

function shapeAt(path: readonly PathKey[], data: unknown): Record<string, unknown> | undefined {
  // Walk the schema along the path, through arrays and the action union (chosen by `do`).
  let s: any = ScenarioSchema;
  for (let i = 0; i <= path.length; i++) {
    for (;;) {
      const def = s?._zod?.def;
      if (!def) return undefined;
      if (def.type === 'optional' || def.type === 'pipe') s = def.innerType ?? def.in;
      else break;
    }
    const def = s._zod.def;
    if (i === path.length) return def.type === 'object' ? def.shape : undefined;
    const k = path[i];
    if (def.type === 'object') s = def.shape[k as string];
    else if (def.type === 'array') s = def.element;
    else return undefined;
    const d = s?._zod?.def;
    if (d?.type === 'union' && d.discriminator) {
      const tag = valueAt(data, [...path.slice(0, i + 1), d.discriminator]);
      s = d.options.find(
        (o: { _zod: { def: { shape: Record<string, { _zod: { def: { values: unknown[] } } }> } } }) =>
          o._zod.def.shape[d.discriminator]._zod.def.values.includes(tag),
      );
    }
  }
  return undefined;
}
