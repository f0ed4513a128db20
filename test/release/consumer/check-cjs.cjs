const { readFileSync } = require('node:fs');
const assert = require('node:assert/strict');
const { checkPackage } = require('./check-lib.cjs');

const [name] = process.argv.slice(2);
checkPackage(name, 'require', async (spec) => require(spec)).then(
  (exports) => {
    // The CommonJS build offers the same names as the ESM build.
    const esm = JSON.parse(readFileSync('esm-exports.json', 'utf8'));
    assert.deepEqual(exports, esm, `${name}: CommonJS and ESM builds export different names`);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
