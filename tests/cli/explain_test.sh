#!/usr/bin/env bash
# `digits explain`: one MNIST 7 gives a PNG of the expected size with the
# saliency in colour, and bad inputs end in a message naming what is wrong.
#   explain_test.sh DIGITS_BINARY SOURCE_DIR
set -uo pipefail
DIGITS=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# The first MNIST test image (a 7) as a binary PGM, and a blank one.
{ printf 'P5\n28 28\n255\n'; head -c 800 "$SRC/.deps/mnist/t10k-images-idx3-ubyte" | tail -c 784; } >"$TMP/seven.pgm"
{ printf 'P5\n28 28\n255\n'; head -c 784 /dev/zero; } >"$TMP/blank.pgm"

out=$("$DIGITS" explain "$TMP/seven.pgm" --output "$TMP/seven.png" 2>&1)
if [ $? -eq 0 ] && grep -q 'digit 0 of "7": 7 ' <<<"$out"; then ok "explains the 7 ($out)"; else fail "explain the 7: $out"; fi
# PNG header: width and height (big-endian) at bytes 16-23; colour type 2 (RGB) at byte 25.
read -r width height colour < <(python3 - "$TMP/seven.png" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
print(*struct.unpack('>II', d[16:24]), d[25]) if d[:8] == b'\x89PNG\r\n\x1a\n' else print(0, 0, 0)
PY
)
if [ "${width:-0}" -ge 900 ] && [ "${height:-0}" -ge 1000 ] && [ "${colour:-0}" = 2 ]; then
  ok "wrote an RGB PNG of ${width}x${height}"
else
  fail "expected an RGB PNG of at least 900x1000, got ${width:-?}x${height:-?} colour type ${colour:-?}"
fi
# The saliency panels are in colour: many pixels far from grey.
warm=$(python3 - "$TMP/seven.png" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
w, h = struct.unpack('>II', d[16:24])
i, idat = 8, b''
while i < len(d):
    n = struct.unpack('>I', d[i:i + 4])[0]
    if d[i + 4:i + 8] == b'IDAT': idat += d[i + 8:i + 8 + n]
    i += 12 + n
raw, stride, prev, warm, p = zlib.decompress(idat), w * 3, bytearray(w * 3), 0, 0
for y in range(h):
    f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
    p += 1 + stride
    for x in range(stride):
        a = line[x - 3] if x >= 3 else 0
        b, c = prev[x], (prev[x - 3] if x >= 3 else 0)
        pr = [0, a, b, (a + b) // 2, a if abs(b - c) <= abs(a - c) and abs(b - c) <= abs(a + b - 2 * c) else (b if abs(a - c) <= abs(a + b - 2 * c) else c)][f]
        line[x] = (line[x] + pr) & 255
    warm += sum(1 for x in range(0, stride, 3) if line[x] > line[x + 2] + 60)
    prev = line
print(warm)
PY
)
if [ "${warm:-0}" -gt 2000 ]; then ok "saliency drawn in colour ($warm warm pixels)"; else fail "no saliency colours in the PNG ($warm warm pixels)"; fi

expect_fail() {
  local what=$1 pattern=$2
  shift 2
  local err
  err=$("$@" 2>&1 >/dev/null)
  local rc=$?
  if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -Eq -- "$pattern" <<<"$err"; then ok "$what ($err)"; else fail "$what (exit $rc: $err)"; fi
}
expect_fail "a blank image is refused" "blank\.pgm: no digit found" "$DIGITS" explain "$TMP/blank.pgm" --output "$TMP/b.png"
expect_fail "a missing image is named" "missing\.png" "$DIGITS" explain "$TMP/missing.png" --output "$TMP/m.png"
expect_fail "a digit the number lacks is refused" "--digit 3 does not exist" "$DIGITS" explain "$TMP/seven.pgm" --digit 3 --output "$TMP/d.png"
expect_fail "an unwritable output is named" "nowhere/x\.png: cannot write" "$DIGITS" explain "$TMP/seven.pgm" --output "$TMP/nowhere/x.png"

[ $failures -eq 0 ] && echo "explain test passed" || echo "explain test: $failures failure(s)"
exit $((failures > 0))
