import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { mcDropout } from './mc-dropout.js';

describe('mc-dropout --quick', () => {
  it('widens the 95% interval off the training range', async () => {
    const { numbers } = await runQuick(mcDropout);
    expect(numbers.intervalWidthInside).toBeGreaterThan(0);
    expect(numbers.intervalWidthOutside).toBeGreaterThan(1.5 * numbers.intervalWidthInside!);
  });
});
