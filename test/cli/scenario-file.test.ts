// Scenario files: YAML and JSON read into the Scenario shape; every problem reported with
// file:line:column, the field, and what was expected.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenarioText, ScenarioFileError } from '../../src/cli/scenario-file.js';
import { tempDir } from './run-cli.js';

function problems(text: string, file = 's.yaml'): string[] {
  try {
    parseScenarioText(text, file);
  } catch (e) {
    if (e instanceof ScenarioFileError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected the scenario to be rejected');
}

const good = `
name: truncate-vs-fault
description: a shared load races with a shrinking truncate
fs: ext4
geometry: { pmdPages: 4 }
file:
  size: 2
  blocks: [hole, { written: 7 }]
  cachedHoles: [0]
mappings:
  - { id: m, process: p1, shared: true }
threads:
  - name: fault
    process: p1
    actions:
      - { do: load, map: m, page: 0 }
      - { do: store, map: m, page: 1, value: 3 }
  - name: truncate
    actions:
      - { do: truncate, size: 0 }
      - { do: commit }
`;

describe('scenario files', () => {
  it('reads a valid YAML scenario into the Scenario shape', () => {
    const s = parseScenarioText(good, 'good.yaml');
    expect(s.name).toBe('truncate-vs-fault');
    expect(s.file.blocks).toEqual(['hole', { written: 7 }]);
    expect(s.threads[0].actions[1]).toEqual({ do: 'store', map: 'm', page: 1, value: 3 });
    expect(s.threads[1].actions).toEqual([{ do: 'truncate', size: 0 }, { do: 'commit' }]);
  });

  it('reads the same scenario from JSON, and positions JSON errors too', () => {
    const dir = tempDir();
    const file = join(dir, 's.json');
    const data = parseScenarioText(good, 'good.yaml');
    writeFileSync(file, JSON.stringify(data, null, 2));
    expect(loadScenarioFile(file)).toEqual(data);
    writeFileSync(file, '{\n  "name": "x",\n  "file": { "size": "two" },\n  "threads": []\n}\n');
    expect(() => loadScenarioFile(file)).toThrow(`${file}:3:21: file.size: expected number, got 'two'`);
  });

  it('names an unknown field and lists the fields allowed there', () => {
    expect(problems(good.replace('    process: p1\n', '    proces: p1\n'))).toEqual([
      "s.yaml:14:5: threads[0].proces: unknown field 'proces' (expected one of: name, process, actions)",
    ]);
    expect(problems(good.replace('{ do: commit }', '{ do: commit, now: true }'))[0]).toBe(
      "s.yaml:21:23: threads[1].actions[1].now: unknown field 'now' (expected one of: do)",
    );
  });

  it('says which field is missing, at the object that lacks it', () => {
    expect(problems(good.replace(', value: 3', ''))).toEqual([
      "s.yaml:17:9: threads[0].actions[1].value: missing required field 'value' (expected number)",
    ]);
    expect(problems('name: x\nthreads: [{ name: a, actions: [{ do: commit }] }]\n')).toEqual([
      "s.yaml:1:1: file: missing required field 'file' (expected object)",
    ]);
  });

  it('explains bad values: enums, action kinds, block states, integers, empty lists', () => {
    expect(problems(good.replace('fs: ext4', 'fs: zfs'))).toEqual([
      "s.yaml:4:5: fs: expected 'ext4' or 'xfs', got 'zfs'",
    ]);
    expect(problems(good.replace('{ do: load,', '{ do: lod,'))[0]).toMatch(
      /^s\.yaml:16:15: threads\[0\]\.actions\[0\]\.do: expected one of 'mmap', 'munmap', 'load', .*, got 'lod'$/,
    );
    expect(problems(good.replace('[hole,', '[gap,'))).toEqual([
      "s.yaml:8:12: file.blocks[0]: expected 'hole', 'unwritten' or { written: VALUE }, got 'gap'",
    ]);
    expect(problems(good.replace('page: 0 }', 'page: 0.5 }'))).toEqual([
      's.yaml:16:35: threads[0].actions[0].page: expected an integer, got 0.5',
    ]);
    expect(
      problems(
        good.replace(
          /actions:\n {6}- \{ do: truncate, size: 0 \}\n {6}- \{ do: commit \}\n/,
          'actions: []\n',
        ),
      ),
    ).toEqual(['s.yaml:19:14: threads[1].actions: expected at least 1 item']);
  });

  it('reads limits.maxFaults, a positive integer', () => {
    const withLimit = good.replace('mappings:\n', 'limits: { maxFaults: 2 }\nmappings:\n');
    expect(parseScenarioText(withLimit, 's.yaml').limits).toEqual({ maxFaults: 2 });
    expect(problems(withLimit.replace('maxFaults: 2', 'maxFaults: 0'))).toEqual([
      's.yaml:10:22: limits.maxFaults: expected a number > 0, got 0',
    ]);
    expect(problems(withLimit.replace('maxFaults: 2', 'faults: 2'))).toEqual([
      "s.yaml:10:11: limits.faults: unknown field 'faults' (expected one of: maxFaults)",
    ]);
  });

  it("reads mmu.walk, 'ptl' or 'atomic'", () => {
    const withWalk = good.replace('mappings:\n', 'mmu: { walk: atomic }\nmappings:\n');
    expect(parseScenarioText(withWalk, 's.yaml').mmu).toEqual({ walk: 'atomic' });
    expect(problems(withWalk.replace('walk: atomic', 'walk: locked'))).toEqual([
      "s.yaml:10:14: mmu.walk: expected 'ptl' or 'atomic', got 'locked'",
    ]);
  });

  it('checks names and references: unique threads and mappings, known mappings', () => {
    expect(problems(good.replace('- name: truncate', '- name: fault'))).toEqual([
      "s.yaml:18:11: threads[1].name: duplicate thread name 'fault'",
    ]);
    expect(problems(good.replace('map: m, page: 1', 'map: q, page: 1'))).toEqual([
      "s.yaml:17:27: threads[0].actions[1].map: unknown mapping 'q': declare it under 'mappings' or mmap it in an action (known: m)",
    ]);
    // A mapping created by an mmap action may be used by any thread.
    const mm = good.replace(
      '      - { do: truncate, size: 0 }\n',
      '      - { do: mmap, map: q, shared: false }\n',
    );
    expect(() => parseScenarioText(mm.replace('map: m, page: 1', 'map: q, page: 1'), 's.yaml')).not.toThrow();
  });

  it('reports syntax errors and duplicate keys with their position', () => {
    expect(problems('name: x\nfile: {size: 1\nthreads: [')[0]).toMatch(/^s\.yaml:3:1: syntax error: /);
    expect(problems('name: x\nname: y\n')[0]).toMatch(/^s\.yaml:2:1: syntax error: Map keys must be unique/);
  });

  it('says so when the file cannot be read', () => {
    expect(() => loadScenarioFile('/nonexistent/s.yaml')).toThrow(
      'cannot read scenario file /nonexistent/s.yaml: ENOENT',
    );
  });
});
