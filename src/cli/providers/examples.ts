// The engine's example models as a provider: one pseudo-version and no filesystem, each example
// a scenario. It lets every command run before (and beside) the DAX model.

import type { Model } from '../../engine/index.js';
import { exampleInfo, examples } from '../../examples/index.js';
import { UsageError } from '../errors.js';
import type { Provider } from '../provider.js';
import type { Scenario } from '../scenario-schema.js';

export const EXAMPLES_VERSION = 'examples';
export const EXAMPLES_FS = 'any';

export function examplesProvider(): Provider {
  const scenarios: Scenario[] = Object.entries(examples).map(([name, model]) => ({
    name,
    description: exampleInfo[name]?.summary ?? model.name,
    file: { size: 0 },
    // The threads are the model's own; a scenario file cannot describe an example.
    threads: model.threads.map((t) => ({ name: t.name, actions: [] })),
  }));
  return {
    name: 'examples',
    spec: 'examples',
    versions: [{ name: EXAMPLES_VERSION, description: 'the engine example models (no kernel)', patches: [] }],
    patches: [],
    filesystems: [EXAMPLES_FS],
    scenarios,
    scenarioLimits: [],
    mmuWalks: [],
    buildModel(scenario): Model {
      const model = examples[scenario.name];
      if (!model)
        throw new UsageError(
          `the examples provider runs only its built-in models (${Object.keys(examples).join(', ')}); ` +
            `'${scenario.name}' is not one (scenario files need the DAX model: --provider dax)`,
        );
      return model;
    },
  };
}
