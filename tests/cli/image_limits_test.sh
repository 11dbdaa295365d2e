#!/usr/bin/env bash
# A resource bound, not a timing: `digits predict` on a 388 KB PNG of
# 20000 x 20000 pixels (1.96 GB to decode) under a 512 MB address-space limit
# must refuse it from its header, exiting 2 with a message that names the file
# and the limit, rather than be killed by a signal or allocate past the limit;
# an image within the pixel limit that still does not fit in memory is
# refused with a message too.
#   image_limits_test.sh DIGITS_BINARY SOURCE_DIR
set -uo pipefail
DIGITS=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

python3 "$SRC/tests/cli/make_png.py" "$TMP/huge.png" blank 20000 20000 || exit 1
echo "huge.png: $(stat -c %s "$TMP/huge.png") bytes on disk"

err=$( (ulimit -v 524288 && exec "$DIGITS" predict "$TMP/huge.png") 2>&1 >/dev/null)
rc=$?
echo "exit $rc: $err"
if [ $rc -ge 128 ]; then fail "killed by signal $((rc - 128)) under a 512 MB limit"; fi
[ $rc -eq 2 ] && ok "exit code 2 (the image was skipped)" || fail "exit code $rc, expected 2"
grep -q "huge.png: 20000 x 20000 pixels (400.0 megapixels), more than the limit of 64.0 megapixels" <<<"$err" &&
  ok "the message names the file, its size and the limit" || fail "message: $err"

# The largest image allowed (8000 x 8000 RGBA, 64 megapixels) needs more than
# 512 MB to decode: it must be refused with a message, not crash the program.
python3 "$SRC/tests/cli/make_png.py" "$TMP/largest.png" blank 8000 8000 4 || exit 1
err=$( (ulimit -v 524288 && exec "$DIGITS" predict "$TMP/largest.png") 2>&1 >/dev/null)
rc=$?
echo "exit $rc: $err"
[ $rc -eq 2 ] && grep -q "largest.png: not enough memory to decode a 8000 x 8000 image" <<<"$err" &&
  ok "out of memory while decoding is a message and exit 2" || fail "largest allowed image under 512 MB: exit $rc: $err"

# A readable image still works under the same limit: the bound is not a refusal of everything.
{
  printf 'P5\n28 28\n255\n'
  dd if="$SRC/.deps/mnist/t10k-images-idx3-ubyte" bs=784 count=1 iflag=skip_bytes skip=16 status=none
} >"$TMP/seven.pgm"
out=$( (ulimit -v 524288 && exec "$DIGITS" predict --json "$TMP/seven.pgm") 2>&1)
grep -q '"label":7,' <<<"$out" && ok "an MNIST 7 is still read under the limit" || fail "under the limit: $out"

echo "$failures failure(s)"
[ $failures -eq 0 ]
