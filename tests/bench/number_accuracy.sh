#!/usr/bin/env bash
# Accuracy of `digits predict` (segmentation + preprocessing + inference) on
# the numbers evaluation set: exact-number accuracy per group (apart, near,
# touching) and overall, and per-digit accuracy (1 - edit distance / digits,
# so a missed, extra or wrong digit each cost one).
#   tests/bench/number_accuracy.sh [WEIGHTS...]   (default: weights/mnist.dgw)
# Generates the set (1,500 numbers, seed 2026) into build/number-set once.
# DIGITS=... picks another binary (default build/train/digits), SET=... another folder.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIGITS="${DIGITS:-$ROOT/build/train/digits}"
SET="${SET:-$ROOT/build/number-set}"
[ -x "$DIGITS" ] || { echo "build first: bash cmake/test.sh (or cmake --build build --target digits)" >&2; exit 1; }
[ -n "$(ls "$SET" 2>/dev/null | grep '^01499_')" ] || "$DIGITS" number-set --output "$SET" --count 1500 --seed 2026
[ $# -gt 0 ] || set -- "$ROOT/weights/mnist.dgw"
for weights in "$@"; do
  "$DIGITS" predict --json --weights "$weights" "$SET" | awk -v w="$weights" '
    function distance(a, b,   i, j, n, m, d, cost) {
      n = length(a); m = length(b)
      for (i = 0; i <= n; i++) d[i, 0] = i
      for (j = 0; j <= m; j++) d[0, j] = j
      for (i = 1; i <= n; i++)
        for (j = 1; j <= m; j++) {
          cost = substr(a, i, 1) == substr(b, j, 1) ? 0 : 1
          d[i, j] = d[i - 1, j - 1] + cost
          if (d[i - 1, j] + 1 < d[i, j]) d[i, j] = d[i - 1, j] + 1
          if (d[i, j - 1] + 1 < d[i, j]) d[i, j] = d[i, j - 1] + 1
        }
      return d[n, m]
    }
    {
      match($0, /"file":"[^"]*"/); file = substr($0, RSTART + 8, RLENGTH - 9)
      n = split(file, parts, "_"); truth = parts[n]; sub(/\.png$/, "", truth); group = parts[n - 1]
      match($0, /"number":"[0-9]*"/); got = substr($0, RSTART + 10, RLENGTH - 11)
      total[group]++; all++; digits += length(truth); errors += distance(truth, got)
      if (got == truth) { right[group]++; ok++ }
    }
    END {
      printf "%s: exact number %.2f%% of %d", w, 100 * ok / all, all
      split("apart near touching", order, " ")
      for (k = 1; k <= 3; k++) { g = order[k]; if (g in total) printf "; %s %.2f%% (%d)", g, 100 * right[g] / total[g], total[g] }
      printf "; per digit %.2f%% of %d\n", 100 * (1 - errors / digits), digits
    }'
done
