// Builds an engine model from a scenario, a kernel version and a filesystem: the initial state,
// one model thread per scenario thread running its actions through the version's kernel, the
// end-of-execution checks, and the kernel monitors (lockdep, races).

import { checkDataIntegrity, checkMappings, type ThreadLog } from '../checks/index.js';
import { defineModel, type FindingSpec, type Model } from '../engine/index.js';
import { kernelOf, toInfo, type Version } from '../history/index.js';
import type { VersionInfo } from '../history/types.js';
import { kernelMonitors } from '../kernel/index.js';
import { createKernelState } from '../linux/state.js';
import type { Geometry, KState, Sys, Vma } from '../linux/types.js';
import {
  type AccessOptions,
  type ActionRecord,
  MAX_FAULTS_PER_ACCESS,
  runAction,
  syscall_exit,
} from './actors.js';
import { type FsName, mmuWalks, type Scenario } from './scenario.js';

export const DEFAULT_PMD_PAGES = 4;

export interface BuildOptions {
  kernel: string | VersionInfo | Version;
  fs: FsName;
  /** Install lockdep and the race detector (default true). */
  monitors?: boolean;
}

export interface DaxModelState {
  sys: Sys;
}

/** The geometry a scenario runs in: PMD size, file pages covered, pmem blocks. */
export function geometryOf(s: Scenario): Geometry {
  const pmdPages = s.geometry?.pmdPages ?? DEFAULT_PMD_PAGES;
  let pages = Math.max(s.file.size, pmdPages, s.file.blocks?.length ?? 0);
  const touch = (p: number) => {
    pages = Math.max(pages, p + 1);
  };
  for (const m of s.mappings ?? []) if (m.pages !== undefined) touch((m.pgoff ?? 0) + m.pages - 1);
  for (const t of s.threads)
    for (const a of t.actions) {
      if (a.do === 'load' || a.do === 'store' || a.do === 'write') touch(a.page);
      if (a.do === 'mmap' && a.pages !== undefined) touch((a.pgoff ?? 0) + a.pages - 1);
    }
  const filePages = s.geometry?.filePages ?? pages;
  const round = (n: number) => Math.ceil(n / pmdPages) * pmdPages;
  return { pmdPages, filePages, pmemBlocks: round(filePages) + round(filePages) + 2 * pmdPages };
}

/** Every vma the scenario can create, with the process that owns it. */
export function vmasOf(s: Scenario, geo: Geometry, fs: string): Vma[] {
  const out: Vma[] = [];
  const add = (
    id: string,
    mm: string,
    shared: boolean,
    huge: boolean,
    pgoff: number,
    pages: number | undefined,
  ) => {
    if (out.some((v) => v.id === id)) throw new Error(`scenario ${s.name}: mapping '${id}' is created twice`);
    const n = pages ?? geo.filePages - pgoff;
    if (n < 1 || pgoff < 0 || pgoff + n > geo.filePages)
      throw new Error(`scenario ${s.name}: mapping '${id}' is outside the file's ${geo.filePages} pages`);
    out.push({ id, mm, pgoff, pages: n, shared, huge, fs });
  };
  for (const m of s.mappings ?? []) add(m.id, m.process, m.shared, m.huge ?? false, m.pgoff ?? 0, m.pages);
  for (const t of s.threads)
    for (const a of t.actions)
      if (a.do === 'mmap') add(a.map, t.process ?? 'p1', a.shared, a.huge ?? false, a.pgoff ?? 0, a.pages);
  for (const t of s.threads)
    for (const a of t.actions)
      if (a.do === 'load' || a.do === 'store' || a.do === 'munmap') {
        const v = out.find((x) => x.id === a.map);
        if (!v) throw new Error(`scenario ${s.name}: thread ${t.name} uses unknown mapping '${a.map}'`);
        if (v.mm !== (t.process ?? 'p1'))
          throw new Error(
            `scenario ${s.name}: thread ${t.name} (process ${t.process ?? 'p1'}) uses ${v.mm}'s mapping '${a.map}'`,
          );
      }
  return out;
}

export function buildModel(s: Scenario, opts: BuildOptions): Model<DaxModelState> {
  const fs = opts.fs;
  const access: AccessOptions = {
    maxFaults: s.limits?.maxFaults ?? MAX_FAULTS_PER_ACCESS,
    walk: s.mmu?.walk ?? 'ptl',
  };
  // the CLI validates scenario files; a library caller's scenario is checked here
  if (!mmuWalks.includes(access.walk))
    throw new Error(
      `scenario '${s.name}': mmu.walk must be one of ${mmuWalks.join(', ')}, got '${access.walk}'`,
    );
  const k = kernelOf(opts.kernel);
  const versionName = typeof opts.kernel === 'string' ? opts.kernel : opts.kernel.name;
  const geo = geometryOf(s);
  const vmas = vmasOf(s, geo, fs);
  const processes = [...new Set([...vmas.map((v) => v.mm), ...s.threads.map((t) => t.process ?? 'p1')])];
  const vmaInfo = Object.fromEntries(vmas.map((v) => [v.id, { pgoff: v.pgoff, shared: v.shared }]));
  const initial = (i: number): number => {
    const b = s.file.blocks?.[i];
    return typeof b === 'object' ? b.written : 0;
  };
  return defineModel<DaxModelState>({
    name: `${s.name} @ ${versionName} (${fs})`,
    setup: (w) => {
      const st: KState = createKernelState(w, {
        geo,
        fs,
        size: s.file.size,
        blocks: s.file.blocks ?? [],
        cachedHoles: s.file.cachedHoles ?? [],
        processes,
        vmas,
        mapped: (s.mappings ?? []).map((m) => m.id),
        journalCommits: s.threads.some((t) => t.actions.some((a) => a.do === 'commit')),
      });
      return { sys: { k, st } };
    },
    threads: s.threads.map((t) => ({
      name: t.name,
      body: function* (state: DaxModelState) {
        const records: ActionRecord[] = [];
        const process = t.process ?? 'p1';
        for (let i = 0; i < t.actions.length; i++) {
          const a = t.actions[i];
          const r = yield* runAction(state.sys, process, a, fs, access);
          records.push({
            i,
            action: a,
            outcome: r.outcome,
            process,
            ...(r.value !== undefined ? { value: r.value } : {}),
          });
          yield* syscall_exit();
        }
        const log: ThreadLog = { thread: t.name, process, records };
        return log;
      },
    })),
    check: (state, view): FindingSpec[] => {
      const logs = view.results as ThreadLog[];
      return [
        ...checkDataIntegrity(initial, state.sys.st, view, logs, vmaInfo),
        ...checkMappings(state.sys.st, view),
      ];
    },
    ...(opts.monitors === false ? {} : { monitors: () => kernelMonitors() }),
  });
}

export { toInfo };
