// Sealed files: what faultline wrote reads back as written, with any JSON value inside; a change
// to the content, or a missing seal, is refused with the file's name.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonFile, sealedJson, unseal, writeSealed } from '../../src/cli/sealed-file.js';
import { tempDir } from './run-cli.js';

const read = (file: string) => unseal(file, readJsonFile(file, 'test file'), 'do something');

describe('sealed files', () => {
  it('read back exactly what was written, whatever JSON it holds', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (body) => {
        const text = sealedJson({ format: 'x/1', body });
        const back = unseal<{ format: string; body: unknown }>('f', JSON.parse(text), 'r');
        expect(back).toEqual(JSON.parse(JSON.stringify({ format: 'x/1', body })));
      }),
    );
    // Values whose JSON text is not the obvious one: lone surrogates, -0, exponents, escapes.
    const file = join(tempDir(), 'odd.json');
    const odd = { s: 'a\ud800b\u2028"\\', n: [-0, 1e21, 5e-324, 0.1 + 0.2], u: '🙂' };
    writeSealed(file, odd);
    expect(read(file)).toEqual(JSON.parse(JSON.stringify(odd)));
  });

  it('refuses a changed value, an added field and a missing seal, naming the file', () => {
    const file = join(tempDir(), 'run.json');
    writeSealed(file, { format: 'x/1', runs: [{ executions: 12, ok: true }] });
    const text = readFileSync(file, 'utf8');
    for (const changed of [
      text.replace('12', '13'),
      text.replace('true', 'false'),
      text.replace('{"format"', '{"extra":1,"format"'),
    ]) {
      writeFileSync(file, changed);
      expect(() => read(file)).toThrow(
        `${file} was changed after faultline wrote it (its content does not match its sha256): do something`,
      );
    }
    writeFileSync(file, JSON.stringify({ format: 'x/1', runs: [] }));
    expect(() => read(file)).toThrow(
      `${file} has no sha256 seal (written by hand, or by an older faultline)`,
    );
    writeFileSync(file, 'null\n');
    expect(() => read(file)).toThrow(`${file} is not a JSON object: do something`);
    writeFileSync(file, text.slice(0, 20));
    expect(() => read(file)).toThrow(`cannot read test file ${file}:`);
  });
});
