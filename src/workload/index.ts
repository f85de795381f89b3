// The workload API the CLI builds on: versions, patches, scenarios, and the model builder.
export type { PatchInfo, VersionInfo } from '../history/types.js';
export { patches, versions } from '../history/index.js';
export type { Action, BlockInit, FsName, MappingInit, Scenario } from './scenario.js';
export { builtinScenarios } from './builtin.js';
export { buildModel } from './build.js';
