// Browser test of reading numbers and refusing non-digits (issues #11, #12):
// a wide drawing area, a three-digit number drawn with the mouse read left
// to right with a box per digit, hovering a box selects its digit, a drawing
// that is not a digit is flagged, the empty canvas has its own state, and a
// phone gets a drawing area across its screen. Screenshots go to ARTIFACT_DIR.
//   node e2e_reading.mjs SITE_DIR ARTIFACT_DIR
import { chromium } from 'playwright-core';
import { testRun, startServer, launchBrowser, strokes, numberStrokes, drawMouse, drawTouch, waitForAttribute, canvasRect }
  from './page.mjs';
import path from 'node:path';

const { site, artifacts, failures, check } = testRun(process.argv);

async function attributes(page) {
  return page.evaluate(() => {
    const el = document.getElementById('prediction');
    const out = {};
    for (const a of el.attributes) if (a.name.startsWith('data-')) out[a.name.slice(5)] = a.value;
    return out;
  });
}

async function clear(page) {
  await page.keyboard.press('Delete');
  return waitForAttribute(page, 'data-number', (v) => v === '', 3000);
}

// Moves the mouse (no button) to the centre of a digit's box; boxes are in
// canvas pixels, and the canvas is 280 pixels tall.
async function hoverBox(page, rect, box) {
  const k = rect.height / 280;
  const [scrollX, scrollY] = await page.evaluate(() => [window.scrollX, window.scrollY]);
  await page.mouse.move(rect.x - scrollX + (box[0] + box[2] / 2) * k, rect.y - scrollY + (box[1] + box[3] / 2) * k,
    { steps: 4 });
}

const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url + '/index.html');
  const rect = await canvasRect(page);
  check(rect.width >= 1.8 * rect.height && rect.height >= 300,
    `desktop: the drawing area is about twice as wide as tall (${rect.width} x ${rect.height})`);

  // The empty canvas: its own state, every reading attribute empty.
  await waitForAttribute(page, 'data-digits', (v) => v === '[]', 10000);
  let a = await attributes(page);
  check(a.label === '' && a.number === '' && a['is-digit'] === '' && a['digit-score'] === '' && a.digits === '[]',
    `empty canvas: no label, number, is-digit or digit score (${JSON.stringify(a)})`);
  check(/Nothing drawn/.test(await page.textContent('#prediction')), 'empty canvas: says nothing is drawn');

  // One digit: data-number is that digit.
  await drawMouse(page, rect, strokes['7']);
  await waitForAttribute(page, 'data-number', (v) => v !== '', 5000);
  a = await attributes(page);
  const one = JSON.parse(a.digits);
  check(a.number === '7' && a.label === '7' && one.length === 1 && one[0].label === 7,
    `one digit: data-number ${a.number}, data-label ${a.label}, data-digits ${a.digits}`);
  check(a['is-digit'] === 'true' && /^\d\.\d{4}$/.test(a['digit-score']),
    `a drawn 7 is a digit (data-is-digit ${a['is-digit']}, data-digit-score ${a['digit-score']})`);
  await clear(page);

  // A three-digit number, written apart, read left to right with a box each.
  const number = '240';
  await drawMouse(page, rect, numberStrokes(number));
  const read = await waitForAttribute(page, 'data-number', (v) => v === number, 5000);
  a = await attributes(page);
  const digits = JSON.parse(a.digits);
  check(read === number, `mouse-drawn ${number} read as "${read}" (${a.digits})`);
  const ordered = digits.every((d, i) => i === 0 || digits[i - 1].box[0] + digits[i - 1].box[2] <= d.box[0]);
  check(digits.length === 3 && ordered && a.label === number[0] && a.selected === '0',
    `one box per digit, left to right, the first selected (data-label ${a.label}, data-selected ${a.selected})`);
  await page.screenshot({ path: path.join(artifacts, 'reading-number.png') });
  if (digits.length === 3) {
    // Moving the pointer into a box selects its digit (the pointer rests in
    // the last box drawn: that alone selects nothing).
    await hoverBox(page, rect, digits[1].box);
    check(await waitForAttribute(page, 'data-selected', (v) => v === '1', 3000) === '1',
      'moving into the second box selects it');
    await hoverBox(page, rect, digits[2].box);
    const selected = await waitForAttribute(page, 'data-selected', (v) => v === '2', 3000);
    const label = await page.getAttribute('#prediction', 'data-label');
    check(selected === '2' && label === String(digits[2].label),
      `then the third box selects the third digit (data-selected ${selected}, data-label ${label})`);
    await page.screenshot({ path: path.join(artifacts, 'reading-selected.png') });
    await page.mouse.move(rect.x - 40, rect.y + 10);
  }
  check((await clear(page)) === '', 'Delete clears the number');
  a = await attributes(page);
  check(a['is-digit'] === '' && a.digits === '[]', 'the cleared canvas is empty again');

  // Not digits: flagged, with the best guess still published.
  for (const shape of ['A', 'X', '#']) {
    await drawMouse(page, rect, strokes[shape]);
    const isDigit = await waitForAttribute(page, 'data-is-digit', (v) => v === 'false', 5000);
    a = await attributes(page);
    const text = await page.textContent('#prediction');
    check(isDigit === 'false' && /doesn't look like a digit/.test(text) && a.label !== '',
      `"${shape}" is not a digit (data-is-digit ${isDigit}, score ${a['digit-score']}, guess ${a.label}: "${text}")`);
    if (shape === 'A') await page.screenshot({ path: path.join(artifacts, 'reading-not-digit.png') });
    await clear(page);
  }
  await drawMouse(page, rect, strokes['2']);
  const digitAgain = await waitForAttribute(page, 'data-is-digit', (v) => v === 'true', 5000);
  check(digitAgain === 'true' && await page.getAttribute('#prediction', 'data-label') === '2',
    `then a 2 is a digit again (data-is-digit ${digitAgain})`);
  check(errors.length === 0, `no console errors (${errors.join(' | ')})`);

  // A phone: the drawing area spans the screen; a number drawn by touch.
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true });
  await phone.goto(url + '/index.html');
  const area = await canvasRect(phone);
  check(area.width >= 300 && area.width > area.height, `phone: the drawing area spans the screen (${area.width} x ${area.height})`);
  await drawTouch(phone, area, numberStrokes('17', 0.6, 0.85));
  const phoneRead = await waitForAttribute(phone, 'data-number', (v) => v === '17', 5000);
  check(phoneRead === '17', `phone: touch-drawn 17 read as "${phoneRead}"`);
  await phone.screenshot({ path: path.join(artifacts, 'reading-phone.png') });
  await phone.close();
} finally {
  await browser.close();
  server.close();
}
console.log(failures.length === 0 ? 'reading browser test passed' : `reading browser test: ${failures.length} failure(s)`);
process.exit(failures.length === 0 ? 0 : 1);
