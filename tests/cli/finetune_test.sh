#!/usr/bin/env bash
# Learning a writer's handwriting: for every synthetic writer (digits writer-set)
# the page's model is scored on the writer's held-out digits, tuned on 3
# examples per class (digits finetune), and scored again. At least one writer
# must be one the model gets wrong (below 95%), every such writer must reach
# 95% after tuning, and the personal model's MNIST test accuracy, measured by
# `digits evaluate`, may fall by at most 0.3 points.
#   finetune_test.sh DIGITS_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
digits=$1 src=$2 work=$3
base="$src/weights/mnist-i8.dgw"
rm -rf "$work" && mkdir -p "$work"
accuracy_of() { sed -nE 's/.*"accuracy":([0-9.eE+-]+)[,}].*/\1/p' <<<"$1"; }
base_mnist=$(accuracy_of "$("$digits" evaluate --json --weights "$base" --data "$src/.deps/mnist")")
failures=0 misread=0
writers=$("$digits" writer-set --help | sed -nE 's/.*\(0 to ([0-9]+)\).*/\1/p')
[ -n "$writers" ] || { echo "FAIL cannot read the number of writers from digits writer-set --help"; exit 1; }
for w in $(seq 0 "$writers"); do
  "$digits" writer-set --output "$work/w$w" --writer "$w" 2>/dev/null
  out=$("$digits" finetune --weights "$base" --examples "$work/w$w/teach" --test "$work/w$w/test" \
          --output "$work/p$w.dgw" --data "$src/.deps/mnist")
  before=$(sed -nE 's/^held-out accuracy before: ([0-9.]+)%$/\1/p' <<<"$out")
  after=$(sed -nE 's/^held-out accuracy after: ([0-9.]+)%$/\1/p' <<<"$out")
  mnist=$(accuracy_of "$("$digits" evaluate --json --weights "$work/p$w.dgw" --data "$src/.deps/mnist")")
  if [ -z "$before" ] || [ -z "$after" ] || [ -z "$mnist" ]; then
    echo "FAIL writer $w: no numbers in: $out"; failures=$((failures + 1)); continue
  fi
  echo "writer $w: held-out $before% -> $after%, MNIST test $base_mnist -> $mnist"
  if awk -v b="$before" 'BEGIN { exit !(b + 0 < 95) }'; then
    misread=$((misread + 1))
    if ! awk -v a="$after" 'BEGIN { exit !(a + 0 >= 95) }'; then
      echo "FAIL writer $w: $after% after 3 examples per class (floor 95%)"; failures=$((failures + 1))
    fi
  fi
  if ! awk -v m="$mnist" -v b="$base_mnist" 'BEGIN { exit !(m + 0 >= b - 0.003) }'; then
    echo "FAIL writer $w: MNIST test accuracy fell from $base_mnist to $mnist (at most 0.3 points)"
    failures=$((failures + 1))
  fi
done
if [ $misread -eq 0 ]; then
  echo "FAIL no writer is misread by $base (each is at 95% or more): the test proves nothing"
  failures=$((failures + 1))
fi
[ $failures -eq 0 ] || exit 1
echo "ok   $misread writer(s) misread by the base model, all lifted to 95% or more"
