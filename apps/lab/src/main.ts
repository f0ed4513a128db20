/**
 * The page: the form, the worker's messages, the charts. Training runs in ./worker.ts; this
 * thread only renders (coalesced to one redraw per animation frame).
 */

import { distributionLayers } from '@overfit/report';
import {
  ASSIGNMENT,
  configToQuery,
  describeRegularization,
  type LabConfig,
  queryToForm,
  REGULARIZATION_FIELDS,
  validateConfig,
  withoutRegularization,
} from './config.js';
import { buildForm, readRaw, showErrors, writeRaw } from './form.js';
import type { FromWorker, RunSpec, ToWorker } from './protocol.js';
import type { RunRecord } from './record.js';
import {
  chartImages,
  chartRuns,
  drawCharts,
  htmlReport,
  renderClassReport,
  renderCompareTable,
  renderHealth,
  showEmptyFigure,
  syncOptions,
} from './view.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const form = $<HTMLFormElement>('#controls');
const buttons = {
  train: $<HTMLButtonElement>('#train'),
  pause: $<HTMLButtonElement>('#pause'),
  stop: $<HTMLButtonElement>('#stop'),
  compare: $<HTMLButtonElement>('#compare'),
  addRow: $<HTMLButtonElement>('#add-row'),
  export: $<HTMLButtonElement>('#export'),
  redraw: $<HTMLButtonElement>('#redraw'),
};
const status = $<HTMLParagraphElement>('#status');
const phaseLine = $<HTMLSpanElement>('#phase');
const progress = $<HTMLProgressElement>('#progress');
const backendLine = $<HTMLParagraphElement>('#backend');
const runSelect = $<HTMLSelectElement>('#run-select');
const layerSelect = $<HTMLSelectElement>('#layer');

buildForm(form);
for (const figure of Array.from(document.querySelectorAll<HTMLElement>('figure.chart')))
  showEmptyFigure(figure, figure.id);
const fromUrl = queryToForm(location.search);
writeRaw(form, fromUrl.raw);

type JobKind = 'train' | 'compare';
interface Job {
  id: number;
  kind: JobKind;
  runs: RunSpec[];
  /** Where this job's records go (the comparison list, or a fresh single-run list). */
  records: RunRecord[];
  offset: number;
}

let worker: Worker | undefined;
let workerBackend: LabConfig['backend'] | undefined;
let backendReady = false;
let nextJob = 1;
let job: Job | undefined;
/** Runs whose curves are shown: the last Train run, or every comparison run. */
let shown: RunRecord[] = [];
const comparison: RunRecord[] = [];
let previewSeed = 1;

function send(message: ToWorker): void {
  worker?.postMessage(message);
}

function setBusy(busy: boolean): void {
  buttons.train.disabled = busy || !backendReady;
  buttons.compare.disabled = busy || !backendReady;
  buttons.addRow.disabled = busy || !backendReady;
  buttons.redraw.disabled = !backendReady;
  buttons.pause.disabled = !busy;
  buttons.stop.disabled = !busy;
  // A stopped run keeps its finished epochs: exportable, marked partial as in the CLI's report.
  buttons.export.disabled = busy || !shown.some(hasEpochs);
  if (!busy) {
    buttons.pause.textContent = 'Pause';
    buttons.pause.setAttribute('aria-pressed', 'false');
  }
}

/** (Re)starts the worker for a backend preference; a different preference needs a fresh one. */
function ensureWorker(backend: LabConfig['backend']): void {
  if (worker && workerBackend === backend) return;
  worker?.terminate();
  backendReady = false;
  setBusy(false);
  backendLine.dataset.state = 'pending';
  backendLine.textContent = 'backend: choosing…';
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  workerBackend = backend;
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const started = performance.now();
    const message = event.data;
    onMessage(message);
    performance.measure(`lab:message ${message.type}`, { start: started });
  };
  worker.onerror = (event) => {
    status.textContent = `worker error: ${event.message}`;
  };
  send({ type: 'init', backend, mnistBase: new URL('mnist/', document.baseURI).href });
}

let renderQueued = false;
/**
 * Redraws at most once per 50 ms however many messages arrived, in a task of its own (not in
 * the animation frame, where the chart placements and progress text run).
 */
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => {
    renderQueued = false;
    render();
  }, 50);
}

/** Marks a curve figure with what it shows (series = runs, points = epochs drawn). */
function mark(id: string, runs: readonly RunRecord[]): void {
  const figure = $(id);
  figure.dataset.series = String(runs.filter((r) => r.epochs.length > 0).length);
  figure.dataset.points = String(runs.reduce((n, r) => n + r.epochs.length, 0));
}

