// Every class this package registers round-trips through core's serialize / deserialize.
import {
  type Configurable,
  deserialize,
  InvalidArgumentError,
  listParameters,
  type Parameter,
  registered,
  serialize,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as reg from './index.js';

/** One instance per registered name; a new registration without an example fails below. */
const EXAMPLES: Record<string, () => Configurable> = {
  OverfitL1L2: () => reg.l1l2({ l1: 1e-4, l2: 1e-3 }),
  OverfitMaxNorm: () => reg.maxNorm({ maxValue: 3, axis: 0 }),
  OverfitUnitNorm: () => reg.unitNorm({ axis: [0, 1] }),
  OverfitMinMaxNorm: () => reg.minMaxNorm({ minValue: 0.5, maxValue: 2, rate: 0.5 }),
  OverfitNonNeg: () => reg.nonNeg(),
  OverfitDropout: () => new reg.Dropout({ rate: 0.2, seed: 9 }),
  OverfitAlphaDropout: () => new reg.AlphaDropout({ rate: 0.1, seed: 1 }),
  OverfitDropBlock2D: () => new reg.DropBlock2D({ rate: 0.2, blockSize: 3, seed: 2 }),
  OverfitStochasticDepth: () => new reg.StochasticDepth({ rate: 0.1, mode: 'batch', seed: 3 }),
  OverfitSpatialDropout2D: () => new reg.SpatialDropout2D({ rate: 0.3, seed: 4 }),
  OverfitGaussianDropout: () => new reg.GaussianDropout({ rate: 0.3, seed: 5 }),
  OverfitGaussianNoise: () => new reg.GaussianNoise({ stddev: 0.2, seed: 6 }),
  OverfitDropConnectDense: () =>
    new reg.DropConnectDense({
      units: 3,
      rate: 0.4,
      seed: 8,
      kernelRegularizer: reg.l2(0.01),
      kernelConstraint: reg.maxNorm({ maxValue: 2 }),
    }),
  OverfitDecoupledWeightDecay: () =>
    reg.decoupledWeightDecay(tf.train.rmsprop(0.01), {
      weightDecay: 1e-3,
      exclude: ['bias', /^bn/],
    }),
  OverfitTorchAdam: () => new reg.TorchAdam(0.01, 0.8, 0.99, 1e-8),
  OverfitWeightNormalization: () =>
    new reg.WeightNormalization({
      layer: tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      name: 'wn',
    }),
};

describe('serialization through the core registry', () => {
  it('every registered class has an example here', () => {
    expect(
      registered()
        .map((e) => e.name)
        .sort(),
    ).toEqual(Object.keys(EXAMPLES).sort());
  });

  for (const [name, make] of Object.entries(EXAMPLES)) {
    it(`${name}: serialize → JSON → deserialize gives the same class and config`, () => {
      const obj = make();
      const json = serialize(obj);
      expect(json.className).toBe(name);
      const back = deserialize<Configurable>(JSON.parse(JSON.stringify(json)));
      expect(back.constructor).toBe(obj.constructor);
      expect(serialize(back)).toEqual(json);
    });
  }
});

describe('a selection of layers survives serialization', () => {
  const model = () =>
    tf.sequential({
      layers: [
        tf.layers.dense({ units: 3, inputShape: [2], name: 'hidden_1' }),
        tf.layers.dense({ units: 3, name: 'HIDDEN_2' }),
        tf.layers.dense({ units: 2, name: 'output' }),
      ],
    });
  const chosen = (obj: { select?: (p: Parameter) => boolean }, params: Parameter[]) =>
    params.filter((p) => obj.select?.(p) ?? p.kind === 'kernel').map((p) => p.name);

  it('penalties and constraints keep their layers (names, patterns and flags) and name', () => {
    const m = model();
    const params = listParameters(m);
    const objects = [
      reg.l2(0.01, { layers: /^hidden_/gi, name: 'hidden l2' }),
      reg.l1(0.001, { layers: ['output'] }),
      reg.maxNorm({ maxValue: 2, layers: [/_1$/, 'output'] }),
      reg.unitNorm({ layers: ['HIDDEN_2'] }),
      reg.nonNeg({ layers: /^out/ }),
    ];
    for (const obj of objects) {
      const back = deserialize<typeof obj>(JSON.parse(JSON.stringify(serialize(obj))));
      expect(chosen(back, params)).toEqual(chosen(obj, params));
      expect(chosen(back, params).length).toBeLessThan(3); // not every kernel
      expect(back.name).toBe(obj.name);
    }
    m.dispose();
  });

  it('an own select or a predicate is refused, not dropped (it would apply elsewhere)', () => {
    const cases = [
      () => serialize(reg.l2(0.01, { select: (p) => p.layerName === 'output' })),
      () => serialize(reg.l2(0.01, { layers: (name) => name === 'output' })),
      () => serialize(reg.maxNorm({ layers: (name) => name === 'output' })),
      () => serialize(reg.nonNeg({ select: () => true })),
      () =>
        serialize(
          reg.decoupledWeightDecay(tf.train.sgd(0.1), {
            weightDecay: 0.1,
            exclude: (v) => v.name.includes('bias'),
          }),
        ),
    ];
    for (const call of cases) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(/to be serialized/);
    }
  });

  it('a layer regularizer without options keeps its Keras-like config', () => {
    expect(serialize(reg.l2(0.01)).config).toEqual({ l1: 0, l2: 0.01 });
    expect(serialize(reg.maxNorm({ maxValue: 3 })).config).toEqual({ axis: 'fan-in', maxValue: 3 });
  });
});
