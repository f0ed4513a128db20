// Photometric transforms: per-image factors as [N, 1, 1, 1] tensors, whole batch per op.

export * from './clahe.js';
export * from './color-adjust.js';
export * from './filters.js';
export * from './tone.js';
