// Runs inside a fresh consumer project (npm install of one @overfit package + @tensorflow/tfjs).
// Shared by check-esm.mjs (loads with import()) and check-cjs.cjs (loads with require()).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const assert = require('node:assert/strict');
const targeted = require('./targeted.cjs');

/** The file a conditional `exports` target picks for `format` ('import' or 'require') in Node. */
function pickTarget(target, format) {
  if (typeof target === 'string') return target;
  for (const condition of [format, 'node', 'default']) {
    if (target[condition] !== undefined) return pickTarget(target[condition], format);
  }
  return undefined;
}

function snapshot(tf) {
  const globals = globalThis._tfGlobals;
  // @overfit/core's own registry (serialize / deserialize) lives on globalThis too.
  const overfit = globalThis[Symbol.for('@overfit/core/registry')];
  return {
    classes: new Set([
      ...Object.keys(tf.serialization.SerializationMap.getMap().classNameMap),
      ...(overfit === undefined ? [] : [...overfit.byName.keys()].map((n) => `overfit:${n}`)),
    ]),
    kernels: globals.get('kernelRegistry').size,
    gradients: globals.get('gradRegistry').size,
  };
}

function registeredBetween(before, after) {
  const found = [...after.classes]
    .filter((name) => !before.classes.has(name))
    .map((n) => `class ${n}`);
  if (after.kernels !== before.kernels) found.push(`${after.kernels - before.kernels} kernel(s)`);
  if (after.gradients !== before.gradients)
    found.push(`${after.gradients - before.gradients} gradient(s)`);
  return found;
}

/**
 * Imports every entry of `name`, checks it exports something, that its `sideEffects` field lists
 * exactly the entry files that register classes, kernels or gradients at import, and runs the
 * package's targeted checks. Returns the export names per entry.
 */
async function checkPackage(name, format, load) {
  const root = join(process.cwd(), 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const sideEffects = manifest.sideEffects;
  assert.ok(
    sideEffects === false || Array.isArray(sideEffects),
    `${name}: sideEffects must be false or the list of files that register, got ${JSON.stringify(sideEffects)}`,
  );
  const declared = new Set((sideEffects || []).map((file) => file.replace(/^\.\//, '')));
  const tf = await load('@tensorflow/tfjs');
  // Dependencies first, so what they register is not blamed on this package.
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    if (dep.startsWith('@overfit/')) await load(dep);
  }
  const result = {};
  const registering = new Set();
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (subpath === './package.json') continue;
    const spec = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
    const file = pickTarget(target, format).replace(/^\.\//, '');
    const before = snapshot(tf);
    const mod = await load(spec);
    const registered = registeredBetween(before, snapshot(tf));
    const keys = Object.keys(mod).filter((key) => key !== 'default' && key !== '__esModule');
    assert.ok(keys.length > 0, `${spec} (${format}) exports nothing`);
    if (registered.length > 0) registering.add(file);
    if (registered.length > 0 && !declared.has(file)) {
      assert.fail(
        `${spec} (${format}, ${file}) registers ${registered.join(', ')} at import but is not in sideEffects ${JSON.stringify(sideEffects)}: bundlers will drop it`,
      );
    }
    if (registered.length === 0 && declared.has(file)) {
      assert.fail(
        `${spec} (${format}, ${file}) is listed in sideEffects but registers nothing at import`,
      );
    }
    await targeted(spec, mod, tf);
    result[subpath] = keys.sort();
  }
  for (const file of declared) {
    if (!registering.has(file) && !file.endsWith(format === 'import' ? '.cjs' : '.js')) {
      assert.fail(`${name}: sideEffects lists ${file}, which no ${format} entry loads`);
    }
  }
  return result;
}

module.exports = { checkPackage };
