#!/usr/bin/env bash
# The committed models, evaluated by `digits evaluate` (core's inference, the
# code the browser runs) on the 10k MNIST test set, must reach the floor: the
# trained float32 model, its float16 copy and the int8 copy the page embeds,
# which must be exactly what `digits convert --half` and `--int8` make of the
# float32 one.
#   shipped_model_test.sh DIGITS_BINARY SOURCE_DIR MIN_ACCURACY
set -euo pipefail
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Every check ends in an explicit exit 1: none relies on being the last line.
failures=0
for weights in mnist.dgw mnist-f16.dgw mnist-i8.dgw; do
  json=$("$1" evaluate --json --weights "$2/weights/$weights" --data "$2/.deps/mnist")
  accuracy=$(sed -nE 's/.*"accuracy":([0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)[,}].*/\1/p' <<<"$json")
  # A number (not the whole line when the key is missing) at or above the floor.
  if [ -n "$accuracy" ] && awk -v a="$accuracy" -v f="$3" 'BEGIN { exit !(a + 0 >= f + 0) }'; then
    echo "ok   weights/$weights test accuracy: $accuracy (floor $3)"
  else
    echo "FAIL weights/$weights test accuracy: '$accuracy' (floor $3) from: $json"
    failures=$((failures + 1))
  fi
done
for conversion in "half f16 float16" "int8 i8 int8"; do
  read -r flag suffix name <<<"$conversion"
  "$1" convert --"$flag" --data "$2/.deps/mnist" "$2/weights/mnist.dgw" "$TMP/$suffix.dgw" >/dev/null
  if cmp "$TMP/$suffix.dgw" "$2/weights/mnist-$suffix.dgw"; then
    echo "ok   weights/mnist-$suffix.dgw is the $name conversion of weights/mnist.dgw"
  else
    echo "FAIL weights/mnist-$suffix.dgw differs from the $name conversion of weights/mnist.dgw" \
      "(make it with: digits convert --$flag weights/mnist.dgw weights/mnist-$suffix.dgw)"
    failures=$((failures + 1))
  fi
done
[ $failures -eq 0 ] || exit 1
