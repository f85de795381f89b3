// Builds an engine model from a scenario, a kernel version and a filesystem.
import type { Model } from '../engine/index.js';
import type { VersionInfo } from '../history/types.js';
import type { FsName, Scenario } from './scenario.js';

export function buildModel(s: Scenario, opts: { kernel: string | VersionInfo; fs: FsName }): Model {
  throw new Error(`buildModel(${s.name}, ${String(opts.kernel)}, ${opts.fs}): not implemented yet`);
}
