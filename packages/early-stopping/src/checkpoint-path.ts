import { InvalidArgumentError } from '@overfit/core';

/** One `{name}` / `{name:format}` field of a checkpoint path template. */
export interface TemplateField {
  /** `epoch` or a log key (`valLoss`, `val_loss`, ...). */
  readonly key: string;
  /** Python-style spec: `''`, `Nd` / `0Nd` (integer, padded), `.Nf` (fixed), `.Ne` (exponent). */
  readonly format: string;
}

const FIELD = /\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}/g;
const FORMAT = /^(?:(0?)(\d+)d|\.(\d+)[fe]|)$/;

/**
 * The fields of a path template such as `ckpt/epoch-{epoch:03d}-{valLoss:.4f}` (Keras'
 * `filepath` with Python's `str.format` subset that file names use).
 *
 * @throws InvalidArgumentError for an unknown format spec or a stray brace
 * @example templateFields('best-{epoch:02d}') // [{ key: 'epoch', format: '02d' }]
 */
export function templateFields(template: string): TemplateField[] {
  const fields: TemplateField[] = [];
  for (const match of template.matchAll(FIELD)) {
    const format = match[2] ?? '';
    if (!FORMAT.test(format)) {
      throw new InvalidArgumentError(
        'filepath',
        template,
        `a template whose fields are {key}, {key:Nd}, {key:0Nd}, {key:.Nf} or {key:.Ne}; '${match[0]}' is not`,
      );
    }
    fields.push({ key: match[1]!, format });
  }
  if (/[{}]/.test(template.replace(FIELD, ''))) {
    throw new InvalidArgumentError(
      'filepath',
      template,
      'a template whose braces only enclose fields such as {epoch} or {valLoss:.4f}',
    );
  }
  return fields;
}

function formatValue(value: number, format: string): string {
  const [, zero, width, digits] = FORMAT.exec(format)!;
  if (width !== undefined) {
    const text = String(Math.round(value));
    return text.padStart(Number(width), zero === '0' ? '0' : ' ');
  }
  if (digits !== undefined) {
    return format.endsWith('e')
      ? value.toExponential(Number(digits))
      : value.toFixed(Number(digits));
  }
  return String(value);
}

/**
 * Fills a path template: each field's value comes from `values` (by its key); formats as
 * Python's (`{epoch:03d}` → `007`, `{valLoss:.4f}` → `0.1235`).
 *
 * @example formatTemplate('e{epoch:02d}-{valLoss:.2f}', { epoch: 3, valLoss: 0.4567 }) // 'e03-0.46'
 */
export function formatTemplate(template: string, values: Readonly<Record<string, number>>): string {
  return template.replace(FIELD, (_, key: string, format: string | undefined) =>
    formatValue(values[key]!, format ?? ''),
  );
}
