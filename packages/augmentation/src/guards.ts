import { checkOneOf, InvalidArgumentError, type Transform } from '@overfit/core';
import type { AugmentationConfig } from './augmentation.js';
import { describeAugmentation } from './registry.js';

/** Kinds of data with known unsafe augmentations. */
export type Domain = 'digits' | 'letters' | 'anatomy' | 'natural';
export const DOMAINS: readonly Domain[] = ['digits', 'letters', 'anatomy', 'natural'];

/** One transform in a pipeline that changes what the label means for the domain. */
export interface DomainWarning {
  /** Path in the config tree, e.g. `transforms[1]`. */
  path: string;
  transform: string;
  reason: string;
}

const FLIP = {
  digits:
    'mirroring turns digits into non-digits (2, 3, 4, 5, 7 have no mirror image among digits)',
  letters: 'mirroring swaps letters (b/d, p/q) or makes non-letters',
  anatomy: 'left and right are meaningful in anatomy (heart side, laterality markers)',
} as const;

/** Largest rotation (degrees) the course considers label-preserving, per domain. */
export const MAX_ROTATION: Readonly<Record<Domain, number>> = {
  digits: 30,
  letters: 30,
  anatomy: 15,
  natural: 180,
};

const ROTATION_REASON: Record<Domain, string> = {
  digits: '6 and 9 (and 2/5 strokes) swap or blur under large rotations; the course uses ±10-15°',
  letters: 'n/u, M/W swap under large rotations',
  anatomy: 'large rotations produce anatomy that does not occur in scans',
  natural: '',
};

/** Largest |angle| a config can produce (policies: their op space), or 0. */
function maxRotation(config: AugmentationConfig): number {
  if (Array.isArray(config.degrees)) return Math.max(...(config.degrees as number[]).map(Math.abs));
  if (config.name === 'randAugment') return 30;
  if (config.name === 'trivialAugment') return 135;
  return 0;
}

function walk(
  config: AugmentationConfig,
  path: string,
  visit: (c: AugmentationConfig, path: string) => void,
): void {
  visit(config, path);
  if (Array.isArray(config.transforms))
    (config.transforms as unknown as AugmentationConfig[]).forEach((c, i) => {
      walk(c, `${path}transforms[${i}].`, visit);
    });
  if (config.transform && typeof config.transform === 'object')
    walk(config.transform as unknown as AugmentationConfig, `${path}transform.`, visit);
}

/**
 * Lists the transforms of a pipeline that are unsafe for `domain` (the course's "domain
 * sense"): flips for digits, letters and anatomy, vertical flips for natural photos,
 * rotations beyond {@link MAX_ROTATION}.
 *
 * @example domainWarnings(parseAugmentationSpec('hflip,rotate(90)'), 'digits') // 2 warnings
 */
export function domainWarnings(transform: Transform, domain: Domain): DomainWarning[] {
  checkOneOf('domain', domain, DOMAINS);
  const out: DomainWarning[] = [];
  walk(describeAugmentation(transform), '', (c, path) => {
    const at = path.replace(/\.$/, '') || '(root)';
    if (c.name === 'horizontalFlip' && domain !== 'natural')
      out.push({ path: at, transform: c.name, reason: FLIP[domain] });
    if (c.name === 'verticalFlip') {
      out.push({
        path: at,
        transform: c.name,
        reason:
          domain === 'natural' ? 'upside-down scenes are rare in natural photos' : FLIP[domain],
      });
    }
    const angle = maxRotation(c);
    if (angle > MAX_ROTATION[domain])
      out.push({
        path: at,
        transform: c.name,
        reason: `rotates up to ${angle}° (> ${MAX_ROTATION[domain]}°): ${ROTATION_REASON[domain]}`,
      });
  });
  return out;
}

/**
 * Throws an {@link InvalidArgumentError} listing every unsafe transform for `domain`.
 *
 * @example assertSafeFor(presets.mnist(), 'digits'); // passes
 */
export function assertSafeFor(transform: Transform, domain: Domain): void {
  const warnings = domainWarnings(transform, domain);
  if (warnings.length) {
    throw new InvalidArgumentError(
      'augmentation',
      describeAugmentation(transform).name,
      `safe for ${domain}: ${warnings.map((w) => `${w.path} ${w.transform}: ${w.reason}`).join('; ')}`,
    );
  }
}
