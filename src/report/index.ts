// Reports: findings as lockdep/KCSAN-style text, JSON and Markdown.
export { FINDING_JSON_SCHEMA, type FindingJson, toJson } from './json.js';
export { banner, callTrace, heldLocks, lockCall, lockLine, scenarioTable, taskName } from './lockdep-text.js';
export { toMarkdown } from './markdown.js';
export { formatFinding, headline, replayCommand, traceTail } from './text.js';
