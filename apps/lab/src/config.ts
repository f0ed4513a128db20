/**
 * The lab's configuration: what the form edits, what the URL encodes and what the worker
 * trains. Plain JSON; validated here with every error at once, keyed by field, so the page
 * can show each message next to its field.
 */

export const ARCHITECTURES = ['mlp', 'cnn'] as const;
export const ACTIVATIONS = ['relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'softplus'] as const;
export const INITS = [
  'default',
  'heNormal',
  'heUniform',
  'glorotUniform',
  'glorotNormal',
  'lecunNormal',
  'lecunUniform',
] as const;
export const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'rmsprop'] as const;
export const AUGMENTATIONS = ['none', 'light', 'mnist', 'strong'] as const;
export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;

/**
 * Augmentation presets as `parseAugmentationSpec` strings (@overfit/augmentation): `mnist` is
 * the library's preset (rotation ±10°, translation 10%, brightness/contrast 0.2).
 */
export const AUGMENTATION_SPECS: Record<(typeof AUGMENTATIONS)[number], string | undefined> = {
  none: undefined,
  light: 'rotate(5), translate(0.05)',
  mnist: 'mnist',
  strong: 'mnist, erase(0.5), elastic(34, 4, p=0.3)',
};

/**
 * The preset and what it does, for the preview line: the form's name first, so "strong" is not
 * shown as "mnist, ..." (its spec builds on @overfit/augmentation's mnist preset).
 *
 * @example
 * describeAugmentation('strong'); // 'strong (mnist, erase(0.5), elastic(34, 4, p=0.3))'
 */
export function describeAugmentation(preset: (typeof AUGMENTATIONS)[number]): string {
  const spec = AUGMENTATION_SPECS[preset];
  return spec === undefined || spec === preset ? preset : `${preset} (${spec})`;
}

export interface LabConfig {
  architecture: (typeof ARCHITECTURES)[number];
  /** Hidden layers of the MLP (ignored by the CNN). */
  depth: number;
  /** Units per hidden layer of the MLP; the CNN's dense layer. */
  hidden: number;
  activation: (typeof ACTIVATIONS)[number];
  init: (typeof INITS)[number];
  epochs: number;
  /** Training images before the 10 % validation split. */
  limit: number;
  batchSize: number;
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  seed: number;
  /** Cost penalties (lambda in [0, 10]); `elastic` is l1l2 with `elasticRatio` of it on L1. */
  l1: number;
  l2: number;
  elastic: number;
  elasticRatio: number;
  /** Decoupled weight decay (AdamW / SGDW style), lambda in [0, 10]. */
  weightDecay: number;
  /** Rates in [0, 1). */
  dropout: number;
  dropConnect: number;
  labelSmoothing: number;
  /** Max-norm constraint on each unit's incoming weights; 0 = off. */
  maxNorm: number;
  augmentation: (typeof AUGMENTATIONS)[number];
  earlyStopping: boolean;
  patience: number;
  restoreBest: boolean;
  backend: (typeof BACKENDS)[number];
}

export const DEFAULT_CONFIG: Readonly<LabConfig> = Object.freeze({
  architecture: 'mlp',
  depth: 2,
  hidden: 128,
  activation: 'relu',
  init: 'default',
  epochs: 3,
  limit: 6000,
  batchSize: 128,
  optimizer: 'adam',
  lr: 0.001,
  seed: 1,
  l1: 0,
  l2: 0,
  elastic: 0,
  elasticRatio: 0.5,
  weightDecay: 0,
  dropout: 0,
  dropConnect: 0,
  labelSmoothing: 0,
  maxNorm: 0,
  augmentation: 'none',
  earlyStopping: false,
  patience: 2,
  restoreBest: true,
  backend: 'auto',
});

/** Regularization fields: Compare overrides them, so their errors never block it. */
export const REGULARIZATION_FIELDS = [
  'l1',
  'l2',
  'elastic',
  'elasticRatio',
  'weightDecay',
  'dropout',
  'dropConnect',
  'labelSmoothing',
  'maxNorm',
  'augmentation',
  'earlyStopping',
  'patience',
  'restoreBest',
] as const satisfies readonly (keyof LabConfig)[];

type Field = keyof LabConfig;
type Rule =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number; minOpen?: boolean; maxOpen?: boolean }
  | { kind: 'choice'; values: readonly string[] }
  | { kind: 'bool' };

const LAMBDA: Rule = { kind: 'number', min: 0, max: 10 };
const RATE: Rule = { kind: 'number', min: 0, max: 1, maxOpen: true };

