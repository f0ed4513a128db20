import { Rng, ShapeError } from '@overfit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { brightness, colorJitter, hue, saturation } from './photometric.js';
import { expectClose, expectNoLeak, ramp } from './test-utils.js';

// Own file: the one-time warning is per process (each spec file runs in a fresh one).
describe('hue and saturation outside RGB (issue 16)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('pass 1-channel images unchanged and say so once per transform', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const x = ramp(2, 5, 5, 1);
    for (const t of [hue({ factor: 0.3 }), saturation({ factor: 0.5 })]) {
      for (let i = 0; i < 3; i++)
        await expectClose(t.apply(x, t.sampleParams(x.shape, new Rng(i))), x, 0);
    }
    const jitter = colorJitter({ brightness: 0.2, hue: 0.1 });
    jitter.apply(x, jitter.sampleParams(x.shape, new Rng(1))).dispose();
    jitter.apply(x, jitter.sampleParams(x.shape, new Rng(2))).dispose();
    const ours = () =>
      warn.mock.calls.map((c) => String(c[0])).filter((m) => m.startsWith('@overfit/augmentation'));
    const messages = ours();
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/hue leaves 1-channel \(grey\) images unchanged/);
    expect(messages[1]).toMatch(/saturation leaves 1-channel/);
    expect(messages[2]).toMatch(/colorJitter \(saturation, hue\) leaves 1-channel/);
    // Brightness / contrast jitter alone is fine on grey and says nothing.
    const bc = colorJitter({ brightness: 0.2, contrast: 0.2 });
    bc.apply(x, bc.sampleParams(x.shape, new Rng(1))).dispose();
    brightness({ factor: 0.2 })
      .apply(x, { factor: [1.1, 0.9] })
      .dispose();
    expect(ours()).toHaveLength(3);
    x.dispose();
  });

  it('refuse 2 or 4 channels before any work, as torchvision does', () => {
    const x = ramp(1, 4, 4, 4);
    const before = tf.memory().numTensors;
    expect(() => hue({ factor: 0.1 }).sampleParams(x.shape, new Rng(1))).toThrow(ShapeError);
    expect(() => hue({ factor: 0.1 }).apply(x, { factor: [0.05] })).toThrow(
      'hue needs RGB images (3 channels; 1-channel images pass unchanged), got 4 channels',
    );
    const two = ramp(1, 4, 4, 2);
    expect(() => saturation({ factor: 0.1 }).apply(two, { factor: [1.1] })).toThrow(
      /saturation needs RGB images .* got 2 channels/,
    );
    two.dispose();
    const jitter = colorJitter({ saturation: 0.3 });
    expect(() => jitter.sampleParams(x.shape, new Rng(1))).toThrow(
      /colorJitter \(saturation, hue\) needs RGB/,
    );
    // Only brightness on: any channel count.
    const b = colorJitter({ brightness: 0.3 });
    expectNoLeak(() => b.apply(x, b.sampleParams(x.shape, new Rng(1))));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
