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
# expect_fail "description" "message regex" command...: a non-zero exit that
# is not a signal (a crash is not an error message) and the message on stderr.
expect_fail() {
  local what=$1 pattern=$2
  shift 2
  if [ -z "$pattern" ]; then
    fail "$what: empty pattern (it would match any message)"
    return
  fi
  local err
  err=$("$@" 2>&1 >/dev/null)
  local rc=$?
  if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -Eq "$pattern" <<<"$err"; then
    ok "$what (exit $rc: $err)"
  else
    fail "$what (exit $rc, expected /$pattern/: $err)"
  fi
}
# expect_label "description" FILE LABEL: `digits predict` reads FILE as LABEL
expect_label() {
  local out
  out=$("$DIGITS" predict --json "$2" 2>&1)
  if grep -q "\"label\":$3," <<<"$out"; then ok "$1 read as $3"; else fail "$1: expected label $3, got: $out"; fi
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

# Every image format a drawing program may save, read as the digit it shows
# (the first MNIST test digit; black-on-transparent used to read as blank).
for format in gray16 palette palette-alpha gray-alpha rgba rgba16 rgba-light; do
  python3 "$SRC/tests/cli/make_png.py" "$TMP/$format.png" "$format" "$TMP/images/digit0.pgm"
  expect_label "$format PNG" "$TMP/$format.png" "${labels[0]}"
done
python3 "$SRC/tests/cli/make_png.py" "$TMP/digit16.pgm" pgm16 "$TMP/images/digit0.pgm"
expect_label "16-bit PGM" "$TMP/digit16.pgm" "${labels[0]}"

# Images are bounded before they cost memory: the file size before reading,
# the dimensions (from the header) before decoding.
python3 "$SRC/tests/cli/make_png.py" "$TMP/wide.png" header-only 10000 6401
expect_fail "64-megapixel limit" "wide.png: 10000 x 6401 pixels.*limit of 64.0 megapixels" "$DIGITS" predict "$TMP/wide.png"
truncate -s 65M "$TMP/heavy.png"
expect_fail "image file size limit" "heavy.png: 68157440 bytes, more than the limit of 67108864" "$DIGITS" predict "$TMP/heavy.png"
printf 'P2\n2 2\n255\n0 0 0 0\n' >"$TMP/ascii.pgm"
expect_fail "an undecodable image named" "ascii.pgm: not a readable PNG or binary PGM/PPM" "$DIGITS" predict "$TMP/ascii.pgm"
expect_fail "a missing image" "nothing.png: cannot open" "$DIGITS" predict "$TMP/nothing.png"

# Error paths. Weights files: cannot open, empty, truncated and corrupted are
# each said as such, and one larger than any model is refused unread.
expect_fail "missing weights file" "nope.dgw: cannot open" "$DIGITS" evaluate --weights "$TMP/nope.dgw"
expect_fail "missing weights file (predict)" "nope.dgw: cannot open" "$DIGITS" predict --weights "$TMP/nope.dgw" "$TMP/images/digit0.pgm"
expect_fail "a folder as weights file" "images: cannot open.*directory" "$DIGITS" predict --weights "$TMP/images" "$TMP/images/digit0.pgm"
: >"$TMP/empty.dgw"
expect_fail "empty weights file" "empty.dgw: empty file" "$DIGITS" predict --weights "$TMP/empty.dgw" "$TMP/images/digit0.pgm"
truncate -s 9M "$TMP/huge.dgw"
expect_fail "weights file over the size limit" "huge.dgw: 9437184 bytes, more than the limit" "$DIGITS" predict --weights "$TMP/huge.dgw" "$TMP/images/digit0.pgm"
head -c 1000 "$WEIGHTS" >"$TMP/truncated.dgw"
expect_fail "truncated weights file" "truncated.dgw: truncated weights file \(1000 bytes" "$DIGITS" predict --weights "$TMP/truncated.dgw" "$TMP/images/digit0.pgm"
head -c 12 "$WEIGHTS" >"$TMP/stub.dgw"
expect_fail "weights file cut inside its header" "stub.dgw: truncated weights file \(12 bytes" "$DIGITS" predict --weights "$TMP/stub.dgw" "$TMP/images/digit0.pgm"
cp "$WEIGHTS" "$TMP/flipped.dgw"
printf '\x55' | dd of="$TMP/flipped.dgw" bs=1 seek=5000 conv=notrunc status=none
expect_fail "corrupted weights file" "flipped.dgw: checksum mismatch: the file is corrupted" "$DIGITS" evaluate --weights "$TMP/flipped.dgw"
cp "$WEIGHTS" "$TMP/longer.dgw"
printf 'x' >>"$TMP/longer.dgw"
expect_fail "bytes after the model" "longer.dgw: corrupted" "$DIGITS" predict --weights "$TMP/longer.dgw" "$TMP/images/digit0.pgm"
expect_fail "an IDX file as weights" "not a digits weights file" "$DIGITS" evaluate --weights "$DATA/t10k-labels-idx1-ubyte"
expect_fail "missing data folder" "nowhere.*cannot open" "$DIGITS" evaluate --data "$TMP/nowhere"
mkdir -p "$TMP/baddata"
head -c 5000 "$DATA/t10k-images-idx3-ubyte" >"$TMP/baddata/t10k-images-idx3-ubyte"
cp "$DATA/t10k-labels-idx1-ubyte" "$TMP/baddata/"
expect_fail "truncated IDX file" "t10k-images-idx3-ubyte.*truncated" "$DIGITS" evaluate --data "$TMP/baddata"
expect_fail "unwritable training output" "cannot write" "$DIGITS" train --output /nonexistent/dir/m.dgw --epochs 1
expect_fail "training without data" "cannot open" "$DIGITS" train --data "$TMP/nowhere" --output "$TMP/m.dgw"
expect_fail "bad option value" "epochs" "$DIGITS" train --epochs 0 --output "$TMP/m.dgw"
expect_fail "unknown subcommand" "A subcommand is required" "$DIGITS" frobnicate

# convert: float16 halves the network's tensors (the digit score's stay float32:
# the file is 54% of the float32 one), keeps the test accuracy within 0.1 point, converts back.
if out=$("$DIGITS" convert --half "$WEIGHTS" "$TMP/half.dgw") && [ -f "$TMP/half.dgw" ] &&
  [ "$(stat -c %s "$TMP/half.dgw")" -lt $(($(stat -c %s "$WEIGHTS") * 56 / 100)) ]; then
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
