// Checks for the packages this test knows; a package it does not know gets the generic checks
// only (it imports, exports something, its sideEffects are right, its types compile).
const assert = require('node:assert/strict');

const close = (actual, expected, what) =>
  assert.ok(
    Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} != ${expected}`,
  );

const checks = {
  async '@overfit/core'(m) {
    assert.throws(
      () => m.checkRate('rate', 1.2),
      (error) => error instanceof m.OverfitError && /rate/.test(error.message),
    );
    assert.throws(
      () => m.deserialize({ className: 'NoSuchClass', config: {} }),
      (error) => error instanceof m.OverfitError && /NoSuchClass/.test(error.message),
    );
  },
  async '@overfit/models'(m) {
    const model = m.mlp({ inputShape: [4], hiddenUnits: [3], outputUnits: 2, seed: 1 });
    assert.deepEqual(model.outputs[0].shape, [null, 2]);
    model.dispose();
  },
  async '@overfit/data'(m) {
    assert.equal(typeof m.parseIdx, 'function');
  },
  async '@overfit/data/node'(m) {
    assert.equal(typeof m.loadMnist, 'function');
  },
  async '@overfit/regularizers'(m, tf) {
    const weights = tf.tensor([1, -2]);
    close(m.l1l2({ l1: 1e-4, l2: 1e-3 }).apply(weights).dataSync()[0], 0.0053, 'l1l2 penalty');
    weights.dispose();
  },
  async '@overfit/metrics'(m) {
    close(await m.accuracyScore([0, 1, 2, 2], [0, 2, 2, 1]), 0.5, 'accuracy');
    assert.deepEqual(await m.confusionMatrix([0, 1, 1], [0, 1, 0], { numClasses: 2 }), [
      [1, 0],
      [1, 1],
    ]);
  },
  async '@overfit/early-stopping'(m) {
    const stopper = new m.EarlyStopping({ monitor: 'val_loss', patience: 1 });
    assert.equal(typeof stopper.onEpochEnd, 'function');
  },
  async '@overfit/training'(m) {
    assert.equal(typeof m.Trainer, 'function');
  },
  async '@overfit/kernels'(m, tf) {
    // Nothing at import; installKernels is explicit and undone by uninstallKernels.
    assert.throws(() => m.installKernels({ kernels: ['NoSuchKernel'] }), /options\.kernels/);
    const installed = m.installKernels({ backends: ['cpu'] });
    assert.ok(installed.every((entry) => entry.backend === 'cpu' && entry.kernels.length > 0));
    assert.ok(m.installedKernels().some((entry) => entry.backend === 'cpu'));
    m.uninstallKernels();
    assert.deepEqual(m.installedKernels(), []);
    void tf;
  },
  async '@overfit/augmentation'(m, tf) {
    const flip = m.horizontalFlip({ p: 1 });
    assert.equal(typeof flip.sampleParams, 'function');
    void tf;
  },
};

module.exports = async function targeted(spec, mod, tf) {
  const check = checks[spec];
  if (check) await check(mod, tf);
};
