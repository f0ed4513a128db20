import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    const file = join(dir, path === '' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!existsSync(CHROMIUM))('overfit lab in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'overfit-lab-'));
    await build({ root: fileURLToPath(new URL('..', import.meta.url)), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = await serve(outDir);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('picks a backend, trains on real MNIST and reports test macro-F1', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForSelector('#backend[data-state="ready"]', { timeout: 60_000 });
    const backend = await page.getAttribute('#backend', 'data-backend');
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend);
    await page.fill('input[name="epochs"]', '1');
    await page.fill('input[name="limit"]', '2400');
    await page.fill('input[name="lr"]', '0.005');
    await page.fill('input[name="depth"]', '1');
    await page.fill('input[name="hidden"]', '64');
    await page.click('#train');
    await page.waitForSelector('#test[data-macro-f1]', { timeout: 180_000 });
    const macroF1 = Number(await page.getAttribute('#test', 'data-macro-f1'));
    expect(await page.locator('#epochs tbody tr').count()).toBe(1);
    expect(macroF1).toBeGreaterThan(0.7);
    expect(errors).toEqual([]);
    console.log(`lab: backend ${backend}, 1 epoch on 2160 images, test macro-F1 ${macroF1.toFixed(4)}`);
  });
});
