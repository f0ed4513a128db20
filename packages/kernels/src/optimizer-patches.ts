import {
  FusedAdamUpdate,
  type FusedAdamUpdateAttrs,
  FusedMomentumUpdate,
  type FusedMomentumUpdateAttrs,
  FusedSgdUpdate,
  type FusedSgdUpdateAttrs,
  hasKernel,
} from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';

// tfjs' own optimizers, made to run the fused update kernels where the active backend has
// them. Each patched `applyGradients` keeps the original's state layout (slot variables,
// names, order), so getWeights / setWeights, saving and a later uninstall see no difference;
// it falls back to the original for anything but float32 gradients.

type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];
type ApplyGradients = (this: tf.Optimizer, gradients: Gradients) => void;
interface Slot {
  originalName: string;
  variable: tf.Variable;
}

interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  incrementIterations(): void;
}

interface MomentumState {
  learningRate: number;
  momentum: number;
  useNesterov: boolean;
  accumulations: Slot[];
  incrementIterations(): void;
}

interface SgdState {
  learningRate: number;
  incrementIterations(): void;
}

/** Each gradient with its variable, in the optimizer's slot order (what tfjs iterates). */
function entries(gradients: Gradients): { name: string; grad: tf.Tensor | null | undefined }[] {
  return Array.isArray(gradients)
    ? gradients.map((g) => ({ name: g.name, grad: g.tensor }))
    : Object.keys(gradients).map((name) => ({ name, grad: gradients[name] }));
}

function allFloat32(gradients: Gradients): boolean {
  return entries(gradients).every(({ grad }) => grad == null || grad.dtype === 'float32');
}

function slot(
  slots: Slot[],
  i: number,
  name: string,
  suffix: string,
  like: tf.Tensor,
): tf.Variable {
  if (slots[i] == null) {
    slots[i] = {
      originalName: `${name}/${suffix}`,
      variable: tf.tidy(() => tf.variable(tf.zerosLike(like), false)),
    };
  }
  return slots[i]!.variable;
}

function variable(name: string): tf.Variable {
  return tf.engine().registeredVariables[name]!;
}

function run(kernel: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor[] {
  return tf
    .engine()
    .runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}

function adam(original: ApplyGradients): ApplyGradients {
  return function (this: tf.Optimizer, gradients) {
    if (!hasKernel(FusedAdamUpdate) || !allFloat32(gradients)) {
      return original.call(this, gradients);
    }
    const s = this as unknown as AdamState;
    const attrs: FusedAdamUpdateAttrs = {
      learningRate: s.learningRate,
      beta1: s.beta1,
      beta2: s.beta2,
      epsilon: s.epsilon,
    };
    tf.tidy(() => {
      entries(gradients).forEach(({ name, grad }, i) => {
        const x = variable(name);
        const m = slot(s.accumulatedFirstMoment, i, name, 'm', x);
        const v = slot(s.accumulatedSecondMoment, i, name, 'v', x);
        if (grad == null) return;
        const [x2, m2, v2] = run(
          FusedAdamUpdate,
          { x, m, v, g: grad, accBeta1: s.accBeta1, accBeta2: s.accBeta2 },
          attrs,
        );
        m.assign(m2!);
        v.assign(v2!);
        x.assign(x2!);
      });
      s.accBeta1.assign(tf.mul(s.accBeta1, s.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, s.beta2));
    });
    s.incrementIterations();
  };
}

function momentum(original: ApplyGradients): ApplyGradients {
  return function (this: tf.Optimizer, gradients) {
    if (!hasKernel(FusedMomentumUpdate) || !allFloat32(gradients)) {
      return original.call(this, gradients);
    }
    const s = this as unknown as MomentumState;
    const attrs: FusedMomentumUpdateAttrs = {
      learningRate: s.learningRate,
      momentum: s.momentum,
      nesterov: s.useNesterov,
    };
    tf.tidy(() => {
      entries(gradients).forEach(({ name, grad }, i) => {
        const x = variable(name);
        const a = slot(s.accumulations, i, name, 'momentum', x);
        if (grad == null) return;
        const [x2, a2] = run(FusedMomentumUpdate, { x, a, g: grad }, attrs);
        a.assign(a2!);
        x.assign(x2!);
      });
    });
    s.incrementIterations();
  };
}

function sgd(original: ApplyGradients): ApplyGradients {
  return function (this: tf.Optimizer, gradients) {
    if (!hasKernel(FusedSgdUpdate) || !allFloat32(gradients)) {
      return original.call(this, gradients);
    }
    const s = this as unknown as SgdState;
    const attrs: FusedSgdUpdateAttrs = { learningRate: s.learningRate };
    tf.tidy(() => {
      for (const { name, grad } of entries(gradients)) {
        if (grad == null) continue;
        const x = variable(name);
        x.assign(run(FusedSgdUpdate, { x, g: grad }, attrs)[0]!);
      }
    });
    s.incrementIterations();
  };
}

const PATCHES: [
  { prototype: { applyGradients: unknown } },
  (o: ApplyGradients) => ApplyGradients,
][] = [
  [tf.AdamOptimizer, adam],
  [tf.MomentumOptimizer, momentum],
  [tf.SGDOptimizer, sgd],
];

const originals = new Map<{ applyGradients: unknown }, ApplyGradients>();

/** Makes tfjs' Adam, Momentum and SGD use the fused kernels (idempotent). */
export function patchOptimizers(): void {
  for (const [cls, wrap] of PATCHES) {
    const proto = cls.prototype;
    if (originals.has(proto)) continue;
    // Own property only: Momentum extends SGD, and must not inherit SGD's patch as its original.
    const original = Object.getOwnPropertyDescriptor(proto, 'applyGradients')!
      .value as ApplyGradients;
    originals.set(proto, original);
    proto.applyGradients = wrap(original);
  }
}

/** Restores tfjs' own `applyGradients`. */
export function unpatchOptimizers(): void {
  for (const [proto, original] of originals) proto.applyGradients = original;
  originals.clear();
}
