// Benchmark (not a test): the app's network in peer runtimes, next to ours,
// in one run. run.sh builds and exports everything first, then calls
//   node tests/bench/peers/run.mjs NATIVE_BUILD WEB_BUILD WEIGHTS
// Natively (Node):  ours (core_latency) | onnxruntime-node | TensorFlow.js, wasm backend
// In Chromium:      ours (core's forward pass in wasm) | ours (the page: one reading) |
//                   onnxruntime-web (wasm) | TensorFlow.js (wasm backend)
// Every runtime is loaded once and first computes the probabilities core gave
// for 16 MNIST test images (largest difference printed), so all of them run
// the same function. Then one image at a time, cycling through those 16, one
// thread: the runtimes take turns, 5 rounds of 400 timed runs each (after
// warm-up), so a machine busy with other work slows them alike; a row's
// latency is the median of its 5 round medians.
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
const ROUNDS = 5, RUNS = 400, WARMUP = 100, PAGE_READINGS = 100;

const kb = (n) => `${Math.round(n / 1024).toLocaleString('en')} KB`;
const gzipSize = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const size = (file) => fs.statSync(file).size;
const sum = (files) => files.reduce((s, f) => s + size(f), 0);

const check = JSON.parse(fs.readFileSync(path.join(work, 'check.json'), 'utf8'));
const tfjsSpec = JSON.parse(fs.readFileSync(path.join(work, 'tfjs.json'), 'utf8'));
const tfjsWeights = fs.readFileSync(path.join(work, 'tfjs.bin'));

// Ours keeps the weights as the file stores them and computes in float32.
const oursPrecision = (() => {
  const name = path.basename(weights);
  const stored = /i8|int8/.test(name) ? 'int8' : /f16|half/.test(name) ? 'float16' : 'float32';
  return stored === 'float32' ? 'float32' : `${stored} weights, float32 math`;
})();

// Node's side of the loops in bench.html.
async function difference(infer) {
  let d = 0;
  for (let i = 0; i < check.images.length; ++i) {
    const p = await infer(i);
    for (let c = 0; c < 10; ++c) d = Math.max(d, Math.abs(p[c] - check.probabilities[i][c]));
  }
  return d;
}
async function time(infer, runs, warmup) {
  for (let i = 0; i < warmup; ++i) await infer(i % check.images.length);
  const ms = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = performance.now();
    await infer(i % check.images.length);
    ms.push(performance.now() - t0);
  }
  return median(ms);
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

// A runtime: `setup(row)` loads it and returns { difference, time() -> median ms
// of one round, bytes, gzip?, files?, alone? (timed once, after the rounds) };
// rows are printed in this order.
const runtimes = [];
const add = (env, name, precision, bytesNote, setup) => runtimes.push({ env, name, precision, bytesNote, setup });

