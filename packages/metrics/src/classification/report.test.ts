import { InvalidArgumentError } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import { testBackend } from '../../../../test/backend.js';
import { classificationReport, formatClassificationReport, formatFixed } from './report.js';

describe(`formatFixed [${testBackend}]`, () => {
  it("rounds like Python's format(x, '.Nf') (exact ties to even)", () => {
    // [x, digits, Python 3.11's format(x, f'.{digits}f')]
    const python: [number, number, string][] = [
      [0.125, 2, '0.12'],
      [0.375, 2, '0.38'],
      [0.625, 2, '0.62'],
      [0.875, 2, '0.88'],
      [2.5, 0, '2'],
      [3.5, 0, '4'],
      [0.5, 0, '0'],
      [0.005, 2, '0.01'],
      [0.015, 2, '0.01'],
      [1.005, 2, '1.00'],
      [0, 2, '0.00'],
      [1, 4, '1.0000'],
      [0.99995, 4, '1.0000'],
      [0.999999, 2, '1.00'],
      [9.995, 2, '9.99'],
      [-0.125, 2, '-0.12'],
      [2 / 3, 4, '0.6667'],
      [1 / 3, 2, '0.33'],
      [0.8333333333333334, 2, '0.83'],
      [12345.5, 0, '12346'],
      [0.00001, 4, '0.0000'],
    ];
    for (const [x, d, expected] of python) expect(formatFixed(x, d), `${x} .${d}f`).toBe(expected);
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
  });
});

describe(`classificationReport [${testBackend}]`, () => {
  it('builds a JSON report with names, averages and digits', async () => {
    const report = await classificationReport([0, 1, 1], [0, 1, 0], {
      numClasses: 2,
      targetNames: ['cat', 'dog'],
      digits: 3,
    });
    expect(report).toEqual({
      classes: [
        { name: 'cat', precision: 0.5, recall: 1, f1: 2 / 3, support: 1 },
        { name: 'dog', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 },
      ],
      accuracy: 2 / 3,
      macroAvg: { precision: 0.75, recall: 0.75, f1: 2 / 3, support: 3 },
      weightedAvg: { precision: 2.5 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 },
      digits: 3,
    });
    const text = formatClassificationReport(report);
    expect(text.split('\n')[2]).toBe('         cat      0.500     1.000     0.667         1');
    expect(formatClassificationReport(report, 1).split('\n')[5]).toBe(
      '    accuracy                            0.7         3',
    );
  });

  it('rejects bad options', async () => {
    const bad: [object, RegExp][] = [
      [{ numClasses: 2, targetNames: ['a'] }, /options\.targetNames must be an array of 2 strings/],
      [{ numClasses: 2, digits: -1 }, /options\.digits/],
      [{ numClasses: 2, digits: 2.5 }, /options\.digits/],
      [{ numClasses: 2, output_dict: true }, /options\.output_dict/],
    ];
    for (const [options, message] of bad) {
      await expect(classificationReport([0, 1], [0, 1], options as never)).rejects.toThrow(message);
      await expect(classificationReport([0, 1], [0, 1], options as never)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });
});
