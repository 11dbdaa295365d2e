// A synthetic writer of `digits writer-set` (its folder's strokes.json) on the
// page, for the learning test and benchmark: each sample is drawn through the
// page's hook Module._digits_draw_strokes (app/main.cpp), which paints the
// strokes with the app's brush at the writer's pen width, as the mouse would;
// the reading then comes from the same recognize() as any drawing. Drawing
// point by point with mouse events took minutes per writer on a loaded machine.
import fs from 'node:fs';
import path from 'node:path';

// { writer, canvas, teach: [...], test: [...] }; a sample is { label, radius, strokes }.
export function loadWriter(dir) {
  const file = path.join(dir, 'strokes.json');
  if (!fs.existsSync(file)) throw new Error(`${file}: missing; write it with: digits writer-set --output ${dir}`);
  const w = JSON.parse(fs.readFileSync(file, 'utf8'));
  return {
    writer: w.writer,
    canvas: w.canvas,
    teach: w.samples.filter((s) => s.set === 'teach'),
    test: w.samples.filter((s) => s.set === 'test'),
  };
}

// The first `perClass` held-out samples of every class.
export function heldOut(writer, perClass) {
  const out = [];
  for (let label = 0; label < 10; ++label) out.push(...writer.test.filter((s) => s.label === label).slice(0, perClass));
  return out;
}

// Replaces the drawing with `sample` and returns the number the page reads
// (the hook reads it at once and publishes #prediction as any reading).
export function drawSample(page, writer, sample) {
  return page.evaluate(([lines, radius, size]) => {
    const points = lines.flat();
    const xy = Module._malloc(8 * points.length), lengths = Module._malloc(4 * lines.length);
    Module.HEAPF32.set(points.flat().map((v) => v / size), xy >> 2);
    Module.HEAP32.set(lines.map((line) => line.length), lengths >> 2);
    Module._digits_draw_strokes(xy, lengths, lines.length, radius);
    Module._free(xy);
    Module._free(lengths);
    return document.getElementById('prediction').getAttribute('data-number');
  }, [sample.strokes, sample.radius, writer.canvas]);
}

// The share of `samples` the page reads as exactly their digit.
export async function accuracy(page, writer, samples) {
  let right = 0;
  for (const s of samples) right += (await drawSample(page, writer, s)) === String(s.label);
  return right / samples.length;
}

// Teaches every teaching example: drawn, then its digit key pressed; the
// next one is drawn once the page has said it learned this one.
export async function teachAll(page, writer) {
  for (const s of writer.teach) {
    await drawSample(page, writer, s);
    const before = await page.getAttribute('#prediction', 'data-learn-message');
    await page.keyboard.press(String(s.label));
    await page.waitForFunction(([before, label]) => {
      const message = document.getElementById('prediction').getAttribute('data-learn-message') ?? '';
      return message !== before && message.startsWith(`Learned: ${label} (`);
    }, [before, s.label], { polling: 'raf', timeout: 20000 });
  }
}
