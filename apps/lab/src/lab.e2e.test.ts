import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A path under apps/lab/docs/ (created when missing) for a screenshot of the built lab. */
function docsScreenshot(name: string): string {
  const dir = fileURLToPath(new URL('../docs/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
};

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(
      decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname),
    ).replace(/^\/+/, '');
    const file = join(dir, path === '' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!existsSync(CHROMIUM))('overfit lab in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'overfit-lab-'));
    await build({
      root: fileURLToPath(new URL('..', import.meta.url)),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    server = await serve(outDir);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--enable-unsafe-webgpu',
        '--use-webgpu-adapter=swiftshader',
        '--enable-features=Vulkan',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('picks a backend, trains on real MNIST, draws the diagnostics and reports test macro-F1', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForSelector('#backend[data-state="ready"]', { timeout: 60_000 });
    const backend = await page.getAttribute('#backend', 'data-backend');
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend);
    await page.fill('input[name="epochs"]', '2');
    await page.fill('input[name="limit"]', '1800');
    await page.fill('input[name="lr"]', '0.01');
    await page.fill('input[name="depth"]', '2');
    await page.fill('input[name="hidden"]', '64');
    await page.click('#train');
    await page.waitForSelector('#test[data-macro-f1]', { timeout: 180_000 });
    const macroF1 = Number(await page.getAttribute('#test', 'data-macro-f1'));
    expect(await page.locator('#epochs tbody tr').count()).toBe(2);
    expect(macroF1).toBeGreaterThan(0.7);

    // (a) one gradient-norm line per layer with weights: the two hidden layers and the output.
    const series = await page
      .locator('#grad-chart svg g.series')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-series')));
    expect(series).toEqual(['hidden_1', 'hidden_2', 'output']);
    expect(await page.locator('#grad-chart svg circle.point').count()).toBe(6);
    expect(['ok', 'vanishing', 'exploding', 'vanishing+exploding', 'non-finite']).toContain(
      await page.getAttribute('#health', 'data-state'),
    );
    // (b) the layer selector lists the hidden layers; one box per epoch (2) for activations and gradients.
    expect(
      await page
        .locator('#layer option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual(['hidden_1', 'hidden_2']);
    expect(await page.locator('#act-box svg g.box').count()).toBe(2);
    expect(await page.locator('#grad-box svg g.box').count()).toBe(2);
    await page.selectOption('#layer', 'hidden_2');
    expect(await page.locator('#grad-box svg .title').textContent()).toContain('hidden_2');
    expect(await page.locator('#act-box svg g.box').count()).toBe(2);
    // (c) validation macro-F1 chart.
    expect(await page.locator('#f1-chart svg circle.point').count()).toBe(2);
    expect(errors).toEqual([]);
    // The view a person sees after a run, kept in the lab's docs (look at it after UI changes).
    await page.screenshot({ path: docsScreenshot('lab-trained.png'), fullPage: true });
    console.log(
      `lab: backend ${backend}, 2 epochs on 1620 images (784-64-64-10), test macro-F1 ${macroF1.toFixed(4)}`,
    );
    await page.close();
  });

  it('compare mode runs the four assignment configurations and fills the summary table', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForSelector('#backend[data-state="ready"]', { timeout: 60_000 });
    await page.fill('input[name="epochs"]', '1');
    await page.fill('input[name="limit"]', '1000');
    await page.fill('input[name="lr"]', '0.01');
    await page.fill('input[name="depth"]', '1');
    await page.fill('input[name="hidden"]', '32');
    await page.click('#compare');
    await page.waitForSelector('#compare-table[data-done]', { timeout: 180_000 });
    const rows = await page.locator('#compare-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        config: tr.getAttribute('data-config'),
        f1: Number(tr.getAttribute('data-test-macro-f1')),
        cells: Array.from(tr.querySelectorAll('td'), (td) => td.textContent),
      })),
    );
    expect(rows.map((r) => r.config)).toEqual(['none', 'L1 0.001', 'L2 0.01', 'dropout 0.15']);
    for (const r of rows) {
      // Chance level is ~0.1; a few Adam steps already get well past it.
      expect(r.f1).toBeGreaterThan(0.25);
      // Every number was measured (the table writes '–' for a missing one).
      expect(r.cells).not.toContain('–');
    }
    expect(await page.locator('#epochs tbody tr').count()).toBe(4);
    expect(errors).toEqual([]);
    console.log(
      `lab compare (900 images, 1 epoch, 784-32-10): ${rows.map((r) => `${r.config} ${r.f1.toFixed(3)}`).join(', ')}`,
    );
    await page.close();
  });
});
