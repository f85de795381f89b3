// Shared objects: locks, cells and wait queues.
//
// A handle holds no value. Values live in the running execution and are reachable only through
// ops, so model code cannot share state behind the explorer's back (the soundness rule: DPOR
// only knows the dependencies it is told). Handles are identified by a stable key; the
// registry gives each key the same numeric id in every execution of a run.

export type ObjectKind = 'lock' | 'cell' | 'queue' | 'thread';

interface Handle {
  readonly id: number;
  readonly key: string;
}

export interface Lock extends Handle {
  readonly kind: 'lock';
  /** Lock class (lockdep's name for all locks initialised at one site), e.g. `&mapping->i_mmap_rwsem`. */
  readonly cls: string;
  /** An ownerless lock may be released by a thread other than the one that took it (page lock). */
  readonly ownerless: boolean;
}

export interface Cell<T> extends Handle {
  readonly kind: 'cell';
  /** Phantom field for typing only; never set. */
  readonly __type?: T;
}

export interface WaitQueue extends Handle {
  readonly kind: 'queue';
}

export interface ThreadObject extends Handle {
  readonly kind: 'thread';
}

export type AnyHandle = Lock | Cell<unknown> | WaitQueue | ThreadObject;

/** A registered object as a checkpoint keeps it (in id order). */
export interface ObjectEntry {
  key: string;
  kind: ObjectKind;
  cls?: string;
  ownerless?: boolean;
}

/** Maps keys to ids, stable across the executions of one run. */
export class ObjectRegistry {
  private readonly byKey = new Map<string, AnyHandle>();
  private readonly byId: AnyHandle[] = [];

  get size(): number {
    return this.byId.length;
  }

  handle(id: number): AnyHandle {
    return this.byId[id];
  }

  /** Every object so far, in id order (for a checkpoint). */
  entries(): ObjectEntry[] {
    return this.byId.map((h) =>
      h.kind === 'lock'
        ? { key: h.key, kind: h.kind, cls: h.cls, ...(h.ownerless ? { ownerless: true } : {}) }
        : { key: h.key, kind: h.kind },
    );
  }

  /** Register a checkpoint's objects in its order, so each gets the id it had (only when empty). */
  restore(entries: readonly ObjectEntry[]): void {
    if (this.byId.length) throw new Error('registry: restore into a registry already in use');
    for (const e of entries) {
      if (e.kind === 'lock') this.lock(e.key, e.cls ?? e.key, e.ownerless ?? false);
      else if (e.kind === 'cell') this.cell(e.key);
      else if (e.kind === 'queue') this.queue(e.key);
      else this.thread(e.key);
    }
  }

  intern<H extends AnyHandle>(key: string, kind: H['kind'], make: (id: number) => H): H {
    const found = this.byKey.get(key);
    if (found) {
      if (found.kind !== kind)
        throw new Error(`object key '${key}' is used for a ${found.kind} and a ${kind}`);
      return found as H;
    }
    const h = make(this.byId.length);
    this.byKey.set(key, h);
    this.byId.push(h);
    return h;
  }

  lock(key: string, cls = key, ownerless = false): Lock {
    return this.intern(key, 'lock', (id) => ({ id, key, kind: 'lock', cls, ownerless }));
  }

  cell<T>(key: string): Cell<T> {
    return this.intern(key, 'cell', (id) => ({ id, key, kind: 'cell' })) as Cell<T>;
  }

  queue(key: string): WaitQueue {
    return this.intern(key, 'queue', (id) => ({ id, key, kind: 'queue' }));
  }

  thread(key: string): ThreadObject {
    return this.intern(key, 'thread', (id) => ({ id, key, kind: 'thread' }));
  }
}

/** What a model's setup function uses to declare its shared objects and their initial values. */
export interface World {
  lock(name: string, opts?: { cls?: string; ownerless?: boolean }): Lock;
  cell<T>(name: string, initial: T): Cell<T>;
  queue(name: string): WaitQueue;
}
