// Browser test of "learn my handwriting" (issue #13). A synthetic writer the
// shipped model misreads (`digits writer-set`, its strokes.json) is drawn with
// the mouse: held-out digits are scored, 3 examples per class are taught with
// the digit keys, and the held-out digits are scored again (floor 95%). The
// personal model must survive a reload (IndexedDB), "Forget my handwriting"
// must bring the shipped model back, and a corrupt stored model must be
// discarded with a message while the page keeps working.
//   node e2e_learn.mjs SITE_DIR ARTIFACT_DIR STROKES_JSON [HELD_OUT_PER_CLASS]
import { chromium } from 'playwright-core';
import { startServer, launchBrowser, strokes, drawMouse, waitForAttribute, canvasRect } from './page.mjs';
import fs from 'node:fs';
import path from 'node:path';

const site = path.resolve(process.argv[2] ?? '../../build-web/site');
const artifacts = path.resolve(process.argv[3] ?? '../../build-web/artifacts');
const writer = JSON.parse(fs.readFileSync(process.argv[4], 'utf8'));
const heldOutPerClass = Number(process.argv[5] ?? 5);
fs.mkdirSync(artifacts, { recursive: true });

const failures = [];
function check(condition, message) {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${message}`);
  if (!condition) failures.push(message);
}

// The writer's strokes are in pixels of a square canvas `writer.canvas` wide;
// page.mjs addresses the drawing area's centred square in unit coordinates.
const unit = (sample) => sample.strokes.map((line) => line.map(([x, y]) => [x / writer.canvas, y / writer.canvas]));
const teach = writer.samples.filter((s) => s.set === 'teach');
const heldOut = [];
for (let label = 0; label < 10; ++label) {
  heldOut.push(...writer.samples.filter((s) => s.set === 'test' && s.label === label).slice(0, heldOutPerClass));
}

async function clear(page) {
  await page.keyboard.press('Delete');
  await waitForAttribute(page, 'data-number', (v) => v === '', 3000);
}

// Draws one sample and returns the label the page reads.
async function read(page, rect, sample) {
  await clear(page);
  await drawMouse(page, rect, unit(sample));
  return waitForAttribute(page, 'data-label', (v) => v !== '' && v !== null, 5000);
}

async function accuracy(page, rect) {
  let right = 0;
  for (const s of heldOut) right += (await read(page, rect, s)) === String(s.label);
  return right / heldOut.length;
}

async function personalExamples(page, accept, timeout = 60000) {
  return waitForAttribute(page, 'data-personal-examples', (v) => v !== null && accept(Number(v)), timeout);
}

async function clickForget(page) {
  const value = await waitForAttribute(page, 'data-forget-rect', (v) => !!v, 5000);
  const [x, y, w, h] = value.split(' ').map(Number);
  const [scrollX, scrollY] = await page.evaluate(() => [window.scrollX, window.scrollY]);
  await page.mouse.click(x - scrollX + w / 2, y - scrollY + h / 2);
}

const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + '/index.html');
  let rect = await canvasRect(page);
  check(await personalExamples(page, (n) => n === 0, 10000) === '0',
    'a fresh browser runs the shipped model (data-personal-examples 0)');

  const before = await accuracy(page, rect);
  console.log(`writer ${writer.writer}: the shipped model reads ${(100 * before).toFixed(1)}% of ${heldOut.length} held-out digits`);
  check(before < 0.95, `the writer is one the shipped model gets wrong (${(100 * before).toFixed(1)}% < 95%)`);

  // Teach: draw, then press the digit's key; the page names what it learned.
  const started = Date.now();
  for (const s of teach) {
    await read(page, rect, s);
    await page.keyboard.press(String(s.label));
  }
  const taught = await personalExamples(page, (n) => n === teach.length, 120000);
  check(taught === String(teach.length),
    `after teaching ${teach.length} examples the personal model is active (data-personal-examples ${taught}, ` +
    `${((Date.now() - started) / 1000).toFixed(1)} s)`);
  await page.screenshot({ path: path.join(artifacts, 'learn-taught.png') });

  const after = await accuracy(page, rect);
  console.log(`writer ${writer.writer}: the personal model reads ${(100 * after).toFixed(1)}%`);
  check(after >= 0.95, `after 3 examples per class the page reads ${(100 * after).toFixed(1)}% of the writer's held-out digits (floor 95%)`);
  await waitForAttribute(page, 'data-personal-stored', (v) => v === 'true', 10000);

  // Reload: the personal model comes back from IndexedDB.
  await page.reload();
  rect = await canvasRect(page);
  const restored = await personalExamples(page, (n) => n === teach.length, 20000);
  check(restored === String(teach.length), `after a reload the personal model is active again (data-personal-examples ${restored})`);
  const again = heldOut.filter((s, i) => i % heldOutPerClass === 0);
  let right = 0;
  for (const s of again) right += (await read(page, rect, s)) === String(s.label);
  check(right >= again.length - 1, `after the reload it still reads the writer (${right} of ${again.length})`);

  // Forget: the shipped model is back, and stays back after a reload.
  await clickForget(page);
  check(await personalExamples(page, (n) => n === 0, 10000) === '0', '"Forget my handwriting" restores the shipped model');
  await waitForAttribute(page, 'data-personal-stored', (v) => v === 'false', 10000);
  await page.reload();
  await canvasRect(page);
  await page.waitForTimeout(1000);  // time for a stored model, were there one, to arrive
  check(await page.getAttribute('#prediction', 'data-personal-examples') === '0', 'after forgetting and a reload: the shipped model');

  // A corrupt stored model: discarded with a message, the page keeps working.
  await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('digits', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('personal');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('personal', 'readwrite');
      const junk = new Uint8Array(5000).map((_, i) => (i * 37) & 255);
      tx.objectStore('personal').put({ model: junk, examples: new Uint8Array(785) }, 'current');
      tx.oncomplete = () => resolve();
    };
  }));
  await page.reload();
  rect = await canvasRect(page);
  await page.waitForFunction(() => !document.getElementById('error').hidden, null, { timeout: 10000 }).catch(() => {});
  const message = await page.textContent('#error');
  check(/discarded/.test(message ?? '') && await page.isVisible('#error'),
    `a corrupt stored model is discarded with a message ("${message}")`);
  check(await page.getAttribute('#prediction', 'data-personal-examples') === '0', 'with a corrupt stored model the shipped model runs');
  await clear(page);
  await drawMouse(page, rect, strokes['7']);
  const seven = await waitForAttribute(page, 'data-label', (v) => v === '7', 5000);
  check(seven === '7', `and the page still reads a drawn 7 (${seven})`);
  await page.screenshot({ path: path.join(artifacts, 'learn-corrupt.png') });
  check(errors.length === 0, `no console errors (${errors.join(' | ')})`);
} finally {
  await browser.close();
  server.close();
}
if (failures.length > 0) {
  console.log(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('\nlearning test passed');