let lastRun: RunRecord | undefined;
let lastComparison: RunRecord[] = [];

/** The run the diagnostics panels follow: the newest one unless the student picked another. */
let followLatest = true;

function render(): void {
  const started = performance.now();
  const names = shown.map((r) => r.name);
  syncOptions(runSelect, names);
  if (followLatest && names.length > 0) runSelect.value = names.at(-1)!;
  const run = shown.find((r) => r.name === runSelect.value);
  syncOptions(layerSelect, run ? distributionLayers(run).map((l) => l.name) : []);
  drawCharts(run?.name, layerSelect.value);
  for (const id of ['#loss-chart', '#f1-chart', '#gap-chart']) mark(id, shown);
  // Each record message is a fresh object: redraw a table only when its records changed.
  if (run !== lastRun) {
    renderHealth(run);
    renderClassReport(run);
    renderMcDropout(run);
    lastRun = run;
  }
  if (
    comparison.length !== lastComparison.length ||
    comparison.some((r, i) => r !== lastComparison[i])
  ) {
    renderCompareTable(comparison);
    lastComparison = [...comparison];
  }
  performance.measure('lab:render', { start: started });
}

/** Progress and phase text, written at most once per animation frame (a batch can be faster). */
const latestProgress: { value?: number; text?: string } = {};
let progressQueued = false;

function showProgress(value: number | undefined, text: string): void {
  if (value !== undefined) latestProgress.value = value;
  latestProgress.text = text;
  if (progressQueued) return;
  progressQueued = true;
  requestAnimationFrame(() => {
    progressQueued = false;
    if (latestProgress.value !== undefined) progress.value = latestProgress.value;
    phaseLine.textContent = latestProgress.text ?? '';
  });
}

