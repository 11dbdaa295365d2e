#!/usr/bin/env bash
# The committed models, evaluated by `digits evaluate` (core's inference, the
# code the browser runs) on the 10k MNIST test set, must reach the floor: the
# trained float32 model and the float16 copy the page embeds, which must be
# exactly what `digits convert --half` makes of the float32 one.
#   shipped_model_test.sh DIGITS_BINARY SOURCE_DIR MIN_ACCURACY
set -euo pipefail
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for weights in mnist.dgw mnist-f16.dgw; do
  json=$("$1" evaluate --json --weights "$2/weights/$weights" --data "$2/.deps/mnist")
  accuracy=$(sed -E 's/.*"accuracy":([0-9.eE+-]+).*/\1/' <<<"$json")
  echo "weights/$weights test accuracy: $accuracy (floor $3)"
  awk -v a="$accuracy" -v f="$3" 'BEGIN { exit !(a >= f) }'
done
"$1" convert --half --data "$2/.deps/mnist" "$2/weights/mnist.dgw" "$TMP/half.dgw"
cmp "$TMP/half.dgw" "$2/weights/mnist-f16.dgw" && echo "weights/mnist-f16.dgw is the float16 conversion of weights/mnist.dgw"
