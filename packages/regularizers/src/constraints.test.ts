import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { tolerance } from '../../../test/backend.js';
import {
  applyConstraint,
  ConstraintEnforcer,
  MaxNorm,
  maxNorm,
  minMaxNorm,
  nonNeg,
  unitNorm,
} from './constraints.js';
import { maxRelError, paramsOf } from './test-helpers.js';

/** Column norms of a [rows, cols] matrix, in float64. */
function columnNorms(values: ArrayLike<number>, rows: number, cols: number): number[] {
  return Array.from({ length: cols }, (_, j) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += values[i * cols + j]! ** 2;
    return Math.sqrt(s);
  });
}

// Columns with norms 5, 0.5 and 2.
const W = [
  [3, 0.3, 0],
  [4, 0.4, 2],
];

describe('norm constraints', () => {
  it('maxNorm rescales only the columns above the limit (closed form)', () => {
    const out = maxNorm({ maxValue: 1 }).apply(tf.tensor(W)).dataSync();
    const expected = [3 / 5, 0.3, 0, 4 / 5, 0.4, 1];
    expect(maxRelError(out, expected)).toBeLessThan(Math.max(tolerance, 1e-6));
  });

  it("maxNorm agrees with tfjs-layers' own MaxNorm for a Dense kernel", () => {
    const w = tf.randomNormal([6, 4], 0, 2, 'float32', 3);
    const ours = maxNorm({ maxValue: 1.5 }).apply(w).dataSync();
    const theirs = tf.constraints.maxNorm({ maxValue: 1.5, axis: 0 }).apply(w).dataSync();
    expect(maxRelError(ours, theirs)).toBeLessThan(1e-5);
  });

  it("'fan-in' takes one norm per output filter of a conv kernel", () => {
    const w = tf.randomNormal([3, 3, 2, 5], 0, 1, 'float32', 4);
    const out = maxNorm({ maxValue: 0.5 }).apply(w);
    const norms = tf.sqrt(tf.sum(tf.square(out), [0, 1, 2])).dataSync();
    for (const n of norms) expect(n).toBeCloseTo(0.5, 4);
  });

  it('unitNorm and minMaxNorm follow their formulas', () => {
    const u = unitNorm().apply(tf.tensor(W)).dataSync();
    expect(maxRelError(columnNorms(u, 2, 3), [1, 1, 1])).toBeLessThan(1e-5);
    const m = minMaxNorm({ minValue: 1, maxValue: 3, rate: 0.5 }).apply(tf.tensor(W)).dataSync();
    // desired = 0.5 * clip(n, 1, 3) + 0.5 * n: 5 -> 4, 0.5 -> 0.75, 2 -> 2.
    expect(maxRelError(columnNorms(m, 2, 3), [4, 0.75, 2])).toBeLessThan(1e-5);
  });

  it('nonNeg zeroes negative weights', () => {
    expect(
      Array.from(
        nonNeg()
          .apply(tf.tensor([-1, 0, 2]))
          .dataSync(),
      ),
    ).toEqual([0, 0, 2]);
  });

  it("Keras' epsilon 1e-7 in the denominators (seen on a column of norm 1e-7), as tfjs-layers' ports", () => {
    // Columns: norm 1e-7 (the epsilon halves it), norm 5, norm 0.
    const w = tf.tensor([
      [6e-8, 3, 0],
      [8e-8, 4, 0],
    ]);
    const unit = unitNorm().apply(w).dataSync();
    expect(maxRelError(columnNorms(unit, 2, 3), [0.5, 1, 0])).toBeLessThan(1e-5);
    const band = minMaxNorm({ minValue: 1, maxValue: 2 }).apply(w).dataSync();
    expect(maxRelError(columnNorms(band, 2, 3), [0.5, 2, 0])).toBeLessThan(1e-5);
    const pairs: [tf.Tensor, tf.Tensor][] = [
      [unitNorm().apply(w), tf.constraints.unitNorm({ axis: 0 }).apply(w)],
      [
        minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.7 }).apply(w),
        tf.constraints.minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.7, axis: 0 }).apply(w),
      ],
      [
        maxNorm({ maxValue: 1 }).apply(w),
        tf.constraints.maxNorm({ maxValue: 1, axis: 0 }).apply(w),
      ],
    ];
    for (const [ours, theirs] of pairs) {
      expect(maxRelError(ours.dataSync(), theirs.dataSync())).toBeLessThan(1e-6);
    }
    tf.dispose([w, ...pairs.flat()]);
  });

  it('projections are idempotent', () => {
    const w = tf.randomNormal([5, 3], 0, 3, 'float32', 9);
    for (const c of [
      maxNorm({ maxValue: 1 }),
      unitNorm(),
      minMaxNorm({ minValue: 0.5, maxValue: 1 }),
      nonNeg(),
    ]) {
      const once = c.project(w);
      expect(maxRelError(c.project(once).dataSync(), once.dataSync())).toBeLessThan(1e-5);
    }
  });

  it('keeps every column norm <= c during model.fit (kernelConstraint + ConstraintEnforcer)', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 3,
          inputShape: [4],
          kernelConstraint: maxNorm({ maxValue: 0.3 }),
          kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const x = tf.randomNormal([16, 4], 0, 1, 'float32', 1);
    const y = tf.mul(10, tf.randomNormal([16, 3], 0, 1, 'float32', 2));
    // tfjs-layers alone does not apply the constraint after optimizer updates:
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    expect(
      Math.max(...columnNorms(model.layers[0]!.getWeights()[0]!.dataSync(), 4, 3)),
    ).toBeGreaterThan(0.5);
    await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [new ConstraintEnforcer()] });
    const kernel = model.layers[0]!.getWeights()[0]!;
    for (const n of columnNorms(kernel.dataSync(), 4, 3)) expect(n).toBeLessThanOrEqual(0.3 + 1e-5);
    model.dispose();
  });

  it('serializes as OverfitMaxNorm and loads back', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 2,
          inputShape: [3],
          kernelConstraint: maxNorm({ maxValue: 3, axis: [0] }),
        }),
      ],
    });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const c = (loaded.layers[0] as unknown as { kernelConstraint: MaxNorm }).kernelConstraint;
    expect(c).toBeInstanceOf(MaxNorm);
    expect([c.maxValue, c.axis]).toEqual([3, [0]]);
    model.dispose();
    loaded.dispose();
  });

  it('is a ParameterConstraint usable in a hand-written loop, with a layer filter', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 2,
          inputShape: [2],
          kernelInitializer: tf.initializers.constant({ value: 5 }),
          name: 'a',
        }),
        tf.layers.dense({
          units: 1,
          kernelInitializer: tf.initializers.constant({ value: 5 }),
          name: 'b',
        }),
      ],
    });
    const c = maxNorm({ maxValue: 1, layers: ['b'] });
    const chosen = paramsOf(model).filter(c.select!);
    expect(chosen.map((p) => p.layerName)).toEqual(['b']);
    applyConstraint(
      c,
      chosen.map((p) => p.variable),
    );
    expect(columnNorms(model.layers[1]!.getWeights()[0]!.dataSync(), 2, 1)[0]).toBeCloseTo(1, 5);
    expect(model.layers[0]!.getWeights()[0]!.dataSync()[0]).toBe(5);
    model.dispose();
  });

  it('validates its options', () => {
    expect(() => maxNorm({ maxValue: -1 })).toThrow(
      'options.maxValue must be a number >= 0, got -1',
    );
    expect(() => maxNorm({ axis: 0.5 })).toThrow(/options.axis must be/);
    expect(() => minMaxNorm({ minValue: 2, maxValue: 1 })).toThrow(
      /options.maxValue must be a number >= 2/,
    );
    expect(() => maxNorm({ max: 3 } as never)).toThrow(/options.max/);
    expect(() => maxNorm({ axis: 3 }).apply(tf.ones([2, 2]))).toThrow(
      /axis must be an axis of a rank-2 weight/,
    );
  });

  it('leaks no tensors', () => {
    const v = tf.variable(tf.ones([3, 3]));
    const c = minMaxNorm({ minValue: 0.1, maxValue: 0.2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      applyConstraint(c, [v]);
      tf.dispose(c.apply(v));
    }
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });
});
