// Named kernel states as ordered patch series from v4.2 (reference 1). Users can define their
// own with `defineVersion({ name, base, patches })`.

import type { Patch } from './patch.js';
import p0df9d41ab5d4 from './patches/0df9d41ab5d4.js';
import p0f90cc6609c7 from './patches/0f90cc6609c7.js';
import p1ca191576fc8 from './patches/1ca191576fc8.js';
import p01a33b4ace68 from './patches/01a33b4ace68.js';
import p46c043ede471 from './patches/46c043ede471.js';
import p52a2b53ffde6 from './patches/52a2b53ffde6.js';
import p152d7bd80dca from './patches/152d7bd80dca.js';
import p844f35db1088 from './patches/844f35db1088.js';
import p8346c416d17b from './patches/8346c416d17b.js';
import p843172978bb9 from './patches/843172978bb9.js';
import pd77e92e270ed from './patches/d77e92e270ed.js';
import pee82c9ed41e8 from './patches/ee82c9ed41e8.js';
import pExt4GetBlockDax from './patches/ext4-add-ext4_get_block_dax.js';
import pExt4Huge from './patches/ext4-huge-page-fault-support.js';
import pExt4GetBlockWrite from './patches/ext4-use-ext4_get_block_write-for-dax.js';
import pRevertV2a from './patches/revert-v2-1of2.js';
import pRevertV2b from './patches/revert-v2-2of2.js';
import pRevertV3c from './patches/revert-v3-3of3.js';
import pRevertV4a from './patches/revert-v4-1of2.js';
import pXfs44 from './patches/xfs-v4.4-dax-faults.js';

/** The ext4 DAX commits of the v4.3 merge window, in merge order (between the PMD series and
 *  843172978bb9); every named version after v4.2 has them. */
const ext4Merge: Patch[] = [pExt4Huge, pExt4GetBlockWrite, pExt4GetBlockDax, p01a33b4ace68];

/** Every patch, in series order (each appears once). */
export const allPatches: Patch[] = [
  p844f35db1088,
  ...ext4Merge,
  p843172978bb9,
  p46c043ede471,
  p52a2b53ffde6,
  pd77e92e270ed,
  p8346c416d17b,
  pRevertV2a,
  pRevertV2b,
  pRevertV3c,
  pRevertV4a,
  p0f90cc6609c7,
  p152d7bd80dca,
  pee82c9ed41e8,
  p0df9d41ab5d4,
  p1ca191576fc8,
  pXfs44,
];

export interface Version {
  name: string;
  description: string;
  series: Patch[];
}

const rc1 = [p844f35db1088, ...ext4Merge, p843172978bb9, p46c043ede471, p52a2b53ffde6, pd77e92e270ed];
const rc5 = [...rc1, p8346c416d17b];
const v43 = [...rc5, p0f90cc6609c7];

export const allVersions: Version[] = [
  { name: 'v4.2', description: 'v4.2 (Aug 30 2015): the baseline; no PMD faults', series: [] },
  {
    name: '843172978bb9-only',
    description:
      'git history between 843172978bb9 and 46c043ede471: W(i_mmap) in the DAX faults, IS_DAX skip in unmap_mapping_range, do_cow_fault still unlocking for read',
    series: [p844f35db1088, ...ext4Merge, p843172978bb9],
  },
  { name: 'v4.3-rc1', description: 'v4.3-rc1: 843172978bb9 + 46c043ede471 + 52a2b53ffde6', series: rc1 },
  { name: 'v4.3-rc5', description: 'last v4.3-rc before the fix: + 8346c416d17b', series: rc5 },
  {
    name: 'revert-v2',
    description: 'v4.3-rc5 with the v2 revert series (Oct 2 2015) applied',
    series: [...rc5, pRevertV2a, pRevertV2b],
  },
  {
    name: 'revert-v3',
    description: 'v4.3-rc5 with the v3 revert series (Oct 5 2015): the v2 reverts + PMD path disabled',
    series: [...rc5, pRevertV2a, pRevertV2b, pRevertV3c],
  },
  {
    name: 'revert-v4-1of2',
    description:
      'v4.3-rc5 with v4 1/2 alone (Oct 6 2015): the state of Dan Williams’ Oct 7 review, IS_DAX skip',
    series: [...rc5, pRevertV4a],
  },
  { name: 'v4.3', description: 'v4.3 (Nov 1 2015): 0f90cc6609c7', series: v43 },
  {
    name: 'v4.4',
    description: 'v4.4 (Jan 10 2016): PMD faults off, COW unlock fixed, XFS zeroes at allocation',
    series: [...v43, p152d7bd80dca, pee82c9ed41e8, p0df9d41ab5d4, p1ca191576fc8, pXfs44],
  },
];

export function patchById(id: string): Patch {
  const p = allPatches.find((x) => x.info.id === id || x.info.id.startsWith(id));
  if (!p) throw new Error(`unknown patch '${id}' (known: ${allPatches.map((x) => x.info.id).join(', ')})`);
  return p;
}

export function versionByName(name: string): Version {
  const v = allVersions.find((x) => x.name === name);
  if (!v)
    throw new Error(`unknown kernel version '${name}' (known: ${allVersions.map((x) => x.name).join(', ')})`);
  return v;
}

/** A user-defined version: a named base plus patches (by id) applied after it. */
export function defineVersion(d: {
  name: string;
  base: string;
  patches: string[];
  description?: string;
}): Version {
  const base = versionByName(d.base);
  return {
    name: d.name,
    description: d.description ?? `${d.base} + ${d.patches.join(' + ')}`,
    series: [...base.series, ...d.patches.map(patchById)],
  };
}
