import { Rng } from '@overfit/core';
import { installKernels, uninstallKernels } from '@overfit/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeak, ramp } from '../test-utils.js';
import { type Box, resizeBoxes } from './resize.js';

function randomBoxes(n: number, h: number, w: number, rng: Rng): Box[] {
  return Array.from({ length: n }, () => {
    const height = 1 + Math.floor(rng.uniform(0, h));
    const width = 1 + Math.floor(rng.uniform(0, w));
    return {
      top: Math.floor(rng.uniform(0, h - height + 1)),
      left: Math.floor(rng.uniform(0, w - width + 1)),
      height,
      width,
    };
  });
}

describe('resizeBoxes', () => {
  it('per-image and gather paths agree (enlarging and shrinking boxes, 1 and 3 channels)', async () => {
    const rng = new Rng(16);
    for (const [c, size, interpolation] of [
      [1, [20, 9], 'bilinear'],
      [3, [5, 13], 'bilinear'],
      [3, [11, 11], 'nearest'],
    ] as const) {
      const x = ramp(6, 10, 12, c);
      const boxes = randomBoxes(6, 10, 12, rng);
      const a = resizeBoxes(x, boxes, size, interpolation, 'perImage');
      const b = resizeBoxes(x, boxes, size, interpolation, 'gather');
      expect(a.shape).toEqual([6, size[0], size[1], c]);
      await expectClose(a, b, 1e-6);
      tf.dispose([x, a, b]);
    }
  });

  it("the one-kernel path of installKernels() gives the gather path's values", async () => {
    installKernels();
    try {
      const rng = new Rng(17);
      for (const [c, size, interpolation] of [
        [1, [20, 9], 'bilinear'],
        [3, [5, 13], 'bilinear'],
        [3, [11, 11], 'nearest'],
      ] as const) {
        const x = ramp(6, 10, 12, c);
        const boxes = randomBoxes(6, 10, 12, rng);
        const viaKernel = resizeBoxes(x, boxes, size, interpolation);
        const viaGather = resizeBoxes(x, boxes, size, interpolation, 'gather');
        uninstallKernels();
        const stock = resizeBoxes(x, boxes, size, interpolation, 'gather');
        installKernels();
        await expectClose(viaKernel, viaGather, 1e-6);
        await expectClose(viaKernel, stock, 1e-6);
        expectNoLeak(() => resizeBoxes(x, boxes, size, interpolation));
        const profile = await tf.profile(() => resizeBoxes(x, boxes, size, interpolation));
        expect(profile.kernelNames).toEqual(['OverfitSeparableResample']);
        tf.dispose(profile.result as tf.Tensor);
        tf.dispose([x, viaKernel, viaGather, stock]);
      }
    } finally {
      uninstallKernels();
    }
  });

  it('leaks nothing on either path', () => {
    const x = ramp(3, 8, 8, 2);
    const boxes = randomBoxes(3, 8, 8, new Rng(1));
    expectNoLeak(() => resizeBoxes(x, boxes, [12, 5], 'bilinear', 'perImage'));
    expectNoLeak(() => resizeBoxes(x, boxes, [12, 5], 'bilinear', 'gather'));
    x.dispose();
  });
});
