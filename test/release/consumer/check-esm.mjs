import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { checkPackage } = require('./check-lib.cjs');
const [name] = process.argv.slice(2);
const exports = await checkPackage(name, 'import', (spec) => import(spec));
writeFileSync('esm-exports.json', JSON.stringify(exports, null, 2));
