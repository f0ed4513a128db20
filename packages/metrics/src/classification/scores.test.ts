import { InvalidArgumentError } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import { scoresFromConfusion } from './scores.js';

describe(`scoresFromConfusion [${testBackend}]`, () => {
  it('matches hand-computed scores on a 2x2 matrix', () => {
    // tp = [2, 3], predicted = [2, 4], support = [3, 3]
    const s = scoresFromConfusion([
      [2, 1],
      [0, 3],
    ]);
    expect(s.accuracy).toBeCloseTo(5 / 6, 15);
    expect(s.perClass.precision).toEqual([1, 0.75]);
    expect(s.perClass.recall[0]).toBeCloseTo(2 / 3, 15);
    expect(s.perClass.recall[1]).toBe(1);
    expect(s.perClass.f1[0]).toBeCloseTo(0.8, 15); // 2 tp / (support + predicted) = 4 / 5
    expect(s.perClass.f1[1]).toBeCloseTo(6 / 7, 15);
    expect(s.perClass.support).toEqual([3, 3]);
    expect(s.macro.precision).toBeCloseTo(0.875, 15);
    expect(s.macro.recall).toBeCloseTo(5 / 6, 15);
    expect(s.macro.f1).toBeCloseTo((0.8 + 6 / 7) / 2, 15);
    for (const v of Object.values(s.micro)) expect(v).toBeCloseTo(5 / 6, 15);
    expect(s.weighted.precision).toBeCloseTo(0.875, 15); // equal supports: weighted = macro
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('scores zero denominators as zeroDivision and keeps such classes in the macro mean', () => {
    // Class 0: no support and never predicted; class 1 never predicted but has support.
    const cm = [
      [0, 0, 0],
      [0, 0, 2],
      [0, 0, 2],
    ];
    const z0 = scoresFromConfusion(cm);
    expect(z0.perClass.precision).toEqual([0, 0, 0.5]);
    expect(z0.perClass.recall).toEqual([0, 0, 1]);
    expect(z0.perClass.f1[2]).toBeCloseTo(2 / 3, 15);
    expect(z0.macro.precision).toBeCloseTo(0.5 / 3, 15);
    const z1 = scoresFromConfusion(cm, { zeroDivision: 1 });
    expect(z1.perClass.precision).toEqual([1, 1, 0.5]);
    expect(z1.perClass.recall).toEqual([1, 0, 1]);
    expect(z1.perClass.f1.slice(0, 2)).toEqual([1, 0]); // F1 is zeroDivision only when both are
    expect(z1.macro.precision).toBeCloseTo(2.5 / 3, 15);
    // Weighted ignores the class without support.
    expect(z1.weighted.precision).toBeCloseTo((1 * 2 + 0.5 * 2) / 4, 15);
  });

  it('scores an all-zero matrix (nothing seen yet) as zeroDivision', () => {
    const empty = [
      [0, 0],
      [0, 0],
    ];
    const z0 = scoresFromConfusion(empty);
    expect([z0.accuracy, z0.macro.f1, z0.micro.precision, z0.weighted.recall]).toEqual([
      0, 0, 0, 0,
    ]);
    const z1 = scoresFromConfusion(empty, { zeroDivision: 1 });
    expect([z1.accuracy, z1.macro.f1, z1.micro.precision, z1.weighted.recall]).toEqual([
      1, 1, 1, 1,
    ]);
  });

  it('rejects malformed matrices and options', () => {
    const bad: [unknown, unknown, RegExp][] = [
      [[], {}, /cm must be a non-empty square matrix/],
      [[[1, 2]], {}, /cm\[0\] must be a row of 1 counts/],
      [[[1, 2], [3]], {}, /cm\[1\]/],
      [
        [
          [1, -2],
          [3, 4],
        ],
        {},
        /cm\[0\]\[1\] must be a finite count >= 0, got -2/,
      ],
      [
        [
          [1, Number.NaN],
          [3, 4],
        ],
        {},
        /cm\[0\]\[1\]/,
      ],
      [
        [
          [1, 2],
          [3, 4],
        ],
        { zeroDivision: 0.5 },
        /options\.zeroDivision must be 0 or 1, got 0\.5/,
      ],
      [
        [
          [1, 2],
          [3, 4],
        ],
        { zero_division: 1 },
        /options\.zero_division/,
      ],
    ];
    for (const [cm, options, message] of bad) {
      expect(() => scoresFromConfusion(cm as number[][], options as never)).toThrow(message);
      expect(() => scoresFromConfusion(cm as number[][], options as never)).toThrow(
        InvalidArgumentError,
      );
    }
  });
});
