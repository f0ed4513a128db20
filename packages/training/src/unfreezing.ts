import {
  checkInteger,
  InvalidArgumentError,
  type NameFilter,
  nameMatcher,
  OverfitError,
} from '@overfit/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** One step of a gradual-unfreezing schedule: at the start of `epoch`, these layers train. */
export interface UnfreezeStep {
  /** Epoch (0-based, as in the logs) at whose start the layers become trainable. */
  epoch: number;
  /** Top-level layers to unfreeze: names, RegExps or a predicate (core's `NameFilter`). */
  layers: NameFilter;
}

/** A schedule checked against the fit's epochs (layer names are checked against the model in `fit`). */
export function checkUnfreezeSchedule(value: unknown, epochs: number): UnfreezeStep[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new InvalidArgumentError('options.unfreeze', value, 'an array of { epoch, layers }');
  return value.map((step, i) => {
    if (step === null || typeof step !== 'object' || !('layers' in step))
      throw new InvalidArgumentError(`options.unfreeze[${i}]`, step, 'an object { epoch, layers }');
    const epoch = checkInteger(`options.unfreeze[${i}].epoch`, (step as UnfreezeStep).epoch, {
      min: 0,
      max: epochs - 1,
    });
    return { epoch, layers: (step as UnfreezeStep).layers };
  });
}

/**
 * Resolves each step's layers now (unknown names fail before training) and returns, per
 * epoch, the layers that start training then.
 */
export function planUnfreezing(
  model: LayersModel,
  steps: readonly UnfreezeStep[],
): Map<number, LayersModel['layers']> {
  const names = model.layers.map((l) => l.name);
  const plan = new Map<number, LayersModel['layers']>();
  steps.forEach((step, i) => {
    const keep = nameMatcher(
      `options.unfreeze[${i}].layers`,
      step.layers,
      names,
      'a layer of the model',
    );
    const picked = model.layers.filter((l) => keep(l.name));
    if (picked.length === 0) {
      throw new InvalidArgumentError(
        `options.unfreeze[${i}].layers`,
        step.layers,
        `a filter that picks at least one layer (${names.join(', ')})`,
      );
    }
    plan.set(step.epoch, [...(plan.get(step.epoch) ?? []), ...picked]);
  });
  return plan;
}

/**
 * The order in which the Trainer hands variables to its optimizer, kept for the Trainer's
 * lifetime. tfjs optimizers keep their state (Adam's moments, momentum, ...) by position in
 * the gradient list, not by variable, so a variable that starts training later (gradual
 * unfreezing, `unfreeze` between fits) goes to the end and every other one keeps its slot.
 */
export class OptimizerOrder {
  private names: string[] = [];

  constructor(private readonly optimizer: tf.Optimizer) {}

  /**
   * The model's trainable variables in optimizer order: those seen before in their order,
   * then the new ones in model order.
   *
   * @throws OverfitError when a variable the (stateful) optimizer has state for stopped
   *   training: the positions after it would shift onto other variables' state
   */
  variables(model: LayersModel): tf.Variable[] {
    const current = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const byName = new Map(current.map((v) => [v.name, v]));
    const dropped = this.names.filter((n) => !byName.has(n));
    if (dropped.length > 0 && this.optimizer.getClassName() !== 'SGD') {
      throw new OverfitError(
        `Trainer: ${dropped.map((n) => `'${n}'`).join(', ')} stopped being trainable after the optimizer (${this.optimizer.getClassName()}) kept state for it; tfjs optimizers keep state by position, so the other variables would get the wrong state. Freeze before the first fit, or give the Trainer a new optimizer`,
      );
    }
    const kept = this.names.filter((n) => byName.has(n));
    const seen = new Set(kept);
    this.names = [...kept, ...current.map((v) => v.name).filter((n) => !seen.has(n))];
    return this.names.map((n) => byName.get(n)!);
  }
}

/** Whether two variable lists are the same variables in the same order. */
export function sameVariables(a: readonly tf.Variable[], b: readonly tf.Variable[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The layers to unfreeze at the start of `epoch`: its own steps, plus, at the first epoch of a
 * resumed fit (`initialEpoch`), every step scheduled before it.
 */
export function layersToUnfreeze(
  plan: ReadonlyMap<number, LayersModel['layers']>,
  epoch: number,
  initialEpoch: number,
): LayersModel['layers'] {
  return [...plan].flatMap(([at, layers]) =>
    at === epoch || (epoch === initialEpoch && at < epoch) ? layers : [],
  );
}
