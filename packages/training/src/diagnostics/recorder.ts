import * as tf from '@tensorflow/tfjs-core';

/** Mean, maximum and last value of a quantity over an epoch's steps, e.g. `{ mean: 0.4, max: 0.9, last: 0.3 }`. */
export interface NormStats {
  mean: number;
  max: number;
  last: number;
}

/** One recorded step of `History.gradientSteps`, e.g. `{ step: 7, global: 0.8, perLayer: { hidden_1: 0.5, output: 0.6 } }`. */
export interface GradientStep {
  /** Global step index (`epoch * stepsPerEpoch + batch`). */
  step: number;
  global: number;
  perLayer: Record<string, number>;
}

/** What a {@link GradientRecorder} hands over at epoch end (host numbers). */
export interface GradientEpochStats {
  global: NormStats;
  perLayer: Record<string, NormStats>;
  perParameter: Record<string, NormStats>;
  /** Mean of the finite update / weight ratios sampled this epoch, per parameter. */
  updateRatios: Record<string, number>;
}

class Running {
  sum = 0;
  max = Number.NEGATIVE_INFINITY;
  last = Number.NaN;
  count = 0;
  add(v: number): void {
    this.sum += v;
    // NaN must win, so that a non-finite norm shows in max too.
    this.max = Number.isNaN(v) || v > this.max ? v : this.max;
    this.last = v;
    this.count++;
  }
  stats(): NormStats {
    return { mean: this.sum / this.count, max: this.max, last: this.last };
  }
}

/** The parameters measured, in gradient order, and how they group into layers. */
export interface RecorderLayout {
  /** Stable parameter names (core `Parameter.name`), one per gradient. */
  readonly paramNames: readonly string[];
  /** Layers in model order with the indices of their parameters. */
  readonly layers: ReadonlyArray<{ readonly name: string; readonly indices: readonly number[] }>;
}

/**
 * Keeps each step's per-parameter gradient norms (a `[P]` tensor) on the device and reads
 * them all back in one `data()` per flush; per-layer and global norms are derived on the
 * host (`||g_layer|| = sqrt(sum_{i in layer} ||g_i||^2)`, the global norm over all `i`) in
 * float64. Sampled update / weight ratios ride along in the same read.
 */
export class GradientRecorder {
  private rows: tf.Tensor1D[] = [];
  private rowSteps: number[] = [];
  private ratioRows: tf.Tensor1D[] = [];
  private global = new Running();
  private perParam: Running[];
  private perLayer: Running[];
  private ratioSum: number[];
  private ratioCount: number[];
  /** Every step read so far in this fit. */
  readonly steps: GradientStep[] = [];

  constructor(private readonly layout: RecorderLayout) {
    this.perParam = layout.paramNames.map(() => new Running());
    this.perLayer = layout.layers.map(() => new Running());
    this.ratioSum = layout.paramNames.map(() => 0);
    this.ratioCount = layout.paramNames.map(() => 0);
  }

  /** Takes ownership of a step's norms (and sampled update ratios); no device sync. */
  add(step: number, norms: tf.Tensor1D, ratios?: tf.Tensor1D): void {
    this.rows.push(norms);
    this.rowSteps.push(step);
    if (ratios !== undefined) this.ratioRows.push(ratios);
  }

  get pending(): boolean {
    return this.rows.length > 0;
  }

  /** Reads every buffered step in one device read and adds them to the epoch's totals. */
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const { rows, rowSteps, ratioRows } = this;
    this.rows = [];
    this.rowSteps = [];
    this.ratioRows = [];
    const p = this.layout.paramNames.length;
    const buffer = tf.tidy(() =>
      tf.concat([tf.reshape(tf.stack(rows), [-1]), ...ratioRows.map((r) => tf.reshape(r, [-1]))]),
    );
    tf.dispose([...rows, ...ratioRows]);
    let values: Float32Array;
    try {
      values = (await buffer.data()) as Float32Array;
    } finally {
      buffer.dispose();
    }
    rowSteps.forEach((step, r) => {
      let total = 0;
      for (let i = 0; i < p; i++) {
        const v = values[r * p + i]!;
        this.perParam[i]!.add(v);
        total += v * v;
      }
      const perLayer: Record<string, number> = {};
      this.layout.layers.forEach(({ name, indices }, l) => {
        let s = 0;
        for (const i of indices) s += values[r * p + i]! ** 2;
        const norm = Math.sqrt(s);
        this.perLayer[l]!.add(norm);
        perLayer[name] = norm;
      });
      const global = Math.sqrt(total);
      this.global.add(global);
      this.steps.push({ step, global, perLayer });
    });
    const offset = rowSteps.length * p;
    for (let k = 0; k < ratioRows.length; k++) {
      for (let i = 0; i < p; i++) {
        const v = values[offset + k * p + i]!;
        if (Number.isFinite(v)) {
          this.ratioSum[i]! += v;
          this.ratioCount[i]! += 1;
        }
      }
    }
  }

  /** The epoch's statistics (after a final {@link flush}); starts a new epoch. */
  takeEpoch(): GradientEpochStats | undefined {
    if (this.global.count === 0) return undefined;
    const { paramNames, layers } = this.layout;
    const perParameter: Record<string, NormStats> = {};
    const updateRatios: Record<string, number> = {};
    paramNames.forEach((name, i) => {
      perParameter[name] = this.perParam[i]!.stats();
      if (this.ratioCount[i]! > 0) updateRatios[name] = this.ratioSum[i]! / this.ratioCount[i]!;
    });
    const perLayer: Record<string, NormStats> = {};
    layers.forEach(({ name }, l) => {
      perLayer[name] = this.perLayer[l]!.stats();
    });
    const result = { global: this.global.stats(), perLayer, perParameter, updateRatios };
    this.global = new Running();
    this.perParam = paramNames.map(() => new Running());
    this.perLayer = layers.map(() => new Running());
    this.ratioSum.fill(0);
    this.ratioCount.fill(0);
    return result;
  }

  dispose(): void {
    tf.dispose([...this.rows, ...this.ratioRows]);
    this.rows = [];
    this.ratioRows = [];
    this.rowSteps = [];
  }
}
