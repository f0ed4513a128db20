// Placeholder types until @overfit/report is merged (same shapes as its API).
export interface Chart {
  id: string;
  title: string;
  caption: string;
  spec: Record<string, unknown>;
  table: { columns: string[]; rows: (string | number | null)[][] };
}
export interface RunEpoch {
  epoch: number;
  loss?: number;
  dataLoss?: number;
  penalty?: number;
  accuracy?: number;
  macroF1?: number;
  valLoss?: number;
  valAccuracy?: number;
  valMacroF1?: number;
  seconds?: number;
  diagnostics?: unknown;
}
export interface RunRecord {
  name: string;
  config?: unknown;
  epochs: RunEpoch[];
  partial?: boolean;
  stopReason?: string;
  test?: {
    macroF1?: number;
    accuracy?: number;
    loss?: number;
    confusionMatrix?: number[][];
    classificationReport?: unknown;
  };
  weightHistogram?: { edges: number[]; counts: number[] };
  summary?: Record<string, number>;
}
