// What a kernel model installs to be checked like a lockdep + KCSAN kernel:
//   defineModel({ ..., monitors: () => kernelMonitors() })

import type { Monitor } from '../../engine/index.js';
import { raceDetector } from '../race-detector.js';
import { lockdepMonitor } from './monitor.js';

export interface KernelMonitorOptions {
  /** lockdep: recursion, lock-order cycles, bad unlocks, locks held at exit, lockdep_assert_held (default on). */
  lockdep?: boolean;
  /** Guard checks and data races on shared locations (default on). */
  races?: boolean;
  /** lockdep: report every cycle a new dependency closes, not only the shortest (default on;
   *  false: the kernel's one report per new dependency). */
  allCycles?: boolean;
}

export function kernelMonitors(opts: KernelMonitorOptions = {}): Monitor[] {
  const lockdep = opts.lockdep === false ? undefined : lockdepMonitor({ allCycles: opts.allCycles });
  const out: Monitor[] = [];
  if (lockdep) out.push(lockdep);
  if (opts.races !== false) out.push(raceDetector(lockdep ? { heldLocks: (t) => lockdep.heldLocks(t) } : {}));
  return out;
}
