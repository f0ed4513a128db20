import { describe, expect, it } from 'vitest';
import { runQuick } from '../lib/testing.js';
import { transferLearning } from './transfer-learning.js';

describe('transfer-learning --quick', () => {
  it('fine-tuning the 0-4 CNN beats scratch on 10 examples per digit 5-9', async () => {
    const { numbers: n } = await runQuick(transferLearning);
    expect(n.sourceValAccuracy).toBeGreaterThan(0.9);
    expect(n.testAccuracy_full).toBeGreaterThan(n.testAccuracy_scratch! + 0.01);
    // Measured, not hoped for: the frozen dense features transfer worst.
    expect(n.testAccuracy_featureExtraction).toBeLessThan(n.testAccuracy_scratch!);
    expect(n.testAccuracy_featureExtraction).toBeGreaterThan(0.2); // above chance (5 classes)
  });
});
