#!/usr/bin/env bash
# Builds the static page (build-web/site: index.html + digits.js with the
# wasm and the weights inside) with Emscripten. Incremental: quick when
# nothing changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${DIGITS_WEB_BUILD:-$ROOT/build-web}"
export NODE_PATH=/usr/share/nodejs  # emcc's JS optimiser needs acorn from Debian's node modules
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  emcmake cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" -j"$(nproc)" --target digits_app
echo "$BUILD/site/index.html"
