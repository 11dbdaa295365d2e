#!/usr/bin/env bash
# Accuracy of `digits predict` (the app's preprocessing + core's inference)
# on the style benchmark set -- the world's digit forms and pens MNIST barely
# contains -- overall and per style, with the mean confidence of the mistakes
# (a model that is wrong should not be sure).
#   tests/bench/style_accuracy.sh [WEIGHTS...]   (default: weights/mnist.dgw)
# Generates the set once (2,200 images, 100 per style, seed 1066) into
# build/style-set. DIGITS=path/to/digits and STYLE_SET=folder override both.
# Prints a Markdown table per model, then one machine-readable line:
#   style-accuracy <weights> overall=<%> min=<%> (<style>) n=<images>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIGITS="${DIGITS:-$ROOT/build/train/digits}"
SET="${STYLE_SET:-$ROOT/build/style-set}"
COUNT=2200
[ -x "$DIGITS" ] || { echo "build first: bash cmake/test.sh (or cmake --build build --target digits)" >&2; exit 1; }
[ -f "$SET/$(printf %05d $((COUNT - 1)))_right-slant_9.png" ] ||
  "$DIGITS" style-set --output "$SET" --count "$COUNT" --seed 1066
[ $# -gt 0 ] || set -- "$ROOT/weights/mnist.dgw"
for weights in "$@"; do
  "$DIGITS" predict --json --weights "$weights" "$SET" | awk -v w="$weights" '
    {
      match($0, /"file":"[^"]*"/); file = substr($0, RSTART + 8, RLENGTH - 9)
      n = split(file, path, "/"); split(path[n], parts, "_")
      style = parts[2]; truth = substr(parts[3], 1, 1)
      match($0, /"label":[0-9]/); label = substr($0, RSTART + 8, 1)
      match($0, /"confidence":[0-9.eE+-]*/); conf = substr($0, RSTART + 13, RLENGTH - 13) + 0
      total[style]++; all++
      if (label == truth) { right[style]++; ok++ }
      else { wrong_conf[style] += conf; wrong[style]++; all_wrong++; all_wrong_conf += conf; confused[style] = confused[style] " " truth "->" label }
    }
    END {
      printf "\n%s: %.2f%% of %d style digits", w, 100 * ok / all, all
      if (all_wrong > 0) printf " (mistakes at %.1f%% mean confidence)", 100 * all_wrong_conf / all_wrong
      printf "\n\n| style | images | accuracy | mistakes: mean confidence | confusions (truth->read) |\n|---|---|---|---|---|\n"
      min = 101
      n = 0
      for (s in total) {  # insertion sort by name (mawk has no asorti)
        j = ++n
        while (j > 1 && names[j - 1] > s) { names[j] = names[j - 1]; j-- }
        names[j] = s
      }
      for (i = 1; i <= n; i++) {
        s = names[i]; acc = 100 * right[s] / total[s]
        if (acc < min) { min = acc; worst = s }
        mc = wrong[s] > 0 ? sprintf("%.1f%%", 100 * wrong_conf[s] / wrong[s]) : "-"
        c = confused[s]; if (length(c) > 60) c = substr(c, 1, 57) "..."
        printf "| %s | %d | %.1f%% | %s | %s |\n", s, total[s], acc, mc, c
      }
      printf "\nstyle-accuracy %s overall=%.2f min=%.1f (%s) n=%d\n", w, 100 * ok / all, min, worst, all
    }'
done
