#!/usr/bin/env bash
# The model the page runs (weights/mnist-i8.dgw, the int8 copy of the shipped model) on the
# drawn-digit evaluation set (canvas-style digits, through the app's
# preprocessing) must stay at or above the floor.
#   drawn_set_test.sh DIGITS_BINARY SOURCE_DIR OUT_DIR MIN_ACCURACY
set -euo pipefail
DIGITS=$1 SRC=$2 SET=$3 FLOOR=$4
[ -f "$SET/00999_strokes_9.png" ] || "$DIGITS" drawn-set --output "$SET" --count 1000 --seed 99 --data "$SRC/.deps/mnist"
total=0 right=0
while read -r line; do
  file=$(sed -E 's/.*"file":"([^"]*)".*/\1/' <<<"$line")
  label=$(sed -E 's/.*"label":([0-9]).*/\1/' <<<"$line")
  truth=${file%.png}
  truth=${truth##*_}
  total=$((total + 1))
  [ "$label" = "$truth" ] && right=$((right + 1))
done < <("$DIGITS" predict --json --weights "$SRC/weights/mnist-i8.dgw" "$SET")
echo "drawn-digit accuracy: $right/$total (floor $FLOOR)"
[ "$total" -eq 1000 ] && awk -v r="$right" -v t="$total" -v f="$FLOOR" 'BEGIN { exit !(r / t >= f) }'
