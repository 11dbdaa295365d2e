// Browser test of "learn my handwriting" (issue #13), on a synthetic writer the
// shipped model misreads (`digits writer-set`): 3 examples per class are
// taught with the digit keys, and the page must name what it learned, make
// the personal model active and read the writer's held-out digits better;
// the personal model must survive a reload (IndexedDB), be exported as a .dgw
// file that `digits evaluate` reads, and give way to the shipped model on
// "Forget my handwriting"; a corrupt stored model must be discarded with a
// message while the page keeps reading. Samples are drawn through the page's
// drawing hook (writer.mjs); the last digit is drawn with the mouse.
//   node e2e_learn.mjs SITE_DIR ARTIFACT_DIR WRITER_DIR DIGITS_BINARY [HELD_OUT_PER_CLASS]
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { testRun, startServer, launchBrowser, strokes, drawMouse, waitForAttribute, canvasRect } from './page.mjs';
import { loadWriter, heldOut, drawSample, accuracy, teachAll } from './writer.mjs';

const { site, artifacts, failures, check } = testRun(process.argv);
const writer = loadWriter(process.argv[4] ?? '../../build-web/writer0');
const digitsBinary = path.resolve(process.argv[5] ?? '../../build/train/digits');
const perClass = Number(process.argv[6] ?? 5);
const held = heldOut(writer, perClass);
const taughtCount = writer.teach.length;
const floor = 0.9;  // on 5 held-out digits per class; bench_learn.mjs measures the 95% of the issue on 20 per class

const attribute = (page, name) => page.getAttribute('#prediction', name);
const personalExamples = (page, n, timeout) => waitForAttribute(page, 'data-personal-examples', (v) => v === String(n), timeout);

// Clicks a button the learning section publishes as #prediction[data-<name>-rect].
async function clickButton(page, name) {
  const value = await waitForAttribute(page, `data-${name}-rect`, (v) => !!v, 5000);
  const [x, y, w, h] = value.split(' ').map(Number);
  const [scrollX, scrollY] = await page.evaluate(() => [window.scrollX, window.scrollY]);
  await page.mouse.click(x - scrollX + w / 2, y - scrollY + h / 2);
}

const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + '/index.html');
  await canvasRect(page);
  check(await personalExamples(page, 0, 20000) === '0' && !/personal/.test(await attribute(page, 'data-model')),
    `a fresh browser runs the shipped model ("${await attribute(page, 'data-model')}")`);

  const before = await accuracy(page, writer, held);
  check(before < 0.95, `writer ${writer.writer} is one the shipped model gets wrong: it reads ` +
    `${(100 * before).toFixed(0)}% of ${held.length} held-out digits (below 95%) [${seconds()}]`);

  await teachAll(page, writer);
  const message = await waitForAttribute(page, 'data-learn-message', (v) => /^Learned: \d/.test(v ?? ''), 5000);
  const last = writer.teach[taughtCount - 1].label;
  check(message === `Learned: ${last} (${taughtCount} examples)`, `the page names what it learned ("${message}")`);
  const active = await personalExamples(page, taughtCount, 60000);
  check(active === String(taughtCount), `the personal model becomes active: data-personal-examples ${active} ` +
    `(${taughtCount} taught) [${seconds()}]`);
  check(/personal/.test(await attribute(page, 'data-model')), `the sidebar says so ("${await attribute(page, 'data-model')}")`);
  await page.screenshot({ path: path.join(artifacts, 'learn-taught.png') });

  const after = await accuracy(page, writer, held);
  check(after >= floor && after > before, `after 3 examples per class it reads ${(100 * after).toFixed(0)}% of the ` +
    `held-out digits (was ${(100 * before).toFixed(0)}%, floor ${100 * floor}%) [${seconds()}]`);
  check(await waitForAttribute(page, 'data-personal-stored', (v) => v === 'true', 10000) === 'true',
    'the personal model is stored in IndexedDB');

  // Export: a download that the CLI loads and evaluates on MNIST.
  const download = page.waitForEvent('download', { timeout: 10000 });
  await clickButton(page, 'export');
  const exported = path.join(artifacts, 'digits-personal.dgw');
  await (await download).saveAs(exported);
  let evaluated = null;
  try {
    evaluated = JSON.parse(execFileSync(digitsBinary, ['evaluate', '--json', '--weights', exported], { encoding: 'utf8' }));
  } catch (e) {
    console.log(String(e.stderr ?? e));
  }
  check(evaluated !== null && evaluated.accuracy >= 0.98, `the exported model loads in \`digits evaluate\`: MNIST test ` +
    `${evaluated ? (100 * evaluated.accuracy).toFixed(2) : '-'}% [${seconds()}]`);

  // Reload: the personal model comes back from IndexedDB and still reads the writer.
  await page.reload();
  await canvasRect(page);
  const restored = await personalExamples(page, taughtCount, 20000);
  check(restored === String(taughtCount) && /personal/.test(await attribute(page, 'data-model')),
    `after a reload the personal model is active again (data-personal-examples ${restored}, ` +
    `"${await attribute(page, 'data-model')}")`);
  const again = await accuracy(page, writer, heldOut(writer, 1));
  check(again >= 0.9, `and reads the writer: ${(100 * again).toFixed(0)}% of 10 held-out digits`);

  // Forget: the shipped model is back, and stays back after a reload.
  await clickButton(page, 'forget');
  const forgotten = await personalExamples(page, 0, 10000);
  check(forgotten === '0' && !/personal/.test(await attribute(page, 'data-model')),
    `"Forget my handwriting" restores the shipped model ("${await attribute(page, 'data-model')}")`);
  await waitForAttribute(page, 'data-personal-stored', (v) => v === 'false', 10000);
  await page.reload();
  await canvasRect(page);
  await page.waitForTimeout(1000);  // time for a stored model, were there one, to arrive
  check(await attribute(page, 'data-personal-examples') === '0', 'after forgetting and a reload: the shipped model');

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
  const rect = await canvasRect(page);
  await page.waitForFunction(() => !document.getElementById('error').hidden, null, { timeout: 10000 }).catch(() => {});
  const error = await page.textContent('#error');
  check(/discarded/.test(error ?? '') && await page.isVisible('#error'),
    `a corrupt stored model is discarded with a message ("${error}")`);
  check(await attribute(page, 'data-personal-examples') === '0', 'with a corrupt stored model the shipped model runs');
  await page.keyboard.press('Delete');
  await drawMouse(page, rect, strokes['7']);
  const seven = await waitForAttribute(page, 'data-label', (v) => v === '7', 10000);
  check(seven === '7', `and the page still reads a 7 drawn with the mouse (${seven})`);
  const stored = await page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('digits', 1);
    open.onsuccess = () => {
      const get = open.result.transaction('personal').objectStore('personal').get('current');
      get.onsuccess = () => resolve(get.result === undefined);
    };
  }));
  check(stored, 'and the corrupt model is gone from IndexedDB');
  await page.screenshot({ path: path.join(artifacts, 'learn-corrupt.png') });
  check(errors.length === 0, `no console errors (${errors.join(' | ')})`);
} finally {
  await browser.close();
  server.close();
}
console.log(`(${seconds()})`);
if (failures.length > 0) {
  console.log(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('\nlearning test passed');
