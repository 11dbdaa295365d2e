#!/usr/bin/env bash
# The model the page embeds (weights/mnist-i8.dgw: `digits convert --int8` of
# weights/mnist.dgw) must not score more than TOLERANCE (a fraction: 0.0005 =
# 0.05 points) below the float32 model on the 10k MNIST test images, the
# drawn-digit set (canvas-style digits through the app's preprocessing) and
# the style set (the world's digit forms and pens), each read as the page
# reads it (`digits predict`: segmentation, preprocessing, core's inference).
#   int8_accuracy_test.sh DIGITS_BINARY SOURCE_DIR OUT_DIR TOLERANCE [PAGE_WEIGHTS [FLOAT_WEIGHTS]]
set -euo pipefail
DIGITS=$1 SRC=$2 OUT=$3 TOLERANCE=$4
PAGE=${5:-$SRC/weights/mnist-i8.dgw}
FLOAT=${6:-$SRC/weights/mnist.dgw}
mkdir -p "$OUT"
[ -f "$OUT/drawn/00999_strokes_9.png" ] ||
  "$DIGITS" drawn-set --output "$OUT/drawn" --count 1000 --seed 99 --data "$SRC/.deps/mnist" >/dev/null
[ -f "$OUT/style/.done" ] ||
  { "$DIGITS" style-set --output "$OUT/style" --count 2200 --seed 7 >/dev/null && touch "$OUT/style/.done"; }

mnist_accuracy() {
  "$DIGITS" evaluate --json --weights "$1" --data "$SRC/.deps/mnist" | sed -E 's/.*"accuracy":([0-9.eE+-]+).*/\1/'
}
# Images are named ..._<truth>.png; every image must be read (a count check).
folder_accuracy() {
  "$DIGITS" predict --json --weights "$1" "$2" |
    sed -E 's/.*"file":"[^"]*_([0-9])\.png".*"label":([0-9]).*/\1 \2/' |
    awk -v expected="$3" '{ n++; if ($1 == $2) ok++ } END { if (n != expected) exit 1; printf "%.4f\n", ok / n }'
}
drawn_accuracy() { folder_accuracy "$1" "$OUT/drawn" 1000; }
style_accuracy() { folder_accuracy "$1" "$OUT/style" 2200; }
status=0
for set in mnist drawn style; do
  float32=$("${set}_accuracy" "$FLOAT")
  page=$("${set}_accuracy" "$PAGE")
  echo "$set: float32 $float32, page model $page (tolerance $TOLERANCE)"
  awk -v a="$float32" -v b="$page" -v t="$TOLERANCE" 'BEGIN { exit !(a - b <= t + 1e-9) }' ||
    { echo "FAIL $(basename "$PAGE") is more than $TOLERANCE below float32 on $set" >&2; status=1; }
done
exit $status
