import { defaultCaptureLayers, type Parameter } from '@overfit/core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

type LayerInfo = { name: string; getClassName(): string; getConfig(): Record<string, unknown> };

const RELU_FAMILY = new Set(['relu', 'relu6', 'leakyrelu', 'leakyRelu']);

function topLayers(model: LayersModel): LayerInfo[] {
  return (model.layers as unknown as LayerInfo[]).filter((l) => l.getClassName() !== 'InputLayer');
}

function activationOf(layer: LayerInfo): string | undefined {
  const cls = layer.getClassName();
  if (cls === 'ReLU') return 'relu';
  if (cls === 'LeakyReLU') return 'leakyRelu';
  const a = layer.getConfig().activation;
  return typeof a === 'string' ? a : undefined;
}

/**
 * Layers whose output distribution the Trainer summarizes by default: the separate
 * activation layers (`hidden_i_activation` in core's `mlp`); for models without them, core's
 * `defaultCaptureLayers` (e.g. dense layers with a built-in activation).
 */
export function defaultDistributionLayers(model: LayersModel): string[] {
  const captured = defaultCaptureLayers(model);
  const activationLayers = new Set(
    topLayers(model)
      .filter((l) => ['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU'].includes(l.getClassName()))
      .map((l) => l.name),
  );
  const picked = captured.filter((n) => activationLayers.has(n));
  return picked.length > 0 ? picked : captured;
}

/** Whether a layer's output is a ReLU-family activation (where "dead units" means something). */
export function isReluFamily(model: LayersModel, layerName: string): boolean {
  const layer = topLayers(model).find((l) => l.name === layerName);
  const a = layer === undefined ? undefined : activationOf(layer);
  return a !== undefined && RELU_FAMILY.has(a);
}

/**
 * The trainable kernel that feeds a layer's output: the layer's own kernel, else that of the
 * nearest layer before it (for `hidden_i_activation`: `hidden_i/kernel`).
 */
export function feedingKernel(
  model: LayersModel,
  layerName: string,
  params: readonly Parameter[],
): Parameter | undefined {
  const layers = topLayers(model);
  const at = layers.findIndex((l) => l.name === layerName);
  for (let i = at; i >= 0; i--) {
    const kernel = params.find(
      (p) => p.layerName === layers[i]!.name && p.kind === 'kernel' && p.trainable,
    );
    if (kernel !== undefined) return kernel;
  }
  return undefined;
}
