// Geometric transforms: each composes per-image matrices for the one batched warp.

export * from './affine.js';
export * from './crop.js';
export * from './flip.js';
export * from './perspective.js';