const RULES: Record<Field, Rule> = {
  architecture: { kind: 'choice', values: ARCHITECTURES },
  depth: { kind: 'int', min: 1, max: 10 },
  hidden: { kind: 'int', min: 1, max: 2048 },
  activation: { kind: 'choice', values: ACTIVATIONS },
  init: { kind: 'choice', values: INITS },
  epochs: { kind: 'int', min: 1, max: 100 },
  limit: { kind: 'int', min: 100, max: 60_000 },
  batchSize: { kind: 'int', min: 1, max: 4096 },
  optimizer: { kind: 'choice', values: OPTIMIZERS },
  lr: { kind: 'number', min: 0, max: 1, minOpen: true },
  seed: { kind: 'int', min: 0, max: 2 ** 31 - 1 },
  l1: LAMBDA,
  l2: LAMBDA,
  elastic: LAMBDA,
  elasticRatio: { kind: 'number', min: 0, max: 1 },
  weightDecay: LAMBDA,
  dropout: RATE,
  dropConnect: RATE,
  labelSmoothing: RATE,
  maxNorm: { kind: 'number', min: 0, max: 100 },
  augmentation: { kind: 'choice', values: AUGMENTATIONS },
  earlyStopping: { kind: 'bool' },
  patience: { kind: 'int', min: 0, max: 100 },
  restoreBest: { kind: 'bool' },
  backend: { kind: 'choice', values: BACKENDS },
};

export const FIELDS = Object.keys(RULES) as Field[];

