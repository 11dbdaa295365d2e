// Shared by the browser test and the browser benchmark: a loopback static
// server, Chromium's launch, and drawing on the page's canvas through the
// rectangle it publishes in #prediction[data-canvas-rect].
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.png': 'image/png' };

// What every browser test starts with: the site and artifact folders from
// the command line (SITE_DIR ARTIFACT_DIR), and check() collecting failures.
export function testRun(argv) {
  const site = path.resolve(argv[2] ?? '../../build-web/site');
  const artifacts = path.resolve(argv[3] ?? '../../build-web/artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const failures = [];
  function check(condition, message) {
    console.log(`${condition ? 'ok  ' : 'FAIL'} ${message}`);
    if (!condition) failures.push(message);
  }
  return { site, artifacts, failures, check };
}

export function startServer(root) {
  const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${server.address().port}` });
  }));
}

export function launchBrowser(chromium) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export async function canvasRect(page) {
  await page.waitForFunction(() => document.getElementById('prediction').getAttribute('data-canvas-rect'), null,
    { timeout: 30000 });
  const [x, y, width, height] = (await page.getAttribute('#prediction', 'data-canvas-rect')).split(' ').map(Number);
  return { x, y, width, height };
}

// Strokes in unit coordinates of the drawing area; each is a polyline.
function ellipse(cx, cy, rx, ry, n) {
  const points = [];
  for (let i = 0; i <= n; ++i) {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    points.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  }
  return points;
}
export const strokes = {
  '1': [[[0.52, 0.2], [0.5, 0.8]]],
  '2': [[[0.3, 0.34], [0.38, 0.23], [0.5, 0.19], [0.62, 0.23], [0.67, 0.34], [0.62, 0.47], [0.31, 0.8], [0.71, 0.8]]],
  '4': [[[0.6, 0.8], [0.6, 0.2], [0.27, 0.62], [0.74, 0.62]]],
  '7': [[[0.3, 0.22], [0.7, 0.22], [0.46, 0.8]]],
  '0': [ellipse(0.5, 0.5, 0.17, 0.28, 48)],
  // Not digits.
  'A': [[[0.28, 0.8], [0.5, 0.2], [0.72, 0.8]], [[0.37, 0.58], [0.63, 0.58]]],
  'X': [[[0.3, 0.2], [0.7, 0.8]], [[0.7, 0.2], [0.3, 0.8]]],
  '#': [[[0.44, 0.22], [0.4, 0.78]], [[0.6, 0.22], [0.56, 0.78]], [[0.3, 0.4], [0.7, 0.4]], [[0.3, 0.6], [0.7, 0.6]]],
};

// The strokes of a number written left to right: each digit scaled by
// `scale` about the centre of its own cell, cells `step` apart, centred on
// the drawing area (whose square is [0, 1]; a wide area takes u beyond it).
export function numberStrokes(text, step = 0.55, scale = 0.8) {
  const lines = [];
  [...text].forEach((c, i) => {
    const du = (i - (text.length - 1) / 2) * step;
    for (const line of strokes[c]) lines.push(line.map(([u, v]) => [0.5 + du + (u - 0.5) * scale, 0.5 + (v - 0.5) * scale]));
  });
  return lines;
}

// data-canvas-rect is in page coordinates; input events take viewport ones.
// Unit coordinates address the square of the drawing area's height at its
// centre, so strokes keep their shape on a wide area.
function toViewport(rect, [u, v]) {
  const side = Math.min(rect.width, rect.height);
  const x = rect.x + (rect.width - side) / 2, y = rect.y + (rect.height - side) / 2;
  return [x - rect.scrollX + u * side, y - rect.scrollY + v * side];
}

async function withScroll(page, rect) {
  const [scrollX, scrollY] = await page.evaluate(() => [window.scrollX, window.scrollY]);
  return { ...rect, scrollX, scrollY };
}

export async function drawMouse(page, pageRect, digit) {
  const rect = await withScroll(page, pageRect);
  for (const line of digit) {
    const [x0, y0] = toViewport(rect, line[0]);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (const p of line.slice(1)) {
      const [x, y] = toViewport(rect, p);
      await page.mouse.move(x, y, { steps: 6 });
    }
    await page.mouse.up();
  }
}

export async function drawTouch(page, pageRect, digit) {
  const rect = await withScroll(page, pageRect);
  for (const line of digit) {
    const points = [];
    for (let i = 0; i + 1 < line.length; ++i) {
      for (let s = 0; s < 8; ++s) {
        const t = s / 8;
        points.push([line[i][0] + t * (line[i + 1][0] - line[i][0]), line[i][1] + t * (line[i + 1][1] - line[i][1])]);
      }
    }
    points.push(line[line.length - 1]);
    await touchPath(page, points.map((p) => toViewport(rect, p)));
  }
}

// One finger down at the first viewport point, through the others, then up;
// `pauseMs` between moves.
async function touchPath(page, points, pauseMs = 0) {
  const cdp = await page.context().newCDPSession(page);
  const touch = ([x, y]) => [{ x, y, id: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: touch(points[0]) });
  for (const p of points.slice(1)) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: touch(p) });
    if (pauseMs > 0) await page.waitForTimeout(pauseMs);
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

// A one-finger drag between two viewport points, moves about a frame apart as a finger makes them.
export async function touchDrag(page, [x0, y0], [x1, y1], steps = 12) {
  const points = [];
  for (let i = 0; i <= steps; ++i) points.push([x0 + (i / steps) * (x1 - x0), y0 + (i / steps) * (y1 - y0)]);
  await touchPath(page, points, 16);
}

// Waits until #prediction's attribute `name` satisfies `accept`, returns the last value seen.
export async function waitForAttribute(page, name, accept, timeout) {
  const start = Date.now();
  let value = null;
  while (Date.now() - start < timeout) {
    value = await page.getAttribute('#prediction', name);
    if (accept(value)) return value;
    await page.waitForTimeout(50);
  }
  return value;
}

export function waitForLabel(page, accept, timeout) { return waitForAttribute(page, 'data-label', accept, timeout); }

// The label once a drawing's readings have settled: a reading can come while
// the stroke is still going on (a 7's bar alone), so the first label shown
// is not always the drawing's. Waits for a label, then until no reading has
// come for 250 ms.
export async function settledLabel(page, timeout) {
  const start = Date.now();
  let label = await waitForLabel(page, (l) => l !== '', timeout);
  let count = await page.getAttribute('#prediction', 'data-count');
  while (Date.now() - start < timeout) {
    await page.waitForTimeout(250);
    const now = await page.getAttribute('#prediction', 'data-count');
    label = await page.getAttribute('#prediction', 'data-label');
    if (now === count) break;
    count = now;
  }
  return label;
}