function fmt(v: number | undefined): string {
  return v === undefined ? '–' : v.toFixed(4);
}

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'backend': {
      backendReady = true;
      const failed = m.info.attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.reason}`);
      backendLine.textContent =
        `backend: ${m.info.name}${m.info.adapter ? ` (adapter: ${m.info.adapter})` : ''}` +
        (m.info.kernels.length ? ` · @overfit/kernels: ${m.info.kernels.join(', ')}` : '') +
        (failed.length ? ` · not used: ${failed.join('; ')}` : '');
      backendLine.dataset.state = 'ready';
      backendLine.dataset.backend = m.info.name;
      setBusy(job !== undefined);
      requestPreview();
      return;
    }
    case 'backend-failed':
      backendLine.textContent = `no backend: ${m.message}`;
      backendLine.dataset.state = 'failed';
      return;
    case 'paused':
      buttons.pause.textContent = m.paused ? 'Resume' : 'Pause';
      buttons.pause.setAttribute('aria-pressed', String(m.paused));
      if (m.paused) showProgress(undefined, `${latestProgress.text ?? ''} (paused)`);
      return;
    case 'preview':
      drawPreview(m);
      return;
    case 'error':
      status.textContent = `error: ${m.message}`;
      if (job && m.job === job.id) {
        job = undefined;
        setBusy(false);
      }
      return;
  }
  if (!job || m.job !== job.id) return;
  const run = 'run' in m ? m.run : 0;
  const name = job.runs[run]?.name ?? '';
  const prefix = job.runs.length > 1 ? `run ${run + 1}/${job.runs.length} (${name}): ` : '';
  switch (m.type) {
    case 'progress':
      showProgress(
        (m.epoch + (m.batch + 1) / m.batches) / m.epochs,
        `${prefix}epoch ${m.epoch + 1}/${m.epochs}, batch ${m.batch + 1}/${m.batches}${m.loss === undefined ? '' : `, loss ${m.loss.toFixed(4)}`}`,
      );
      return;
    case 'phase':
      if (m.phase === 'loading' && m.detail?.includes('images'))
        $('#data-line').textContent = m.detail;
      showProgress(undefined, `${prefix}${m.phase}${m.detail ? `: ${m.detail}` : ''}`);
      return;
    case 'epoch':
    case 'run-done': {
      const i = job.offset + m.run;
      const spec = job.runs[m.run]!;
      const previous = job.records[i] ?? {
        name: spec.name,
        config: spec.config,
        epochs: [],
        partial: true,
      };
      // A new object each time: render() redraws what changed by identity.
      job.records[i] =
        m.type === 'epoch'
          ? { ...previous, epochs: [...previous.epochs, m.epoch] }
          : { ...m.record, epochs: previous.epochs };
      if (job.records === shown)
        chartRuns(
          m.type === 'epoch'
            ? { kind: 'epoch', index: i, epoch: m.epoch, name: spec.name }
            : { kind: 'run-done', index: i, record: m.record },
        );
      if (m.type === 'run-done' && !m.record.partial) {
        const t = m.record.test;
        status.textContent = `${m.record.name}: test macro-F1 ${fmt(t?.macroF1)}, accuracy ${fmt(t?.accuracy)} (${t?.confusionMatrix?.flat().reduce((a, b) => a + b, 0) ?? 0} test images)`;
        status.dataset.macroF1 = String(t?.macroF1);
      }
      scheduleRender();
      return;
    }
    case 'job-done':
      if (m.stopped)
        status.textContent = 'stopped: the partial epoch was dropped, finished epochs are kept';
      else if (job.kind === 'compare' && job.runs.length > 1)
        status.textContent = `comparison done (${job.runs.length} runs); last: ${status.textContent}`;
      status.dataset.done = m.stopped ? 'stopped' : 'done';
      showProgress(m.stopped ? undefined : 1, m.stopped ? 'stopped' : 'done');
      job = undefined;
      setBusy(false);
      scheduleRender();
      return;
  }
}

/** Validates the form (every error at once, next to its field); `skip` fields are not read. */
function readConfig(skip: readonly (keyof LabConfig)[] = []): LabConfig | undefined {
  const v = validateConfig(readRaw(form), { skip });
  if (showValidation(v.errors) > 0) return undefined;
  history.replaceState(null, '', `?${configToQuery(v.config!)}`);
  return v.config;
}

/** Every message next to its field and in the summary; returns how many there are. */
function showValidation(errors: Partial<Record<keyof LabConfig, string>>): number {
  const count = showErrors(form, errors);
  const summary = $<HTMLUListElement>('#error-summary');
  summary.replaceChildren(
    ...Object.entries(errors).map(([field, message]) => {
      const li = document.createElement('li');
      const label = form.querySelector(`label[for="f-${field}"]`)?.textContent ?? field;
      li.textContent = `${label}: ${message}`;
      return li;
    }),
  );
  if (count > 0)
    status.textContent = `${count} field${count > 1 ? 's' : ''} to fix before training`;
  return count;
}
// A bad URL parameter is shown at load, next to its field, not first at Train.
showValidation(fromUrl.errors);

function start(kind: JobKind, runs: RunSpec[], records: RunRecord[]): void {
  ensureWorker(runs[0]!.config.backend);
  chartRuns({ kind: 'runs', runs: shown });
  job = { id: nextJob++, kind, runs, records, offset: records.length };
  status.textContent = '';
  delete status.dataset.macroF1;
  delete status.dataset.done;
  showProgress(0, '');
  setBusy(true);
  send({ type: 'train', job: job.id, runs });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const config = readConfig();
  if (!config || job) return;
  shown = [];
  start('train', [{ name: describeRegularization(config), config }], shown);
  scheduleRender();
});

buttons.compare.addEventListener('click', () => {
  // The assignment sets the regularizer itself: the form's regularization fields are not read.
  const config = readConfig(REGULARIZATION_FIELDS);
  if (!config || job) return;
  const base = withoutRegularization(config);
  comparison.length = 0;
  shown = comparison;
  start(
    'compare',
    ASSIGNMENT.map((a) => ({ name: a.name, config: { ...base, ...a.overrides } })),
    comparison,
  );
  scheduleRender();
});

buttons.addRow.addEventListener('click', () => {
  const config = readConfig();
  if (!config || job) return;
  let name = describeRegularization(config);
  while (comparison.some((r) => r.name === name)) name = `${name}′`;
  shown = comparison;
  start('compare', [{ name, config }], comparison);
  scheduleRender();
});

buttons.pause.addEventListener('click', () => {
  send({ type: buttons.pause.getAttribute('aria-pressed') === 'true' ? 'resume' : 'pause' });
});
buttons.stop.addEventListener('click', () => {
  showProgress(undefined, 'stopping at the next step…');
  send({ type: 'stop' });
});
runSelect.addEventListener('change', () => {
  followLatest = runSelect.value === shown.at(-1)?.name;
  render();
});
layerSelect.addEventListener('change', () => render());

// ---- augmentation preview ----
function requestPreview(): void {
  const augmentation = (form.elements.namedItem('augmentation') as HTMLSelectElement).value;
  send({
    type: 'preview',
    augmentation: augmentation as LabConfig['augmentation'],
    seed: previewSeed,
    count: 8,
  });
}

/** A 28x28 digit (grey levels 0..255 from `offset` in `pixels`) drawn dark on white. */
function digitCanvas(pixels: ArrayLike<number>, label: string, offset = 0): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 28;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(28, 28);
  const rgba = new Uint32Array(image.data.buffer);
  for (let i = 0; i < 784; i++) {
    const v = 255 - pixels[offset + i]!;
    rgba[i] = 0xff000000 | (v << 16) | (v << 8) | v; // little-endian RGBA
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** MC-dropout table: each digit, its true class, the top two classes with mean and 90 % interval. */
function renderMcDropout(run: RunRecord | undefined): void {
  const box = $('#mc-dropout');
  const digits = run?.mcDropout;
  if (!digits) {
    box.replaceChildren();
    return;
  }
  const heading = document.createElement('h3');
  heading.textContent = `MC dropout (${run!.name}): 30 passes with dropout on; the 3 most and the 3 least certain of 100 test digits`;
  const table = document.createElement('table');
  table.innerHTML =
    '<thead><tr><th scope="col">digit</th><th scope="col">true</th><th scope="col">most likely: mean p [90 % interval]</th><th scope="col">runner-up</th></tr></thead>';
  const body = table.createTBody();
  for (const d of digits) {
    const ranked = d.mean.map((p, k) => [p, k] as const).sort((a, b) => b[0] - a[0]);
    const cell = ([p, k]: readonly [number, number]) =>
      `${k}: ${p.toFixed(3)} [${d.lower[k]!.toFixed(3)}, ${d.upper[k]!.toFixed(3)}]`;
    const row = body.insertRow();
    const grey = d.pixels.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
    row.insertCell().append(digitCanvas(grey, `test digit, true class ${d.label}`));
    row.insertCell().textContent = String(d.label);
    row.insertCell().textContent = cell(ranked[0]!);
    row.insertCell().textContent = cell(ranked[1]!);
  }
  box.replaceChildren(heading, table);
}

function drawPreview(m: Extract<FromWorker, { type: 'preview' }>): void {
  $('#preview-spec').textContent =
    `augmentation: ${m.spec} (seed ${previewSeed}; top: original, bottom: augmented)`;
  const grid = $('#preview-grid');
  const count = m.labels.length;
  grid.replaceChildren(
    ...m.labels.map((l, i) => digitCanvas(m.originals, `digit ${l}, original`, i * 784)),
    ...m.labels.map((l, i) => digitCanvas(m.augmented, `digit ${l}, augmented`, i * 784)),
  );
  grid.style.setProperty('--columns', String(count));
  grid.dataset.seed = String(previewSeed);
}

buttons.redraw.addEventListener('click', () => {
  previewSeed++;
  requestPreview();
});
$('#f-augmentation').addEventListener('change', () => requestPreview());
$('#f-backend').addEventListener('change', () => {
  if (job) return;
  const backend = (form.elements.namedItem('backend') as HTMLSelectElement).value;
  ensureWorker(backend as LabConfig['backend']);
});

// ---- export ----
function download(name: string, type: string, content: string | Blob): void {
  const url = URL.createObjectURL(
    content instanceof Blob ? content : new Blob([content], { type }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A run with at least one finished epoch (a stopped one too) has something to export. */
function hasEpochs(run: RunRecord): boolean {
  return run.epochs.length > 0;
}

buttons.export.addEventListener('click', () => {
  const runs = shown.filter(hasEpochs);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const base = `overfit-lab-${stamp}`;
  download(`${base}.json`, 'application/json', JSON.stringify({ runs }, null, 2));
  const failed = (error: unknown) => {
    status.textContent = `export: ${error instanceof Error ? error.message : String(error)}`;
  };
  chartImages().then(async (images) => {
    // Chromium drops anchor downloads started in one burst past the tenth: one every 150 ms.
    for (const { target, svg, png } of images) {
      download(`${base}-${target}.svg`, 'image/svg+xml', svg);
      await new Promise((resolve) => setTimeout(resolve, 150));
      download(`${base}-${target}.png`, 'image/png', png);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }, failed);
  htmlReport(`overfit lab: ${runs.map((r) => r.name).join(', ')}`, runs).then(
    (html) => download(`${base}.html`, 'text/html', html),
    failed,
  );
});

ensureWorker(
  (form.elements.namedItem('backend') as HTMLSelectElement).value as LabConfig['backend'],
);
