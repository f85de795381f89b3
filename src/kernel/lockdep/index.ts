// lockdep: lock classes, held-lock stacks, the dependency graph with read/write edge kinds, and
// the monitor that reports what lockdep would.
export * from './dependency-graph.js';
export * from './details.js';
export * from './held-locks.js';
export * from './kernel-monitors.js';
export * from './lock-class.js';
export * from './monitor.js';
