#!/usr/bin/env bash
# Training smoke test on a slice of MNIST: the loss falls, a run stopped
# after one epoch and resumed reaches exactly the state of an uninterrupted
# run, and the weights file it writes loads and evaluates.
#   train_smoke_test.sh DIGITS_BINARY
set -uo pipefail
DIGITS=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
args=(--limit 800 --validation 200 --seed 7)

"$DIGITS" train "${args[@]}" --epochs 3 --output "$TMP/straight.dgw" 2>"$TMP/straight.log" ||
  { cat "$TMP/straight.log"; fail "training failed"; exit 1; }
grep -v '\] ' "$TMP/straight.log"
# CSV: epoch,loss,train_accuracy,validation_accuracy,seconds,images_per_second
losses=($(tail -n +2 "$TMP/straight.dgw.csv" | cut -d, -f2))
awk -v a="${losses[0]}" -v b="${losses[2]}" 'BEGIN { exit !(b < a) }' &&
  ok "loss falls: ${losses[*]}" || fail "loss did not fall: ${losses[*]}"
[ -f "$TMP/straight.md" ] && grep -q "Confusion matrix" "$TMP/straight.md" && ok "Markdown report written" || fail "no report"
[ ! -e "$TMP/straight.dgw.tmp" ] && ok "no temporary file left behind" || fail "temporary file left"

# The same run, stopped after epoch 1 and resumed.
"$DIGITS" train "${args[@]}" --epochs 1 --output "$TMP/resumed.dgw" 2>/dev/null || fail "first leg failed"
"$DIGITS" train "${args[@]}" --epochs 3 --resume --output "$TMP/resumed.dgw" 2>"$TMP/resume.log" || fail "resume failed"
grep -q "resuming from .* at epoch 2" "$TMP/resume.log" && ok "resumed at epoch 2" || fail "did not resume: $(cat "$TMP/resume.log")"
cut -d, -f1-4 "$TMP/straight.dgw.csv" >"$TMP/a.csv"
cut -d, -f1-4 "$TMP/resumed.dgw.csv" >"$TMP/b.csv"
cmp -s "$TMP/a.csv" "$TMP/b.csv" && ok "resumed run matches the uninterrupted one epoch for epoch" ||
  fail "resumed run differs: $(diff "$TMP/a.csv" "$TMP/b.csv" | tr '\n' ' ')"
a=$("$DIGITS" evaluate --json --weights "$TMP/straight.dgw") || fail "straight weights do not load"
b=$("$DIGITS" evaluate --json --weights "$TMP/resumed.dgw") || fail "resumed weights do not load"
[ -n "$a" ] && [ "$a" = "$b" ] && ok "both weights files load and give identical test metrics" || fail "metrics differ"

# A resume with different options is refused rather than silently mixed.
err=$("$DIGITS" train --limit 800 --validation 200 --seed 8 --epochs 4 --resume --output "$TMP/resumed.dgw" 2>&1)
[ $? -ne 0 ] && grep -q "different options" <<<"$err" && ok "resume with another seed refused" || fail "resume with another seed: $err"
# A corrupt checkpoint is an error, not a crash.
head -c 100 "$TMP/resumed.dgw.ckpt" >"$TMP/bad.ckpt"
err=$("$DIGITS" train "${args[@]}" --resume --checkpoint "$TMP/bad.ckpt" --output "$TMP/x.dgw" 2>&1)
[ $? -eq 1 ] && grep -q "bad.ckpt" <<<"$err" && ok "truncated checkpoint reported: $(tail -1 <<<"$err")" || fail "bad checkpoint: $err"

echo "$failures failure(s)"
[ $failures -eq 0 ]
