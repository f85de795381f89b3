// Files a long run writes and a later run reads back (checkpoints, runs in progress, shard
// results) end with a sha256 of the rest of their content. What a later run resumes or merges is
// then exactly what faultline wrote: a file edited by hand, or damaged on disk, is refused with
// its name instead of steering an exploration down a path the model does not have (or merging
// counts nobody ran). The checks of identity and model code say whether the file fits this run;
// the seal says whether it is still the file that was written.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.js';
import { UsageError } from './errors.js';

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** `body` as one line of JSON with its seal as the last field. */
export function sealedJson(body: object): string {
  const text = JSON.stringify(body);
  if (!text.startsWith('{') || text === '{}') throw new Error('sealedJson: body must be a non-empty object');
  return `${text.slice(0, -1)},"sha256":"${digest(text)}"}\n`;
}

/** Write `body` sealed, atomically (a run killed mid-write leaves the previous file). */
export function writeSealed(file: string, body: object): void {
  writeFileAtomic(file, sealedJson(body));
}

/** Parse a JSON file; a file that cannot be read or parsed is a usage error naming `what`. */
export function readJsonFile(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
}

/**
 * Check the seal of a parsed file (after its format: a file of another kind gets that message)
 * and return its content without the seal. `remedy` says what to do about a broken one.
 */
export function unseal<T>(file: string, data: unknown, remedy: string): T {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new UsageError(`${file} is not a JSON object: ${remedy}`);
  const { sha256, ...body } = data as { sha256?: unknown };
  if (typeof sha256 !== 'string')
    throw new UsageError(`${file} has no sha256 seal (written by hand, or by an older faultline): ${remedy}`);
  if (digest(JSON.stringify(body)) !== sha256)
    throw new UsageError(
      `${file} was changed after faultline wrote it (its content does not match its sha256): ${remedy}`,
    );
  return body as T;
}
