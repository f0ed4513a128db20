import { cnn, type InitializerName, type MlpOptions, mlp } from '@overfit/models';
import { layers } from '@tensorflow/tfjs';
import type { TrainConfig } from '../args.js';

/** `--init` names (the course's) to the Keras initializer they stand for. */
export const INIT_NAMES: Readonly<Record<NonNullable<TrainConfig['init']>, InitializerName>> = {
  glorot: 'glorotUniform',
  he: 'heNormal',
  lecun: 'lecunNormal',
  normal: 'randomNormal',
};

/** The image shape every model here takes (MNIST and Fashion-MNIST). */
export const IMAGE_SHAPE = [28, 28, 1] as const;

/**
 * `--model mlp` (784-hidden x depth-10) or `--model cnn` (the course's CNN of @overfit/models:
 * 3x3 convs 32/64/128 with max-pooling, dense 512, dropout 0.5), seeded so that runs with the
 * same seed and topology start from the same weights.
 */
export function buildModel(
  config: TrainConfig,
  regularization: Pick<MlpOptions, 'dropout' | 'dropConnect'>,
) {
  const init = config.init === null ? {} : { init: INIT_NAMES[config.init] };
  if (config.model === 'cnn') {
    return cnn({
      inputShape: [...IMAGE_SHAPE],
      outputUnits: 10,
      seed: config.seed,
      activation: config.activation,
      ...(config.dropout !== null ? { dropout: config.dropout } : {}),
      ...init,
    });
  }
  const normalization = config.batchNorm || config.layerNorm;
  return mlp({
    ...regularization,
    ...init,
    inputShape: [...IMAGE_SHAPE],
    depth: config.depth,
    width: config.hidden,
    activation: config.activation,
    outputUnits: 10,
    seed: config.seed,
    ...(normalization
      ? {
          afterHidden: (i: number) => [
            config.batchNorm
              ? layers.batchNormalization({ name: `hidden_${i}_batch_norm` })
              : layers.layerNormalization({ name: `hidden_${i}_layer_norm` }),
          ],
        }
      : {}),
  });
}

/** `784-256-256-256-10, relu, 335114 parameters` */
export function describeModel(config: TrainConfig, parameters: number): string {
  const init = config.init === null ? '' : `, ${config.init} init`;
  if (config.model === 'cnn')
    return `model: cnn (conv 32-64-128 3x3 with max-pooling, dense 512, dropout ${config.dropout ?? 0.5}), ${config.activation}${init}, ${parameters} parameters`;
  const norm = config.batchNorm ? ', batch norm' : config.layerNorm ? ', layer norm' : '';
  return `model: 784-${Array(config.depth).fill(config.hidden).join('-')}-10, ${config.activation}${init}${norm}, ${parameters} parameters`;
}
