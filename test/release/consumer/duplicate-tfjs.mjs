// An app on @tensorflow/tfjs 4.21 with @overfit/core (peer ^4.22): npm nests 4.21 under tfjs and
// gives us 4.22. Importing must warn once, naming both versions and the fix, in either order.
import assert from 'node:assert/strict';

const warnings = [];
console.warn = (message) => warnings.push(String(message));
const order = process.argv[2];
if (order === 'tfjs-first') await import('./import-tfjs-then-core.mjs');
else await import('./import-core-then-tfjs.mjs');
await new Promise((resolve) => setTimeout(resolve, 50));

const ours = warnings.filter((message) => message.startsWith('@overfit:'));
assert.equal(ours.length, 1, `expected one @overfit warning, got:\n${warnings.join('\n')}`);
for (const needle of ['@tensorflow/tfjs-core', '4.21.0', '4.22.0', 'npm dedupe']) {
  assert.ok(ours[0].includes(needle), `the warning does not name ${needle}:\n${ours[0]}`);
}
