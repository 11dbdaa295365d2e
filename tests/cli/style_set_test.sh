#!/usr/bin/env bash
# The model the page runs (weights/mnist-i8.dgw) on the style benchmark set
# (the world's digit forms and pens, `digits style-set`) must reach the
# issue's floors: overall and for every style on its own.
#   style_set_test.sh DIGITS_BINARY SOURCE_DIR OUT_DIR COUNT MIN_OVERALL MIN_PER_STYLE
set -euo pipefail
DIGITS=$1 SRC=$2 SET=$3 COUNT=$4 OVERALL=$5 PER_STYLE=$6
last=$(printf %05d $((COUNT - 1)))
ls "$SET/${last}_"*.png >/dev/null 2>&1 || "$DIGITS" style-set --output "$SET" --count "$COUNT" --seed 1066
"$DIGITS" predict --json --weights "$SRC/weights/mnist-i8.dgw" "$SET" | awk -v count="$COUNT" \
  -v overall="$OVERALL" -v per_style="$PER_STYLE" '
  {
    match($0, /"file":"[^"]*"/); file = substr($0, RSTART + 8, RLENGTH - 9)
    n = split(file, path, "/"); split(path[n], parts, "_")
    style = parts[2]; truth = substr(parts[3], 1, 1)
    match($0, /"label":[0-9]/); label = substr($0, RSTART + 8, 1)
    total[style]++; all++
    if (label == truth) { right[style]++; ok++ }
  }
  END {
    failed = all != count
    printf "style set: %d/%d = %.2f%% (floor %.1f%%)\n", ok, all, 100 * ok / all, 100 * overall
    if (ok / all < overall) failed = 1
    for (s in total) {
      acc = right[s] / total[s]
      printf "  %-16s %3d/%3d = %5.1f%%%s\n", s, right[s], total[s], 100 * acc, acc < per_style ? "  BELOW THE FLOOR" : ""
      if (acc < per_style) failed = 1
    }
    exit failed
  }'
