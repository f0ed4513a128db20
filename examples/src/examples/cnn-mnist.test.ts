import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { cnnMnist } from './cnn-mnist.js';

describe('cnn-mnist --quick', () => {
  it('trains the augmented, regularized CNN to a good test accuracy with a full report', async () => {
    const { numbers, runs } = await runQuick(cnnMnist);
    expect(numbers.testAccuracy).toBeGreaterThan(0.75);
    const test = runs![0]!.test!;
    const matrix = test.confusionMatrix!;
    // 1000 test images, rows = true digits.
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(1000);
    const diagonal = matrix.reduce((s, row, i) => s + row[i]!, 0);
    expect(diagonal / 1000).toBeCloseTo(numbers.testAccuracy!, 3);
    expect((test.classificationReport as { classes: unknown[] }).classes).toHaveLength(10);
  });
});
