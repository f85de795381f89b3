// Checks on every execution that ran to its end, besides the kernel-layer findings.
export { fileContents } from './contents.js';
export {
  type ActionRecord,
  type CheckedAction,
  checkDataIntegrity,
  type ThreadLog,
} from './data-integrity.js';
export { checkMappings } from './mappings.js';
