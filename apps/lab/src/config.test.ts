import { describe, expect, it } from 'vitest';
import {
  ASSIGNMENT,
  configToQuery,
  DEFAULT_CONFIG,
  describeAugmentation,
  describeRegularization,
  FIELDS,
  type LabConfig,
  queryToForm,
  REGULARIZATION_FIELDS,
  rawFromQuery,
  validateConfig,
  withoutRegularization,
} from './config.js';

const rawOf = (c: LabConfig) =>
  Object.fromEntries(FIELDS.map((f) => [f, String(c[f])])) as Record<keyof LabConfig, string>;

describe('lab config', () => {
  it('reads the defaults back unchanged', () => {
    expect(validateConfig(rawOf(DEFAULT_CONFIG))).toEqual({ config: DEFAULT_CONFIG, errors: {} });
  });

  it('reports every error at once, "required" for blanks, with the bad value and the range', () => {
    const raw = {
      ...rawOf(DEFAULT_CONFIG),
      epochs: '',
      l2: '12',
      dropout: '1',
      lr: '0',
      limit: '5.5',
      l1: 'abc',
    };
    expect(validateConfig(raw)).toEqual({
      errors: {
        epochs: 'required',
        l2: 'must be in [0, 10], got 12',
        dropout: 'must be in [0, 1), got 1',
        lr: 'must be in (0, 1], got 0',
        limit: 'must be a whole number, got 5.5',
        l1: 'must be a number, got "abc"',
      },
    });
  });

  it('takes lambda up to 10 (an L2 of 1 is not capped like a rate) and rates just below 1', () => {
    const raw = {
      ...rawOf(DEFAULT_CONFIG),
      l2: '1',
      l1: '10',
      dropout: '0.99',
      labelSmoothing: '0',
    };
    const { config, errors } = validateConfig(raw);
    expect(errors).toEqual({});
    expect(config).toMatchObject({ l2: 1, l1: 10, dropout: 0.99 });
  });

  it('refuses DropConnect on the CNN and a batch larger than the training split', () => {
    const raw = {
      ...rawOf(DEFAULT_CONFIG),
      architecture: 'cnn',
      dropConnect: '0.2',
      limit: '100',
      batchSize: '128',
    };
    expect(validateConfig(raw).errors).toEqual({
      dropConnect: 'DropConnect replaces MLP dense layers: set 0 for the CNN',
      batchSize: 'must be at most the training split (90 images)',
    });
  });

  it('skips fields Compare overrides, so a bad regularizer does not block it', () => {
    const raw = { ...rawOf(DEFAULT_CONFIG), l2: '', dropout: '3', epochs: '2' };
    expect(validateConfig(raw).errors).toEqual({
      l2: 'required',
      dropout: 'must be in [0, 1), got 3',
    });
    const { config, errors } = validateConfig(raw, { skip: REGULARIZATION_FIELDS });
    expect(errors).toEqual({});
    expect(config).toEqual({ ...DEFAULT_CONFIG, epochs: 2 });
  });

  it('round-trips through the URL (only non-defaults are written)', () => {
    const c: LabConfig = {
      ...DEFAULT_CONFIG,
      l2: 0.01,
      dropout: 0.15,
      earlyStopping: true,
      architecture: 'cnn',
    };
    const query = configToQuery(c);
    expect(query).toBe('architecture=cnn&l2=0.01&dropout=0.15&earlyStopping=true');
    expect(validateConfig(rawFromQuery(`?${query}`)).config).toEqual(c);
  });

  it('builds the assignment from one base: only the regularizer differs', () => {
    const base = withoutRegularization({
      ...DEFAULT_CONFIG,
      l1: 0.5,
      augmentation: 'mnist',
      hidden: 64,
    });
    expect(base).toEqual({ ...DEFAULT_CONFIG, hidden: 64 });
    const runs = ASSIGNMENT.map((a) => ({ ...base, ...a.overrides }));
    expect(runs.map(describeRegularization)).toEqual([
      'none',
      'L1 0.001',
      'L2 0.01',
      'dropout 0.15',
    ]);
    expect(ASSIGNMENT.map((a) => a.name)).toEqual(['none', 'L1 0.001', 'L2 0.01', 'dropout 0.15']);
  });
  it('names each bad URL parameter at load; a bad choice falls back to the default, a bad number stays', () => {
    const { raw, errors } = queryToForm(
      '?l2=abc&dropout=5&architecture=qq&augmentation=zzz&earlyStopping=maybe&foo=bar&epochs=3',
    );
    expect(errors).toEqual({
      l2: 'must be a number, got "abc" (from the URL)',
      dropout: 'must be in [0, 1), got 5 (from the URL)',
      architecture: 'must be one of mlp, cnn, got "qq" (from the URL; default mlp used)',
      augmentation:
        'must be one of none, light, mnist, strong, got "zzz" (from the URL; default none used)',
      earlyStopping: 'must be true or false, got "maybe" (from the URL)',
    });
    expect(raw).toMatchObject({
      l2: 'abc',
      dropout: '5',
      architecture: 'mlp',
      augmentation: 'none',
      epochs: '3',
    });
    expect(
      queryToForm(`?${configToQuery({ ...DEFAULT_CONFIG, l2: 0.01, earlyStopping: true })}`).errors,
    ).toEqual({});
    expect(queryToForm('?architecture=cnn&dropConnect=0.1&limit=100').errors).toEqual({
      dropConnect: 'DropConnect replaces MLP dense layers: set 0 for the CNN (from the URL)',
      batchSize: 'must be at most the training split (90 images) (from the URL)',
    });
  });
  it('names the augmentation preset first in the preview line', () => {
    expect(describeAugmentation('none')).toBe('none');
    expect(describeAugmentation('mnist')).toBe('mnist');
    expect(describeAugmentation('light')).toBe('light (rotate(5), translate(0.05))');
    expect(describeAugmentation('strong')).toBe(
      'strong (mnist, erase(0.5), elastic(34, 4, p=0.3))',
    );
  });
});
