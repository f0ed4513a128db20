import { UnsupportedBackendError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

type Layer = LayersModel['layers'][number];

/**
 * The kernels the backward pass of a layer class runs beyond the element-wise and matMul
 * ones every backend has. A backend may lack them (tfjs-backend-wasm 4.22 has no
 * `Conv2DBackpropFilter`, no depthwise-conv gradients, no `UnsortedSegmentSum`), and training
 * then dies inside tfjs at the first step with a bare "kernel not found".
 */
const BACKWARD_KERNELS: Record<string, readonly string[]> = {
  Conv1D: [tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput],
  Conv2D: [tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput],
  Conv2DTranspose: [tf.Conv2DBackpropFilter, tf.Conv2D],
  SeparableConv2D: [
    tf.DepthwiseConv2dNativeBackpropFilter,
    tf.DepthwiseConv2dNativeBackpropInput,
    tf.Conv2DBackpropFilter,
    tf.Conv2DBackpropInput,
  ],
  DepthwiseConv2D: [tf.DepthwiseConv2dNativeBackpropFilter, tf.DepthwiseConv2dNativeBackpropInput],
  Conv3D: [tf.Conv3DBackpropFilterV2, tf.Conv3DBackpropInputV2],
  MaxPooling1D: [tf.MaxPoolGrad],
  MaxPooling2D: [tf.MaxPoolGrad],
  MaxPooling3D: [tf.MaxPool3DGrad],
  AveragePooling1D: [tf.AvgPoolGrad],
  AveragePooling2D: [tf.AvgPoolGrad],
  AveragePooling3D: [tf.AvgPool3DGrad],
  Embedding: [tf.UnsortedSegmentSum],
};

/** Kernels that `installKernels()` from `@overfit/kernels` adds where a backend lacks them. */
const PROVIDED_BY_OVERFIT_KERNELS = new Set<string>([tf.Conv2DBackpropFilter]);

function* layersOf(model: LayersModel): Generator<Layer> {
  for (const layer of model.layers) {
    // A nested model (a Sequential inside a functional model) trains its own layers too.
    const inner = (layer as unknown as { layers?: unknown }).layers;
    if (Array.isArray(inner)) yield* layersOf(layer as unknown as LayersModel);
    else yield layer;
  }
}

/**
 * Throws an {@link UnsupportedBackendError} before the first step when the active backend lacks
 * a kernel that training `model` needs, naming the kernel, the layer and the fix. Libraries
 * never register kernels themselves: the app opts in with `installKernels()`.
 */
export function assertTrainingKernels(model: LayersModel, backendName = tf.getBackend()): void {
  for (const layer of layersOf(model)) {
    if (!layer.trainable && layer.trainableWeights.length === 0) continue;
    const className = layer.getClassName();
    for (const kernelName of BACKWARD_KERNELS[className] ?? []) {
      if (tf.getKernel(kernelName, backendName) !== undefined) continue;
      const fix = PROVIDED_BY_OVERFIT_KERNELS.has(kernelName)
        ? "call installKernels() from '@overfit/kernels' once at start-up (it adds this kernel)"
        : "choose a backend that has it (cpu, webgl, webgpu, tensorflow): installKernels() from '@overfit/kernels' does not provide it";
      throw new UnsupportedBackendError(
        `backend '${backendName}' has no ${kernelName} kernel, which training layer '${layer.name}' (${className}) needs: ${fix}`,
      );
    }
  }
}
