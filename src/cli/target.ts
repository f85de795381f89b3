// What one check runs on: a scenario, a kernel and a filesystem of a provider; resolving them
// from the command line, building the model, running it, and the command that replays a token.

import { existsSync } from 'node:fs';
import { CheckpointMismatch } from '../engine/checkpoint.js';
import { type CheckOptions, type CheckResult, check, type Mode, type Model } from '../engine/index.js';
import type { Progress } from '../engine/run.js';
import { UsageError } from './errors.js';
import { checkFs, DEFAULT_PROVIDER, type KernelRef, type Provider, type VersionInfo } from './provider.js';
import { loadScenarioFile } from './scenario-file.js';
import type { Scenario } from './scenario-schema.js';

export interface Target extends TokenSettings {
  scenario: Scenario;
  /** How the user named the scenario (a built-in name or a file path), for replay commands. */
  scenarioRef: string;
  kernel: VersionInfo;
  fs: string;
}

/** Exploration settings shared by check, matrix and bisect. */
export interface Budget {
  mode?: Mode;
  seed?: number;
  runs?: number;
  depth?: number;
  maxPreemptions?: number;
  timeLimitMs?: number;
  maxExecutions?: number;
  maxStepsPerThread?: number;
}

/** Does the budget explore exhaustively with DPOR (no other mode, no preemption bound)? */
export function exploresWithDpor(b: Budget): boolean {
  return (b.mode ?? 'dpor') === 'dpor' && b.maxPreemptions === undefined;
}

export interface RunHooks {
  shouldStop?: () => boolean;
  onProgress?: (p: Progress) => void;
}

const looksLikeFile = (ref: string) => /\.(ya?ml|json)$/i.test(ref) || ref.includes('/');

/** A built-in scenario by name, or a scenario file (YAML or JSON) by path. */
export function resolveScenario(p: Provider, ref: string): Scenario {
  const builtin = p.scenarios.find((s) => s.name === ref);
  if (builtin && !existsSync(ref)) return builtin;
  const generated = p.spaceScenarioNamed?.(ref);
  if (generated) return generated;
  if (existsSync(ref) || looksLikeFile(ref)) return loadScenarioFile(ref);
  const names = p.scenarios.map((s) => s.name);
  throw new UsageError(
    `no scenario '${ref}': not a file, and the ${p.name} provider has no built-in scenario of that name` +
      (names.length ? ` (built-in: ${names.join(', ')})` : ''),
  );
}

/**
 * A kernel version by name, or `NAME~N`: that version without its last N patches (as git names
 * ancestors), which is how bisect names the kernels between two versions.
 */
export function resolveKernel(p: Provider, ref: string | undefined): VersionInfo {
  if (!p.versions.length) throw new UsageError(`the ${p.name} provider has no kernel versions`);
  if (ref === undefined) return p.versions[p.versions.length - 1];
  const m = /^(.*)~(\d+)$/.exec(ref);
  const name = m ? m[1] : ref;
  const v = p.versions.find((x) => x.name === name);
  if (!v)
    throw new UsageError(
      `unknown kernel version '${name}' (known: ${p.versions.map((x) => x.name).join(', ')})`,
    );
  if (!m || Number(m[2]) === 0) return v;
  const drop = Number(m[2]);
  if (drop > v.patches.length)
    throw new UsageError(`${ref}: ${v.name} has only ${v.patches.length} patches on top of the base`);
  return ancestor(v, v.patches.length - drop);
}

/** The version-like kernel made of the first `n` patches of `v`'s series. */
export function ancestor(v: VersionInfo, n: number): VersionInfo {
  if (n === v.patches.length) return v;
  const drop = v.patches.length - n;
  return {
    name: `${v.name}~${drop}`,
    description: `${v.name} without its last ${drop} patch${drop === 1 ? '' : 'es'}`,
    patches: v.patches.slice(0, n),
  };
}

/** The filesystem: the one asked for, else the scenario's, else the provider's first. */
export function resolveFs(p: Provider, scenario: Scenario, fs: string | undefined): string {
  return checkFs(p, fs ?? scenario.fs ?? p.filesystems[0]);
}

/** A kernel as the provider's buildModel wants it: named versions by name, others as series. */
export function kernelRef(p: Provider, v: VersionInfo): KernelRef {
  return p.versions.includes(v) ? v.name : v;
}

export function buildTargetModel(p: Provider, t: Target): Model {
  try {
    return p.buildModel(t.scenario, { kernel: kernelRef(p, t.kernel), fs: t.fs });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `cannot build the model of scenario '${t.scenario.name}' for ${t.kernel.name}/${t.fs}: ${(e as Error).message}`,
    );
  }
}

/**
 * What a token replays only under, where the run was given it on the command line: the steps per
 * thread (`--max-steps`), the faults per access (`--max-faults`, put in the scenario's
 * `limits.maxFaults`) and the MMU walk (`--mmu-walk`, put in its `mmu.walk`). A token is a list
 * of scheduling choices: under another bound or walk the steps differ, and it does not fit.
 */
export interface TokenSettings {
  maxSteps?: number;
  maxFaults?: number;
  mmuWalk?: string;
}

/** Just the settings that are set: records of runs given none gain no keys. */
export function settingsOf(x: TokenSettings): TokenSettings {
  const b: TokenSettings = {};
  if (x.maxSteps !== undefined) b.maxSteps = x.maxSteps;
  if (x.maxFaults !== undefined) b.maxFaults = x.maxFaults;
  if (x.mmuWalk !== undefined) b.mmuWalk = x.mmuWalk;
  return b;
}

