#!/usr/bin/env bash
# The digits CLI end to end: help, predict (text and JSON, bad images
# skipped), evaluate, and every error path ending in a clear message and a
# non-zero exit code.   cli_test.sh DIGITS_BINARY SOURCE_DIR
set -uo pipefail
DIGITS=$1
SRC=$2
DATA="$SRC/.deps/mnist"
WEIGHTS="$SRC/weights/mnist.dgw"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
# expect_fail "description" "message regex" command...: non-zero exit and the message on stderr
expect_fail() {
  local what=$1 pattern=$2
  shift 2
  local err
  err=$("$@" 2>&1 >/dev/null)
  local rc=$?
  if [ $rc -ne 0 ] && grep -Eq "$pattern" <<<"$err"; then ok "$what (exit $rc: $err)"; else fail "$what (exit $rc: $err)"; fi
}

for sub in "" train evaluate predict convert; do
  if "$DIGITS" $sub --help >/dev/null; then ok "digits $sub --help"; else fail "digits $sub --help"; fi
done

# MNIST test digits as PGM files (28x28, raw bytes straight from the IDX file).
mkdir -p "$TMP/images"
labels=()
for i in 0 1 2 3 4 5 6 7; do
  { printf 'P5\n28 28\n255\n'; dd if="$DATA/t10k-images-idx3-ubyte" bs=784 skip=0 count=1 iflag=skip_bytes skip=$((16 + i * 784)) status=none; } >"$TMP/images/digit$i.pgm"
  labels+=("$(od -An -tu1 -j $((8 + i)) -N1 "$DATA/t10k-labels-idx1-ubyte" | tr -d ' ')")
done
printf 'P5\n28 28\n255\n' >"$TMP/images/blank.pgm"
head -c 784 /dev/zero >>"$TMP/images/blank.pgm"
echo "not an image" >"$TMP/images/broken.png"

out=$("$DIGITS" predict --json "$TMP/images" 2>"$TMP/predict.err")
rc=$?
[ $rc -eq 2 ] && ok "predict exits 2 when some images were skipped" || fail "predict exit code $rc"
grep -q "broken.png" "$TMP/predict.err" && grep -q "blank.pgm.*no digit" "$TMP/predict.err" &&
  ok "unreadable and blank images reported: $(tr '\n' ' ' <"$TMP/predict.err")" || fail "skipped images not reported"
[ "$(grep -c '"label"' <<<"$out")" -eq 8 ] && ok "the 8 readable digits were predicted" || fail "predict output: $out"
grep -q '"confidence"' <<<"$out" && grep -q '"probabilities":\[' <<<"$out" && grep -q '"file"' <<<"$out" &&
  ok "JSON lines carry file, label, confidence, probabilities" || fail "JSON keys missing"
correct=0
for i in 0 1 2 3 4 5 6 7; do
  got=$(grep "digit$i.pgm" <<<"$out" | sed -E 's/.*"label":([0-9]).*/\1/')
  [ "$got" = "${labels[$i]}" ] && correct=$((correct + 1))
done
[ $correct -ge 7 ] && ok "predict: $correct/8 MNIST test digits right" || fail "predict: only $correct/8 right"
text=$("$DIGITS" predict "$TMP/images/digit0.pgm")
grep -Eq "digit0.pgm: ${labels[0]} \([0-9.]+%\)" <<<"$text" && ok "text output: $text" || fail "text output: $text"

# Error paths.
expect_fail "missing weights file" "nope.dgw.*cannot open" "$DIGITS" evaluate --weights "$TMP/nope.dgw"
head -c 1000 "$WEIGHTS" >"$TMP/truncated.dgw"
expect_fail "truncated weights file" "truncated.dgw.*truncated" "$DIGITS" predict --weights "$TMP/truncated.dgw" "$TMP/images/digit0.pgm"
cp "$WEIGHTS" "$TMP/flipped.dgw"
printf '\x55' | dd of="$TMP/flipped.dgw" bs=1 seek=5000 conv=notrunc status=none
expect_fail "corrupted weights file" "flipped.dgw.*checksum" "$DIGITS" evaluate --weights "$TMP/flipped.dgw"
expect_fail "an IDX file as weights" "not a digits weights file" "$DIGITS" evaluate --weights "$DATA/t10k-labels-idx1-ubyte"
expect_fail "missing data folder" "nowhere.*cannot open" "$DIGITS" evaluate --data "$TMP/nowhere"
mkdir -p "$TMP/baddata"
head -c 5000 "$DATA/t10k-images-idx3-ubyte" >"$TMP/baddata/t10k-images-idx3-ubyte"
cp "$DATA/t10k-labels-idx1-ubyte" "$TMP/baddata/"
expect_fail "truncated IDX file" "t10k-images-idx3-ubyte.*truncated" "$DIGITS" evaluate --data "$TMP/baddata"
expect_fail "unwritable training output" "cannot write" "$DIGITS" train --output /nonexistent/dir/m.dgw --epochs 1
expect_fail "training without data" "cannot open" "$DIGITS" train --data "$TMP/nowhere" --output "$TMP/m.dgw"
expect_fail "bad option value" "epochs" "$DIGITS" train --epochs 0 --output "$TMP/m.dgw"
expect_fail "unknown subcommand" "" "$DIGITS" frobnicate

# convert: float16 halves the file, keeps the test accuracy within 0.1 point, converts back.
if out=$("$DIGITS" convert --half "$WEIGHTS" "$TMP/half.dgw") && [ -f "$TMP/half.dgw" ] &&
  [ "$(stat -c %s "$TMP/half.dgw")" -lt $(($(stat -c %s "$WEIGHTS") * 51 / 100)) ]; then
  ok "convert --half: $out"
else
  fail "convert --half: $out"
fi
full=$("$DIGITS" evaluate --json --weights "$WEIGHTS" | sed -E 's/.*"accuracy":([0-9.]+).*/\1/')
half=$("$DIGITS" evaluate --json --weights "$TMP/half.dgw" | sed -E 's/.*"accuracy":([0-9.]+).*/\1/')
awk -v a="$full" -v b="$half" 'BEGIN { exit !(b > a - 0.001 && b < a + 0.001) }' &&
  ok "float16 accuracy $half vs float32 $full" || fail "float16 accuracy $half vs float32 $full"
"$DIGITS" convert "$TMP/half.dgw" "$TMP/back.dgw" >/dev/null && "$DIGITS" evaluate --weights "$TMP/back.dgw" >/dev/null &&
  ok "convert back to float32" || fail "convert back to float32"
expect_fail "convert a missing file" "nowhere.dgw.*cannot open" "$DIGITS" convert "$TMP/nowhere.dgw" "$TMP/x.dgw"
expect_fail "convert to an unwritable place" "cannot write" "$DIGITS" convert --half "$WEIGHTS" /nonexistent/dir/x.dgw

echo "$failures failure(s)"
[ $failures -eq 0 ]
