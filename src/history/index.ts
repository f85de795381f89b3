// The version history: patches (one file each in patches/) and the named versions.
import type { Kernel } from '../linux/kernel.js';
import { applyPatches } from './patch.js';
import type { PatchInfo, VersionInfo } from './types.js';
import { allPatches, allVersions, patchById, type Version } from './versions.js';

export { applyPatches, type Patch, patch } from './patch.js';
export {
  allPatches,
  allVersions,
  defineVersion,
  patchById,
  type Version,
  versionByName,
} from './versions.js';

export const patches: PatchInfo[] = allPatches.map((p) => p.info);
export const versions: VersionInfo[] = allVersions.map(toInfo);

export function toInfo(v: Version): VersionInfo {
  return { name: v.name, description: v.description, patches: v.series.map((p) => p.info) };
}

/** The function table of a version: by name, or from a VersionInfo (its patches by id). */
export function kernelOf(v: string | VersionInfo | Version): Kernel {
  if (typeof v === 'string') {
    const found = allVersions.find((x) => x.name === v);
    if (!found)
      throw new Error(`unknown kernel version '${v}' (known: ${allVersions.map((x) => x.name).join(', ')})`);
    return applyPatches(found.series);
  }
  if ('series' in v) return applyPatches(v.series);
  return applyPatches(v.patches.map((p) => patchById(p.id)));
}
