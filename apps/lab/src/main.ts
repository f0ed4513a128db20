import { describeBackendChoice, loadMnistFromUrl, mlp, splitToTensors, type TrainingCallback } from '@overfit/core';
import { l1, l2 } from '@overfit/regularizers';
import { Trainer } from '@overfit/training';
import * as tf from '@tensorflow/tfjs';
import { chooseBrowserBackend } from './backend.js';
import { readLabSettings } from './settings.js';

const backendLine = document.querySelector<HTMLParagraphElement>('#backend')!;
const form = document.querySelector<HTMLFormElement>('#controls')!;
const trainButton = document.querySelector<HTMLButtonElement>('#train')!;
const epochRows = document.querySelector<HTMLTableSectionElement>('#epochs tbody')!;
const status = document.querySelector<HTMLParagraphElement>('#status')!;
const testLine = document.querySelector<HTMLParagraphElement>('#test')!;

function cell(row: HTMLTableRowElement, text: string): void {
  row.insertCell().textContent = text;
}

async function runExperiment(): Promise<void> {
  const settings = readLabSettings(new FormData(form));
  trainButton.disabled = true;
  epochRows.replaceChildren();
  testLine.textContent = '';
  status.textContent = 'loading MNIST…';
  const data = await loadMnistFromUrl(new URL('mnist/', document.baseURI).href, { limit: settings.limit, validationSplit: 0.1, testLimit: 2000 });
  const train = splitToTensors(data.train, { shape: 'flat' });
  const validation = splitToTensors(data.validation, { shape: 'flat' });
  const test = splitToTensors(data.test, { shape: 'flat' });
  const model = mlp({
    inputShape: [784],
    depth: settings.depth,
    width: settings.hidden,
    activation: settings.activation,
    outputUnits: 10,
    seed: settings.seed,
    ...(settings.regularization === 'dropout' ? { dropout: settings.strength } : {}),
  });
  const penalties = settings.regularization === 'l1' ? [l1(settings.strength)] : settings.regularization === 'l2' ? [l2(settings.strength)] : [];
  const optimizer = tf.train.adam(settings.lr);
  const table: TrainingCallback = {
    onEpochEnd: (epoch, logs = {}) => {
      const row = epochRows.insertRow();
      cell(row, String(epoch + 1));
      for (const key of ['loss', 'valLoss', 'valAccuracy', 'valMacroF1']) cell(row, (logs[key] ?? Number.NaN).toFixed(4));
    },
  };
  try {
    const trainer = new Trainer({ model, optimizer, numClasses: 10, seed: settings.seed, penalties, callbacks: [table] });
    await trainer.fit(
      { x: train.x, y: train.y },
      {
        epochs: settings.epochs,
        batchSize: 128,
        validationData: { x: validation.x, y: validation.y },
        onProgress: (p) => {
          status.textContent = `epoch ${p.epoch + 1}/${p.epochs}: batch ${p.batch}/${p.batches}`;
        },
      },
    );
    // numClasses is set, so evaluate() returns every classification score.
    const { macroF1 = Number.NaN, accuracy = Number.NaN } = await trainer.evaluate({ x: test.x, y: test.y }, { batchSize: 500 });
    status.textContent = 'done';
    testLine.textContent = `test macro-F1 ${macroF1.toFixed(4)}, accuracy ${accuracy.toFixed(4)} (${data.test.count} test images)`;
    testLine.dataset.macroF1 = String(macroF1);
  } finally {
    tf.dispose([train.x, train.y, validation.x, validation.y, test.x, test.y]);
    optimizer.dispose();
    model.dispose();
    trainButton.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  runExperiment().catch((error: unknown) => {
    status.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
    trainButton.disabled = false;
  });
});

chooseBrowserBackend().then(
  (choice) => {
    backendLine.textContent = describeBackendChoice(choice);
    backendLine.dataset.state = 'ready';
    backendLine.dataset.backend = choice.name;
    trainButton.disabled = false;
  },
  (error: unknown) => {
    backendLine.textContent = `no backend: ${error instanceof Error ? error.message : String(error)}`;
    backendLine.dataset.state = 'failed';
  },
);
