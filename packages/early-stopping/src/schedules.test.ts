// Schedules against PyTorch's chainable get_lr() (fixtures/make_schedules.py), and the
// scheduler callback in model.fit and in the overfit Trainer.
import { deserialize, serialize } from '@overfit/core';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/schedules.json' with { type: 'json' };
import { getLearningRate } from './learning-rate.js';
import {
  CosineDecay,
  ExponentialDecay,
  type LearningRateSchedule,
  LearningRateScheduler,
  OneCycle,
  StepDecay,
} from './schedules.js';

const maxRel = (a: number[], b: number[]) =>
  Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.abs(b[i]!)));

const CASES: Record<keyof typeof fixture, (args: never) => LearningRateSchedule> = {
  step: (a) => new StepDecay(a),
  exponential: (a) => new ExponentialDecay(a),
  warmupCosine: (a) => new CosineDecay(a),
  cosine: (a) => new CosineDecay(a),
  oneCycle: (a) => new OneCycle(a),
};

describe('learning-rate schedules', () => {
  for (const [name, make] of Object.entries(CASES)) {
    it(`${name} equals PyTorch's recursion step by step`, () => {
      const c = fixture[name as keyof typeof fixture];
      const s = make(c.args as never);
      const lrs = c.lrs.map((_, t) => s.lr(t));
      // Host doubles: only the recursion's rounding differs from the closed form.
      expect(maxRel(lrs, c.lrs)).toBeLessThan(1e-12);
    });
  }

  it('validate their arguments and steps', () => {
    expect(() => new StepDecay({ initialLr: 0.1, stepSize: 0 })).toThrow(
      /stepSize must be an integer >= 1/,
    );
    expect(() => new ExponentialDecay({ initialLr: 0.1, gamma: 1.5 })).toThrow(
      /gamma must be a number in \(0, 1\]/,
    );
    expect(() => new CosineDecay({ initialLr: 0.1, totalSteps: 5, warmupSteps: 5 })).toThrow(
      /totalSteps/,
    );
    expect(() => new OneCycle({ maxLr: 0.1, totalSteps: 3, pctStart: 0.1 })).toThrow(/pctStart/);
    expect(() => new OneCycle({ maxLr: 0.1, totalSteps: 10 }).lr(10)).toThrow(/past the cycle/);
    expect(() => new StepDecay({ initialLr: 0.1, stepSize: 2 }).lr(-1)).toThrow(
      /step must be an integer >= 0/,
    );
  });
});

function tiny(seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units: 1,
        inputShape: [2],
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
    ],
  });
}

describe('LearningRateScheduler', () => {
  it('per epoch in model.fit: the optimizer sees the schedule at each epoch', async () => {
    const model = tiny(1);
    const optimizer = tf.train.adam(1);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const schedule = new StepDecay({ initialLr: 0.1, stepSize: 2, gamma: 0.5 });
    const seen: number[] = [];
    const sched = new LearningRateScheduler(schedule);
    const x = tf.ones([4, 2]);
    const y = tf.ones([4, 1]);
    await model.fit(x, y, {
      epochs: 5,
      verbose: 0,
      callbacks: [
        sched,
        new tf.CustomCallback({
          onEpochEnd: async () => void seen.push(getLearningRate(optimizer)),
        }),
      ],
    });
    expect(seen).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(sched.rates.map((r) => r.step)).toEqual([0, 1, 2, 3, 4]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("per batch in the Trainer: OneCycle over the run, on the Trainer's optimizer, resumable", async () => {
    const x = tf.randomNormal([12, 2], 0, 1, 'float32', 1);
    const y = tf.randomNormal([12, 1], 0, 1, 'float32', 2);
    const model = tiny(2);
    const optimizer = tf.train.sgd(1);
    const schedule = new OneCycle({ maxLr: 0.2, totalSteps: 9 });
    const lrs: number[] = [];
    const sched = new LearningRateScheduler(schedule, { per: 'batch' });
    const trainer = new Trainer({
      model,
      optimizer,
      loss: 'meanSquaredError',
      seed: 1,
      callbacks: [sched, { onBatchEnd: () => void lrs.push(getLearningRate(optimizer)) }],
    });
    await trainer.fit({ x, y }, { epochs: 2, batchSize: 4 }); // 3 batches per epoch
    await trainer.fit({ x, y }, { epochs: 3, batchSize: 4, initialEpoch: 2 });
    expect(lrs).toHaveLength(9);
    expect(
      maxRel(
        lrs,
        Array.from({ length: 9 }, (_, t) => schedule.lr(t)),
      ),
    ).toBeLessThan(1e-6);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('round-trips through the registry, and fails clearly without an optimizer', async () => {
    const sched = new LearningRateScheduler(
      new CosineDecay({ initialLr: 0.1, totalSteps: 10, warmupSteps: 2 }),
      {
        per: 'batch',
      },
    );
    const back = deserialize<LearningRateScheduler>(JSON.stringify(serialize(sched)), 'callback');
    expect(back.getConfig()).toEqual(sched.getConfig());
    expect(back.schedule.lr(3)).toBe(sched.schedule.lr(3));
    const s = deserialize<OneCycle>(
      serialize(new OneCycle({ maxLr: 1, totalSteps: 10 })),
      'schedule',
    );
    expect(s.lr(4)).toBe(new OneCycle({ maxLr: 1, totalSteps: 10 }).lr(4));
    const model = tiny(3); // not compiled
    sched.setModel(model as never);
    await expect(sched.onTrainBegin()).rejects.toThrow(/has no optimizer/);
    model.dispose();
  });
});
