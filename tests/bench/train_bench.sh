#!/usr/bin/env bash
# Training throughput benchmark (not a test): one epoch on the same 12,000
# MNIST training images, batch 32, Adam, no augmentation, with `digits train`
# (its batched layers, the default), with tiny-dnn's stock layers, and with the
# PyTorch reference (Debian's python3-torch, same architecture), on this
# machine. Prints images/s, peak memory and the digits/PyTorch ratio.
#   tests/bench/train_bench.sh [--no-stock]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIGITS="$ROOT/build/train/digits"
DATA="$ROOT/.deps/mnist"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -x "$DIGITS" ] || { echo "build first: cmake --build build --target digits" >&2; exit 1; }
if ! dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "ok installed"; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq python3-torch >/dev/null; else sudo apt-get install -y -qq python3-torch >/dev/null; fi
fi

run_digits() {  # label, extra args
  local label=$1
  shift
  "$DIGITS" train --data "$DATA" --limit 15000 --validation 3000 --epochs 1 --no-augment --output "$TMP/$label.dgw" "$@" \
    2>"$TMP/$label.log" >/dev/null
  local rate peak
  rate=$(tail -n 1 "$TMP/$label.dgw.csv" | cut -d, -f6)
  peak=$(sed -nE 's/^peak memory ([0-9]+) MB/\1/p' "$TMP/$label.log")
  printf '%-28s %6.0f images/s   peak memory %5s MB\n' "$label" "$rate" "$peak" >&2
  echo "$rate"
}

echo "one epoch, 12,000 images, batch 32, Adam, $(nproc) cores" >&2
fast=$(run_digits "digits train")
if [ "${1:-}" != "--no-stock" ]; then run_digits "digits train --stock-layers" --stock-layers >/dev/null; fi
torch_line=$(/usr/bin/python3 "$ROOT/tests/bench/torch_reference.py" "$DATA" 12000 "$(nproc)")
echo "$torch_line" >&2
torch=$(sed -nE 's/.* = ([0-9]+) images\/s.*/\1/p' <<<"$torch_line")
awk -v a="$fast" -v b="$torch" 'BEGIN { printf "digits / PyTorch throughput: %.2f\n", a / b }' >&2
