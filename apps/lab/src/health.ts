import type { HealthFlags } from '@overfit/metrics';
import { formatCell } from '@overfit/report';

/** Verdict of the Trainer's gradient-health check, for the badge. */
export interface HealthBadge {
  state: 'ok' | 'vanishing' | 'exploding' | 'vanishing+exploding' | 'non-finite' | 'unknown';
  /** Human text naming the flagged layers and the first/last-layer norm ratio. */
  text: string;
}

/**
 * Badge for an epoch's `diagnostics.health` (`healthFlags` of `@overfit/metrics` on the
 * epoch's mean per-layer gradient norms): non-finite wins, then vanishing and/or exploding.
 *
 * @example
 * healthBadge(trainer.history.epochs.at(-1).diagnostics.health); // { state: 'ok', text: 'gradients healthy (first/last layer norm ratio 0.41)' }
 */
export function healthBadge(health: HealthFlags | undefined): HealthBadge {
  if (!health) return { state: 'unknown', text: 'gradient health: not measured' };
  const ratio =
    health.ratio === null ? '' : ` (first/last layer norm ratio ${formatCell(health.ratio)})`;
  const named = (flag: 'vanishing' | 'exploding' | 'nonFinite') => {
    const layers = health.layers.filter((l) => l[flag]).map((l) => l.name);
    return layers.length ? `: ${layers.join(', ')}` : '';
  };
  if (health.nonFinite)
    return { state: 'non-finite', text: `non-finite gradients${named('nonFinite')}` };
  if (health.vanishing && health.exploding)
    return {
      state: 'vanishing+exploding',
      text: `vanishing${named('vanishing')}; exploding${named('exploding')}${ratio}`,
    };
  if (health.vanishing)
    return { state: 'vanishing', text: `vanishing gradients${named('vanishing')}${ratio}` };
  if (health.exploding)
    return { state: 'exploding', text: `exploding gradients${named('exploding')}${ratio}` };
  return { state: 'ok', text: `gradients healthy${ratio}` };
}
