/**
 * The form, built from one table of fields: labelled inputs with an error slot next to each
 * (`aria-describedby`, `aria-invalid`), read back as raw texts for validateConfig.
 */
import {
  ACTIVATIONS,
  ARCHITECTURES,
  AUGMENTATIONS,
  BACKENDS,
  FIELDS,
  INITS,
  type LabConfig,
  OPTIMIZERS,
} from './config.js';

type Field = keyof LabConfig;

interface FieldSpec {
  name: Field;
  label: string;
  kind: 'number' | 'select' | 'checkbox';
  options?: readonly string[];
  step?: string;
  hint?: string;
}

/** Fieldsets in page order; labels are the accessible names (tests use "Epochs", "Training images"). */
export const FORM: readonly { legend: string; id: string; fields: FieldSpec[] }[] = [
  {
    legend: 'Model',
    id: 'fs-model',
    fields: [
      {
        name: 'architecture',
        label: 'Architecture',
        kind: 'select',
        options: ARCHITECTURES,
        hint: 'cnn: conv 8, conv 16, dense',
      },
      { name: 'depth', label: 'Hidden layers', kind: 'number', hint: 'MLP only, 1-10' },
      {
        name: 'hidden',
        label: 'Hidden units',
        kind: 'number',
        hint: 'per layer; the CNN dense layer',
      },
      { name: 'activation', label: 'Activation', kind: 'select', options: ACTIVATIONS },
      { name: 'init', label: 'Initialization', kind: 'select', options: INITS },
    ],
  },
  {
    legend: 'Training',
    id: 'fs-training',
    fields: [
      { name: 'epochs', label: 'Epochs', kind: 'number' },
      {
        name: 'limit',
        label: 'Training images',
        kind: 'number',
        hint: '10 % held out for validation',
      },
      { name: 'batchSize', label: 'Batch size', kind: 'number' },
      { name: 'optimizer', label: 'Optimizer', kind: 'select', options: OPTIMIZERS },
      { name: 'lr', label: 'Learning rate', kind: 'number', step: 'any', hint: 'in (0, 1]' },
      { name: 'seed', label: 'Seed', kind: 'number', hint: 'data split, weights, masks' },
      { name: 'backend', label: 'Backend', kind: 'select', options: BACKENDS },
    ],
  },
  {
    legend: 'Regularization (combine any)',
    id: 'fs-regularization',
    fields: [
      { name: 'l1', label: 'L1 lambda', kind: 'number', step: 'any', hint: '[0, 10]' },
      { name: 'l2', label: 'L2 lambda', kind: 'number', step: 'any', hint: '[0, 10]' },
      {
        name: 'elastic',
        label: 'Elastic net lambda',
        kind: 'number',
        step: 'any',
        hint: '[0, 10]',
      },
      {
        name: 'elasticRatio',
        label: 'Elastic L1 ratio',
        kind: 'number',
        step: 'any',
        hint: '[0, 1]',
      },
      {
        name: 'weightDecay',
        label: 'Decoupled weight decay',
        kind: 'number',
        step: 'any',
        hint: '[0, 10]',
      },
      { name: 'dropout', label: 'Dropout rate', kind: 'number', step: 'any', hint: '[0, 1)' },
      {
        name: 'dropConnect',
        label: 'DropConnect rate',
        kind: 'number',
        step: 'any',
        hint: '[0, 1), MLP',
      },
      {
        name: 'labelSmoothing',
        label: 'Label smoothing',
        kind: 'number',
        step: 'any',
        hint: '[0, 1)',
      },
      { name: 'maxNorm', label: 'Max-norm', kind: 'number', step: 'any', hint: '0 = off' },
    ],
  },
  {
    legend: 'Augmentation and early stopping',
    id: 'fs-augmentation',
    fields: [
      { name: 'augmentation', label: 'Augmentation', kind: 'select', options: AUGMENTATIONS },
      { name: 'earlyStopping', label: 'Early stopping', kind: 'checkbox', hint: 'on val loss' },
      { name: 'patience', label: 'Patience', kind: 'number', hint: 'epochs' },
      { name: 'restoreBest', label: 'Restore best weights', kind: 'checkbox' },
    ],
  },
];

function fieldElement(spec: FieldSpec): HTMLElement {
  const wrap = document.createElement('div');
  wrap.className = `field field-${spec.kind}`;
  const id = `f-${spec.name}`;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = spec.label;
  let input: HTMLInputElement | HTMLSelectElement;
  if (spec.kind === 'select') {
    input = document.createElement('select');
    for (const o of spec.options ?? []) input.append(new Option(o, o));
  } else {
    input = document.createElement('input');
    input.type = spec.kind === 'checkbox' ? 'checkbox' : 'text';
    if (spec.kind === 'number') input.inputMode = 'decimal';
  }
  input.id = id;
  input.name = spec.name;
  const error = document.createElement('span');
  error.className = 'error';
  error.id = `err-${spec.name}`;
  const described = [error.id];
  if (spec.hint) {
    const hint = document.createElement('small');
    hint.id = `hint-${spec.name}`;
    hint.textContent = spec.hint;
    described.push(hint.id);
    wrap.append(label, input, hint, error);
  } else wrap.append(label, input, error);
  input.setAttribute('aria-describedby', described.join(' '));
  return wrap;
}

/** Adds the fieldsets to `form` (before its first child). */
export function buildForm(form: HTMLFormElement): void {
  const sets = FORM.map((group) => {
    const fs = document.createElement('fieldset');
    fs.id = group.id;
    const legend = document.createElement('legend');
    legend.textContent = group.legend;
    fs.append(legend, ...group.fields.map(fieldElement));
    return fs;
  });
  form.prepend(...sets);
}

const control = (form: HTMLFormElement, name: Field) =>
  form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

/** Raw texts of every field ("true"/"false" for checkboxes). */
export function readRaw(form: HTMLFormElement): Record<Field, string> {
  const raw = {} as Record<Field, string>;
  for (const f of FIELDS) {
    const el = control(form, f);
    raw[f] =
      el instanceof HTMLInputElement && el.type === 'checkbox' ? String(el.checked) : el.value;
  }
  return raw;
}

export function writeRaw(form: HTMLFormElement, raw: Record<Field, string>): void {
  for (const f of FIELDS) {
    const el = control(form, f);
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = raw[f] === 'true';
    else el.value = raw[f];
  }
}

/** Shows every message next to its field (and clears the others); returns how many there are. */
export function showErrors(form: HTMLFormElement, errors: Partial<Record<Field, string>>): number {
  for (const f of FIELDS) {
    const el = control(form, f);
    const slot = form.querySelector<HTMLSpanElement>(`#err-${f}`)!;
    const message = errors[f];
    slot.textContent = message ?? '';
    if (message) el.setAttribute('aria-invalid', 'true');
    else el.removeAttribute('aria-invalid');
  }
  return Object.keys(errors).length;
}
