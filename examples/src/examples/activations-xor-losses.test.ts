import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { activationsXorLosses } from './activations-xor-losses.js';

describe('activations-xor-losses --quick', () => {
  it('shows the derivative bounds, XOR needing a hidden layer and the saturated-unit gradients', async () => {
    const { numbers } = await runQuick(activationsXorLosses);
    // Closed forms: sigmoid'(0) = 0.25, tanh'(0) = 1, sigmoid'(5) = s(5)(1 - s(5)).
    const s5 = 1 / (1 + Math.exp(-5));
    expect(numbers.sigmoidMaxSlope).toBeCloseTo(0.25, 5);
    expect(numbers.tanhMaxSlope).toBeCloseTo(1, 5);
    expect(numbers.sigmoidSlopeAt5).toBeCloseTo(s5 * (1 - s5), 4);
    expect(numbers.reluSlopeAt5).toBe(1);
    expect(numbers.xorAccuracyLinear).toBeLessThanOrEqual(0.75);
    expect(numbers.xorAccuracyHidden).toBe(1);
    // a = sigmoid(-5): |dMSE/dz| = 2 (1 - a) a (1 - a), |dCE/dz| = 1 - a.
    const a = 1 / (1 + Math.exp(5));
    expect(numbers.mseGradAtZMinus5).toBeCloseTo(2 * (1 - a) * a * (1 - a), 4);
    expect(numbers.crossEntropyGradAtZMinus5).toBeCloseTo(1 - a, 4);
    expect(numbers.gradientRatioAtZMinus5).toBeGreaterThan(50);
  });
});
