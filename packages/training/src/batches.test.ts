import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { batchBounds, EpochOrder } from './batches.js';

function epochRows(
  size: number,
  batch: number,
  shuffle: boolean,
  seed: number,
  epoch: number,
): number[] {
  const ids = tf.range(0, size, 1, 'int32');
  const order = new EpochOrder(size, shuffle, seed, epoch);
  const rows = batchBounds(size, batch).flatMap(([start, n]) =>
    Array.from(tf.tidy(() => order.rows(ids, start, n)).dataSync()),
  );
  order.dispose();
  ids.dispose();
  return rows;
}

describe('batches', () => {
  it('batchBounds covers every row once, the last batch short', () => {
    expect(batchBounds(10, 4)).toEqual([
      [0, 4],
      [4, 4],
      [8, 2],
    ]);
    expect(batchBounds(3, 8)).toEqual([[0, 3]]);
  });

  it('an unshuffled epoch is the identity order', () => {
    expect(epochRows(7, 3, false, 1, 0)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('a shuffled epoch is a permutation fixed by (seed, epoch)', () => {
    const a = epochRows(50, 8, true, 3, 0);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(epochRows(50, 8, true, 3, 0)).toEqual(a);
    expect(epochRows(50, 8, true, 3, 1)).not.toEqual(a);
    expect(epochRows(50, 8, true, 4, 0)).not.toEqual(a);
  });
});
