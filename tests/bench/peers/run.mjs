// Benchmark (not a test): the app's network in peer runtimes, next to ours,
// in one run. Single-image latency (median of many, one thread) and bytes:
//   natively:  ours (build/tests/inference_bench) | onnxruntime-node | TensorFlow.js, wasm backend, in Node
//   Chromium:  ours (the page: one reading = preprocessing + inference) |
//              onnxruntime-web (wasm) | TensorFlow.js (wasm backend)
// Every peer first computes core's probabilities for 16 MNIST test images
// (largest difference printed), so all run the same function.
//   bash cmake/deps.sh peers   (once: python3-torch, python3-onnx, this folder's npm packages)
//   node tests/bench/peers/run.mjs [BUILD_DIR] [SITE_DIR]   (defaults: build, build-web/site)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../../..');
const build = path.resolve(process.argv[2] ?? path.join(root, 'build'));
const site = path.resolve(process.argv[3] ?? path.join(root, 'build-web/site'));
const work = path.join(build, 'peers');
const require = createRequire(import.meta.url);
const weights = process.env.WEIGHTS ?? path.join(root, 'weights/mnist.dgw');

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const gz = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// ---- Export: core's folded tensors -> PyTorch -> ONNX and TensorFlow.js weights ----
fs.mkdirSync(work, { recursive: true });
execFileSync(path.join(build, 'tests/export_tensors'), [weights, path.join(root, '.deps/mnist'), work], { stdio: 'inherit' });
execFileSync('/usr/bin/python3', [path.join(here, 'export.py'), work, work], { stdio: ['ignore', 'pipe', 'inherit'] })
  .toString().split('\n').filter((l) => l.startsWith('PyTorch') || l.startsWith('wrote')).forEach((l) => console.log(l.split(';')[0]));
const check = JSON.parse(fs.readFileSync(path.join(work, 'check.json'), 'utf8'));
const tfjsSpec = JSON.parse(fs.readFileSync(path.join(work, 'tfjs.json'), 'utf8'));
const tfjsWeights = fs.readFileSync(path.join(work, 'tfjs.bin'));

// Runs `infer(i)` (returns 10 probabilities) on the check images, then times it.
async function measure(infer, runs = 2000) {
  let difference = 0;
  for (let i = 0; i < check.images.length; ++i) {
    const p = await infer(i);
    for (let c = 0; c < 10; ++c) difference = Math.max(difference, Math.abs(p[c] - check.probabilities[i][c]));
  }
  for (let i = 0; i < 200; ++i) await infer(i % check.images.length);  // warm-up
  const ms = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = performance.now();
    await infer(i % check.images.length);
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), difference };
}

// The TensorFlow.js model, channels last, from tfjs.json/tfjs.bin (same code in Node and the page).
const buildTfjsSource = `(tf, spec, bytes) => {
  const model = tf.sequential();
  let first = true;
  for (const l of spec.layers) {
    const input = first ? { inputShape: spec.input } : {};
    if (l.type === 'conv') model.add(tf.layers.conv2d({ ...input, filters: l.filters, kernelSize: l.kernel, activation: 'relu' }));
    else if (l.type === 'pool') model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    else if (l.type === 'flatten') model.add(tf.layers.flatten());
    else model.add(tf.layers.dense({ ...input, units: l.units, activation: l.relu ? 'relu' : 'softmax' }));
    first = false;
  }
  let offset = 0;
  model.setWeights(spec.weights.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset + offset, n), shape);
    offset += 4 * n;
    return t;
  }));
  return model;
}`;
const buildTfjs = eval(buildTfjsSource);

const results = [];
function report(where, name, r, bytes, note = '') {
  results.push({ where, name, ...r, bytes });
  const diff = r.difference === undefined ? '' : `  (max |p - core| ${r.difference.toExponential(1)})`;
  console.log(`${where.padEnd(8)} ${name.padEnd(34)} ${r.ms.toFixed(3).padStart(8)} ms  ${bytes.padStart(26)}${diff}${note}`);
}

// ---- Native ----
console.log('\nsingle-image latency, median, one thread');
const benchOut = execFileSync(path.join(build, 'tests/inference_bench'), [weights], { encoding: 'utf8' });
const ours = Number(/core forward pass.*?median\s+([0-9.]+) ms/.exec(benchOut)[1]);
const coreLib = path.join(build, 'core/libdigits_core.a');
report('native', 'ours (core, inference_bench)', { ms: ours }, `model ${kb(fs.statSync(weights).size)}, lib ${kb(fs.statSync(coreLib).size)}`);

