// Versions are ordered patch series from v4.2; each patch replaces whole functions.
import { describe, expect, it } from 'vitest';
import { allVersions, defineVersion, kernelOf, patches, versions } from '../../src/history/index.js';
import { v42 } from '../../src/linux/kernel.js';

describe('the version history', () => {
  it('lists the named versions in historical order', () => {
    expect(versions.map((v) => v.name)).toEqual([
      'v4.2',
      '843172978bb9-only',
      'v4.3-rc1',
      'v4.3-rc5',
      'revert-v2',
      'revert-v3',
      'revert-v4-1of2',
      'v4.3',
      'v4.4',
    ]);
  });

  it('every patch names what it replaces, and each replaced name is a function of the table', () => {
    for (const p of patches) {
      expect(p.replaces.length).toBeGreaterThan(0);
      for (const r of p.replaces) expect(Object.keys(v42)).toContain(r);
      expect(p.link).toMatch(/^https:\/\//);
      expect(p.date).toMatch(/^2015-\d\d-\d\d$/);
    }
  });

  it('v4.2 is the base table; later versions replace the entries their patches name', () => {
    expect(kernelOf('v4.2')).toEqual(v42);
    const rc1 = kernelOf('v4.3-rc1');
    expect(rc1.__dax_fault).not.toBe(v42.__dax_fault);
    expect(rc1.unmap_mapping_range).toBe(v42.unmap_mapping_range); // 46c043ede471 restored it
    const only = kernelOf('843172978bb9-only');
    expect(only.unmap_mapping_range).not.toBe(v42.unmap_mapping_range);
    const v43 = kernelOf('v4.3');
    expect(v43.__dax_fault).toBe(v42.__dax_fault); // 0f90cc6609c7 went back to the v4.2 scheme
    expect(v43.do_cow_fault).toBe(rc1.do_cow_fault); // ...but kept 52a2b53ffde6
    expect(kernelOf('v4.4').do_cow_fault).not.toBe(rc1.do_cow_fault); // 0df9d41ab5d4
  });

  it('a user-defined version is a base plus patches, e.g. v4.3 with the COW fix backported', () => {
    const v = defineVersion({ name: 'v4.3+cow-fix', base: 'v4.3', patches: ['0df9d41ab5d4'] });
    expect(v.series.map((p) => p.info.id).slice(-2)).toEqual(['0f90cc6609c7', '0df9d41ab5d4']);
    expect(kernelOf(v).do_cow_fault).toBe(kernelOf('v4.4').do_cow_fault);
    expect(() => defineVersion({ name: 'x', base: 'v9', patches: [] })).toThrow(/unknown kernel version/);
  });

  it('series extend one another: v4.3 contains v4.3-rc5 which contains v4.3-rc1', () => {
    const ids = (n: string) => allVersions.find((v) => v.name === n)!.series.map((p) => p.info.id);
    expect(ids('v4.3-rc5').slice(0, ids('v4.3-rc1').length)).toEqual(ids('v4.3-rc1'));
    expect(ids('v4.3').slice(0, ids('v4.3-rc5').length)).toEqual(ids('v4.3-rc5'));
    expect(ids('v4.4').slice(0, ids('v4.3').length)).toEqual(ids('v4.3'));
  });
});
