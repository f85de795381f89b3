// The kernel layer: Linux locking primitives with their semantics, on the engine.
export * from './jbd2.js';
export * from './lock-info.js';
export * from './lockdep/index.js';
export * from './lockdep-assert.js';
export * from './mutex.js';
export * from './page-lock.js';
export * from './race-detector.js';
export * from './rwsem.js';
export * from './sb-freeze.js';
export * from './shared-state.js';
export * from './spinlock.js';
export * from './task.js';
export * from './waitqueue.js';