{
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(path.join(work, 'model.onnx'),
    { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const inputs = check.images.map((img) => new ort.Tensor('float32', Float32Array.from(img), [1, 1, 28, 28]));
  const r = await measure(async (i) => (await session.run({ image: inputs[i] })).probabilities.data);
  const dir = path.dirname(require.resolve('onnxruntime-node/package.json'));
  const lib = fs.readdirSync(path.join(dir, 'bin/napi-v6/linux/x64')).reduce((s, f) => s + fs.statSync(path.join(dir, 'bin/napi-v6/linux/x64', f)).size, 0);
  report('native', 'onnxruntime-node', r, `model ${kb(fs.statSync(path.join(work, 'model.onnx')).size)}, lib ${kb(lib)}`);
}
{
  const tf = require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  const model = buildTfjs(tf, tfjsSpec, tfjsWeights);
  const inputs = check.images.map((img) => tf.tensor(Float32Array.from(img), [1, 28, 28, 1]));
  const r = await measure(async (i) => {
    const out = model.predict(inputs[i]);
    const p = out.dataSync();
    out.dispose();
    return p;
  });
  report('native', `TensorFlow.js ${tf.version.tfjs} (wasm, Node)`, r, `weights ${kb(tfjsWeights.length)}`);
}

// ---- Chromium ----
// One loopback server for the site and this folder; it counts the bytes each page loads.
const served = new Set();
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const [base, rel] = url.pathname.startsWith('/site/') ? [site, url.pathname.slice(6)] : [here, url.pathname.slice(1)];
  const file = url.pathname.startsWith('/work/') ? path.join(work, url.pathname.slice(6)) : path.join(base, decodeURIComponent(rel));
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404).end(); return; }
  served.add(file);
  // Cross-origin isolation, which onnxruntime-web wants for its threads and timers.
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
    'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const { chromium } = require(path.join(root, 'tests/web/node_modules/playwright-core'));
const { launchBrowser, strokes, drawMouse, canvasRect, waitForLabel } = await import(path.join(root, 'tests/web/page.mjs'));
const browser = await launchBrowser(chromium);
async function loaded(page, run) {
  served.clear();
  const r = await run();
  let raw = 0, gzip = 0;
  for (const file of served) { raw += fs.statSync(file).size; gzip += gz(file); }
  return { r, bytes: `${kb(raw)} raw, ${kb(gzip)} gzip` };
}
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('  page error:', m.text()); });
  {
    const { r, bytes } = await loaded(page, async () => {
      await page.goto(origin + '/site/index.html');
      const rect = await canvasRect(page);
      await drawMouse(page, rect, strokes['7']);
      await waitForLabel(page, (l) => l !== '', 10000);
      const ms = [];
      for (let i = 0; i < 40; ++i) {
        const before = Number(await page.getAttribute('#prediction', 'data-count'));
        await page.keyboard.press('r');
        await page.waitForFunction((n) => Number(document.getElementById('prediction').dataset.count) > n, before);
        ms.push(Number(await page.getAttribute('#prediction', 'data-ms')));
      }
      return { ms: median(ms) };
    });
    report('chromium', 'ours (the page: preprocess + infer)', r, bytes, '  (the whole app)');
  }
  // A peer on a blank page of this folder: its scripts, then `run` in the page.
  const inPage = (scripts, run) => loaded(page, async () => {
    await page.goto(origin + '/bench.html');
    await page.evaluate((sources) => self.load(sources), scripts);
    return page.evaluate(run, { check, spec: tfjsSpec, weights: [...tfjsWeights], build: buildTfjsSource });
  });
  {
    const { r, bytes } = await inPage(['/node_modules/onnxruntime-web/dist/ort.wasm.min.js'], async ({ check }) => {
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
      const session = await ort.InferenceSession.create('/work/model.onnx');
      const inputs = check.images.map((img) => new ort.Tensor('float32', Float32Array.from(img), [1, 1, 28, 28]));
      return self.measure(async (i) => (await session.run({ image: inputs[i] })).probabilities.data, check);
    });
    report('chromium', 'onnxruntime-web (wasm, 1 thread)', r, bytes);
  }
  {
    const scripts = ['/node_modules/@tensorflow/tfjs/dist/tf.min.js',
      '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js'];
    const { r, bytes } = await inPage(scripts, async ({ check, spec, weights, build }) => {
      tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
      await tf.setBackend('wasm');
      await tf.ready();
      const model = eval(build)(tf, spec, Uint8Array.from(weights));
      const inputs = check.images.map((img) => tf.tensor(Float32Array.from(img), [1, 28, 28, 1]));
      return self.measure(async (i) => {
        const out = model.predict(inputs[i]);
        const p = out.dataSync();
        out.dispose();
        return p;
      }, check);
    });
    report('chromium', 'TensorFlow.js (wasm backend)', r, bytes, '  (+ the weights, passed in)');
  }
} finally {
  await browser.close();
  server.close();
}

console.log('\nratios (peer latency / ours; above 1: ours is faster)');
for (const where of ['native', 'chromium']) {
  const mine = results.find((x) => x.where === where && x.name.startsWith('ours'));
  for (const x of results.filter((y) => y.where === where && y !== mine)) {
    console.log(`${where.padEnd(8)} ${x.name.padEnd(34)} ${(x.ms / mine.ms).toFixed(2)}x`);
  }
}
