import { adamw } from '@overfit/regularizers';
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../args.js';

/** AdamW's decay when `--optimizer adamw` is given without `--weight-decay` (PyTorch's default). */
export const DEFAULT_ADAMW_DECAY = 0.01;

/**
 * `--optimizer`: adam (default), adamw (decoupled decay, also what `--weight-decay` with adam
 * means), sgd, momentum (0.9) and rmsprop (tfjs defaults: decay 0.9, epsilon 1e-8).
 */
export function buildOptimizer(config: TrainConfig): tf.Optimizer {
  const decay = config.weightDecay ?? 0;
  switch (config.optimizer) {
    case 'adam':
      return decay > 0
        ? adamw({ learningRate: config.lr, weightDecay: decay })
        : tf.train.adam(config.lr);
    case 'adamw':
      return adamw({
        learningRate: config.lr,
        weightDecay: config.weightDecay ?? DEFAULT_ADAMW_DECAY,
      });
    case 'sgd':
      return tf.train.sgd(config.lr);
    case 'momentum':
      return withLearningRateDisposed(tf.train.momentum(config.lr, 0.9));
    case 'rmsprop':
      return tf.train.rmsprop(config.lr);
  }
}

/**
 * tfjs 4.22's MomentumOptimizer.dispose() overrides SGD's without calling it, so SGD's
 * learning-rate scalar `c` outlives the optimizer (one tensor per run).
 */
function withLearningRateDisposed(optimizer: tf.MomentumOptimizer): tf.Optimizer {
  const dispose = optimizer.dispose.bind(optimizer);
  optimizer.dispose = () => {
    dispose();
    const c = (optimizer as unknown as { c?: tf.Tensor }).c;
    if (c && !c.isDisposed) c.dispose();
  };
  return optimizer;
}
