import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { WindowMeter } from './meter.js';

/** Fabricated step outputs: loss, penalty, correct, and which checks failed. */
function outputs(loss: number, penalty: number, correct: number, lossOk = true, gradsOk = true) {
  return {
    loss: tf.scalar(loss),
    penalty: tf.scalar(penalty),
    correct: tf.scalar(correct),
    lossFinite: tf.scalar(lossOk, 'bool'),
    gradsFinite: tf.scalar(gradsOk, 'bool'),
  };
}

describe('WindowMeter', () => {
  it('sums batch-size-weighted losses and counts, then starts over', async () => {
    const before = tf.memory().numTensors;
    const meter = new WindowMeter();
    meter.add(outputs(1, 0.5, 3), 4, 10);
    meter.add(outputs(2, 0.25, 1), 2, 11);
    expect(meter.pending).toBe(true);
    expect(await meter.read()).toEqual({
      samples: 6,
      steps: 2,
      lossSum: 8,
      penaltySum: 2.5,
      correct: 4,
    });
    expect(meter.pending).toBe(false);
    meter.add(outputs(3, 0, 0), 4, 12);
    expect((await meter.read()).lossSum).toBe(12);
    meter.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the first non-finite step; the loss wins a tie', async () => {
    const meter = new WindowMeter();
    meter.add(outputs(1, 0, 0), 2, 20);
    meter.add(outputs(1, 0, 0, true, false), 2, 21);
    meter.add(outputs(Number.NaN, 0, 0, false, false), 2, 22);
    expect((await meter.read()).nonFinite).toEqual({ what: 'gradients', step: 21 });
    meter.add(outputs(1, 0, 0), 2, 30);
    meter.add(outputs(Number.NaN, 0, 0, false, false), 2, 31);
    meter.add(outputs(1, 0, 0), 2, 32);
    expect((await meter.read()).nonFinite).toEqual({ what: 'loss', step: 31 });
    meter.dispose();
  });
});
