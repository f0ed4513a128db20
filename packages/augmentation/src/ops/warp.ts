import * as tf from '@tensorflow/tfjs-core';
import { takeRows } from './gather.js';
import { type Mat3, type Mat3Entries, toTransformRow } from './matrix.js';

/** How pixels that map outside the input are filled (those of `tf.image.transform`). */
export type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';
export const FILL_MODES: readonly FillMode[] = ['constant', 'reflect', 'wrap', 'nearest'];
export type Interpolation = 'nearest' | 'bilinear';
export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear'];

export interface WarpOptions {
  interpolation: Interpolation;
  fillMode: FillMode;
  fillValue: number;
  /** `[height, width]` of the output; default the input's. */
  outputSize?: readonly [number, number];
}

/**
 * How the batch is resampled. `kernel`: one `tf.image.transform` call with per-image
 * matrices (native on wasm/webgl/webgpu). `perImage`: tfjs-backend-cpu 4.22's Transform
 * kernel returns after the first image of a batch (its `return` sits inside the batch
 * loop), so on cpu the kernel is called once per image (a loop over images, not pixels;
 * about 30x faster there than the ops-only sampler). `gather`: the ops-only sampler
 * ({@link sampleAt}), the reference the other two are tested against.
 */
export type WarpPath = 'kernel' | 'perImage' | 'gather';

/**
 * The path for the current backend. tfjs-backend-wasm 4.22's Transform kernel gets
 * `'reflect'` wrong left of / above the image (it reads the last pixel: a shift by 4 of
 * `0 1 2 3 4 5` gives `5 5 5 5 0 1` instead of `3 2 1 0 0 1`), so wasm reflects through
 * the ops-only sampler.
 */
export function warpPath(fillMode: FillMode = 'constant'): WarpPath {
  const backend = tf.getBackend();
  if (backend === 'cpu') return 'perImage';
  return backend === 'wasm' && fillMode === 'reflect' ? 'gather' : 'kernel';
}

/**
 * Whether some output pixel of `[oh, ow]` maps onto an input coordinate exactly halfway
 * between two pixels (a nearest-neighbour tie) under one of the `inverse` matrices: a zoom
 * out by 2 about the centre, a half-pixel shift. torchvision (`grid_sample`) breaks such ties
 * to the even pixel; the Transform kernels round them up (cpu) or away from zero (wasm).
 */
export function hasNearestTies(
  inverse: readonly Mat3[],
  [oh, ow]: readonly [number, number],
): boolean {
  // Coordinates in the warp are float32; 1e-9 px only catches ties exact in double.
  const near = (v: number) => Math.abs(v - Math.floor(v) - 0.5) < 1e-9;
  for (const m of inverse) {
    const [a, b, c, d, e, f, g, h, k] = m as Mat3Entries;
    for (let y = 0; y < oh; y++) {
      // Along a row the homogeneous coordinates grow by (a, d, g) per pixel.
      let u = b * y + c;
      let v = e * y + f;
      let z = h * y + k;
      for (let x = 0; x < ow; x++) {
        if (near(u / z) || near(v / z)) return true;
        u += a;
        v += d;
        z += g;
      }
    }
  }
  return false;
}

/**
 * Resamples every image of an NHWC batch through its own projective matrix `inverse[i]`,
 * which maps OUTPUT pixel coordinates to INPUT pixel coordinates. Nearest-neighbour batches
 * with a tie ({@link hasNearestTies}) go through the ops-only sampler, which breaks ties to
 * the even pixel as torchvision does.
 */
export function warpProjective(
  images: tf.Tensor4D,
  inverse: readonly Mat3[],
  options: WarpOptions,
  path?: WarpPath,
): tf.Tensor4D {
  const [n, h, w] = images.shape;
  const [oh, ow] = options.outputSize ?? [h, w];
  if (path === undefined)
    path =
      options.interpolation === 'nearest' && hasNearestTies(inverse, [oh, ow])
        ? 'gather'
        : warpPath(options.fillMode);
  return tf.tidy(() => {
    const rows = tf.tensor2d(inverse.map(toTransformRow), [n, 8], 'float32');
    if (path === 'kernel') {
      return tf.image.transform(
        images,
        rows,
        options.interpolation,
        options.fillMode,
        options.fillValue,
        [oh, ow],
      );
    }
    if (path === 'perImage') {
      const outs = tf
        .split(images, n)
        .map((img, i) =>
          tf.image.transform(
            img as tf.Tensor4D,
            tf.slice(rows, [i, 0], [1, 8]),
            options.interpolation,
            options.fillMode,
            options.fillValue,
            [oh, ow],
          ),
        );
      return n === 1 ? outs[0]! : tf.concat(outs);
    }
    const col = (k: number) => tf.reshape(tf.slice(rows, [0, k], [n, 1]), [n, 1, 1]);
    const xs = tf.reshape(tf.range(0, ow, 1, 'float32'), [1, 1, ow]);
    const ys = tf.reshape(tf.range(0, oh, 1, 'float32'), [1, oh, 1]);
    const lin = (a: number, b: number, c: number) =>
      tf.add(tf.add(tf.mul(col(a), xs), tf.mul(col(b), ys)), col(c));
    const k = tf.add(tf.add(tf.mul(col(6), xs), tf.mul(col(7), ys)), 1);
    return sampleAt(images, tf.div(lin(0, 1, 2), k), tf.div(lin(3, 4, 5), k), options);
  });
}

