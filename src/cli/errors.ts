// Errors the command reports to the user as they are (no stack): bad usage or bad input, exit 2.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes, as documented in the README. */
export const EXIT = {
  /** Nothing found (check, replay), or a matrix that ran to completion. */
  ok: 0,
  /** Something found (check, replay; matrix only with --fail-on-findings; bisect: no culprit). */
  found: 1,
  /** Bad usage or input: nothing ran. */
  usage: 2,
  /** Stopped by Ctrl-C after writing partial results (128 + SIGINT, the shell's habit). */
  interrupted: 130,
} as const;
