#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test:
# formatting, native build (warnings as errors), unit + CLI + training smoke
# + shipped-model + desktop tests (CTest), the core tests under ASan/UBSan,
# the training layers and thread pool under TSan,
# the three fuzz targets, the web build and the browser end-to-end test.
# Idempotent; incremental builds make a second run quick.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS=$(nproc)
step() { printf '\n== %s ==\n' "$*"; }

step "dependencies"
bash cmake/deps.sh native data web browser

step "clang-format"
clang-format --dry-run --Werror $(bash cmake/sources.sh)
echo "formatting clean"

step "native build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build build -j"$JOBS"

step "unit, CLI, training smoke, shipped model and desktop tests"
ctest --test-dir build --output-on-failure -j"$JOBS"

step "core tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDIGITS_SANITIZE=ON -DDIGITS_BUILD_APP=OFF \
  -DDIGITS_BUILD_TRAINER=OFF -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build build-asan -j"$JOBS" --target core_tests
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./build-asan/tests/core_tests

step "training layers and thread pool under ThreadSanitizer"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-fsanitize=thread \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DDIGITS_BUILD_APP=OFF >/dev/null
cmake --build build-tsan -j"$JOBS" --target train_tests
# Without address randomisation where allowed: some kernels' layouts trip ThreadSanitizer.
no_aslr=()
if setarch "$(uname -m)" -R true 2>/dev/null; then no_aslr=(setarch "$(uname -m)" -R); fi
TSAN_OPTIONS=halt_on_error=1 "${no_aslr[@]}" ./build-tsan/tests/train_tests "[fast_layers],[thread_pool],[dropout]"

step "fuzzing the weight loader, the IDX reader and the image path (libFuzzer, fixed number of runs)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDIGITS_FUZZ=ON -DDIGITS_SANITIZE=ON \
  -DDIGITS_BUILD_APP=OFF -DDIGITS_BUILD_TRAINER=OFF >/dev/null
cmake --build build-fuzz -j"$JOBS" --target weights_fuzz idx_fuzz image_fuzz
mkdir -p build-fuzz/corpus/weights build-fuzz/corpus/idx build-fuzz/corpus/image
head -c 4096 weights/mnist.dgw >build-fuzz/corpus/weights/head.dgw
cp weights/mnist.dgw build-fuzz/corpus/weights/full.dgw
cp weights/mnist-f16.dgw build-fuzz/corpus/weights/half.dgw
cp weights/mnist-i8.dgw build-fuzz/corpus/weights/int8.dgw
head -c 2000 .deps/mnist/t10k-images-idx3-ubyte >build-fuzz/corpus/idx/images
head -c 100 .deps/mnist/t10k-labels-idx1-ubyte >build-fuzz/corpus/idx/labels
./build-fuzz/tests/weights_fuzz -runs=200000 -max_len=4096 -seed=1 -artifact_prefix=build-fuzz/ build-fuzz/corpus/weights 2>&1 | tail -2
./build-fuzz/tests/idx_fuzz -runs=200000 -max_len=4096 -seed=1 -artifact_prefix=build-fuzz/ build-fuzz/corpus/idx 2>&1 | tail -2
# Images: an MNIST digit as binary PGM (8 and 16 bit) and as PNGs of the kinds drawing programs save;
# every input is decoded, preprocessed and recognized, under a memory bound.
{ printf 'P5\n28 28\n255\n'; head -c 800 .deps/mnist/t10k-images-idx3-ubyte | tail -c 784; } >build-fuzz/corpus/image/seven.pgm
# Inputs that once crashed it (tests/fuzz/corpus/image: each named for its bug).
cp tests/fuzz/corpus/image/* build-fuzz/corpus/image/
for kind in pgm16 gray16 palette-alpha rgba; do
  python3 tests/cli/make_png.py "build-fuzz/corpus/image/seven-$kind" "$kind" build-fuzz/corpus/image/seven.pgm
done
# Memory: no single allocation over 512 MB, the process (with ASan's quarantine) under 2 GB.
./build-fuzz/tests/image_fuzz -runs=4000 -max_len=4096 -malloc_limit_mb=512 -rss_limit_mb=2048 -seed=1 \
  -artifact_prefix=build-fuzz/ build-fuzz/corpus/image 2>&1 | tail -2

step "web build"
bash cmake/build-web.sh

step "browser end-to-end test (headless Chromium)"
node tests/web/e2e.mjs build-web/site build-web/artifacts
step "browser test: numbers and non-digits"
node tests/web/e2e_reading.mjs build-web/site build-web/artifacts
step "browser test: inside the network and the saliency overlay"
node tests/web/e2e_inside.mjs build-web/site build-web/artifacts
step "browser test: learn my handwriting (teach, reload, export, forget, corrupt store)"
build/train/digits writer-set --writer 0 --output build-web/writer0 2>/dev/null
node tests/web/e2e_learn.mjs build-web/site build-web/artifacts build-web/writer0 build/train/digits

printf '\nall tests passed\n'
