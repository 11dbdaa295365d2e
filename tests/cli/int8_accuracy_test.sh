#!/usr/bin/env bash
# The int8 copy of the shipped model (`digits convert --int8`) must not score
# more than TOLERANCE (a fraction: 0.0005 = 0.05 points) below the float32
# model on the 10k MNIST test images and on the drawn-digit set (canvas-style
# digits through the app's preprocessing), so the page may embed it.
#   int8_accuracy_test.sh DIGITS_BINARY SOURCE_DIR OUT_DIR TOLERANCE [WEIGHTS]
set -euo pipefail
DIGITS=$1 SRC=$2 OUT=$3 TOLERANCE=$4
WEIGHTS=${5:-$SRC/weights/mnist.dgw}
mkdir -p "$OUT"
"$DIGITS" convert --int8 --data "$SRC/.deps/mnist" "$WEIGHTS" "$OUT/int8.dgw"
[ -f "$OUT/drawn/00999_strokes_9.png" ] ||
  "$DIGITS" drawn-set --output "$OUT/drawn" --count 1000 --seed 99 --data "$SRC/.deps/mnist" >/dev/null

mnist_accuracy() {
  "$DIGITS" evaluate --json --weights "$1" --data "$SRC/.deps/mnist" | sed -E 's/.*"accuracy":([0-9.eE+-]+).*/\1/'
}
drawn_accuracy() {
  "$DIGITS" predict --json --weights "$1" "$OUT/drawn" |
    sed -E 's/.*"file":"[^"]*_([0-9])\.png".*"label":([0-9]).*/\1 \2/' |
    awk '{ n++; if ($1 == $2) ok++ } END { if (n != 1000) exit 1; printf "%.4f\n", ok / n }'
}
status=0
for set in mnist drawn; do
  float32=$("${set}_accuracy" "$WEIGHTS")
  int8=$("${set}_accuracy" "$OUT/int8.dgw")
  echo "$set: float32 $float32, int8 $int8 (tolerance $TOLERANCE)"
  awk -v a="$float32" -v b="$int8" -v t="$TOLERANCE" 'BEGIN { exit !(a - b <= t + 1e-9) }' ||
    { echo "int8 is more than $TOLERANCE below float32 on $set" >&2; status=1; }
done
exit $status