/**
 * The target a token was found on, named as replay, view and matrix occurrences name it: the
 * scenario, kernel and filesystem, and the bounds the run was given.
 */
export function tokenTarget(
  p: Provider,
  ref: { scenario: string; kernel?: string; fs?: string } & TokenSettings,
): Target {
  const scenario = resolveScenario(p, ref.scenario);
  const t: Target = {
    scenario,
    scenarioRef: ref.scenario,
    kernel: resolveKernel(p, ref.kernel),
    fs: resolveFs(p, scenario, ref.fs),
    ...settingsOf({ maxSteps: ref.maxSteps }),
  };
  return withScenarioSettings(p, t, ref);
}

/** The target as the run with this budget sees it: with the budget's step bound, if any. */
export function withStepBound(t: Target, b: Budget): Target {
  return b.maxStepsPerThread === undefined ? t : { ...t, maxSteps: b.maxStepsPerThread };
}

/** What the command line puts into each scenario it runs: `--max-faults` and `--mmu-walk`. */
export type ScenarioSettings = Pick<TokenSettings, 'maxFaults' | 'mmuWalk'>;

/**
 * The target under `--max-faults` and `--mmu-walk`, where given: put into its scenario (see
 * `scenarioWith`) and kept for its replay commands.
 */
export function withScenarioSettings(p: Provider, t: Target, o: ScenarioSettings): Target {
  const given = settingsOf({ maxFaults: o.maxFaults, mmuWalk: o.mmuWalk });
  return { ...t, scenario: scenarioWith(p, t.scenario, o), ...given };
}

/**
 * The scenario with the settings given: `limits.maxFaults` (the DAX model's faults per access
 * before a livelock finding) and `mmu.walk` replaced, if the provider's models honour them.
 */
export function scenarioWith(p: Provider, s: Scenario, o: ScenarioSettings): Scenario {
  const bounded = o.maxFaults === undefined ? s : faultBounded(p, s, o.maxFaults);
  return o.mmuWalk === undefined ? bounded : walked(p, bounded, o.mmuWalk);
}

function faultBounded(p: Provider, s: Scenario, n: number): Scenario {
  if (!p.scenarioLimits.includes('maxFaults'))
    throw new UsageError(
      `--max-faults: the ${p.name} provider's models have no fault bound (they honour no limits.maxFaults)`,
    );
  return { ...s, limits: { ...s.limits, maxFaults: n } };
}

function walked(p: Provider, s: Scenario, walk: string): Scenario {
  if (!p.mmuWalks.includes(walk))
    throw new UsageError(
      p.mmuWalks.length
        ? `--mmu-walk: expected one of ${p.mmuWalks.map((w) => `'${w}'`).join(', ')}, got '${walk}'`
        : `--mmu-walk: the ${p.name} provider's models have no MMU walk to choose (they honour no mmu.walk)`,
    );
  return { ...s, mmu: { ...s.mmu, walk: walk as NonNullable<Scenario['mmu']>['walk'] } };
}

export function checkOptions(b: Budget, hooks: RunHooks = {}): CheckOptions {
  const o: CheckOptions = {};
  if (b.mode !== undefined) o.mode = b.mode;
  if (b.seed !== undefined) o.seed = b.seed;
  if (b.runs !== undefined) o.runs = b.runs;
  if (b.depth !== undefined) o.depth = b.depth;
  if (b.maxPreemptions !== undefined) o.maxPreemptions = b.maxPreemptions;
  if (b.timeLimitMs !== undefined) o.timeLimitMs = b.timeLimitMs;
  if (b.maxExecutions !== undefined) o.maxExecutions = b.maxExecutions;
  if (b.maxStepsPerThread !== undefined) o.maxStepsPerThread = b.maxStepsPerThread;
  if (hooks.shouldStop) o.shouldStop = hooks.shouldStop;
  if (hooks.onProgress) o.onProgress = hooks.onProgress;
  return o;
}

export function runTarget(
  p: Provider,
  t: Target,
  b: Budget,
  hooks: RunHooks = {},
  extra: Pick<CheckOptions, 'raceCensus' | 'minimize' | 'checkpoint'> = {},
): CheckResult {
  const model = buildTargetModel(p, t);
  try {
    return check(model, { ...checkOptions(b, hooks), ...extra });
  } catch (e) {
    if (e instanceof CheckpointMismatch) throw new UsageError(`--checkpoint: ${e.message}`);
    throw e;
  }
}

/** Quote for a POSIX shell when needed. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command line that replays `token` on this target. */
export function replayCommand(p: Provider, t: Target, token: string): string {
  const parts = ['faultline', 'replay', token, '--scenario', t.scenarioRef];
  // Kernel and filesystem are spelled out (defaults change as versions are added), unless the
  // provider has only one of each.
  if (p.versions.length > 1 || !p.versions.includes(t.kernel)) parts.push('--kernel', t.kernel.name);
  if (p.filesystems.length > 1) parts.push('--fs', t.fs);
  if (p.spec && p.spec !== DEFAULT_PROVIDER) parts.push('--provider', p.spec);
  // A livelock's token ends where the bound stopped the thread: replayed under another bound it
  // does not fit.
  if (t.maxSteps !== undefined) parts.push('--max-steps', String(t.maxSteps));
  if (t.maxFaults !== undefined) parts.push('--max-faults', String(t.maxFaults));
  if (t.mmuWalk !== undefined) parts.push('--mmu-walk', t.mmuWalk);
  return parts.map(shellQuote).join(' ');
}
