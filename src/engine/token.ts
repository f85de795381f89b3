// Replay tokens: the schedule (thread picked at each step) and the choice values, as compact text.
//
//   fl1:0x12,1x3,0:1,0     thread 0 for 12 steps, thread 1 for 3, thread 0 once; choices 1 then 0
//
// Run-length encoding keeps tokens short, since threads mostly run in long stretches.
//
// A finding a monitor made from several executions (a lock-order cycle whose edges lockdep saw in
// different runs of the code) needs those executions replayed first, with the same monitors: its
// token lists them, joined by '+', the execution that shows the finding last:
//
//   fl1:0x7,1x2+fl1:1x9,0x4       replay the first (up to its end) for lockdep, then the second

export interface ReplayToken {
  schedule: number[];
  choices: number[];
}

const PREFIX = 'fl1:';

export function encodeToken(schedule: readonly number[], choices: readonly number[]): string {
  const runs: string[] = [];
  let i = 0;
  while (i < schedule.length) {
    const t = schedule[i];
    let j = i + 1;
    while (j < schedule.length && schedule[j] === t) j++;
    const n = j - i;
    runs.push(n === 1 ? `${t}` : `${t}x${n}`);
    i = j;
  }
  const c = choices.length ? `:${choices.join(',')}` : '';
  return `${PREFIX}${runs.join(',')}${c}`;
}

const SEPARATOR = '+';

/** One token naming several executions, replayed in this order. */
export function joinTokens(parts: readonly string[]): string {
  return parts.join(SEPARATOR);
}

/** The executions a token names, in replay order (one for a plain token); each part is checked. */
export function tokenParts(token: string): string[] {
  const parts = token.trim().split(SEPARATOR);
  let col = 1;
  for (const part of parts) {
    try {
      decodeToken(part);
    } catch (e) {
      if (!(e instanceof TokenError) || parts.length === 1) throw e;
      throw new TokenError(`part ${parts.indexOf(part) + 1} of the token: ${e.message}`, col + e.column - 1);
    }
    col += part.length + 1;
  }
  return parts;
}

export class TokenError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export function decodeToken(token: string): ReplayToken {
  const text = token.trim();
  if (!text.startsWith(PREFIX))
    throw new TokenError(`replay token must start with '${PREFIX}' (got '${text.slice(0, 8)}')`, 1);
  if (text.includes(SEPARATOR))
    throw new TokenError(
      `'${SEPARATOR}' joins several executions: split the token with tokenParts`,
      text.indexOf(SEPARATOR) + 1,
    );
  const body = text.slice(PREFIX.length);
  const [sched, ch, extra] = body.split(':');
  if (extra !== undefined)
    throw new TokenError('replay token has more than two sections', text.lastIndexOf(':') + 1);
  const schedule: number[] = [];
  let col = PREFIX.length + 1;
  if (sched.length) {
    for (const run of sched.split(',')) {
      const m = /^(\d+)(?:x(\d+))?$/.exec(run);
      if (!m)
        throw new TokenError(
          `bad schedule run '${run}' at column ${col} (expected THREAD or THREADxCOUNT)`,
          col,
        );
      const t = Number(m[1]);
      const n = m[2] === undefined ? 1 : Number(m[2]);
      if (n < 1 || n > 10_000_000) throw new TokenError(`bad run length in '${run}' at column ${col}`, col);
      for (let k = 0; k < n; k++) schedule.push(t);
      col += run.length + 1;
    }
  }
  const choices: number[] = [];
  if (ch !== undefined) {
    col = PREFIX.length + sched.length + 2;
    for (const c of ch.split(',')) {
      if (!/^\d+$/.test(c))
        throw new TokenError(`bad choice '${c}' at column ${col} (expected a number)`, col);
      choices.push(Number(c));
      col += c.length + 1;
    }
  }
  return { schedule, choices };
}
