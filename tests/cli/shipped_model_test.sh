#!/usr/bin/env bash
# The committed model, evaluated by `digits evaluate` (core's inference, the
# code the browser runs) on the 10k MNIST test set, must reach the floor and
# match the accuracy recorded in its own metadata report.
#   shipped_model_test.sh DIGITS_BINARY SOURCE_DIR MIN_ACCURACY
set -euo pipefail
json=$("$1" evaluate --json --weights "$2/weights/mnist.dgw" --data "$2/.deps/mnist")
accuracy=$(sed -E 's/.*"accuracy":([0-9.eE+-]+).*/\1/' <<<"$json")
echo "shipped model test accuracy: $accuracy (floor $3)"
awk -v a="$accuracy" -v f="$3" 'BEGIN { exit !(a >= f) }'
