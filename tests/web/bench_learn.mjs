// Benchmark (not a test) of "learn my handwriting" in the page.
// 1. Frame rate (requestAnimationFrame callbacks per second) with a digit on
//    the canvas and nothing to do, then while the network adapts to
//    EXAMPLES key presses; the main thread's work per frame (the app's frame
//    callback, timed in the page), which says what frame rate the page holds
//    when the machine is not shared (software WebGL draws elsewhere); the
//    time of one training step (the page's own measurement,
//    #prediction[data-learn-step-ms]) and the time from the last key press to
//    the personal model being active.
// 2. For each writer folder (`digits writer-set --output DIR --writer N`), in a
//    fresh browser profile: the page's accuracy on all the writer's held-out
//    digits with the shipped model, then after its 3 examples per class are
//    taught with the keys; with DIGITS=path/to/digits, the MNIST test accuracy
//    of the exported personal model (`digits evaluate`).
//   [DIGITS=build/train/digits] node bench_learn.mjs SITE_DIR [EXAMPLES] [WRITER_DIR ...]
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, strokes, drawMouse, waitForAttribute, canvasRect } from './page.mjs';
import { loadWriter, accuracy, teachAll } from './writer.mjs';

const site = path.resolve(process.argv[2] ?? '../../build-web/site');
const examples = Number(process.argv[3] ?? 5);
const writerDirs = process.argv.slice(4);
const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];

// Every requestAnimationFrame callback the page registers (the app's frame
// loop among them) is timed; set before the page's scripts run. The frame
// counter below uses the untimed original.
const timeCallbacks = () => {
  window.benchWork = [];
  const raf = window.requestAnimationFrame.bind(window);
  window.benchRaf = raf;
  window.requestAnimationFrame = (callback) => raf((t) => {
    const start = performance.now();
    callback(t);
    window.benchWork.push(performance.now() - start);
  });
};
// Counts animation frames from now on, in the page.
const startFrames = (page) => page.evaluate(() => {
  window.benchFrames = [];
  window.benchWork = [];
  const tick = (t) => { window.benchFrames.push(t); window.benchRaf(tick); };
  window.benchRaf(tick);
});
async function frameRate(page) {
  const [frames, work] = await page.evaluate(() => {
    const f = [window.benchFrames, window.benchWork];
    window.benchFrames = [];
    window.benchWork = [];
    return f;
  });
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const fps = (frames.length - 1) / ((frames[frames.length - 1] - frames[0]) / 1000);
  const sorted = work.slice().sort((a, b) => a - b);
  const mean = work.reduce((a, b) => a + b, 0) / work.length;
  return `${fps.toFixed(1)} fps (median frame ${median(gaps).toFixed(1)} ms, 95th percentile ` +
    `${gaps[Math.floor(gaps.length * 0.95)].toFixed(1)} ms, longest ${gaps[gaps.length - 1].toFixed(1)} ms); ` +
    `main-thread work per frame: mean ${mean.toFixed(1)} ms, 95th percentile ` +
    `${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)} ms`;
}

async function framesWhileAdapting(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.addInitScript(timeCallbacks);
  await page.goto(url + '/index.html');
  const rect = await canvasRect(page);
  await waitForAttribute(page, 'data-personal-examples', (v) => v === '0', 20000);
  await page.waitForTimeout(4000);  // the reminder digits are prepared in idle time after start-up
  await drawMouse(page, rect, strokes['4']);
  await waitForAttribute(page, 'data-label', (v) => !!v, 5000);
  await startFrames(page);
  await page.waitForTimeout(3000);
  console.log(`idle, a digit on the canvas: ${await frameRate(page)}`);
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
  console.log(`adapting to ${examples} examples: ${await frameRate(page)}; personal model active after ${seconds.toFixed(1)} s`);
  console.log(`one training step (batch of 32, dense layers): median ${median(stepTimes).toFixed(2)} ms, ` +
    `max ${Math.max(...stepTimes).toFixed(2)} ms over ${stepTimes.length} samples`);
  await page.close();
}

async function writerAccuracy(browser, url, dir) {
  const writer = loadWriter(dir);
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(url + '/index.html');
  await canvasRect(page);
  await waitForAttribute(page, 'data-personal-examples', (v) => v === '0', 20000);
  const before = await accuracy(page, writer, writer.test);
  await teachAll(page, writer);
  await waitForAttribute(page, 'data-personal-examples', (v) => v === String(writer.teach.length), 120000);
  const after = await accuracy(page, writer, writer.test);
  let mnist = '';
  if (process.env.DIGITS) {
    const download = page.waitForEvent('download');
    const [x, y, w, h] = (await page.getAttribute('#prediction', 'data-export-rect')).split(' ').map(Number);
    await page.mouse.click(x + w / 2, y + h / 2);
    const file = path.join(os.tmpdir(), `bench-learn-writer${writer.writer}.dgw`);
    await (await download).saveAs(file);
    const r = JSON.parse(execFileSync(process.env.DIGITS, ['evaluate', '--json', '--weights', file], { encoding: 'utf8' }));
    mnist = `, MNIST test of the exported model ${(100 * r.accuracy).toFixed(2)}%`;
    fs.rmSync(file);
  }
  console.log(`writer ${writer.writer}: ${writer.test.length} held-out digits read ${(100 * before).toFixed(1)}% -> ` +
    `${(100 * after).toFixed(1)}% after ${writer.teach.length} examples${mnist}`);
  await context.close();
}

const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  await framesWhileAdapting(browser, url);
  for (const dir of writerDirs) await writerAccuracy(browser, url, dir);
} finally {
  await browser.close();
  server.close();
}
