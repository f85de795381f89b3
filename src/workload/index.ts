// The workload API the CLI builds on: versions, patches, scenarios, and the model builder.

export { patches, versions } from '../history/index.js';
export type { PatchInfo, VersionInfo } from '../history/types.js';
export { buildModel } from './build.js';
export { builtinScenarios } from './builtin.js';
export {
  type BlockState,
  blockStates,
  type SpaceOptions,
  scenarioSpace,
  spaceScenarioNamed,
} from './pairs.js';
export {
  type Action,
  type BlockInit,
  type FsName,
  type MappingInit,
  type MmuWalk,
  mmuWalks,
  type Scenario,
  scenarioLimits,
} from './scenario.js';
