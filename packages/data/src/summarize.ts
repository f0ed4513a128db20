/**
 * Describes a possibly huge array for an error message by its type and length, so that
 * reporting a bad 47-million-element array does not serialize it.
 */
export function summarize(value: unknown): unknown {
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    const length = (value as { length?: number }).length ?? (value as ArrayBufferView).byteLength;
    return `${value.constructor.name}(${length})`;
  }
  return value;
}
