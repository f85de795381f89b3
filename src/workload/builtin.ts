// The built-in scenario suite (filled in as the actors land).
import type { Scenario } from './scenario.js';

export const builtinScenarios: Scenario[] = [];
