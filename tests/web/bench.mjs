// Benchmark (not a test) of the built page in headless Chromium:
// - page weight: every file the page loads, raw and gzip, and what the wasm
//   inside digits.js is made of (code, weights, MNIST samples, font);
// - ready: milliseconds from navigation to the first frame drawn with the
//   model loaded, by the page's own clock (and, before it, to the model's
//   first reading);
// - milliseconds per reading (segmentation, preprocessing and inference,
//   measured in wasm) of one digit and of a five-digit number, and of one
//   digit read again at once (the pipeline warm).
//   node tests/web/bench.mjs [SITE_DIR]     (default build-web/site)
import { chromium } from 'playwright-core';
import { startServer, launchBrowser, strokes, numberStrokes, drawMouse, canvasRect, waitForLabel, waitForAttribute }
  from './page.mjs';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const site = path.resolve(process.argv[2] ?? new URL('../../build-web/site', import.meta.url).pathname);
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const gzip = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;
const row = (name, raw, gz) => console.log(`${name.padEnd(34)} ${kb(raw).padStart(9)} raw ${kb(gz).padStart(9)} gzip`);

function pageWeight() {
  let total = 0, totalGz = 0;
  for (const f of fs.readdirSync(site)) {
    const bytes = fs.readFileSync(path.join(site, f));
    total += bytes.length;
    totalGz += gzip(bytes);
    row(f, bytes.length, gzip(bytes));
  }
  row('total (what the page loads)', total, totalGz);
  return totalGz;
}

// The wasm travels inside digits.js (cmake/pack_wasm.py: gzip, then base64);
// the embedded data are the generated sources next to the site folder.
function wasmBreakdown() {
  const script = fs.readFileSync(path.join(site, 'digits.js'), 'utf8');
  const packed = /var digitsWasmGzip = "([A-Za-z0-9+/=]+)"/.exec(script);
  const wasm = packed ? zlib.gunzipSync(Buffer.from(packed[1], 'base64'))
    : Buffer.from(/base64,([A-Za-z0-9+/=]+)/.exec(script)?.[1] ?? '', 'base64');
  const js = packed ? script.replace(packed[0], '') : script;
  console.log('inside digits.js:');
  row('  JavaScript (Emscripten glue)', js.length, gzip(Buffer.from(js)));
  row('  wasm', wasm.length, gzip(wasm));
  let data = 0;
  for (const part of ['weights', 'sample_images', 'sample_labels', 'font']) {
    const source = path.join(site, '..', 'app', `embedded_${part}.cpp`);
    if (!fs.existsSync(source)) continue;
    const bytes = Buffer.from((fs.readFileSync(source, 'utf8').match(/0x[0-9a-f]{2}/g) ?? []).map(Number));
    data += gzip(bytes);
    row(`    ${part}`, bytes.length, gzip(bytes));
  }
  if (data > 0) console.log(`    code and the rest: about ${kb(gzip(wasm) - data)} gzip`);
}

async function readingMs(page, count, next) {
  const samples = [];
  for (let i = 0; i < count; ++i) {
    const before = Number(await page.getAttribute('#prediction', 'data-count'));
    await next(i);
    await page.waitForFunction((n) => Number(document.getElementById('prediction').dataset.count) > n, before);
    samples.push(Number(await page.getAttribute('#prediction', 'data-ms')));
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return `median ${samples[samples.length >> 1].toFixed(3)}, mean ${mean.toFixed(3)}, ` +
    `min ${samples[0].toFixed(3)}, max ${samples[samples.length - 1].toFixed(3)} (${samples.length} readings)`;
}

// A five-digit number across the drawing area (its strokes from page.mjs).
const fiveDigits = '17047';
const fiveDigitStrokes = numberStrokes(fiveDigits, 0.4, 0.6);

// Each time: clear, draw the number, wait for the reading that has all five
// digits (the end of the last stroke is read at once) and take its time.
async function fiveDigitMs(page, count) {
  const rect = await canvasRect(page);
  const samples = [];
  const reads = new Set();
  for (let i = 0; i < count; ++i) {
    await page.keyboard.press('Delete');
    await waitForAttribute(page, 'data-number', (v) => v === '', 5000);
    await drawMouse(page, rect, fiveDigitStrokes);
    const read = await waitForAttribute(page, 'data-number', (v) => v !== null && v.length === 5, 10000);
    await page.waitForTimeout(100);  // a later frame may read again: take the last reading
    reads.add(read);
    samples.push(Number(await page.getAttribute('#prediction', 'data-ms')));
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return `median ${samples[samples.length >> 1].toFixed(3)}, mean ${mean.toFixed(3)}, ` +
    `min ${samples[0].toFixed(3)}, max ${samples[samples.length - 1].toFixed(3)} ` +
    `(${samples.length} readings of "${fiveDigits}", read as ${[...reads].map((r) => `"${r}"`).join(', ')})`;
}

pageWeight();
wasmBreakdown();

const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  // Two moments per load, by the page's clock: the first animation frame
  // that sees the model's first reading (of the empty canvas, published
  // before the first frame; what this benchmark called ready until
  // 2026-12-07), and ready: the first frame drawn with the model, taken at
  // the animation frame after it (data-first-frame: the browser has it then).
  const loaded = [], ready = [];
  let page;
  for (let i = 0; i < 5; ++i) {
    if (page) await page.close();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url + '/index.html', { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      () => Number(document.getElementById('prediction').dataset.count || 0) > 0 && performance.now(), null,
      { polling: 'raf', timeout: 30000 });
    loaded.push(await handle.jsonValue());
    ready.push(Number(await waitForAttribute(page, 'data-first-frame', (v) => v !== null, 30000)));
  }
  const summary = (v) => {
    v.sort((a, b) => a - b);
    return `median ${v[2].toFixed(0)} ms, min ${v[0].toFixed(0)}, max ${v[4].toFixed(0)}`;
  };
  console.log(`first animation frame after the model's first reading: ${summary(loaded)} (5 loads)`);
  console.log(`ready (first frame drawn with the model) after navigation: ${summary(ready)} (5 loads, ` +
    'performance.now() on the page)');

  const rect = await canvasRect(page);
  await drawMouse(page, rect, strokes['7']);
  await waitForLabel(page, (l) => l !== '', 10000);
  // R puts a random embedded MNIST digit on the canvas: one reading of one digit each.
  console.log('ms per reading, one digit: ' +
    await readingMs(page, 40, () => page.keyboard.press('r')));
  // The same pipeline warm: each R digit read again 5 times at once
  // (Module._digits_time_rereading, app/main.cpp; the median of the 5).
  const warm = [];
  for (let i = 0; i < 20; ++i) {
    const before = Number(await page.getAttribute('#prediction', 'data-count'));
    await page.keyboard.press('r');
    await page.waitForFunction((n) => Number(document.getElementById('prediction').dataset.count) > n, before);
    warm.push(await page.evaluate(() => Module._digits_time_rereading(5)));
  }
  warm.sort((a, b) => a - b);
  console.log(`ms per reading, one digit read again at once: median ${warm[10].toFixed(3)}, ` +
    `min ${warm[0].toFixed(3)}, max ${warm[19].toFixed(3)} (20 digits, each the median of 5)`);
  console.log('ms per reading, five digits: ' + await fiveDigitMs(page, 10));
} finally {
  await browser.close();
  server.close();
}
