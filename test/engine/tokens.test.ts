// Replay tokens: compact text that round-trips, clear errors for malformed text, and replays that
// either reproduce the execution or say why they cannot.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  check,
  decodeToken,
  encodeToken,
  ReplayMismatch,
  replay,
  signatureOf,
  TokenError,
} from '../../src/engine/index.js';
import { abbaDeadlock, choosePath, examples } from '../../src/examples/index.js';

describe('encodeToken / decodeToken', () => {
  it('run-length encodes the schedule and appends the choices', () => {
    expect(encodeToken([0, 0, 0, 1, 1, 0], [1, 0])).toBe('fl1:0x3,1x2,0:1,0');
    expect(encodeToken([2], [])).toBe('fl1:2');
    expect(encodeToken([], [])).toBe('fl1:');
  });

  it('round-trips any schedule and choices', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(12), { maxLength: 300 }),
        fc.array(fc.nat(9), { maxLength: 20 }),
        (schedule, choices) => {
          expect(decodeToken(encodeToken(schedule, choices))).toEqual({ schedule, choices });
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });

  it.each([
    ['xx:0', 1, /must start with 'fl1:'/],
    ['fl1:0x3,zz', 9, /bad schedule run 'zz' at column 9/],
    ['fl1:0x0', 5, /bad run length in '0x0' at column 5/],
    ['fl1:0,1:1,b', 11, /bad choice 'b' at column 11/],
    ['fl1:0:1:2', 8, /more than two sections/],
  ])('rejects %s with a TokenError at column %i', (token, column, message) => {
    let err: unknown;
    try {
      decodeToken(token);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TokenError);
    expect((err as TokenError).column).toBe(column);
    expect((err as TokenError).message).toMatch(message);
  });
});

describe('replay', () => {
  it.each(Object.keys(examples))('reproduces every finding of %s from its token', (name) => {
    const model = examples[name];
    for (const f of check(model).findings) {
      const r = replay(model, f.token);
      expect(r.findings.map(signatureOf)).toContain(f.signature);
      expect(r.preemptions).toBe(f.preemptions);
      // The finding's trace is the replayed trace up to the step that raised it.
      expect(r.trace.slice(0, f.trace.length)).toEqual(f.trace);
    }
  });

  it('refuses a token that picks a thread that is not runnable', () => {
    expect(() => replay(abbaDeadlock(), 'fl1:5')).toThrow(ReplayMismatch);
    expect(() => replay(abbaDeadlock(), 'fl1:5')).toThrow(/picks thread 5 at step 0 but it is not runnable/);
  });

  it('refuses a token longer than the execution', () => {
    expect(() => replay(abbaDeadlock(), 'fl1:0x5,1x5,0')).toThrow(
      /token schedules 11 steps but the execution ended after 10/,
    );
  });

  it('refuses a token with missing or out-of-range choices', () => {
    expect(() => replay(choosePath(), 'fl1:0x5,1x3')).toThrow(ReplayMismatch);
    expect(() => replay(choosePath(), 'fl1:0x5,1x3')).toThrow(
      /token has 0 choices but the model asks for more/,
    );
    expect(() => replay(choosePath(), 'fl1:0x5,1x3:4')).toThrow(/choice #1 is 4 but the model offers only 2/);
  });

  it('stops a token that ends before the execution does, without error', () => {
    const r = replay(abbaDeadlock(), 'fl1:0');
    expect(r.outcome).toBe('stopped');
    expect(r.trace).toHaveLength(1);
  });
});
