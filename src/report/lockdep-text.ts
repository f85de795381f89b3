// Pieces of lockdep's report text: task names, lock lines, held-lock lists, banners and the
// CPU0/CPU1 scenario table, as kernel/locking/lockdep.c prints them (minus addresses).

import type { LockRef, TaskRef } from '../kernel/lockdep/details.js';

export const taskName = (t: TaskRef): string => `${t.name}/${t.id}`;

/** `(&mapping->i_mmap_rwsem){++++}, at: __dax_fault [dax.c:312]` */
export function lockLine(l: Pick<LockRef, 'cls' | 'usage' | 'fn' | 'label'>): string {
  return `(${l.cls})${l.usage}, at: ${l.fn}${l.label ? ` [${l.label}]` : ''}`;
}

/** `2 locks held by T1/1:` and one ` #i: ...` line per lock, or `no locks held by T1/1.` */
export function heldLocks(task: TaskRef, held: readonly LockRef[]): string[] {
  if (!held.length) return [`no locks held by ${taskName(task)}.`];
  return [
    `${held.length} lock${held.length > 1 ? 's' : ''} held by ${taskName(task)}:`,
    ...held.map((l, i) => ` #${i}: ${lockLine(l)}${l.trylock ? ' (trylock)' : ''}`),
  ];
}

/** The `====` / headline / `----` banner, bars as long as the headline. */
export function banner(headline: string): string[] {
  return ['='.repeat(headline.length), headline, '-'.repeat(headline.length)];
}

/** A call trace, innermost first, indented like lockdep's saved stack traces. */
export function callTrace(api: string | undefined, stack: readonly string[], indent = '       '): string[] {
  const frames = [...stack].reverse();
  if (api) frames.unshift(api);
  return frames.map((f) => `${indent}${f}`);
}

/** `lock(&A);` or `rlock(&A);` for a read acquisition. */
export const lockCall = (cls: string, read: number): string => `${read ? 'rlock' : 'lock'}(${cls});`;

/** Column where CPU i's text starts: lockdep's table puts CPU0 at 2 and CPU1 at 31. */
const column = (cpu: number): number => (cpu === 0 ? 2 : 7 + 24 * cpu);

/**
 * The `Possible unsafe locking scenario` table. `rows` are [cpu, text] in time order; with one
 * CPU it is lockdep's single-column recursion scenario.
 */
export function scenarioTable(
  rows: ReadonlyArray<readonly [number, string]>,
  cpus: number,
  title = 'Possible unsafe locking scenario',
): string[] {
  const cells = (f: (i: number) => string) =>
    Array.from({ length: cpus }, (_, i) => f(i))
      .map((c, i) => (i < cpus - 1 ? c.padEnd(24) : c))
      .join('');
  const out = [` ${title}:`, ''];
  out.push(`       ${cells((i) => `CPU${i}`)}`);
  out.push(`       ${cells(() => '----')}`);
  for (const [cpu, text] of rows) out.push(`${' '.repeat(column(cpu))}${text}`);
  return out;
}
