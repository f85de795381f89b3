// The DAX model (src/workload) as a provider: the kernel versions and patches of src/history,
// the built-in scenario suite, ext4 and XFS.

import * as workload from '../../workload/index.js';
import { fromModule, type Provider } from '../provider.js';
import type { Scenario } from '../scenario-schema.js';

// Compile-time check that scenario files validated by the CLI are the workload's scenarios.
const _fileToWorkload = (s: Scenario): workload.Scenario => s;
const _workloadToFile = (s: workload.Scenario): Scenario => s;
void _fileToWorkload;
void _workloadToFile;

export function daxProvider(): Provider {
  return fromModule({ ...workload, filesystems: ['ext4', 'xfs'], name: 'dax' }, 'dax', 'dax');
}
