import { InvalidArgumentError } from '@overfit/core';
import { describe, expect, it } from 'vitest';
import { EarlyStopping } from './early-stopping.js';
import { alternateSpelling, findLogKey } from './logs.js';
import { isImprovement, resolveMode } from './monitor.js';

describe('resolveMode', () => {
  it('maximizes accuracy-like keys and minimizes everything else in auto mode', () => {
    for (const key of [
      'acc',
      'val_acc',
      'valAccuracy',
      'valMacroF1',
      'val_f1',
      'precision',
      'valRecall',
      'val_auc',
      'AUC',
    ]) {
      expect(resolveMode(key, 'auto'), key).toBe('max');
    }
    for (const key of ['valIoU', 'val_mean_iou', 'valR2', 'valF1Score', 'val_fbeta_score']) {
      expect(resolveMode(key, 'auto'), key).toBe('max');
    }
    for (const key of ['loss', 'val_loss', 'valLoss', 'mae', 'val_mse', 'valCrossEntropy']) {
      expect(resolveMode(key, 'auto'), key).toBe('min');
    }
  });
  it('raises for a key it cannot place instead of guessing min (regression, as Keras)', () => {
    for (const key of ['valKappa', 'val_dice_coef', 'myMetric']) {
      expect(() => resolveMode(key, 'auto'), key).toThrow(InvalidArgumentError);
      expect(() => resolveMode(key, 'auto'), key).toThrow(
        `mode must be 'min' or 'max' for monitor '${key}'`,
      );
      expect(resolveMode(key, 'max')).toBe('max');
    }
    expect(() => new EarlyStopping({ monitor: 'valKappa' })).toThrow(InvalidArgumentError);
    expect(new EarlyStopping({ monitor: 'valKappa', mode: 'max' }).direction).toBe('max');
  });
  it('keeps an explicit mode', () => {
    expect(resolveMode('val_acc', 'min')).toBe('min');
    expect(resolveMode('val_loss', 'max')).toBe('max');
  });
});

describe('isImprovement', () => {
  it('needs more than minDelta in the right direction', () => {
    expect(isImprovement(0.5, 1, 'min', 0.25)).toBe(true);
    expect(isImprovement(0.75, 1, 'min', 0.25)).toBe(false); // exactly minDelta is not enough
    expect(isImprovement(1.5, 1, 'min', 0)).toBe(false);
    expect(isImprovement(1, 1, 'min', 0)).toBe(false);
    expect(isImprovement(1.5, 1, 'max', 0.25)).toBe(true);
    expect(isImprovement(1.25, 1, 'max', 0.25)).toBe(false);
    expect(isImprovement(0.5, 1, 'max', 0)).toBe(false);
  });
  it('accepts any finite first value and never a non-finite one', () => {
    expect(isImprovement(123, undefined, 'min', 0)).toBe(true);
    expect(isImprovement(Number.NaN, undefined, 'min', 0)).toBe(false);
    expect(isImprovement(Number.NEGATIVE_INFINITY, 1, 'min', 0)).toBe(false);
    expect(isImprovement(Number.POSITIVE_INFINITY, 1, 'max', 0)).toBe(false);
  });
});

describe('log keys', () => {
  it('converts between snake_case and camelCase', () => {
    expect(alternateSpelling('val_loss')).toBe('valLoss');
    expect(alternateSpelling('valLoss')).toBe('val_loss');
    expect(alternateSpelling('valMacroF1')).toBe('val_macro_f1');
    expect(alternateSpelling('val_macro_f1')).toBe('valMacroF1');
    expect(alternateSpelling('loss')).toBe('loss');
  });
  it('prefers the exact key and falls back to the other spelling', () => {
    expect(findLogKey({ val_loss: 1, valLoss: 2 }, 'valLoss')).toBe('valLoss');
    expect(findLogKey({ valLoss: 2 }, 'val_loss')).toBe('valLoss');
    expect(findLogKey({ val_macro_f1: 2 }, 'valMacroF1')).toBe('val_macro_f1');
    expect(findLogKey({ loss: 1 }, 'val_loss')).toBeUndefined();
    expect(findLogKey(undefined, 'val_loss')).toBeUndefined();
  });
});
