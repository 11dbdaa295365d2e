// Browser test of "Inside the network" and the saliency overlay: draw a 7,
// open the panel (I), turn the overlay on (S) and check in screenshots that
// the canvas gains the warm overlay around the digit and loses it again, that
// the runner-up's map (Shift+S) differs, and that nothing logs an error.
//   node e2e_inside.mjs SITE_DIR ARTIFACT_DIR
import { chromium } from 'playwright-core';
import { testRun, startServer, launchBrowser, strokes, drawMouse, settledLabel, canvasRect } from './page.mjs';
import path from 'node:path';

const { site, artifacts, failures, check } = testRun(process.argv);

// Decodes two same-sized PNG screenshots in a scratch page and compares them:
// how many pixels differ, and how many are "warm" (red well above blue, the
// overlay's colours; the app's own palette is grey and blue) in each.
async function compare(tool, a, b) {
  return tool.evaluate(async ([a64, b64]) => {
    const pixels = async (b64) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = c.getContext('2d');
      g.drawImage(bitmap, 0, 0);
      return g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    };
    const [p, q] = [await pixels(a64), await pixels(b64)];
    let differ = 0, warmA = 0, warmB = 0;
    const warm = (d, i) => d[i] > d[i + 2] + 60 && d[i] > 120;
    for (let i = 0; i < p.length; i += 4) {
      if (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]) > 24) ++differ;
      warmA += warm(p, i);
      warmB += warm(q, i);
    }
    return { total: p.length / 4, differ, warmA, warmB };
  }, [a.toString('base64'), b.toString('base64')]);
}

async function inside(page, accept) {
  await page.waitForFunction((source) => new RegExp(source).test(document.getElementById('prediction').dataset.inside || ''),
    accept.source, { timeout: 5000 }).catch(() => {});
  return (await page.getAttribute('#prediction', 'data-inside')) ?? '';
}

const { server, url } = await startServer(site);
const browser = await launchBrowser(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const tool = await browser.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await page.goto(url + '/index.html');
  const rect = await canvasRect(page);
  await drawMouse(page, rect, strokes['7']);
  const label = await settledLabel(page, 5000);
  check(label === '7', `mouse-drawn 7 predicted as ${label}`);
  await page.mouse.move(rect.x - 40, rect.y + 10);  // the brush outline off the canvas
  await page.waitForTimeout(200);
  const clip = { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
  const plain = await page.screenshot({ clip });
  const wholeBefore = await page.screenshot();

  // The panel: I opens it; it computes the maps and publishes how long that took.
  await page.keyboard.press('i');
  const opened = await inside(page, /open/);
  const ms = Number(await page.getAttribute('#prediction', 'data-inside-ms'));
  check(/open/.test(opened) && ms > 0, `I opens the panel (data-inside "${opened}", ${ms} ms)`);
  await page.waitForTimeout(200);
  const wholeOpen = await page.screenshot({ path: path.join(artifacts, 'inside-panel.png') });
  const panel = await compare(tool, wholeBefore, wholeOpen);
  check(panel.differ > 0.01 * panel.total, `the open panel changes the page (${panel.differ} of ${panel.total} pixels)`);
  const stillPlain = await compare(tool, plain, await page.screenshot({ clip }));
  check(stillPlain.differ < 0.002 * stillPlain.total, `the canvas is unchanged without the overlay (${stillPlain.differ} pixels differ)`);

  // The overlay: S lays the predicted class's map over the digit.
  await page.keyboard.press('s');
  const on = await inside(page, /overlay.*label=7/);
  check(/overlay/.test(on) && /label=7/.test(on), `S turns the overlay on for the answer (data-inside "${on}")`);
  await page.waitForTimeout(200);
  const overlaid = await page.screenshot({ clip, path: path.join(artifacts, 'inside-overlay.png') });
  const o = await compare(tool, plain, overlaid);
  // Warm: a share of the whole canvas, of which the digit covers a tenth; a
  // focused map (the 2026-12-08 model's, on a 7's corner) warms half a percent.
  check(o.differ > 0.01 * o.total && o.warmB > 0.0025 * o.total && o.warmA < 0.001 * o.total,
    `the overlay colours the canvas (${o.differ} pixels changed; warm pixels ${o.warmA} -> ${o.warmB} of ${o.total})`);

  // Where: the warm pixels sit around the digit's box, not elsewhere on the canvas.
  const digits = JSON.parse((await page.getAttribute('#prediction', 'data-digits')) ?? '[]');
  if (digits.length > 0 && Array.isArray(digits[0].box)) {
    const [bx, by, bw, bh] = digits[0].box;
    const near = await tool.evaluate(async ([b64, box, scale]) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = c.getContext('2d');
      g.drawImage(bitmap, 0, 0);
      const d = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const [x0, y0, x1, y1] = [(box[0] - box[2] * 0.3) * scale, (box[1] - box[3] * 0.3) * scale,
        (box[0] + box[2] * 1.3) * scale, (box[1] + box[3] * 1.3) * scale];
      let inside = 0, all = 0;
      for (let y = 0; y < bitmap.height; ++y) {
        for (let x = 0; x < bitmap.width; ++x) {
          const i = (y * bitmap.width + x) * 4;
          if (d[i] > d[i + 2] + 60 && d[i] > 120) {
            ++all;
            inside += x >= x0 && x < x1 && y >= y0 && y < y1;
          }
        }
      }
      return { inside, all };
    }, [overlaid.toString('base64'), [bx, by, bw, bh], rect.height / 280]);
    check(near.all > 0 && near.inside > 0.95 * near.all,
      `the overlay lies on the digit (${near.inside} of ${near.all} warm pixels within its box)`);
  } else {
    check(false, 'data-digits gives the digit\'s box');
  }

  // The runner-up's map differs from the answer's.
  await page.keyboard.press('Shift+S');
  const runner = await inside(page, /overlay.*label=(?!7)\d/);
  check(/overlay/.test(runner) && !/label=7/.test(runner), `Shift+S shows the runner-up's map (data-inside "${runner}")`);
  await page.waitForTimeout(200);
  const other = await compare(tool, overlaid, await page.screenshot({ clip, path: path.join(artifacts, 'inside-runner-up.png') }));
  check(other.differ > 0.002 * other.total, `the runner-up's overlay is another picture (${other.differ} pixels differ)`);
  await page.keyboard.press('Shift+S');

  // S again: the overlay goes and the canvas is as it was.
  await page.keyboard.press('s');
  const off = await inside(page, /^open (grad|gradient)/);
  await page.waitForTimeout(200);
  const back = await compare(tool, plain, await page.screenshot({ clip }));
  check(!/overlay/.test(off) && back.differ < 0.002 * back.total,
    `S again removes the overlay (data-inside "${off}", ${back.differ} pixels differ from before)`);

  check(consoleErrors.length === 0, `no console errors (${consoleErrors.join(' | ')})`);
} finally {
  await browser.close();
  server.close();
}
console.log(failures.length === 0 ? 'inside-the-network browser test passed' : `inside-the-network browser test: ${failures.length} failure(s)`);
process.exit(failures.length === 0 ? 0 : 1);