function interval(r: { min: number; max: number; minOpen?: boolean; maxOpen?: boolean }): string {
  return `${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
}

/** Parses one field's raw text; returns the value or the message for the field. */
function parseField(rule: Rule, raw: string | undefined): { value?: unknown; error?: string } {
  if (rule.kind === 'bool') return { value: raw === 'true' || raw === 'on' || raw === '1' };
  const text = (raw ?? '').trim();
  if (text === '') return { error: 'required' };
  if (rule.kind === 'choice') {
    return rule.values.includes(text)
      ? { value: text }
      : { error: `must be one of ${rule.values.join(', ')}, got "${text}"` };
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: `must be a number, got "${text}"` };
  if (rule.kind === 'int') {
    if (!Number.isInteger(value)) return { error: `must be a whole number, got ${text}` };
    if (value < rule.min || value > rule.max)
      return { error: `must be in [${rule.min}, ${rule.max}], got ${text}` };
    return { value };
  }
  const low = rule.minOpen ? value <= rule.min : value < rule.min;
  const high = rule.maxOpen ? value >= rule.max : value > rule.max;
  if (low || high) return { error: `must be in ${interval(rule)}, got ${text}` };
  return { value };
}

export interface Validation {
  /** Present when there is no error. */
  config?: LabConfig;
  /** Field → message; empty when valid. */
  errors: Partial<Record<Field, string>>;
}

/** Rules across fields (checked only when both fields parsed). */
function crossErrors(c: LabConfig): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  if (c.architecture === 'cnn' && c.dropConnect > 0)
    errors.dropConnect = 'DropConnect replaces MLP dense layers: set 0 for the CNN';
  if (c.weightDecay > 0 && c.optimizer === 'rmsprop')
    errors.weightDecay = 'decoupled weight decay works with adam, sgd and momentum here';
  if (Math.floor(c.limit * 0.9) < c.batchSize)
    errors.batchSize = `must be at most the training split (${Math.floor(c.limit * 0.9)} images)`;
  return errors;
}

/**
 * Validates raw field texts (form values or URL parameters); every field is checked and every
 * error reported. `skip` fields are taken from `fallback` instead (Compare skips regularization).
 *
 * @example
 * validateConfig({ ...formFields }).errors; // { l2: 'must be in [0, 10], got 12', epochs: 'required' }
 */
export function validateConfig(
  raw: Partial<Record<Field, string>>,
  options: { skip?: readonly Field[]; fallback?: LabConfig } = {},
): Validation {
  const errors: Partial<Record<Field, string>> = {};
  const out: Record<string, unknown> = {};
  const skip = new Set(options.skip ?? []);
  for (const field of FIELDS) {
    if (skip.has(field)) {
      out[field] = (options.fallback ?? DEFAULT_CONFIG)[field];
      continue;
    }
    const { value, error } = parseField(RULES[field], raw[field]);
    if (error !== undefined) errors[field] = error;
    else out[field] = value;
  }
  if (Object.keys(errors).length > 0) return { errors };
  const config = out as unknown as LabConfig;
  const cross = crossErrors(config);
  for (const field of skip) delete cross[field];
  return Object.keys(cross).length > 0 ? { errors: cross } : { config, errors: {} };
}

/** The config as URL parameters (only values that differ from the defaults). */
export function configToQuery(config: LabConfig): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    if (config[field] !== DEFAULT_CONFIG[field]) params.set(field, String(config[field]));
  }
  return params.toString();
}

/** Raw field texts from URL parameters, defaults filled in (validate with {@link validateConfig}). */
export function rawFromQuery(query: string): Record<Field, string> {
  const params = new URLSearchParams(query);
  const raw = {} as Record<Field, string>;
  for (const field of FIELDS) raw[field] = params.get(field) ?? String(DEFAULT_CONFIG[field]);
  return raw;
}

/**
 * The form's raw texts from URL parameters (defaults for the fields the URL leaves out) and a
 * message for each parameter the URL got wrong, to show at load time next to its field. A bad
 * choice (`?architecture=qq`) is replaced by the default, since a select cannot show it; a bad
 * number is kept, so the person sees what the URL said.
 *
 * @example
 * queryToForm('?l2=abc&augmentation=zzz').errors;
 * // { l2: 'must be a number, got "abc" (from the URL)', augmentation: 'must be one of ..., got "zzz" (from the URL; default none used)' }
 */
export function queryToForm(query: string): {
  raw: Record<Field, string>;
  errors: Partial<Record<Field, string>>;
} {
  const params = new URLSearchParams(query);
  const raw = rawFromQuery(query);
  const errors: Partial<Record<Field, string>> = {};
  for (const field of FIELDS) {
    const given = params.get(field);
    if (given === null) continue;
    const rule = RULES[field];
    if (rule.kind === 'bool') {
      if (!['true', 'false', 'on', '1', '0'].includes(given))
        errors[field] = `must be true or false, got "${given}" (from the URL)`;
      continue;
    }
    const { error } = parseField(rule, given);
    if (error === undefined) continue;
    if (rule.kind === 'choice') {
      raw[field] = String(DEFAULT_CONFIG[field]);
      errors[field] = `${error} (from the URL; default ${raw[field]} used)`;
    } else errors[field] = `${error} (from the URL)`;
  }
  // Rules across fields (`?architecture=cnn&dropConnect=0.1`), once every field parsed.
  if (Object.keys(errors).length === 0 && FIELDS.some((f) => params.has(f))) {
    for (const [field, message] of Object.entries(validateConfig(raw).errors))
      errors[field as Field] = `${message} (from the URL)`;
  }
  return { raw, errors };
}

/** The course's assignment: four runs that differ only in their regularizer. */
export const ASSIGNMENT: readonly { name: string; overrides: Partial<LabConfig> }[] = [
  { name: 'none', overrides: {} },
  { name: 'L1 0.001', overrides: { l1: 0.001 } },
  { name: 'L2 0.01', overrides: { l2: 0.01 } },
  { name: 'dropout 0.15', overrides: { dropout: 0.15 } },
];

/** A config with every regularizer off (Compare's base: only the assignment's one is set). */
export function withoutRegularization(config: LabConfig): LabConfig {
  const out = { ...config };
  for (const field of REGULARIZATION_FIELDS)
    (out as Record<string, unknown>)[field] = DEFAULT_CONFIG[field];
  return out;
}

/** A short human name for a config's regularization ("L2 0.01 + dropout 0.2", or "none"). */
export function describeRegularization(c: LabConfig): string {
  const parts: string[] = [];
  if (c.l1 > 0) parts.push(`L1 ${c.l1}`);
  if (c.l2 > 0) parts.push(`L2 ${c.l2}`);
  if (c.elastic > 0) parts.push(`elastic ${c.elastic} (L1 ratio ${c.elasticRatio})`);
  if (c.weightDecay > 0) parts.push(`weight decay ${c.weightDecay}`);
  if (c.dropout > 0) parts.push(`dropout ${c.dropout}`);
  if (c.dropConnect > 0) parts.push(`DropConnect ${c.dropConnect}`);
  if (c.labelSmoothing > 0) parts.push(`label smoothing ${c.labelSmoothing}`);
  if (c.maxNorm > 0) parts.push(`max-norm ${c.maxNorm}`);
  if (c.augmentation !== 'none') parts.push(`augment ${c.augmentation}`);
  if (c.earlyStopping) parts.push(`early stop p${c.patience}`);
  return parts.length ? parts.join(' + ') : 'none';
}
