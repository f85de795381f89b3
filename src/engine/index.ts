// The engine's public API: everything a user needs to write and check a model.
export {
  type CheckOptions,
  type CheckResult,
  check,
  checkOnWorkers,
  type Mode,
  replay,
  sampleSpecOf,
  withoutHistory,
} from './check.js';
export { CheckpointMismatch, type CheckpointOptions, type RunCheckpoint } from './checkpoint.js';
export type { ObjectSnapshot } from './execution.js';
export { EngineAbort, Execution, type Outcome } from './execution.js';
export { exploreSubtree } from './explorers/dpor.js';
export {
  chunkBuffers,
  type SpecChunk,
  type SpecJob,
  type SpecPool,
  type SpecResult,
  type SpeculationStats,
  SpeculationWorker,
} from './explorers/dpor-speculation.js';
export { exploreNaive, type NaiveOptions, type NaiveResult, traceKey } from './explorers/naive.js';
export {
  runSampleBatch,
  type SampleBatch,
  type SampleBatchResult,
  type SamplePool,
  type SampleSpec,
} from './explorers/sample-split.js';
export type { Finding, TraceStep } from './findings.js';
export { signatureOf } from './findings.js';
export type { EngineEvent, ExecutionContext, FinalView, Model, Monitor, ThreadSpec } from './model.js';
export { defineModel } from './model.js';
export type { Cell, Lock, WaitQueue, World } from './objects.js';
export {
  acquire,
  assert,
  at,
  call,
  cellObject,
  choose,
  commutingUpdate,
  downgrade,
  type FindingSpec,
  fail,
  join,
  type LockMode,
  lockObject,
  ModelFailure,
  modelled,
  note,
  type Op,
  type Peek,
  queueObject,
  read,
  release,
  report,
  self,
  snapshot,
  spawn,
  type ThreadGen,
  type ThreadHandle,
  tryAcquire,
  update,
  waitUntil,
  waitVar,
  wake,
  write,
} from './ops.js';
export type { RaceCensus } from './race-census.js';
export {
  ReplayMismatch,
  Run,
  type RunOptions,
  type RunStats,
  replayExecution,
  replayExecutions,
  type StopReason,
} from './run.js';
export { decodeToken, encodeToken, joinTokens, TokenError, tokenParts } from './token.js';
export { describeOp, traceOf } from './trace.js';
export { recordTrace, TRACE_FORMAT, type TraceFile, type TraceFileStep } from './trace-file.js';
export {
  describeWaitFor,
  earlierSameCore,
  type WaitEdge,
  type WaitForSummary,
  waitForSummary,
} from './wait-for.js';
