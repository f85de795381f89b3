// Test helpers: rwlock_t (lockdep read = 2, recursive read) built from engine ops, since the
// kernel layer has only rw_semaphore; and finding lookups.

import {
  acquire,
  type CheckResult,
  type Finding,
  type Lock,
  type Op,
  release,
} from '../../src/engine/index.js';
import type { KernelLockInfo } from '../../src/kernel/index.js';

const RL: KernelLockInfo = { api: 'read_lock', read: 2, lockdep: true };
const RU: KernelLockInfo = { api: 'read_unlock', read: 2, lockdep: true };
const WL: KernelLockInfo = { api: 'write_lock', read: 0, lockdep: true };
const WU: KernelLockInfo = { api: 'write_unlock', read: 0, lockdep: true };

/** read_lock() as lockdep sees it with read_lock_is_recursive(): a recursive read (read = 2). */
export function* read_lock(l: Lock): Generator<Op, void, any> {
  yield* acquire(l, 'shared', RL);
}
export function* read_unlock(l: Lock): Generator<Op, void, any> {
  yield* release(l, 'shared', RU);
}
export function* write_lock(l: Lock): Generator<Op, void, any> {
  yield* acquire(l, 'exclusive', WL);
}
export function* write_unlock(l: Lock): Generator<Op, void, any> {
  yield* release(l, 'exclusive', WU);
}

export const ofKind = (r: CheckResult, kind: string): Finding[] => r.findings.filter((f) => f.kind === kind);

export const kinds = (r: CheckResult): string[] => [...new Set(r.findings.map((f) => f.kind))].sort();
