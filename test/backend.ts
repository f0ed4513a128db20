/** Which backend the current spec file runs on (set by vitest.shared.ts). */
export const testBackend = process.env.OVERFIT_TEST_BACKEND ?? 'cpu';
export const onWasm = testBackend === 'wasm';
/** Relative tolerance from CONVENTIONS.md: 1e-5 on cpu, 1e-3 elsewhere. */
export const tolerance = testBackend === 'cpu' ? 1e-5 : 1e-3;
