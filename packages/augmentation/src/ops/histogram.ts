import * as tf from '@tensorflow/tfjs-core';
import { takeRows } from './gather.js';

/** `[N, H, W, C]` in [0, 1] -> int32 levels `[N*C, H*W]` (torchvision's float -> uint8: `floor(x · 255.999)`). */
function toLevelRows(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  return tf.tidy(
    () =>
      tf.cast(
        tf.floor(
          tf.mul(
            tf.clipByValue(tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n * c, h * w]), 0, 1),
            255.999,
          ),
        ),
        'int32',
      ) as tf.Tensor2D,
  );
}

function fromRows(rows: tf.Tensor, shape: readonly [number, number, number, number]): tf.Tensor4D {
  const [n, h, w, c] = shape;
  return tf.transpose(tf.reshape(rows, [n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
}

/** Looks up `levels[r, j]` in `lut[r, :]` for every row at once (one gather on the flat table). */
function applyLut(levels: tf.Tensor2D, lut: tf.Tensor2D): tf.Tensor2D {
  const [rows, bins] = lut.shape;
  return tf.tidy(() => {
    const offset = tf.reshape(tf.range(0, rows * bins, bins, 'int32'), [rows, 1]);
    const index = tf.reshape(tf.add(levels, offset), [-1]);
    return tf.reshape(takeRows(tf.reshape(lut, [-1]), index), levels.shape) as tf.Tensor2D;
  });
}

/** Per-row 256-bin histograms of int32 levels, as float32 `[rows, 256]`. */
function histograms(levels: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.cast(
        tf.denseBincount(levels, tf.tensor1d([], 'float32') as unknown as tf.Tensor2D, 256),
        'float32',
      ) as tf.Tensor2D,
  );
}

/**
 * Histogram equalization of every image and channel (PIL's / torchvision's `equalize`):
 * `step = floor((count - count of the top level) / 255)`,
 * `lut[i] = min(255, floor((cumsum_{<i} + floor(step / 2)) / step))`; a channel with
 * `step = 0` keeps its levels. Output `lut[level] / 255` with `level = floor(x · 255.999)`
 * (torchvision v2 on float images: to uint8 and back).
 */
export function equalizeImages(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.tidy(() => {
    const levels = toLevelRows(x);
    const hist = histograms(levels);
    // Count of the top level present. Not through oneHot: tfjs-backend-wasm 4.22's OneHot
    // ignores dtype 'float32' (it writes int32 bits: 1 reads as 1.4e-45).
    const isTop = tf.cast(tf.equal(levels, tf.max(levels, 1, true)), 'float32');
    const top = tf.sum(isTop, 1, true);
    const step = tf.floor(tf.div(tf.sub(h * w, top), 255));
    const safeStep = tf.maximum(step, 1);
    const before = tf.sub(tf.cumsum(hist, 1), hist);
    const lut = tf.minimum(
      tf.floor(tf.div(tf.add(before, tf.floor(tf.div(step, 2))), safeStep)),
      255,
    );
    // A channel with step 0 keeps its levels: torchvision v2 equalizes floats as uint8 and
    // converts back, so such a channel comes out as `level / 255`, not as it went in.
    const lutOrIdentity = tf.where(
      tf.broadcastTo(tf.greater(step, 0), lut.shape),
      lut,
      tf.range(0, 256, 1, 'float32'),
    );
    return fromRows(tf.div(applyLut(levels, lutOrIdentity as tf.Tensor2D), 255), x.shape);
  });
}

/**
 * CLAHE (contrast-limited adaptive histogram equalization), OpenCV's `createCLAHE` on
 * 8-bit levels: the image is cut into a `grid` of tiles (H and W must divide evenly); each
 * tile's 256-bin histogram is clipped at the integer `max(1, floor(clipLimit · tilePixels
 * / 256))` (no clipping for `clipLimit` 0); the clipped pixels go back as
 * `floor(clipped / 256)` to every bin plus one each to `clipped mod 256` bins spaced
 * `max(1, floor(256 / residual))` apart from bin 0; the table is
 * `round(cdf · 255 / tilePixels)`; each pixel blends the tables of the 4 nearest tile
 * centres bilinearly and is rounded to a level (`round` is half-to-even, like `cvRound`).
 */
export function claheImages(
  x: tf.Tensor4D,
  grid: readonly [number, number],
  clipLimit: number,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const [gy, gx] = grid;
  const th = h / gy;
  const tw = w / gx;
  return tf.tidy(() => {
    const levels = toLevelRows(x); // [N*C, H*W]
    const rows = n * c;
    // Tiles as rows: [N*C, gy, th, gx, tw] -> [N*C*gy*gx, th*tw].
    const tiles = tf.reshape(
      tf.transpose(tf.reshape(levels, [rows, gy, th, gx, tw]), [0, 1, 3, 2, 4]),
      [rows * gy * gx, th * tw],
    ) as tf.Tensor2D;
    let hist: tf.Tensor = histograms(tiles);
    const area = th * tw;
    if (clipLimit > 0) {
      // All counts are integers below 2^24, so float32 arithmetic on them is exact.
      const limit = Math.max(1, Math.floor((clipLimit * area) / 256));
      const clipped = tf.sum(tf.relu(tf.sub(hist, limit)), 1, true);
      const batch = tf.floor(tf.div(clipped, 256));
      const residual = tf.sub(clipped, tf.mul(batch, 256));
      const step = tf.maximum(tf.floor(tf.div(256, tf.maximum(residual, 1))), 1);
      const bin = tf.reshape(tf.range(0, 256, 1, 'float32'), [1, 256]);
      // Bin i gets one of the residual pixels when i = k · step for some k < residual.
      const onGrid = tf.equal(tf.mod(bin, step), 0);
      const early = tf.less(tf.floor(tf.div(bin, step)), residual);
      const extra = tf.cast(tf.logicalAnd(onGrid, early), 'float32');
      hist = tf.add(tf.add(tf.minimum(hist, limit), batch), extra);
    }
    const lut = tf.reshape(
      tf.clipByValue(tf.round(tf.mul(tf.cumsum(hist, 1), 255 / area)), 0, 255),
      [rows, gy * gx, 256],
    );
    // OpenCV's interpolation: t = i · (1 / tile) - 0.5 in tile units, neighbours clamped to
    // the grid, in float32 step by step as OpenCV computes it: the blend below can land on
    // exactly .5 of a level, and then the last bit of the weights decides the rounding.
    const f32 = Math.fround;
    const coord = (len: number, tile: number, count: number) => {
      const inv = f32(1 / tile);
      const t = Array.from({ length: len }, (_, i) => f32(f32(i * inv) - 0.5));
      const lo = t.map((v) => Math.min(Math.max(Math.floor(v), 0), count - 1));
      const hi = t.map((v) => Math.min(Math.floor(v) + 1, count - 1));
      const f = t.map((v) => f32(v - Math.floor(v)));
      return { lo, hi, f, g: f.map((v) => f32(1 - v)) };
    };
    const cy = coord(h, th, gy);
    const cx = coord(w, tw, gx);
    const lookup = (ys: number[], xs: number[]) => {
      // Per pixel: tile index ys[y] * gx + xs[x]; gather (row, tile, level) from the flat table.
      const tileOfPixel = tf.tensor2d(
        ys.flatMap((ty) => xs.map((tx) => (ty * gx + tx) * 256)),
        [1, h * w],
        'int32',
      );
      const rowOffset = tf.reshape(tf.range(0, rows * gy * gx * 256, gy * gx * 256, 'int32'), [
        rows,
        1,
      ]);
      const index = tf.add(tf.add(rowOffset, tileOfPixel), levels);
      return tf.reshape(takeRows(tf.reshape(lut, [-1]), index), [rows, h, w]);
    };
    const fy = tf.reshape(tf.tensor1d(cy.f), [1, h, 1]);
    const gy1 = tf.reshape(tf.tensor1d(cy.g), [1, h, 1]);
    const fx = tf.reshape(tf.tensor1d(cx.f), [1, 1, w]);
    const gx1 = tf.reshape(tf.tensor1d(cx.g), [1, 1, w]);
    const top = tf.add(tf.mul(lookup(cy.lo, cx.lo), gx1), tf.mul(lookup(cy.lo, cx.hi), fx));
    const bottom = tf.add(tf.mul(lookup(cy.hi, cx.lo), gx1), tf.mul(lookup(cy.hi, cx.hi), fx));
    const out = tf.div(tf.round(tf.add(tf.mul(top, gy1), tf.mul(bottom, fy))), 255);
    return fromRows(tf.reshape(out, [rows, h * w]), x.shape);
  });
}