function mapCoord(c: tf.Tensor, len: number, mode: FillMode): tf.Tensor {
  if (mode === 'nearest') return tf.clipByValue(c, 0, len - 1);
  if (mode === 'wrap') return tf.clipByValue(tf.mod(tf.add(tf.mod(c, len), len), len), 0, len - 1);
  if (mode === 'reflect') {
    // [dcba|abcd|dcba]: reflect about the outer pixel edges.
    const u = tf.mod(tf.add(tf.mod(tf.add(c, 0.5), 2 * len), 2 * len), 2 * len);
    return tf.clipByValue(
      tf.sub(tf.where(tf.greaterEqual(u, len), tf.sub(2 * len, u), u), 0.5),
      0,
      len - 1,
    );
  }
  return c;
}

/** 1 where `0 <= c <= len - 1` for integer-valued `c`, else 0 (float math: bool ops are slow on wasm). */
function insideAxis(c: tf.Tensor, len: number): tf.Tensor {
  return tf.mul(tf.step(tf.add(c, 0.5)), tf.step(tf.sub(len - 0.5, c)));
}

/**
 * Samples `images` at per-pixel input coordinates `x`, `y` (each `[N, Ho, Wo]`, pixel-index
 * units) with bilinear or nearest interpolation, matching `tf.image.transform`'s rules
 * (constant fill blends each out-of-image tap with `fillValue`). Elementwise ops plus one
 * gather of all taps, so it runs on every backend. Nearest rounds half-way coordinates to the
 * even pixel (torchvision's `grid_sample`; the kernels round them up). Returns `[N, Ho, Wo, C]`.
 */
export function sampleAt(
  images: tf.Tensor4D,
  x: tf.Tensor,
  y: tf.Tensor,
  options: Omit<WarpOptions, 'outputSize'>,
): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  const [, oh, ow] = x.shape as [number, number, number];
  return tf.tidy(() => {
    const flat = tf.reshape(images, [n * h * w, c]);
    const base = tf.reshape(tf.range(0, n * h * w, h * w, 'float32'), [n, 1, 1]);
    const mx = mapCoord(x, w, options.fillMode);
    const my = mapCoord(y, h, options.fillMode);
    const constant = options.fillMode === 'constant';
    // Taps as (row, column, weight); weights of taps outside the image are zeroed for constant fill.
    const taps: [tf.Tensor, tf.Tensor, tf.Tensor][] = [];
    if (options.interpolation === 'nearest') {
      // Half-way ties to the even pixel (tf.round is banker's rounding), as grid_sample.
      const xr = tf.round(mx);
      const yr = tf.round(my);
      taps.push([
        yr,
        xr,
        constant ? tf.mul(insideAxis(xr, w), insideAxis(yr, h)) : tf.onesLike(xr),
      ]);
    } else {
      const x0 = tf.floor(mx);
      const y0 = tf.floor(my);
      const fx = tf.sub(mx, x0);
      const fy = tf.sub(my, y0);
      const x1 = tf.add(x0, 1);
      const y1 = tf.add(y0, 1);
      let wx0 = tf.sub(1, fx);
      let wx1 = fx;
      let wy0 = tf.sub(1, fy);
      let wy1 = fy;
      if (constant) {
        wx0 = tf.mul(wx0, insideAxis(x0, w));
        wx1 = tf.mul(wx1, insideAxis(x1, w));
        wy0 = tf.mul(wy0, insideAxis(y0, h));
        wy1 = tf.mul(wy1, insideAxis(y1, h));
      }
      taps.push(
        [y0, x0, tf.mul(wy0, wx0)],
        [y0, x1, tf.mul(wy0, wx1)],
        [y1, x0, tf.mul(wy1, wx0)],
        [y1, x1, tf.mul(wy1, wx1)],
      );
    }
    // Flat indices in float32 are exact below 2^24 elements; larger batches use int32 math.
    const small = n * h * w < 2 ** 24;
    const index = taps.map(([yi, xi]) => {
      const yc = tf.clipByValue(yi, 0, h - 1);
      const xc = tf.clipByValue(xi, 0, w - 1);
      if (small) return tf.add(base, tf.add(tf.mul(yc, w), xc));
      const i32 = (t: tf.Tensor) => tf.cast(t, 'int32');
      return tf.add(
        tf.mul(i32(base), tf.scalar(h * w, 'int32')),
        tf.add(tf.mul(i32(yc), tf.scalar(w, 'int32')), i32(xc)),
      );
    });
    const k = taps.length;
    const gathered = tf.reshape(takeRows(flat, tf.cast(tf.stack(index), 'int32')), [
      k,
      n,
      oh,
      ow,
      c,
    ]);
    const weights = tf.reshape(tf.stack(taps.map(([, , wt]) => wt)), [k, n, oh, ow, 1]);
    let out =
      k === 1
        ? tf.reshape(tf.mul(gathered, weights), [n, oh, ow, c])
        : tf.sum(tf.mul(gathered, weights), 0);
    if (constant && options.fillValue !== 0) {
      const missing = tf.sub(1, k === 1 ? tf.reshape(weights, [n, oh, ow, 1]) : tf.sum(weights, 0));
      out = tf.add(out, tf.mul(missing, options.fillValue));
    }
    return out as tf.Tensor4D;
  });
}
