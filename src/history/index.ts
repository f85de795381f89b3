// Patches and named versions (filled in with the patch files).
import type { PatchInfo, VersionInfo } from './types.js';

export const patches: PatchInfo[] = [];
export const versions: VersionInfo[] = [];
