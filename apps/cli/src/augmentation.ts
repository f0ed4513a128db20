import { describeAugmentation, domainWarnings, parseAugmentationSpec } from '@overfit/augmentation';
import type { Transform } from '@overfit/core';
import type { TrainConfig } from './args.js';
import type { TrainIO } from './train.js';

/** The `--augment` pipeline (on [N, 28, 28, 1] batches; the MLP flattens them) and its JSON description. */
export function buildAugmentation(
  config: TrainConfig,
  io: Pick<TrainIO, 'out'>,
): { transform: Transform; description: unknown } | undefined {
  if (config.augment === null) return undefined;
  const pipeline = parseAugmentationSpec(config.augment);
  for (const warning of domainWarnings(pipeline, 'digits'))
    io.out(`warning: augmentation ${warning.transform} (${warning.path}): ${warning.reason}`);
  const description = describeAugmentation(pipeline);
  io.out(`augmentation: ${config.augment}`);
  return { transform: pipeline, description };
}
