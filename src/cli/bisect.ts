// `faultline bisect`: walk the patch series from one version to another and name the first patch
// that introduces a finding (or, with `fixed`, the first that removes it).
//
// Versions are patch series on a common base. The walk starts at the version where the finding
// is absent (present, with `fixed`), which must be a prefix of the other's series, and applies
// the other's remaining patches one at a time, checking the scenario after each. Every patch is
// checked (no binary search): a series can introduce a finding, hide it and bring it back, and
// the answer is the first patch after which it shows.

import type { CheckResult, Finding } from '../engine/index.js';
import { UsageError } from './errors.js';
import { type PatchInfo, type Provider, patchIds, patchOf, type VersionInfo } from './provider.js';
import type { Scenario } from './scenario-schema.js';
import {
  ancestor,
  type Budget,
  type RunHooks,
  runTarget,
  type Target,
  withScenarioSettings,
  withStepBound,
} from './target.js';

export interface BisectRequest {
  scenario: Scenario;
  scenarioRef: string;
  fs: string;
  /** Version without the finding; default: the first (with `fixed`: the last). */
  good?: string;
  /** Version with the finding; default: the last (with `fixed`: the first). */
  bad?: string;
  fixed: boolean;
  /** Only findings whose signature contains this text (e.g. a kind). */
  finding?: string;
  /** `--max-faults`, when given. */
  maxFaults?: number;
  /** `--mmu-walk`, when given. */
  mmuWalk?: string;
}

export interface BisectStep {
  /** Patches applied on top of the starting version (0 = the starting version). */
  applied: number;
  kernel: VersionInfo;
  patch?: PatchInfo;
  signatures: string[];
  complete: boolean;
}

export interface Culprit {
  signature: string;
  finding: Finding;
  patch: PatchInfo;
  /** Kernel before and after the patch. */
  before: VersionInfo;
  after: VersionInfo;
  target: Target;
}

export interface BisectResult {
  from: VersionInfo;
  to: VersionInfo;
  fixed: boolean;
  /** Signatures that differ between the two ends, restricted by `finding`. */
  targets: string[];
  steps: BisectStep[];
  culprits: Culprit[];
  /** Findings at the end where they are present (for the report). */
  present: Finding[];
  interrupted: boolean;
}

function version(p: Provider, name: string): VersionInfo {
  const v = p.versions.find((x) => x.name === name);
  if (!v)
    throw new UsageError(
      `unknown kernel version '${name}' (known: ${p.versions.map((x) => x.name).join(', ')})`,
    );
  return v;
}

export function runBisect(
  p: Provider,
  req: BisectRequest,
  budget: Budget,
  hooks: RunHooks & {
    onStep?: (applied: number, total: number, kernel: VersionInfo) => void;
  } = {},
): BisectResult {
  if (p.versions.length < 2)
    throw new UsageError(`the ${p.name} provider has only one version: nothing to bisect`);
  const first = p.versions[0].name;
  const last = p.versions[p.versions.length - 1].name;
  const good = version(p, req.good ?? (req.fixed ? last : first));
  const bad = version(p, req.bad ?? (req.fixed ? first : last));
  // Walk from the end without the finding to the end with it (reversed with --fixed).
  const from = req.fixed ? bad : good;
  const to = req.fixed ? good : bad;
  const fromIds = patchIds(from);
  const toIds = patchIds(to);
  if (from === to) throw new UsageError(`--good and --bad are the same version (${from.name})`);
  if (fromIds.length > toIds.length || fromIds.some((id, i) => toIds[i] !== id))
    throw new UsageError(
      `${from.name}'s patch series is not a prefix of ${to.name}'s: bisect walks forward from ${from.name} ` +
        `to ${to.name}${req.fixed ? ' (with --fixed: from --bad to --good)' : ' (from --good to --bad)'}`,
    );
  const target = (kernel: VersionInfo): Target =>
    withScenarioSettings(
      p,
      withStepBound({ scenario: req.scenario, scenarioRef: req.scenarioRef, kernel, fs: req.fs }, budget),
      req,
    );
  const steps: BisectStep[] = [];
  let interrupted = false;
  const total = toIds.length - fromIds.length;
  const check = (kernel: VersionInfo, applied: number): CheckResult => {
    hooks.onStep?.(applied, total, kernel);
    const r = runTarget(p, target(kernel), budget, hooks);
    if (r.stopReason === 'interrupted') interrupted = true;
    return r;
  };
  const atFrom = check(from, 0);
  steps.push({
    applied: 0,
    kernel: from,
    signatures: atFrom.findings.map((f) => f.signature),
    complete: atFrom.complete,
  });
  const atTo = interrupted ? undefined : check(to, total);
  const result: BisectResult = {
    from,
    to,
    fixed: req.fixed,
    targets: [],
    steps,
    culprits: [],
    present: [],
    interrupted,
  };
  if (!atTo) return { ...result, interrupted: true };
  const fromSigs = new Set(atFrom.findings.map((f) => f.signature));
  const toSigs = new Set(atTo.findings.map((f) => f.signature));
  const present = req.fixed ? atFrom.findings : atTo.findings;
  const absent = req.fixed ? toSigs : fromSigs;
  const matches = (sig: string) => req.finding === undefined || sig.includes(req.finding);
  const targets = present.map((f) => f.signature).filter((s) => !absent.has(s) && matches(s));
  result.targets = targets;
  result.present = present;
  if (!targets.length)
    steps.push({ applied: total, kernel: to, signatures: [...toSigs], complete: atTo.complete });
  const pending = new Set(targets);
  let before = from;
  let prev = atFrom;
  for (let k = 1; k <= total && pending.size; k++) {
    const kernel = k === total ? to : ancestor(to, fromIds.length + k);
    const r = k === total ? atTo : check(kernel, k);
    if (interrupted) break;
    const sigs = new Set(r.findings.map((f) => f.signature));
    const patch = patchOf(p, to.patches[fromIds.length + k - 1]);
    steps.push({ applied: k, kernel, patch, signatures: [...sigs], complete: r.complete });
    for (const sig of [...pending]) {
      if (sigs.has(sig) !== !req.fixed) continue;
      pending.delete(sig);
      // The witness comes from the kernel that has the finding: after the patch, or (fixed) before it.
      const [witnessRun, witnessKernel] = req.fixed ? [prev, before] : [r, kernel];
      const finding = witnessRun.findings.find((f) => f.signature === sig)!;
      result.culprits.push({
        signature: sig,
        finding,
        patch,
        before,
        after: kernel,
        target: target(witnessKernel),
      });
    }
    before = kernel;
    prev = r;
  }
  result.interrupted = interrupted;
  return result;
}
