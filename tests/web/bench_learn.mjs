// Benchmark (not a test) of "learn my handwriting" in the page: teaches a
// drawn digit N times with its key and prints the time of one training step
// (the page's own measurement, #prediction[data-learn-step-ms]), the frame
// rate while the network adapts (requestAnimationFrame callbacks per second)
// and the time from the last key press to the personal model being active.
//   node bench_learn.mjs [SITE_DIR] [EXAMPLES]
import { chromium } from 'playwright-core';
import { startServer, launchBrowser, strokes, drawMouse, waitForAttribute, canvasRect } from './page.mjs';
import path from 'node:path';

const site = path.resolve(process.argv[2] ?? '../../build-web/site');
const examples = Number(process.argv[3] ?? 5);

const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(url + '/index.html');
  const rect = await canvasRect(page);
  await waitForAttribute(page, 'data-personal-examples', (v) => v === '0', 10000);
  await page.waitForTimeout(3000);  // the reminder digits are prepared in idle time after start-up
  await drawMouse(page, rect, strokes['4']);
  await waitForAttribute(page, 'data-label', (v) => !!v, 5000);
  // Frames counted by the page itself while the steps run.
  await page.evaluate(() => {
    window.benchFrames = [];
    const tick = (t) => { window.benchFrames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const start = Date.now();
  const stepTimes = [];
  for (let i = 0; i < examples; ++i) await page.keyboard.press('4');
  while (Date.now() - start < 120000) {
    const [pending, step, active] = await page.evaluate(() => {
      const el = document.getElementById('prediction');
      return [el.getAttribute('data-learn-pending'), el.getAttribute('data-learn-step-ms'),
        el.getAttribute('data-personal-examples')];
    });
    if (step) stepTimes.push(Number(step));
    if (active === String(examples) && pending === '0') break;
    await page.waitForTimeout(100);
  }
  const seconds = (Date.now() - start) / 1000;
  const frames = await page.evaluate(() => window.benchFrames);
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const fps = (frames.length - 1) / ((frames[frames.length - 1] - frames[0]) / 1000);
  const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`taught ${examples} examples; personal model active after ${seconds.toFixed(1)} s`);
  console.log(`one training step (batch of 32, dense layers): median ${median(stepTimes).toFixed(2)} ms, ` +
    `max ${Math.max(...stepTimes).toFixed(2)} ms over ${stepTimes.length} samples`);
  console.log(`frame rate while adapting: ${fps.toFixed(1)} fps (median frame ${median(gaps).toFixed(1)} ms, ` +
    `95th percentile ${gaps[Math.floor(gaps.length * 0.95)].toFixed(1)} ms, longest ${gaps[gaps.length - 1].toFixed(1)} ms)`);
} finally {
  await browser.close();
  server.close();
}
