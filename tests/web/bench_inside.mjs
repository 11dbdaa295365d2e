// Benchmark (not a test) of "Inside the network" in headless Chromium: with
// the panel open and the saliency overlay on, the milliseconds the page
// spends per drawing on prediction + feature maps + saliency (measured in
// wasm, #prediction[data-inside-ms]) for each saliency method, and the frame
// rate while drawing with the panel closed and open.
//   node tests/web/bench_inside.mjs [SITE_DIR]
import { chromium } from 'playwright-core';
import { startServer, launchBrowser, strokes, drawMouse, canvasRect, waitForLabel } from './page.mjs';
import path from 'node:path';

const site = path.resolve(process.argv[2] ?? new URL('../../build-web/site', import.meta.url).pathname);

// Frames the page renders while the mouse scribbles on the canvas for about 2 s.
async function fpsWhileDrawing(page, rect) {
  const counting = page.evaluate(() => new Promise((resolve) => {
    let frames = 0;
    const start = performance.now();
    const tick = () => { ++frames; if (performance.now() - start < 2000) requestAnimationFrame(tick); else resolve(frames / 2); };
    requestAnimationFrame(tick);
  }));
  await page.mouse.move(rect.x + rect.width * 0.2, rect.y + rect.height * 0.5);
  await page.mouse.down();
  const start = Date.now();
  for (let i = 0; Date.now() - start < 2000; ++i) {
    const t = i / 10;
    await page.mouse.move(rect.x + rect.width * (0.3 + 0.15 * Math.cos(t)), rect.y + rect.height * (0.5 + 0.3 * Math.sin(t)));
  }
  await page.mouse.up();
  const fps = await counting;
  await page.keyboard.press('Delete');
  return fps;
}

const stats = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return `median ${s[s.length >> 1].toFixed(2)}, mean ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(2)}, max ${s[s.length - 1].toFixed(2)}`;
};

const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url + '/index.html');
  const rect = await canvasRect(page);
  await drawMouse(page, rect, strokes['7']);
  await waitForLabel(page, (l) => l !== '', 10000);
  await page.keyboard.press('Delete');
  const closed = await fpsWhileDrawing(page, rect);

  await page.keyboard.press('i');  // the panel
  await page.keyboard.press('s');  // the overlay
  for (const method of ['grad-cam', 'gradient-x-input']) {
    if (method === 'gradient-x-input') await page.keyboard.press('g');  // the other method
    const samples = [], reading = [];
    let seen = '';
    for (let i = 0; i < 30; ++i) {
      const before = await page.getAttribute('#prediction', 'data-count');
      await page.keyboard.press('r');  // a random MNIST digit: a new reading, so a full update
      await page.waitForFunction((b) => document.getElementById('prediction').dataset.count !== b, before);
      await page.waitForTimeout(30);
      samples.push(Number(await page.getAttribute('#prediction', 'data-inside-ms')));
      reading.push(Number(await page.getAttribute('#prediction', 'data-ms')));
      seen = await page.getAttribute('#prediction', 'data-inside');
    }
    console.log(`prediction + feature maps + saliency (${seen}), ${samples.length} digits: ${stats(samples)} ms`);
    console.log(`  for comparison, the reading itself (data-ms: segmentation + preprocessing + inference): ${stats(reading)} ms`);
  }
  const open = await fpsWhileDrawing(page, rect);
  console.log(`frame rate while drawing (headless, software WebGL): panel closed ${closed.toFixed(0)} fps, ` +
    `panel open with the overlay ${open.toFixed(0)} fps`);
} finally {
  await browser.close();
  server.close();
}
