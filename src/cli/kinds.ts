// The finding kinds (design.md "Findings"), with what each means, for `faultline list kinds`
// and the README. A kind raised by a model that is not listed here is still reported as is.

export interface KindInfo {
  kind: string;
  /** Who raises it. */
  source: 'engine' | 'lockdep' | 'kernel' | 'model';
  meaning: string;
}

export const findingKinds: readonly KindInfo[] = [
  { kind: 'deadlock', source: 'engine', meaning: 'an explored execution ends with threads blocked forever' },
  {
    kind: 'recursive-locking',
    source: 'lockdep',
    meaning: 'a task takes a lock class it already holds (possible recursive locking detected)',
  },
  {
    kind: 'circular-dependency',
    source: 'lockdep',
    meaning:
      'a cycle in the lock-order graph of the whole run; predicted, "confirmed" once an execution really deadlocks on it',
  },
  {
    kind: 'bad-unlock',
    source: 'engine',
    meaning: 'release of a lock the thread does not hold, or in another mode than it holds it',
  },
  { kind: 'lock-held-at-exit', source: 'engine', meaning: 'a thread ends while still holding a lock' },
  {
    kind: 'sleep-in-atomic',
    source: 'kernel',
    meaning:
      'a sleeping primitive called in atomic context (BUG: sleeping function called from invalid context)',
  },
  { kind: 'assert-held', source: 'lockdep', meaning: 'a lockdep_assert_held() that does not hold' },
  {
    kind: 'data-race',
    source: 'kernel',
    meaning: 'two unordered accesses to guarded shared state, one a write',
  },
  { kind: 'lost-write', source: 'model', meaning: 'a store or write that the end state does not show' },
  { kind: 'stale-read', source: 'model', meaning: 'a load that returned data older than a completed write' },
  {
    kind: 'stale-mapping',
    source: 'model',
    meaning: 'a page table entry still maps a block after truncate, punch or unbind removed it',
  },
  {
    kind: 'exposed-data',
    source: 'model',
    meaning: 'a load returned data of a block that was never written',
  },
  {
    kind: 'pagecache-incoherent',
    source: 'model',
    meaning: 'page cache and DAX mappings disagree (a hole page left behind a DAX mapping)',
  },
  {
    kind: 'oops',
    source: 'engine',
    meaning:
      'model code threw (a BUG_ON or NULL dereference in kernel terms); the thread dies holding its locks',
  },
  { kind: 'assertion', source: 'engine', meaning: 'an assert() in model code failed' },
  { kind: 'livelock', source: 'engine', meaning: 'a thread ran past its step bound without finishing' },
];
