// Benchmark (not a test): the app's network in peer runtimes, next to ours,
// in one run. run.sh builds and exports everything first, then calls
//   node tests/bench/peers/run.mjs NATIVE_BUILD WEB_BUILD WEIGHTS
// Natively (Node):  ours (core_latency) | onnxruntime-node | TensorFlow.js, wasm backend
// In Chromium:      ours (core's forward pass in wasm) | ours (the page: one reading) |
//                   onnxruntime-web (wasm) | TensorFlow.js (wasm backend)
// Every runtime first computes core's probabilities for the 16 MNIST test
// images export_tensors picked (largest difference printed), so all of them
// run the same function; then one image at a time, cycling through those 16:
// 200 warm-up runs, the median of 2,000, one thread.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../../..');
if (process.argv.length !== 5) {
  console.error('usage: node run.mjs NATIVE_BUILD WEB_BUILD WEIGHTS   (bash tests/bench/peers/run.sh does it all)');
  process.exit(2);
}
const [build, webBuild, weights] = process.argv.slice(2).map((p) => path.resolve(p));
const work = path.join(build, 'peers');  // export_tensors' and export.py's output
const site = path.join(webBuild, 'site');
const require = createRequire(import.meta.url);
const modules = path.join(here, 'node_modules');

const kb = (n) => `${Math.round(n / 1024).toLocaleString('en')} KB`;
const gzipSize = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const size = (file) => fs.statSync(file).size;
const sum = (files) => files.reduce((s, f) => s + size(f), 0);

const check = JSON.parse(fs.readFileSync(path.join(work, 'check.json'), 'utf8'));
const tfjsSpec = JSON.parse(fs.readFileSync(path.join(work, 'tfjs.json'), 'utf8'));
const tfjsWeights = fs.readFileSync(path.join(work, 'tfjs.bin'));

