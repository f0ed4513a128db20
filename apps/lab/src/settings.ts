import { checkInteger, checkNumber, checkOneOf, checkRate } from '@overfit/core';

const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'softplus'] as const;
const REGULARIZATIONS = ['none', 'l1', 'l2', 'dropout'] as const;

/** The lab form's values, validated with the same rules (and messages) as the library's. */
export interface LabSettings {
  depth: number;
  hidden: number;
  activation: (typeof ACTIVATIONS)[number];
  epochs: number;
  limit: number;
  lr: number;
  seed: number;
  regularization: (typeof REGULARIZATIONS)[number];
  /** lambda for L1 / L2, rate for dropout. */
  strength: number;
}

export function readLabSettings(form: FormData): LabSettings {
  const number = (name: string) => Number(form.get(name));
  return {
    depth: checkInteger('depth', number('depth'), { min: 1, max: 10 }),
    hidden: checkInteger('hidden units', number('hidden'), { min: 1, max: 2048 }),
    activation: checkOneOf('activation', form.get('activation'), ACTIVATIONS),
    epochs: checkInteger('epochs', number('epochs'), { min: 1, max: 50 }),
    limit: checkInteger('training images', number('limit'), { min: 100, max: 60_000 }),
    lr: checkNumber('learning rate', number('lr'), { min: 0, minInclusive: false, max: 1 }),
    seed: checkInteger('seed', number('seed'), { min: 0 }),
    regularization: checkOneOf('regularization', form.get('regularization'), REGULARIZATIONS),
    strength:
      form.get('regularization') === 'dropout'
        ? checkRate('dropout rate', number('strength'))
        : checkNumber('lambda', number('strength'), { min: 0 }),
  };
}