// ---- Native ----
add('native', 'ours (core, C++)', oursPrecision, 'program (stripped, core linked in) + weights file', async () => {
  const program = path.join(build, 'tests/bench/peers/core_latency');
  const stripped = path.join(work, 'core_latency.stripped');
  execFileSync('strip', ['-o', stripped, program]);
  return {
    difference: 0,  // export_tensors computed the reference with this code
    time: () => Number(/median ([0-9.]+) ms/.exec(execFileSync(program,
      [weights, path.join(work, 'check_images.f32'), String(RUNS)], { encoding: 'utf8' }))[1]),
    bytes: size(stripped) + size(weights),
  };
});
add('native', 'onnxruntime-node 1.30.0', 'float32', 'libonnxruntime + its Node binding + model.onnx', async () => {
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(path.join(work, 'model.onnx'),
    { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const inputs = check.images.map((img) => new ort.Tensor('float32', Float32Array.from(img), [1, 1, 28, 28]));
  const infer = async (i) => (await session.run({ image: inputs[i] })).probabilities.data;
  const lib = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin/napi-v6/linux/x64');
  return { difference: await difference(infer), time: () => time(infer, RUNS, WARMUP),
    bytes: sum(fs.readdirSync(lib).map((f) => path.join(lib, f))) + size(path.join(work, 'model.onnx')) };
});
// What a program ships to run the network with TensorFlow.js's wasm backend (the browser's files).
const tfjsFiles = ['@tensorflow/tfjs/dist/tf.min.js', '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js',
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'].map((f) => path.join(modules, f));
add('native', 'TensorFlow.js 4.22.0 (wasm backend, Node)', 'float32',
  'tf.min.js + tf-backend-wasm.min.js + its SIMD wasm + tfjs.json/.bin', async () => {
    const tf = require('@tensorflow/tfjs');
    require('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    const model = eval(buildTfjsSource)(tf, tfjsSpec, tfjsWeights);
    const inputs = check.images.map((img) => tf.tensor(Float32Array.from(img), [1, 28, 28, 1]));
    const infer = async (i) => {
      const out = model.predict(inputs[i]);
      const p = out.dataSync();
      out.dispose();
      return p;
    };
    return { difference: await difference(infer), time: () => time(infer, RUNS, WARMUP),
      bytes: sum(tfjsFiles) + tfjsWeights.length + size(path.join(work, 'tfjs.json')) };
  });

// ---- Chromium ----
// One loopback server: the page (/site/), core's wasm (/core/), the exported
// models (/work/), the weights (/weights.dgw), npm packages (/node_modules/)
// and bench.html. It records the files each runtime's page loads, for their bytes.
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
let browser, origin;
const { chromium } = require(path.join(root, 'tests/web/node_modules/playwright-core'));
const { launchBrowser, strokes, drawMouse, canvasRect, waitForLabel } = await import(path.join(root, 'tests/web/page.mjs'));

// A fresh context (empty cache) per runtime: its bytes are the files its page fetched.
async function inChromium(load) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // bench.html's setups find the check images as self.inputs.
  await context.addInitScript((images) => { self.inputs = images.map((img) => Float32Array.from(img)); }, check.images);
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('  page error:', m.text()); });
  page.on('pageerror', (e) => console.log('  page error:', e.message));
  served.clear();
  const r = await load(page);
  const files = [...served].filter((f) => f !== path.join(here, 'bench.html'));
  return { ...r, bytes: sum(files), gzip: files.reduce((s, f) => s + gzipSize(f), 0), files: files.map((f) => path.basename(f)) };
}
// A runtime on bench.html: its scripts, then `setup` in the page defines self.infer.
const onBenchPage = (scripts, setup) => () => inChromium(async (page) => {
  await page.goto(origin + '/bench.html');
  await page.evaluate((sources) => self.load(sources), scripts);
  await page.evaluate(setup, { build: buildTfjsSource });
  return { difference: await page.evaluate((c) => self.difference(c), check),
    time: () => page.evaluate(([runs, warmup]) => self.time(runs, warmup), [RUNS, WARMUP]) };
});

add('chromium', 'ours (core, wasm)', oursPrecision, 'core.js + core.wasm + the weights file', onBenchPage(['/core/core.js'],
  async () => {
    const m = await DigitsCore({ locateFile: (f) => '/core/' + f });
    const bytes = new Uint8Array(await (await fetch('/weights.dgw')).arrayBuffer());
    const file = m._malloc(bytes.length);
    m.HEAPU8.set(bytes, file);
    if (!m._peer_load(file, bytes.length)) throw new Error('the weights did not load (see the console)');
    m._free(file);
    const image = m._malloc(784 * 4), out = m._malloc(10 * 4);
    self.infer = (i) => {
      m.HEAPF32.set(self.inputs[i], image >> 2);
      m._peer_predict(image, out);
      return m.HEAPF32.slice(out >> 2, (out >> 2) + 10);
    };
  }));
// The page times each reading itself (segmentation, preprocessing and
// inference, in wasm); R puts a random MNIST test digit on the canvas. The
// app draws every frame, so it is timed alone after the rounds (as
// tests/web/bench.mjs does), then closed.
add('chromium', 'ours (the page: one reading)', oursPrecision,
  `the whole app (every file the page loads); ${PAGE_READINGS} readings, after the rounds; no probability check`,
  async (row) => ({
    alone: true,
    time: async () => {
      const r = await inChromium(async (page) => {
        await page.goto(origin + '/site/index.html');
        await drawMouse(page, await canvasRect(page), strokes['7']);
        await waitForLabel(page, (l) => l !== '', 10000);
        const ms = [];
        for (let i = 0; i < PAGE_READINGS; ++i) {
          const before = Number(await page.getAttribute('#prediction', 'data-count'));
          await page.keyboard.press('r');
          await page.waitForFunction((n) => Number(document.getElementById('prediction').dataset.count) > n, before);
          ms.push(Number(await page.getAttribute('#prediction', 'data-ms')));
        }
        await page.context().close();
        return { ms: median(ms) };
      });
      Object.assign(row, { bytes: r.bytes, gzip: r.gzip, files: r.files });
      return r.ms;
    },
  }));
add('chromium', 'onnxruntime-web 1.30.0 (wasm)', 'float32', 'ort.wasm.min.js + its .mjs loader and wasm + model.onnx',
  onBenchPage(['/node_modules/onnxruntime-web/dist/ort.wasm.min.js'], async () => {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
    const session = await ort.InferenceSession.create('/work/model.onnx', { graphOptimizationLevel: 'all' });
    const inputs = self.inputs.map((img) => new ort.Tensor('float32', img, [1, 1, 28, 28]));
    self.infer = async (i) => (await session.run({ image: inputs[i] })).probabilities.data;
  }));
add('chromium', 'TensorFlow.js 4.22.0 (wasm backend)', 'float32',
  'tf.min.js + tf-backend-wasm.min.js + its wasm + tfjs.json/.bin',
  onBenchPage(['/node_modules/@tensorflow/tfjs/dist/tf.min.js',
    '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js'], async ({ build }) => {
    tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    tf.wasm.setThreadsCount(1);
    await tf.setBackend('wasm');
    await tf.ready();
    const spec = await (await fetch('/work/tfjs.json')).json();
    const weights = new Uint8Array(await (await fetch('/work/tfjs.bin')).arrayBuffer());
    const model = eval(build)(tf, spec, weights);
    const inputs = self.inputs.map((img) => tf.tensor(img, [1, 28, 28, 1]));
    self.infer = async (i) => {
      const out = model.predict(inputs[i]);
      const p = out.dataSync();
      out.dispose();
      return p;
    };
  }));

// ---- Run: load all, then take turns ----
console.log(`weights: ${path.relative(root, weights)} (the page's); ${os.cpus().length} cores, load average ` +
  `${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
await new Promise((r) => server.listen(0, '127.0.0.1', r));
origin = `http://127.0.0.1:${server.address().port}`;
browser = await launchBrowser(chromium);
try {
  for (const r of runtimes) {
    Object.assign(r, await r.setup(r));
    const diff = r.difference === undefined ? '' : `, max |p - core| ${r.difference.toExponential(1)}`;
    console.log(`loaded ${r.env} ${r.name}${diff}`);
    // float32 against float32 (the same folded weights): rounding only.
    if (r.difference > 1e-4) throw new Error(`${r.env} ${r.name} does not compute core's probabilities${diff}`);
    r.rounds = [];
  }
  const turns = runtimes.filter((r) => !r.alone);
  for (let round = 0; round < ROUNDS; ++round) {
    for (const r of turns) r.rounds.push(await r.time());
    console.log(`round ${round + 1}/${ROUNDS}: ${turns.map((r) => r.rounds[round].toFixed(3)).join(' ')} ms`);
  }
  for (const r of runtimes.filter((x) => x.alone)) r.rounds.push(await r.time());
} finally {
  await browser.close();
  server.close();
}

// ---- The table (Markdown) ----
// Ratios are the peer's over ours in the same environment (above 1: ours is
// faster or smaller); in Chromium against core's forward pass in wasm, which
// does what the peers do (28x28 floats in, 10 probabilities out).
console.log('\n| runtime | environment | precision | latency, one image (median; rounds min-max) | bytes to ship | ' +
  'latency / ours | bytes / ours | max abs diff vs core |');
console.log('|---|---|---|---:|---:|---:|---:|---:|');
for (const env of ['native', 'chromium']) {
  const rows = runtimes.filter((r) => r.env === env);
  const shipped = (r) => (env === 'native' ? r.bytes : r.gzip);
  for (const r of rows) r.ms = median(r.rounds);
  for (const r of rows) {
    const bytes = env === 'native' ? kb(r.bytes) : `${kb(r.gzip)} gzip (${kb(r.bytes)} raw)`;
    const spread = `${Math.min(...r.rounds).toFixed(3)}-${Math.max(...r.rounds).toFixed(3)}`;
    const diff = r.difference === undefined ? 'n/a' : r.difference.toExponential(1);
    console.log(`| ${r.name} | ${env === 'native' ? 'native (peers in Node 20)' : 'headless Chromium'} | ${r.precision} | ` +
      `${r.ms.toFixed(3)} ms (${spread}) | ${bytes} | ${(r.ms / rows[0].ms).toFixed(2)} | ` +
      `${(shipped(r) / shipped(rows[0])).toFixed(2)} | ${diff} |`);
  }
}
console.log('\nbytes counted (native: raw; Chromium: each file gzip -9, as a server would send it):');
for (const r of runtimes) console.log(`  ${r.env} ${r.name}: ${r.bytesNote}${r.files ? ` [${r.files.join(', ')}]` : ''}`);
