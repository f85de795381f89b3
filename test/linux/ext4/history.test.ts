// The ext4 patches in the version history: where they sit in each named version, what they
// replace, and that every version runs on ext4.

import { describe, expect, it } from 'vitest';
import { allVersions, kernelOf, patchById } from '../../../src/history/index.js';

const EXT4_SERIES = [
  'ext4-huge-page-fault-support',
  'ext4-use-ext4_get_block_write-for-dax',
  'ext4-add-ext4_get_block_dax',
  '01a33b4ace68',
];

describe('ext4 in the version history', () => {
  it('every named version after v4.2 has the ext4 merge-window patches, in merge order, after the PMD series and before 843172978bb9', () => {
    for (const v of allVersions) {
      const ids = v.series.map((p) => p.info.id);
      if (v.name === 'v4.2') {
        expect(ids).toEqual([]);
        continue;
      }
      const at = ids.indexOf(EXT4_SERIES[0]);
      expect(ids.slice(at, at + 4), v.name).toEqual(EXT4_SERIES);
      expect(at, v.name).toBe(ids.indexOf('844f35db1088') + 1);
      expect(ids.indexOf('843172978bb9'), v.name).toBe(at + 4);
    }
  });

  it('each patch names the functions it replaces', () => {
    expect(patchById('ext4-huge-page-fault-support').info.replaces).toEqual([
      'ext4_dax_pmd_fault',
      'filesystems',
    ]);
    expect(patchById('ext4-use-ext4_get_block_write-for-dax').info.replaces).toEqual([
      'ext4_dax_fault',
      'ext4_dax_mkwrite',
    ]);
    expect(patchById('ext4-add-ext4_get_block_dax').info.replaces).toEqual([
      'ext4_get_block_dax',
      'ext4_dax_fault',
      'ext4_dax_pmd_fault',
      'ext4_dax_mkwrite',
    ]);
    expect(patchById('01a33b4ace68').info.replaces).toEqual(['ext4_dax_fault', 'ext4_dax_pmd_fault']);
  });

  it('every version has ext4 and xfs; ext4 gets ->pmd_fault from the huge page patch on, and ->pfn_mkwrite (dax_pfn_mkwrite) always', () => {
    for (const v of allVersions) {
      const k = kernelOf(v.name);
      expect(Object.keys(k.filesystems).sort(), v.name).toEqual(['ext4', 'xfs']);
      const ops = k.filesystems.ext4.vm_ops;
      expect(ops.pmd_fault !== undefined, v.name).toBe(v.name !== 'v4.2');
      expect(ops.pfn_mkwrite, v.name).toBeDefined();
      expect(k.filesystems.ext4.punch_hole, v.name).toBeDefined();
    }
  });
});
