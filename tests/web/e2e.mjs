// End-to-end test of the built page in headless Chromium (Debian's), driven
// by playwright-core: load without console errors or non-local requests, draw
// digits with the mouse and by touch, undo and clear, reject a corrupt
// weights file while the previous model keeps working, draw nothing while
// idle, save a screenshot.
//   node e2e.mjs SITE_DIR ARTIFACT_DIR
import { chromium } from 'playwright-core';
import { testRun, startServer, launchBrowser, strokes, drawMouse, drawTouch, touchDrag, waitForLabel, settledLabel, canvasRect } from './page.mjs';
import fs from 'node:fs';
import path from 'node:path';

const { site, artifacts, failures, check } = testRun(process.argv);

const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors = [];
  const foreignRequests = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) foreignRequests.push(r.url()); });

  await page.goto(url + '/index.html');
  const rect = await canvasRect(page);
  check(rect.width > 100 && rect.height > 100, `drawing area published (${rect.x} ${rect.y} ${rect.width} ${rect.height})`);
  check((await page.getAttribute('#prediction', 'data-label')) === '', 'empty canvas: no label');

  for (const digit of ['1', '7', '0']) {
    await drawMouse(page, rect, strokes[digit]);
    const got = await settledLabel(page, 5000);
    const confidence = await page.getAttribute('#prediction', 'data-confidence');
    check(got === digit, `mouse-drawn ${digit} predicted as ${got} (confidence ${confidence})`);
    if (digit === '7') await page.screenshot({ path: path.join(artifacts, 'page.png') });
    await page.keyboard.press('Delete');
    check((await waitForLabel(page, (l) => l === '', 3000)) === '', `Delete clears the canvas after ${digit}`);
  }

  // Undo: a stroke then Ctrl+Z gives the empty canvas back; clear then Ctrl+Z restores the digit.
  await drawMouse(page, rect, strokes['1']);
  await waitForLabel(page, (l) => l === '1', 5000);
  await page.keyboard.press('Control+z');
  check((await waitForLabel(page, (l) => l === '', 3000)) === '', 'Ctrl+Z undoes the last stroke');
  await drawMouse(page, rect, strokes['1']);
  await waitForLabel(page, (l) => l === '1', 5000);
  await page.keyboard.press('Delete');
  await waitForLabel(page, (l) => l === '', 3000);
  await page.keyboard.press('Control+z');
  check((await waitForLabel(page, (l) => l === '1', 3000)) === '1', 'Ctrl+Z after clear restores the drawing');
  await page.keyboard.press('Delete');
  await waitForLabel(page, (l) => l === '', 3000);

  // Touch.
  await drawTouch(page, rect, strokes['7']);
  const touched = await settledLabel(page, 5000);
  check(touched === '7', `touch-drawn 7 predicted as ${touched}`);
  await page.keyboard.press('Delete');
  await waitForLabel(page, (l) => l === '', 3000);

  // Bad weights files: each refusal says what is wrong with the file, by
  // name, and the previous model keeps predicting.
  const good = fs.readFileSync(path.resolve(site, '../../weights/mnist.dgw'));
  const pick = (name, buffer) => page.setInputFiles('#weights-file', { name, mimeType: 'application/octet-stream', buffer });
  const flipped = Buffer.from(good);
  flipped[5000] ^= 0x55;
  const refusals = [
    ['truncated', () => pick('half.dgw', Buffer.from(good.subarray(0, Math.floor(good.length / 2)))),
      /half\.dgw: truncated weights file/],
    ['empty', () => pick('empty.dgw', Buffer.alloc(0)), /empty\.dgw: empty file/],
    ['corrupted', () => pick('flipped.dgw', flipped), /flipped\.dgw: checksum mismatch: the file is corrupted/],
    ['over the size limit', () => pick('huge.dgw', Buffer.alloc(9 << 20)), /huge\.dgw: 9437184 bytes, more than the limit/],
    // A dropped file the browser cannot read (deleted or unreadable since it was picked).
    ['unreadable', () => page.evaluate(() => {
      const file = new File(['x'], 'gone.dgw');
      file.arrayBuffer = () => Promise.reject(new DOMException('the file is gone', 'NotReadableError'));
      const drop = new Event('drop', { cancelable: true });
      Object.defineProperty(drop, 'dataTransfer', { value: { files: [file] } });
      document.getElementById('stage').dispatchEvent(drop);
    }), /gone\.dgw: cannot open for reading/],
  ];
  for (const [what, load, expected] of refusals) {
    await load();
    const shown = await page.waitForFunction((source) => {
      const box = document.getElementById('error');
      return !box.hidden && new RegExp(source).test(box.textContent) && box.textContent;
    }, expected.source, { timeout: 5000 }).then((h) => h.jsonValue(), () => page.textContent('#error'));
    check(expected.test(shown), `${what} weights file reported: "${shown}"`);
  }
  await drawMouse(page, rect, strokes['0']);
  const after = await settledLabel(page, 5000);
  check(after === '0', `previous model still predicts after the bad files (0 -> ${after})`);

  // A good file loads and clears the error.
  await pick('mnist.dgw', good);
  const cleared = await page.waitForSelector('#error[hidden]', { state: 'attached', timeout: 5000 }).then(() => true, () => false);
  check(cleared, `loading a valid weights file clears the error ("${cleared ? '' : await page.textContent('#error')}")`);

  check(consoleErrors.length === 0, `no console errors (${consoleErrors.join(' | ')})`);
  check(foreignRequests.length === 0, `no non-local requests (${foreignRequests.join(' ')})`);
  await page.screenshot({ path: path.join(artifacts, 'page-final.png') });

  // A phone: the panels are stacked and taller than the screen. A finger
  // draws on the canvas and scrolls the panels when dragged anywhere else.
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true });
  await phone.goto(url + '/index.html');
  const top = await canvasRect(phone);
  await drawTouch(phone, top, strokes['7']);
  const phoneLabel = await settledLabel(phone, 5000);
  check(phoneLabel === '7', `phone: touch-drawn 7 predicted as ${phoneLabel}`);
  await phone.evaluate(() => document.getElementById('stage').scrollIntoView());
  const stage = await phone.locator('#stage').boundingBox();
  const from = [stage.x + 4, stage.y + stage.height - 60];  // the panel's left margin, below the canvas
  await touchDrag(phone, from, [from[0], from[1] - 300]);
  await phone.waitForTimeout(200);
  const scrolled = await canvasRect(phone);
  check(scrolled.y < top.y - 150 && await phone.getAttribute('#prediction', 'data-label') === '7',
    `phone: dragging the panel up scrolls it (canvas top ${top.y} -> ${scrolled.y}) without drawing`);
  await phone.screenshot({ path: path.join(artifacts, 'phone-scrolled.png') });
  await touchDrag(phone, [from[0], from[1] - 300], from);
  await phone.waitForTimeout(200);
  const back = await canvasRect(phone);
  check(Math.abs(back.y - top.y) < 20, `phone: dragging it down scrolls back (canvas top ${back.y})`);
  await phone.close();

  // A browser without WebGL 2: the page says so instead of staying blank.
  const noGl = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await noGl.addInitScript(() => {
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
      return type === 'webgl2' ? null : getContext.call(this, type, ...rest);
    };
  });
  await noGl.goto(url + '/index.html');
  const shown = await noGl.waitForSelector('#error:not([hidden])', { timeout: 15000 }).then(() => true, () => false);
  const noGlText = shown ? await noGl.textContent('#error') : '';
  check(/WebGL 2/.test(noGlText), `without WebGL 2 the page shows an error: "${noGlText}"`);
  await noGl.close();

  // An idle page does not redraw (a page that redrew every frame kept both
  // cores busy here); a change is drawn at once. WebGL draw calls are counted.
  // Uint8Array.fromBase64 is taken away: the wasm then comes through the
  // loader's other path (a data: URL), as in a browser without it.
  const idle = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await idle.addInitScript(() => {
    delete Uint8Array.fromBase64;
    window.drawCalls = 0;
    const drawElements = WebGL2RenderingContext.prototype.drawElements;
    WebGL2RenderingContext.prototype.drawElements = function (...args) {
      ++window.drawCalls;
      return drawElements.apply(this, args);
    };
  });
  await idle.goto(url + '/index.html');
  const firstFrame = await idle.waitForFunction(() => document.getElementById('prediction').dataset.firstFrame, null,
    { timeout: 15000 }).then((h) => h.jsonValue(), () => null);
  check(firstFrame !== null, `without Uint8Array.fromBase64 the page starts (first frame at ${firstFrame} ms)`);
  await idle.waitForTimeout(1000);
  const before = await idle.evaluate(() => window.drawCalls);
  await idle.waitForTimeout(1000);
  const idleDraws = (await idle.evaluate(() => window.drawCalls)) - before;
  check(before > 0 && idleDraws === 0, `an idle page draws nothing (${idleDraws} draw calls in 1 s, ${before} before)`);
  await idle.keyboard.press('r');
  const sample = await settledLabel(idle, 5000);
  await idle.waitForTimeout(300);
  const changeDraws = (await idle.evaluate(() => window.drawCalls)) - before;
  check(sample !== '' && changeDraws > 0, `a new drawing is drawn (R: label ${sample}, ${changeDraws} draw calls)`);
  await idle.close();

  // The same page opened straight from disk (file://): everything is inside digits.js.
  const local = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const localErrors = [];
  local.on('pageerror', (e) => localErrors.push(String(e)));
  await local.goto('file://' + path.join(site, 'index.html'));
  const localRect = await canvasRect(local);
  await drawMouse(local, localRect, strokes['1']);
  const fromDisk = await settledLabel(local, 5000);
  check(fromDisk === '1' && localErrors.length === 0, `page opened from file:// predicts (1 -> ${fromDisk})`);
} finally {
  await browser.close();
  server.close();
}
console.log(failures.length === 0 ? 'browser test passed' : `browser test: ${failures.length} failure(s)`);
process.exit(failures.length === 0 ? 0 : 1);
