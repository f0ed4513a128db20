/**
 * Test-only: builds IDX bytes for uint8 data (the MNIST case) by writing the header by hand,
 * so specs can make tiny synthetic MNIST files.
 */
export function uint8Idx(shape: number[], values: ArrayLike<number>): Uint8Array {
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    out[4 + 4 * i] = (d >>> 24) & 0xff;
    out[5 + 4 * i] = (d >>> 16) & 0xff;
    out[6 + 4 * i] = (d >>> 8) & 0xff;
    out[7 + 4 * i] = d & 0xff;
  });
  out.set(values, header);
  return out;
}

/** Synthetic MNIST-shaped files: image `i` has every pixel equal to `pixel(i)`, label `label(i)`. */
export function syntheticMnist(
  nTrain: number,
  nTest: number,
  pixel: (i: number, split: 'train' | 'test') => number = (i) => (i * 7) % 256,
  label: (i: number, split: 'train' | 'test') => number = (i) => i % 10,
) {
  const images = (n: number, split: 'train' | 'test') => {
    const v = new Uint8Array(n * 784);
    for (let i = 0; i < n; i++) v.fill(pixel(i, split), i * 784, (i + 1) * 784);
    return uint8Idx([n, 28, 28], v);
  };
  const labels = (n: number, split: 'train' | 'test') =>
    uint8Idx(
      [n],
      Array.from({ length: n }, (_, i) => label(i, split)),
    );
  return {
    trainImages: images(nTrain, 'train'),
    trainLabels: labels(nTrain, 'train'),
    testImages: images(nTest, 'test'),
    testLabels: labels(nTest, 'test'),
  };
}
