// Benchmark (not a test) of the built page in headless Chromium: page weight
// (raw and gzip), time from navigation to the first prediction, and
// milliseconds per prediction (preprocessing + inference, measured in wasm).
//   node tests/web/bench.mjs [SITE_DIR]
import { chromium } from 'playwright-core';
import { startServer, launchBrowser, strokes, drawMouse, canvasRect, waitForLabel } from './page.mjs';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const site = path.resolve(process.argv[2] ?? new URL('../../build-web/site', import.meta.url).pathname);
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
let total = 0, totalGz = 0;
for (const f of fs.readdirSync(site)) {
  const bytes = fs.readFileSync(path.join(site, f));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  total += bytes.length;
  totalGz += gz;
  console.log(`${f.padEnd(12)} ${kb(bytes.length).padStart(9)} raw ${kb(gz).padStart(9)} gzip`);
}
console.log(`${'total'.padEnd(12)} ${kb(total).padStart(9)} raw ${kb(totalGz).padStart(9)} gzip`);

const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const t0 = Date.now();
  await page.goto(url + '/index.html');
  // The first prediction happens as soon as the app starts (the empty canvas).
  await page.waitForFunction(() => Number(document.getElementById('prediction').dataset.count || 0) > 0);
  const ready = Date.now() - t0;
  const rect = await canvasRect(page);
  await drawMouse(page, rect, strokes['7']);
  await waitForLabel(page, (l) => l !== '', 10000);
  const firstDigit = Date.now() - t0;
  console.log(`time to first prediction: ${ready} ms after navigation (app ready); ${firstDigit} ms including drawing a 7`);

  const samples = [];
  for (let i = 0; i < 30; ++i) {
    await page.keyboard.press('r');  // a random MNIST digit: one prediction each
    await page.waitForTimeout(30);
    samples.push(Number(await page.getAttribute('#prediction', 'data-ms')));
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(`ms per prediction in the browser (preprocess + inference, ${samples.length} digits): ` +
    `mean ${mean.toFixed(2)}, median ${samples[samples.length >> 1].toFixed(2)}, max ${samples[samples.length - 1].toFixed(2)}`);
  const fps = await page.evaluate(() => new Promise((resolve) => {
    let frames = 0;
    const start = performance.now();
    const tick = () => { ++frames; if (performance.now() - start < 2000) requestAnimationFrame(tick); else resolve(frames / 2); };
    requestAnimationFrame(tick);
  }));
  console.log(`frame rate while idle (headless, software WebGL): ${fps.toFixed(0)} fps`);
} finally {
  await browser.close();
  server.close();
}
