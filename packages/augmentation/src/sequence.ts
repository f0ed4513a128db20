import { type Rng, ShapeError, type Transform } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  Augmentation,
  type BatchShape,
  checkBatchShape,
  checkImages,
  type Json,
} from './augmentation.js';
import { type AnyAugmentation, chainStep, children } from './subsets.js';

/** Parameters of {@link compose}: each child's draw, in order. */
export interface ComposeParams {
  steps: unknown[];
}

/**
 * Applies transforms one after another (each sees the previous one's output shape). A
 * pipeline: itself a transform, with labels routed through the mixing steps.
 */
export class Compose extends Augmentation<ComposeParams> {
  readonly transforms: AnyAugmentation[];
  constructor(
    transforms: readonly Transform[],
    readonly name = 'compose',
  ) {
    super();
    this.transforms = children('transforms', transforms);
  }
  override outputShape(shape: BatchShape): BatchShape {
    return this.transforms.reduce((s, t) => t.outputShape(s), shape);
  }
  sampleParams(shape: readonly number[], rng: Rng): ComposeParams {
    let s = checkBatchShape(shape);
    const steps = this.transforms.map((t) => {
      const p = t.sampleParams(s, rng);
      s = t.outputShape(s);
      return p;
    });
    return { steps };
  }
  apply(images: tf.Tensor, params: ComposeParams): tf.Tensor {
    checkImages(images);
    this.checkSteps(params);
    let x = images;
    this.transforms.forEach((t, i) => {
      x = chainStep(x, images, (cur) => t.apply(cur, params.steps[i]));
    });
    return x === images ? tf.clone(images) : x;
  }
  override applyToLabels(labels: tf.Tensor, params: ComposeParams): tf.Tensor {
    this.checkSteps(params);
    let y = labels;
    this.transforms.forEach((t, i) => {
      if (t.applyToLabels)
        y = chainStep(y, labels, (cur) => t.applyToLabels!(cur, params.steps[i]));
    });
    return y === labels ? tf.clone(labels) : y;
  }
  private checkSteps(params: ComposeParams): void {
    if (!params || !Array.isArray(params.steps) || params.steps.length !== this.transforms.length) {
      throw new ShapeError(
        `params.steps must hold ${this.transforms.length} draws (one per transform)`,
      );
    }
  }
  getOptions(): Record<string, Json> {
    return { transforms: this.transforms.map((t) => t.getConfig() as unknown as Json) };
  }
}

/**
 * Sequential composition.
 *
 * @example const t = compose([rotate({ degrees: 10 }), brightness({ factor: 0.2 })]);
 */
export const compose = (transforms: readonly Transform[]) => new Compose(transforms);