// The same loop as bench.html's: check against core's probabilities, then time.
async function measure(infer, runs = 2000) {
  let difference = 0;
  for (let i = 0; i < check.images.length; ++i) {
    const p = await infer(i);
    for (let c = 0; c < 10; ++c) difference = Math.max(difference, Math.abs(p[c] - check.probabilities[i][c]));
  }
  for (let i = 0; i < 200; ++i) await infer(i % check.images.length);
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

// What a page or app ships to run the network with TensorFlow.js's wasm backend.
const tfjsRuntime = ['@tensorflow/tfjs/dist/tf.min.js', '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'].map((f) => path.join(modules, f));

const rows = [];
function report(row) {
  rows.push(row);
  const diff = row.difference === undefined ? '' : `, max |p - core| ${row.difference.toExponential(1)}`;
  console.log(`  ${row.env} ${row.name}: ${row.ms.toFixed(3)} ms${diff}`);
}

// ---- Native ----
console.log(`weights: ${path.relative(root, weights)} (the page's); ${os.cpus().length} cores, load average ` +
  `${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (other work on the machine slows every row alike)`);
console.log('measuring natively');
{
  const program = path.join(build, 'tests/bench/peers/core_latency');
  const out = execFileSync(program, [weights, path.join(work, 'check_images.f32')], { encoding: 'utf8' });
  const stripped = path.join(work, 'core_latency.stripped');
  execFileSync('strip', ['-o', stripped, program]);
  report({ env: 'native', name: 'ours (core, C++)', precision: precisionOfOurs(), ms: Number(/median ([0-9.]+) ms/.exec(out)[1]),
    difference: 0, bytes: size(stripped) + size(weights), bytesNote: 'program (stripped, core linked in) + weights file' });
}
{
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(path.join(work, 'model.onnx'),
    { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const inputs = check.images.map((img) => new ort.Tensor('float32', Float32Array.from(img), [1, 1, 28, 28]));
  const r = await measure(async (i) => (await session.run({ image: inputs[i] })).probabilities.data);
  const lib = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin/napi-v6/linux/x64');
  const libs = fs.readdirSync(lib).map((f) => path.join(lib, f));
  report({ env: 'native', name: `onnxruntime-node ${ort.env.versions.common}`, precision: 'float32', ...r,
    bytes: sum(libs) + size(path.join(work, 'model.onnx')), bytesNote: 'libonnxruntime + its Node binding + model.onnx' });
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
  report({ env: 'native', name: `TensorFlow.js ${tf.version.tfjs} (wasm backend, Node)`, precision: 'float32', ...r,
    bytes: sum(tfjsRuntime) + tfjsWeights.length + size(path.join(work, 'tfjs.json')),
    bytesNote: 'tf.min.js + tf-backend-wasm.min.js + its SIMD wasm + tfjs.json/.bin' });
}

// Ours holds the weights as stored in the file and computes in float32.
function precisionOfOurs() {
  const name = path.basename(weights);
  const stored = name.includes('i8') ? 'int8' : name.includes('f16') ? 'float16' : 'float32';
  return stored === 'float32' ? 'float32' : `${stored} weights, float32 math`;
}

// ---- Chromium ----
// One loopback server: the page (/site/), core's wasm (/core/), the exported
// models (/work/), the weights (/weights.dgw), npm packages (/node_modules/)
// and bench.html. It records the files each page loads, for their bytes.
const served = new Set();
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json' };
const mounts = [['/site/', site], ['/core/', path.join(webBuild, 'peers')], ['/work/', work],
  ['/node_modules/', modules], ['/', here]];
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (url === '/favicon.ico') { res.writeHead(204).end(); return; }  // the browser asks; no page ships one
  let file = url === '/weights.dgw' ? weights : null;
  for (const [prefix, dir] of mounts) {
    if (file || !url.startsWith(prefix)) continue;
    file = path.join(dir, url.slice(prefix.length));
    if (!file.startsWith(dir)) file = null;
  }
  if (!file || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    console.log(`  not found: ${url}`);
    res.writeHead(404).end();
    return;
  }
  served.add(file);
  // Cross-origin isolation: onnxruntime-web and TensorFlow.js want it, and
  // performance.now() is only fine-grained (5 us instead of 100 us) with it.
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
    'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const { chromium } = require(path.join(root, 'tests/web/node_modules/playwright-core'));
const { launchBrowser, strokes, drawMouse, canvasRect, waitForLabel } = await import(path.join(root, 'tests/web/page.mjs'));
const browser = await launchBrowser(chromium);
// Each runtime in a fresh context (empty cache): the bytes are those its page fetched.
async function inChromium(run) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('  page error:', m.text()); });
  page.on('pageerror', (e) => console.log('  page error:', e.message));
  served.clear();
  try {
    const r = await run(page);
    const files = [...served].filter((f) => !f.startsWith(here + '/bench.html'));
    return { ...r, bytes: sum(files), gzip: files.reduce((s, f) => s + gzipSize(f), 0),
      files: files.map((f) => path.basename(f)) };
  } finally {
    await context.close();
  }
}
// A runtime on bench.html: its scripts, then `run` in the page (bench.html's measure()).
const onBenchPage = (scripts, run) => inChromium(async (page) => {
  await page.goto(origin + '/bench.html');
  await page.evaluate((sources) => self.load(sources), scripts);
  return page.evaluate(run, { check, build: buildTfjsSource });
});
console.log('measuring in Chromium');
try {
  report({ env: 'chromium', name: 'ours (core, wasm)', precision: precisionOfOurs(), ...await onBenchPage(['/core/core.js'],
    async ({ check }) => {
      const m = await DigitsCore({ locateFile: (f) => '/core/' + f });
      const bytes = new Uint8Array(await (await fetch('/weights.dgw')).arrayBuffer());
      const file = m._malloc(bytes.length);
      m.HEAPU8.set(bytes, file);
      if (!m._peer_load(file, bytes.length)) throw new Error('the weights did not load (see the console)');
      m._free(file);
      const image = m._malloc(784 * 4), out = m._malloc(10 * 4);
      const inputs = check.images.map((img) => Float32Array.from(img));
      return self.measure((i) => {
        m.HEAPF32.set(inputs[i], image >> 2);
        m._peer_predict(image, out);
        return m.HEAPF32.slice(out >> 2, (out >> 2) + 10);
      }, check);
    }), bytesNote: 'core.js + core.wasm + the weights file' });

  // The page times each reading itself (segmentation, preprocessing and
  // inference, in wasm); R puts a random MNIST test digit on the canvas.
  report({ env: 'chromium', name: 'ours (the page: one reading)', precision: precisionOfOurs(),
    ...await inChromium(async (page) => {
      await page.goto(origin + '/site/index.html');
      await drawMouse(page, await canvasRect(page), strokes['7']);
      await waitForLabel(page, (l) => l !== '', 10000);
      const ms = [];
      for (let i = 0; i < 100; ++i) {
        const before = Number(await page.getAttribute('#prediction', 'data-count'));
        await page.keyboard.press('r');
        await page.waitForFunction((n) => Number(document.getElementById('prediction').dataset.count) > n, before);
        ms.push(Number(await page.getAttribute('#prediction', 'data-ms')));
      }
      return { ms: median(ms) };
    }), bytesNote: 'the whole app (every file the page loads); 100 readings; no probability check' });

  report({ env: 'chromium', name: 'onnxruntime-web (wasm)', precision: 'float32',
    ...await onBenchPage(['/node_modules/onnxruntime-web/dist/ort.wasm.min.js'], async ({ check }) => {
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
      const session = await ort.InferenceSession.create('/work/model.onnx', { graphOptimizationLevel: 'all' });
      const inputs = check.images.map((img) => new ort.Tensor('float32', Float32Array.from(img), [1, 1, 28, 28]));
      return self.measure(async (i) => (await session.run({ image: inputs[i] })).probabilities.data, check);
    }), bytesNote: 'ort.wasm.min.js + its wasm and .mjs loader + model.onnx' });

  report({ env: 'chromium', name: 'TensorFlow.js (wasm backend)', precision: 'float32', ...await onBenchPage(
    ['/node_modules/@tensorflow/tfjs/dist/tf.min.js', '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js'],
    async ({ check, build }) => {
      tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
      tf.wasm.setThreadsCount(1);
      await tf.setBackend('wasm');
      await tf.ready();
      const spec = await (await fetch('/work/tfjs.json')).json();
      const weights = new Uint8Array(await (await fetch('/work/tfjs.bin')).arrayBuffer());
      const model = eval(build)(tf, spec, weights);
      const inputs = check.images.map((img) => tf.tensor(Float32Array.from(img), [1, 28, 28, 1]));
      return self.measure(async (i) => {
        const out = model.predict(inputs[i]);
        const p = out.dataSync();
        out.dispose();
        return p;
      }, check);
    }), bytesNote: 'tf.min.js + tf-backend-wasm.min.js + its wasm + tfjs.json/.bin' });
} finally {
  await browser.close();
  server.close();
}

