import { describeBackendChoice } from '@overfit/core';
import { loadMnistFromUrl, splitToTensors } from '@overfit/data';
import * as tf from '@tensorflow/tfjs';
import { chooseBrowserBackend } from './backend.js';
import { ASSIGNMENT, type CompareRow, compareRow, type LabEpoch } from './diagnostics.js';
import { runConfig, type SplitTensors } from './run.js';
import { type LabSettings, readLabSettings } from './settings.js';
import { renderCompare, renderEpochs, renderLayer } from './view.js';

const backendLine = document.querySelector<HTMLParagraphElement>('#backend')!;
const form = document.querySelector<HTMLFormElement>('#controls')!;
const trainButton = document.querySelector<HTMLButtonElement>('#train')!;
const compareButton = document.querySelector<HTMLButtonElement>('#compare')!;
const layerSelect = document.querySelector<HTMLSelectElement>('#layer')!;
const epochRows = document.querySelector<HTMLTableSectionElement>('#epochs tbody')!;
const status = document.querySelector<HTMLParagraphElement>('#status')!;
const testLine = document.querySelector<HTMLParagraphElement>('#test')!;

/** The history on screen, so the layer selector can redraw without retraining. */
let shown: LabEpoch[] = [];

function setBusy(busy: boolean): void {
  trainButton.disabled = busy;
  compareButton.disabled = busy;
}

function addEpochRow(epoch: number, logs: Record<string, number>, label?: string): void {
  const row = epochRows.insertRow();
  row.insertCell().textContent = label ? `${label} · ${epoch + 1}` : String(epoch + 1);
  for (const key of ['loss', 'valLoss', 'valAccuracy', 'valMacroF1'])
    row.insertCell().textContent = (logs[key] ?? Number.NaN).toFixed(4);
}

/** Loads MNIST once for a click, runs `body` with the split tensors, frees them afterwards. */
async function withData<T>(
  settings: LabSettings,
  body: (data: { train: SplitTensors; validation: SplitTensors; test: SplitTensors }) => Promise<T>,
): Promise<T> {
  status.textContent = 'loading MNIST…';
  const data = await loadMnistFromUrl(new URL('mnist/', document.baseURI).href, {
    limit: settings.limit,
    validationSplit: 0.1,
    testLimit: 2000,
  });
  const splits = {
    train: splitToTensors(data.train, { shape: 'flat' }),
    validation: splitToTensors(data.validation, { shape: 'flat' }),
    test: splitToTensors(data.test, { shape: 'flat' }),
  };
  try {
    return await body(splits);
  } finally {
    tf.dispose(Object.values(splits).flatMap((s) => [s.x, s.y]));
  }
}

function reset(): void {
  epochRows.replaceChildren();
  testLine.textContent = '';
  delete testLine.dataset.macroF1;
  shown = [];
}

/** One run with the form's settings: charts update after every epoch. */
async function train(): Promise<void> {
  const settings = readLabSettings(new FormData(form));
  setBusy(true);
  reset();
  try {
    const result = await withData(settings, (data) =>
      runConfig(settings, data, {
        onEpoch: (epochs, logs) => {
          shown = epochs;
          addEpochRow(epochs.length - 1, logs);
          renderEpochs(epochs);
        },
        onProgress: (text) => {
          status.textContent = text;
        },
      }),
    );
    status.textContent = 'done';
    testLine.textContent = `test macro-F1 ${result.testMacroF1.toFixed(4)}, accuracy ${result.testAccuracy.toFixed(4)}`;
    testLine.dataset.macroF1 = String(result.testMacroF1);
  } finally {
    setBusy(false);
  }
}

/** The assignment: the form's topology, lr, epochs and seed with each of the four regularizations. */
async function compare(): Promise<void> {
  const base = readLabSettings(new FormData(form));
  setBusy(true);
  reset();
  const rows: CompareRow[] = [];
  renderCompare(rows);
  const table = document.querySelector<HTMLTableElement>('#compare-table')!;
  delete table.dataset.done;
  try {
    await withData(base, async (data) => {
      for (const config of ASSIGNMENT) {
        const settings: LabSettings = {
          ...base,
          regularization: config.regularization,
          strength: config.strength,
        };
        const result = await runConfig(settings, data, {
          onEpoch: (epochs, logs) => {
            shown = epochs;
            addEpochRow(epochs.length - 1, logs, config.label);
            renderEpochs(epochs);
          },
          onProgress: (text) => {
            status.textContent = `${config.label}: ${text}`;
          },
        });
        rows.push(compareRow(config.label, result.epochs, result.testMacroF1));
        renderCompare(rows);
      }
    });
    status.textContent = 'comparison done (charts show the last configuration)';
    table.dataset.done = 'true';
  } finally {
    setBusy(false);
  }
}

function report(error: unknown): void {
  status.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
  setBusy(false);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  train().catch(report);
});
compareButton.addEventListener('click', () => {
  compare().catch(report);
});
layerSelect.addEventListener('change', () => renderLayer(shown, layerSelect.value));

chooseBrowserBackend().then(
  (choice) => {
    backendLine.textContent =
      describeBackendChoice(choice) +
      (choice.kernels.length > 0 ? ` · @overfit/kernels: ${choice.kernels.join(', ')}` : '');
    backendLine.dataset.state = 'ready';
    backendLine.dataset.backend = choice.name;
    setBusy(false);
  },
  (error: unknown) => {
    backendLine.textContent = `no backend: ${error instanceof Error ? error.message : String(error)}`;
    backendLine.dataset.state = 'failed';
  },
);
