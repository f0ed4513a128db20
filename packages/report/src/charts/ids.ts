import { slug } from '../format.js';
import type { RunRecord } from '../types.js';

export { slug };

/** A chart id unique to a run: `<id>-<run slug>`. */
export function runChartId(id: string, run: RunRecord): string {
  return `${id}-${slug(run.name)}`;
}
