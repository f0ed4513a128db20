import { describeAugmentation, domainWarnings, parseAugmentationSpec } from '@overfit/augmentation';
import type { Transform } from '@overfit/core';
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from './args.js';

/**
 * The `--augment` pipeline on [N, 28, 28, 1] batches and its JSON description. The data are
 * standardized; the transforms see pixels in [0, 1] (`x * std + mean`) and their output is
 * standardized again, so normalization stays the last step.
 */
export function buildAugmentation(
  config: Pick<TrainConfig, 'augment'>,
  normalization: { mean: number; std: number },
  io: { out: (line: string) => void },
): { transform: Transform; description: unknown } | undefined {
  if (config.augment === null) return undefined;
  const pipeline = parseAugmentationSpec(config.augment);
  for (const warning of domainWarnings(pipeline, 'digits'))
    io.out(`warning: augmentation ${warning.transform} (${warning.path}): ${warning.reason}`);
  const description = describeAugmentation(pipeline);
  io.out(`augmentation: ${config.augment} (on pixels in [0, 1], standardized after)`);
  return { transform: normalizedAfter(pipeline, normalization), description };
}

/** `pipeline` applied to `x * std + mean`, its output standardized again. */
export function normalizedAfter<P>(
  pipeline: Transform<P>,
  { mean, std }: { mean: number; std: number },
): Transform<P> {
  const wrapped: Transform<P> = {
    name: `${pipeline.name}+normalize`,
    sampleParams: (shape, rng) => pipeline.sampleParams(shape, rng),
    apply: (images, params) =>
      tf.tidy(() => pipeline.apply(images.mul(std).add(mean), params).sub(mean).div(std)),
  };
  if (pipeline.applyToLabels) {
    const toLabels = pipeline.applyToLabels.bind(pipeline);
    return { ...wrapped, applyToLabels: (labels, params) => toLabels(labels, params) };
  }
  return wrapped;
}
