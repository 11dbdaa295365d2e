#!/usr/bin/env bash
# The peer comparison in one command (a benchmark, not a test; CTest and
# cmake/test.sh never run it):
#   bash tests/bench/peers/run.sh
# 1. installs what it needs (cmake/deps.sh: Debian's python3-torch and
#    python3-onnx, the pinned npm runtimes of package-lock.json, Emscripten,
#    Chromium, MNIST), all idempotent;
# 2. builds export_tensors and core_latency natively, the page and core's
#    wasm module with Emscripten;
# 3. exports the weights the page embeds (DIGITS_APP_WEIGHTS) as raw tensors,
#    rebuilds the network in PyTorch (checked against core), writes ONNX and
#    TensorFlow.js weights;
# 4. times ours and every peer natively and in headless Chromium (run.mjs)
#    and prints the Markdown table.
# Build folders: DIGITS_BUILD (default build-peers) and DIGITS_WEB_BUILD
# (default build-web-peers); WEIGHTS overrides the page's weights file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
BUILD="$(realpath -m "${DIGITS_BUILD:-$ROOT/build-peers}")"
WEB_BUILD="$(realpath -m "${DIGITS_WEB_BUILD:-$ROOT/build-web-peers}")"
step() { echo "[peers] $*" >&2; }

step "dependencies (cmake/deps.sh native web browser data peers)"
bash "$ROOT/cmake/deps.sh" native web browser data peers

step "native build: $BUILD"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" -j"$(nproc)" --target export_tensors core_latency >/dev/null

step "web build: $WEB_BUILD (the page, and core alone as wasm)"
DIGITS_WEB_BUILD="$WEB_BUILD" bash "$ROOT/cmake/build-web.sh" >/dev/null
NODE_PATH=/usr/share/nodejs cmake --build "$WEB_BUILD" -j"$(nproc)" --target peer_core >/dev/null

# The weights the page embeds, as its build configured them.
WEIGHTS="${WEIGHTS:-$(sed -n 's/^DIGITS_APP_WEIGHTS:FILEPATH=//p' "$WEB_BUILD/CMakeCache.txt")}"
[ -f "$WEIGHTS" ] || { step "weights file '$WEIGHTS' not found (DIGITS_APP_WEIGHTS in $WEB_BUILD/CMakeCache.txt)"; exit 1; }

step "export of $WEIGHTS: raw tensors, PyTorch rebuild, ONNX and TensorFlow.js"
mkdir -p "$BUILD/peers"
"$BUILD/tests/bench/peers/export_tensors" "$WEIGHTS" "$ROOT/.deps/mnist" "$BUILD/peers" >/dev/null
/usr/bin/python3 "$ROOT/tests/bench/peers/export.py" "$BUILD/peers" "$BUILD/peers" | sed -n 1p  # its check against core

step "timing (a few minutes)"
node "$ROOT/tests/bench/peers/run.mjs" "$BUILD" "$WEB_BUILD" "$WEIGHTS"
