// DAX write(2) on ext4, one thread: ext4_file_write_iter under i_mutex ->
// generic_file_direct_write -> ext4_direct_IO (v4.2-v4.4, the same in every version).

import { describe, expect, it } from 'vitest';
import { runExt4, shared } from './helpers.js';

describe('ext4_file_write_iter (DAX write(2))', () => {
  it('inside i_size: i_mutex; the cached hole page is invalidated; ext4_get_block_write allocates an unwritten extent in its own handle; the data goes in; ext4_convert_unwritten_extents converts it in another', () => {
    for (const v of ['v4.2', 'v4.3', 'v4.4']) {
      const r = runExt4(v, {
        file: { size: 4, blocks: ['hole'], cachedHoles: [0] },
        mappings: [shared()],
        threads: [
          {
            name: 'A',
            actions: [
              { do: 'write', page: 0, value: 4 },
              { do: 'load', map: 'm', page: 0 },
            ],
          },
        ],
      });
      expect(r.outcome, v).toBe('done');
      expect(r.findings, v).toEqual([]);
      expect(r.of('A').slice(0, 18), v).toEqual([
        'i_mutex',
        'PL', // invalidate_inode_pages2_range (mapping->nrpages != 0)
        'uPL',
        'J',
        'R(i_data_sem)',
        'uR(i_data_sem)',
        'W(i_data_sem)',
        'block0=unwritten',
        'uW(i_data_sem)',
        'uJ',
        'J',
        'R(i_data_sem)',
        'uR(i_data_sem)',
        'W(i_data_sem)',
        'block0=written',
        'uW(i_data_sem)',
        'uJ',
        'u(i_mutex)',
      ]);
      const stored = r.steps.find((s) => s.fn === 'dax_do_io' && s.op.startsWith('write pmem['));
      expect(stored?.op, v).toMatch(/= 4$/);
    }
  });

  it('past i_size: ext4_ind_direct_IO: a handle for the orphan, ext4_get_block (a written extent), a handle for the new i_size', () => {
    const r = runExt4('v4.4', {
      file: { size: 2, blocks: ['hole'] },
      mappings: [{ ...shared(), pages: 4 }],
      threads: [
        {
          name: 'A',
          actions: [
            { do: 'write', page: 2, value: 4 },
            { do: 'load', map: 'm', page: 2 },
          ],
        },
      ],
    });
    expect(r.outcome).toBe('done');
    expect(r.findings).toEqual([]);
    expect(r.of('A').slice(0, 14)).toEqual([
      'i_mutex',
      'J',
      'uJ',
      'J',
      'R(i_data_sem)',
      'uR(i_data_sem)',
      'W(i_data_sem)',
      'block2=written',
      'uW(i_data_sem)',
      'uJ',
      'J',
      'i_size=3',
      'uJ',
      'u(i_mutex)',
    ]);
  });
});
