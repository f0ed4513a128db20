// Every transform of @overfit/augmentation on real MNIST digits, with the course's domain
// warnings: flips turn digits into non-digits, large rotations turn a 6 into a 9. Each
// transform is written as a spec string (the CLI's `--augment` syntax) and applied with
// probability 1 so that its effect shows. Augmentation works on pixels in [0, 1] and is used
// in training only.
import { augment, domainWarnings, parseAugmentationSpec } from '@overfit/augmentation';
import { Rng } from '@overfit/core';
import { splitToTensors } from '@overfit/data';
import { loadMnist } from '@overfit/data/node';
import { escapeHtml } from '@overfit/report';
import * as tf from '@tensorflow/tfjs';
import { pngImg } from '../lib/png.js';
import { round } from '../lib/runs.js';
import type { Example, ExampleResult } from '../lib/types.js';

const SEED = 0;

/** Spec strings: geometric, photometric, erasing, mixing, elastic, policies. */
export const GALLERY = [
  'hflip(1)',
  'vflip(1)',
  'rotate(15)',
  'rotate(180)',
  'translate(0.15)',
  'zoom(0.25)',
  'shear(20)',
  'perspective(0.4, 1)',
  'crop(28, 4)',
  'resizedCrop(28)',
  'brightness(0.5)',
  'contrast(0.6)',
  'gamma(0.6)',
  'shift(0.3)',
  'jitter(0.3, 0.3)',
  'sharpness(3, 1)',
  'autocontrast(1)',
  'equalize(1)',
  'clahe(4, 1)',
  'invert(1)',
  'solarize(0.5, 1)',
  'posterize(1, 1)',
  'noise(0.2)',
  'blur(5, 1.5)',
  'erase(1)',
  'cutout(4, 1)',
  'gridDropout(0.5, 1)',
  'elastic(34, 4)',
  'mixup(1)',
  'cutmix(1)',
  'randAugment(2, 9)',
  'trivialAugment',
  'mnist',
];

/** Stretching to [0, 1] changes nothing on MNIST digits: they already span it. */
const NO_OP_ON_MNIST = ['autocontrast(1)'];

export const augmentationGallery: Example = {
  name: 'augmentation-gallery',
  claim:
    "every augmentation on real digits, with the domain warnings: flips and large rotations are flagged as unsafe for digits, the course's rotation ±15° is not",
  seed: SEED,
  async run({ quick, log }): Promise<ExampleResult> {
    const count = quick ? 4 : 8;
    // 'unit': pixels x/255 in [0, 1], as the transforms expect (normalize after augmenting).
    const data = await loadMnist({ limit: 1000, testLimit: 100, normalize: 'unit', seed: SEED });
    const split = splitToTensors(data.test, { shape: 'image' });
    const images = tf.tidy(() => split.x.slice([0, 0, 0, 0], [count, 28, 28, 1]));
    const labels = tf.tidy(() =>
      tf.oneHot(split.y.slice([0], [count]) as tf.Tensor1D, 10).toFloat(),
    );
    const firstLabels = split.y.slice([0], [count]);
    const digits = Array.from(await firstLabels.data());
    firstLabels.dispose();
    tf.dispose([split.x, split.y]);
    const originals = await images.data();

    const rows: string[] = [];
    const table: { spec: string; warnings: string[]; meanAbsChange: number; inRange: boolean }[] =
      [];
    const rng = new Rng(SEED);
    for (const spec of GALLERY) {
      const transform = parseAugmentationSpec(spec);
      const warnings = domainWarnings(transform, 'digits').map((w) => w.reason);
      const out = augment(transform, images, labels, { training: true, rng: rng.fork(spec) });
      const [pixels, [lo, hi]] = await Promise.all([
        out.images.data(),
        Promise.all(
          [tf.min(out.images), tf.max(out.images)].map(async (t) => {
            const v = (await t.data())[0]!;
            t.dispose();
            return v;
          }),
        ),
      ]);
      tf.dispose([out.images, out.labels!]);
      let change = 0;
      for (let i = 0; i < pixels.length; i++) change += Math.abs(pixels[i]! - originals[i]!);
      const entry = {
        spec,
        warnings,
        meanAbsChange: round(change / pixels.length),
        inRange: lo! >= 0 && hi! <= 1,
      };
      table.push(entry);
      const cells = digits
        .map(
          (_, k) =>
            `<td>${pngImg(pixels.subarray(k * 784, (k + 1) * 784), 28, 28, `${spec} on digit ${digits[k]}`)}</td>`,
        )
        .join('');
      rows.push(
        `<tr><th scope="row"><code>${escapeHtml(spec)}</code></th>${cells}<td>${entry.meanAbsChange}</td><td>${warnings.length ? `⚠ ${escapeHtml(warnings.join('; '))}` : ''}</td></tr>`,
      );
    }
    const originalCells = digits
      .map(
        (d, k) =>
          `<td>${pngImg(originals.subarray(k * 784, (k + 1) * 784), 28, 28, `digit ${d}`)}</td>`,
      )
      .join('');
    tf.dispose([images, labels]);

    const flagged = table.filter((t) => t.warnings.length).map((t) => t.spec);
    log(`${table.length} transforms on ${count} digits; flagged for digits: ${flagged.join(', ')}`);
    const unchanged = table
      .filter((t) => t.meanAbsChange === 0 && !NO_OP_ON_MNIST.includes(t.spec))
      .map((t) => t.spec);
    if (unchanged.length) log(`unchanged: ${unchanged.join(', ')}`);
    const warned = (spec: string) => table.find((t) => t.spec === spec)!.warnings.length > 0;
    const numbers = {
      transforms: table.length,
      flagged: flagged.length,
      unchanged: unchanged.length,
      outOfRange: table.filter((t) => !t.inRange).length,
    };
    const gallery = [
      '<table><thead><tr><th>transform</th>',
      digits.map(() => '<th></th>').join(''),
      '<th>mean |Δ pixel|</th><th>domain warning (digits)</th></tr></thead><tbody>',
      `<tr><th scope="row">original</th>${originalCells}<td></td><td></td></tr>`,
      ...rows,
      '</tbody></table>',
    ].join('\n');
    return {
      numbers,
      checks: [
        {
          claim:
            'flips and rotate(180) are flagged unsafe for digits; rotate(15) and the mnist preset are not',
          holds:
            warned('hflip(1)') &&
            warned('vflip(1)') &&
            warned('rotate(180)') &&
            !warned('rotate(15)') &&
            !warned('mnist'),
        },
        {
          claim:
            'every transform changes the digits (but autocontrast: MNIST digits already span [0, 1])',
          holds: numbers.unchanged === 0,
        },
        { claim: 'every output stays in [0, 1]', holds: numbers.outOfRange === 0 },
      ],
      html: [{ title: 'Gallery (each row: one transform applied with p = 1)', body: gallery }],
      details: { transforms: table },
    };
  },
};
