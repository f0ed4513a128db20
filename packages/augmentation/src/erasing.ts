// Erasing and dropout of image regions or channels.

export * from './channel-dropout.js';
export * from './grid-dropout.js';
export * from './random-erasing.js';
