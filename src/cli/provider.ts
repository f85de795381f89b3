// What the `faultline` command runs: a provider of kernel versions, patches, filesystems,
// scenarios and a model builder. The DAX model (src/workload) is one; the engine's example
// models are another; `--provider MODULE` loads any module with the same exports, which is how
// tests plug in a toy kernel and how users plug in their own model.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Model } from '../engine/index.js';
import { UsageError } from './errors.js';
import type { Scenario } from './scenario-schema.js';

/** One patch of a version's series (mirrors src/workload's PatchInfo). */
export interface PatchInfo {
  id: string;
  title: string;
  author: string;
  date: string;
  link: string;
  /** The model functions the patch replaces (names, or a function table). */
  replaces: readonly string[] | Readonly<Record<string, unknown>>;
}

/** A kernel version: its ordered patch series on top of the base (mirrors src/workload's VersionInfo). */
export interface VersionInfo {
  name: string;
  description: string;
  patches: readonly (PatchInfo | string)[];
}

/** The kernel a model is built for: a named version, or (bisect) a version-like patch series. */
export type KernelRef = string | VersionInfo;

export interface Provider {
  /** Shown in reports and recorded in trace files (`examples`, `dax`, or the module given). */
  name: string;
  /** How to load it again (`--provider` value), recorded in trace files; undefined for the default. */
  spec: string | undefined;
  /** Oldest first. */
  versions: VersionInfo[];
  patches: PatchInfo[];
  filesystems: string[];
  scenarios: Scenario[];
  buildModel(scenario: Scenario, target: { kernel: KernelRef; fs: string }): Model;
  /** The generated scenario space of `explore`, when the provider has one. */
  scenarioSpace?(o: {
    threads: number;
    kind?: 'page' | 'pmd';
    actions?: string[];
    states?: string[];
    maxFaults?: number;
  }): Scenario[];
  /** The scenario `limits` fields its models honour (`maxFaults` for `--max-faults`). */
  scenarioLimits: readonly string[];
  /** The values of a scenario's `mmu.walk` its models honour (for `--mmu-walk`); none: no choice. */
  mmuWalks: readonly string[];
  /** The scenario of that space a name stands for (`page:load|write:hole:f2`); undefined if none. */
  spaceScenarioNamed?(name: string): Scenario | undefined;
}

/** The exports a provider module has: src/workload/index.ts has exactly these. */
export interface ProviderModule {
  versions: readonly VersionInfo[] | Readonly<Record<string, VersionInfo>>;
  patches: readonly PatchInfo[] | Readonly<Record<string, PatchInfo>>;
  builtinScenarios: readonly Scenario[] | Readonly<Record<string, Scenario>>;
  buildModel(scenario: any, target: { kernel: any; fs: any }): Model;
  /** Filesystem names; ext4 and xfs when absent (the DAX model's FsName). */
  filesystems?: readonly string[];
  /** The scenario `limits` fields buildModel honours (src/workload: `maxFaults`); none when absent. */
  scenarioLimits?: readonly string[];
  /** The values of `mmu.walk` buildModel honours (src/workload: `ptl`, `atomic`); none when absent. */
  mmuWalks?: readonly string[];
  /** Display name. */
  name?: string;
  /** The generated scenario space of `explore` (the DAX model's: every multiset of N actions). */
  scenarioSpace?(o: any): Scenario[];
  /** The inverse of the space's naming, so that check and replay take a generated scenario's name. */
  spaceScenarioNamed?(name: string): Scenario | undefined;
}

const listOf = <T>(x: readonly T[] | Readonly<Record<string, T>>): T[] =>
  Array.isArray(x) ? [...x] : Object.values(x as Record<string, T>);

export function fromModule(mod: ProviderModule, name: string, spec: string | undefined): Provider {
  for (const key of ['versions', 'patches', 'builtinScenarios', 'buildModel'] as const)
    if (!(key in mod) || mod[key] === undefined)
      throw new UsageError(`provider ${spec ?? name} does not export '${key}'`);
  return {
    name: mod.name ?? name,
    spec,
    versions: listOf(mod.versions),
    patches: listOf(mod.patches),
    filesystems: [...(mod.filesystems ?? ['ext4', 'xfs'])],
    scenarios: listOf(mod.builtinScenarios),
    scenarioLimits: [...(mod.scenarioLimits ?? [])],
    mmuWalks: [...(mod.mmuWalks ?? [])],
    buildModel: (scenario, target) => mod.buildModel(scenario, target),
    ...(mod.scenarioSpace ? { scenarioSpace: mod.scenarioSpace } : {}),
    ...(mod.spaceScenarioNamed ? { spaceScenarioNamed: mod.spaceScenarioNamed } : {}),
  };
}

/** The model `faultline` runs without `--provider`: the DAX model. */
export const DEFAULT_PROVIDER = 'dax';

/**
 * The provider for a `--provider` value: `examples`, `dax`, or a module path (resolved from the
 * working directory) exporting what src/workload/index.ts exports.
 */
export async function loadProvider(spec: string | undefined): Promise<Provider> {
  const name = spec === undefined || spec === '' ? DEFAULT_PROVIDER : spec;
  if (name === 'examples') return (await import('./providers/examples.js')).examplesProvider();
  if (name === 'dax') return (await import('./providers/dax.js')).daxProvider();
  let mod: ProviderModule;
  try {
    const url =
      /^[a-z]+:/i.test(name) && !/^[a-z]:[\\/]/i.test(name) ? name : pathToFileURL(path.resolve(name)).href;
    mod = (await importTypeScriptToo(url)) as ProviderModule;
  } catch (e) {
    throw new UsageError(`cannot load provider '${name}': ${(e as Error).message}`);
  }
  return fromModule(mod, path.basename(name).replace(/\.[cm]?[jt]s$/, ''), name);
}

/**
 * Import a module; a TypeScript one (the compiled command meeting a `.ts` provider) is retried
 * with tsx registered, when tsx is installed.
 */
async function importTypeScriptToo(url: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    let tsx: { register(): unknown };
    try {
      tsx = (await import('tsx/esm/api' as string)) as { register(): unknown };
    } catch {
      throw new Error(
        `${(e as Error).message} (a TypeScript provider needs tsx installed, or compile it to .js)`,
      );
    }
    tsx.register();
    // The failed import is cached by URL: ask again under another one.
    return import(`${url}${url.includes('?') ? '&' : '?'}tsx`);
  }
}

// ---- lookups shared by the commands ---------------------------------------------------------

export function patchOf(p: Provider, ref: PatchInfo | string): PatchInfo {
  if (typeof ref !== 'string') return ref;
  const found = p.patches.find((x) => x.id === ref);
  if (!found) throw new UsageError(`version series names patch '${ref}', which the provider does not list`);
  return found;
}

export function patchIds(v: VersionInfo): string[] {
  return v.patches.map((x) => (typeof x === 'string' ? x : x.id));
}

export function findVersion(p: Provider, name: string): VersionInfo {
  const v = p.versions.find((x) => x.name === name);
  if (!v)
    throw new UsageError(
      `unknown kernel version '${name}' (known: ${p.versions.map((x) => x.name).join(', ')})`,
    );
  return v;
}

export function checkFs(p: Provider, fs: string): string {
  if (!p.filesystems.includes(fs))
    throw new UsageError(`unknown filesystem '${fs}' (known: ${p.filesystems.join(', ')})`);
  return fs;
}

/** Replaces functions, as text for reports. */
export function replacesList(patch: PatchInfo): string[] {
  return Array.isArray(patch.replaces) ? [...patch.replaces] : Object.keys(patch.replaces);
}