// ---- The table (Markdown) ----
// Ratios are the peer's over ours in the same environment (above 1: ours is
// faster or smaller); in Chromium against core's forward pass in wasm, which
// does what the peers do (28x28 floats in, 10 probabilities out).
console.log('\n| runtime | environment | precision | median latency, one image | bytes to ship | latency / ours | bytes / ours | max abs diff vs core |');
console.log('|---|---|---|---:|---:|---:|---:|---:|');
for (const env of ['native', 'chromium']) {
  const ours = rows.find((r) => r.env === env);
  const shipped = (r) => (env === 'native' ? r.bytes : r.gzip);
  for (const r of rows.filter((x) => x.env === env)) {
    const bytes = env === 'native' ? kb(r.bytes) : `${kb(r.gzip)} gzip (${kb(r.bytes)} raw)`;
    const diff = r.difference === undefined ? 'n/a' : r.difference.toExponential(1);
    console.log(`| ${r.name} | ${env === 'native' ? 'native (Node 20 for the peers)' : 'headless Chromium'} | ${r.precision} | ` +
      `${r.ms.toFixed(3)} ms | ${bytes} | ${(r.ms / ours.ms).toFixed(2)} | ${(shipped(r) / shipped(ours)).toFixed(2)} | ${diff} |`);
  }
}
console.log('\nbytes counted:');
for (const r of rows) console.log(`  ${r.env} ${r.name}: ${r.bytesNote}${r.files ? ` [${r.files.join(', ')}]` : ''}`);
