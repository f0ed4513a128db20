/**
 * Bad input to a chart or report builder. The package is a leaf (no `@overfit/core`), so it has
 * its own error class; the message names the argument, the value and what is allowed.
 */
export class OverfitReportError extends Error {
  override name = 'OverfitReportError';
}
