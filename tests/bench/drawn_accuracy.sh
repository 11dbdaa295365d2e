#!/usr/bin/env bash
# Accuracy of `digits predict` (the app's preprocessing + core's inference)
# on the drawn-digit evaluation set, overall and per source.
#   tests/bench/drawn_accuracy.sh [WEIGHTS...]   (default: weights/mnist.dgw)
# Generates the set (2,000 images, seed 2024) into build/drawn-set once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIGITS="$ROOT/build/train/digits"
SET="$ROOT/build/drawn-set"
[ -x "$DIGITS" ] || { echo "build first: bash cmake/test.sh (or cmake --build build --target digits)" >&2; exit 1; }
[ -f "$SET/01999_strokes_9.png" ] || "$DIGITS" drawn-set --output "$SET" --count 2000 --seed 2024
[ $# -gt 0 ] || set -- "$ROOT/weights/mnist.dgw"
for weights in "$@"; do
  "$DIGITS" predict --json --weights "$weights" "$SET" | awk -v w="$weights" '
    {
      match($0, /"file":"[^"]*"/); file = substr($0, RSTART, RLENGTH)
      n = split(file, parts, "_"); truth = substr(parts[n], 1, 1)
      source = (file ~ /_mnist_/) ? "mnist-redrawn" : "strokes"
      match($0, /"label":[0-9]/); label = substr($0, RSTART + 8, 1)
      total[source]++; all++
      if (label == truth) { right[source]++; ok++ }
    }
    END {
      printf "%s: %.2f%% of %d drawn digits", w, 100 * ok / all, all
      for (s in total) printf "; %s %.2f%% (%d)", s, 100 * right[s] / total[s], total[s]
      printf "\n"
    }'
done
