/**
 * 3x3 homogeneous matrices on the host (row-major, 9 numbers), in pixel-index coordinates
 * (x right, y down, pixel centres at integers): one small matrix per image, composed in JS,
 * then handed to the batched warp.
 */
export type Mat3 = number[];

/** A {@link Mat3}'s nine entries as a tuple, for destructuring. */
export type Mat3Entries = [number, number, number, number, number, number, number, number, number];

export const identity = (): Mat3 => [1, 0, 0, 0, 1, 0, 0, 0, 1];

/** `a · b`. */
export function multiply(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
    }
  }
  return out;
}

/** Product of several matrices, left to right. */
export function chain(...ms: Mat3[]): Mat3 {
  return ms.reduce((acc, m) => multiply(acc, m), identity());
}

/** Inverse by the adjugate; throws on a singular matrix. */
export function invert(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m as Mat3Entries;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12) throw new RangeError('singular transform matrix');
  const inv = [
    A,
    -(b * i - c * h),
    b * f - c * e,
    B,
    a * i - c * g,
    -(a * f - c * d),
    C,
    -(a * h - b * g),
    a * e - b * d,
  ];
  return inv.map((v) => v / det);
}

export const translation = (tx: number, ty: number): Mat3 => [1, 0, tx, 0, 1, ty, 0, 0, 1];
export const scaling = (sx: number, sy: number): Mat3 => [sx, 0, 0, 0, sy, 0, 0, 0, 1];

/** cos/sin with multiples of 90 degrees exact, so quarter turns are pixel-exact. */
function cosSin(degrees: number): [number, number] {
  const rad = (degrees * Math.PI) / 180;
  const snap = (v: number) => (Math.abs(v - Math.round(v)) < 1e-12 ? Math.round(v) + 0 : v);
  return [snap(Math.cos(rad)), snap(Math.sin(rad))];
}

/**
 * Forward rotation by `degrees`, counter-clockwise as seen on screen (torchvision's
 * `F.rotate`; its `F.affine` turns clockwise, so ours is `F.affine(angle=-degrees)`);
 * with y pointing down that is `x' = x cos + y sin, y' = -x sin + y cos`.
 */
export function rotation(degrees: number): Mat3 {
  const [c, s] = cosSin(degrees);
  return [c, s, 0, -s, c, 0, 0, 0, 1];
}

/**
 * Forward shear: the x-shear `x' = x + tan(sx) y` followed by the y-shear
 * `y' = y + tan(sy) x` (angles in degrees), i.e. `Y(sy) · X(sx)` as torchvision composes
 * them. Both factors have determinant 1, so any pair keeps areas and never mirrors (the
 * one-matrix form `[[1, tan sx], [tan sy, 1]]` has determinant `1 - tan sx tan sy`).
 */
export function shearing(sxDegrees: number, syDegrees: number): Mat3 {
  const tx = Math.tan((sxDegrees * Math.PI) / 180);
  const ty = Math.tan((syDegrees * Math.PI) / 180);
  return [1, tx, 0, ty, 1 + ty * tx, 0, 0, 0, 1];
}

/** `T(c) · m · T(-c)`: `m` applied about the point `(cx, cy)`. */
export function about(m: Mat3, cx: number, cy: number): Mat3 {
  return chain(translation(cx, cy), m, translation(-cx, -cy));
}

/** The 8 numbers `tf.image.transform` takes (normalized so the last entry is 1). */
export function toTransformRow(inverse: Mat3): number[] {
  const k = inverse[8]!;
  return inverse.slice(0, 8).map((v) => v / k);
}

/**
 * The homography mapping the 4 points `from` onto `to` (each `[x, y]`), by solving the
 * 8x8 linear system with partial pivoting.
 */
export function homography(
  from: readonly (readonly [number, number])[],
  to: readonly (readonly [number, number])[],
): Mat3 {
  const a: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const [x, y] = from[k]!;
    const [u, v] = to[k]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++)
      if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-12) throw new RangeError('degenerate perspective points');
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / p;
      for (let c = col; c < 9; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  const h = a.map((row, r) => row[8]! / row[r]!);
  return [...h, 1];
}
