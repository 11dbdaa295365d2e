#!/usr/bin/env python3
"""Folds the app's .wasm into its script, gzip-compressed and base64-encoded.

    pack_wasm.py SITE_DIR/digits.js SITE_DIR/digits.wasm

The page must open from file:// too, where a .wasm file cannot be fetched,
so the wasm travels inside the script (web/wasm_loader.js, linked with
--pre-js, decompresses and instantiates it). Emscripten's SINGLE_FILE would
embed it as plain base64, which gzip shrinks a third less than the binary
(base64 hides the byte patterns); the gzip of base64 of gzip costs about
the same as the wasm's own gzip. Zopfli (Debian package zopfli), when
installed, writes a gzip stream 5% smaller than zlib's best level, which
any gzip reader (the browser's DecompressionStream) reads.
"""
import base64
import gzip
import os
import shutil
import subprocess
import sys
import tempfile


def leb128(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sleb128(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7  # arithmetic shift: negative values stay negative
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte if done else byte | 0x80)
        if done:
            return bytes(out)


def read_leb128(data, i, signed=False):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            if signed and byte & 0x40:
                value -= 1 << shift
            return value, i


def merge_data_segments(binary):
    """One data segment instead of thousands.

    wasm-opt splits the data at every run of zeros (the MNIST samples are
    mostly background): 10,000 segments whose offsets and lengths gzip badly,
    about 40 KB of the page. One segment holding the same bytes, the gaps
    filled with the zeros they stand for, is the same memory at start-up.
    Anything but plain active segments at constant offsets is left as it is.
    """
    i, sections = 8, []
    while i < len(binary):
        sid = binary[i]
        size, start = read_leb128(binary, i + 1)
        sections.append((sid, binary[i:start + size], start, start + size))
        i = start + size
    if any(sid == 12 for sid, *_ in sections):  # a DataCount section: bulk memory in use
        return binary
    out = bytearray(binary[:8])
    for sid, whole, start, end in sections:
        if sid != 11:
            out += whole
            continue
        count, j = read_leb128(binary, start)
        segments = []
        for _ in range(count):
            if binary[j] != 0 or binary[j + 1] != 0x41:  # active, memory 0, i32.const offset
                return binary
            offset, j = read_leb128(binary, j + 2, signed=True)
            if binary[j] != 0x0B:
                return binary
            length, j = read_leb128(binary, j + 1)
            segments.append((offset, binary[j:j + length]))
            j += length
        low = min(o for o, _ in segments)
        memory = bytearray(max(o + len(b) for o, b in segments) - low)
        for o, b in segments:
            memory[o - low:o - low + len(b)] = b
        body = leb128(1) + b"\0\x41" + sleb128(low) + b"\x0b" + leb128(len(memory)) + bytes(memory)
        out += bytes([11]) + leb128(len(body)) + body
    return bytes(out)


def compress(binary):
    zopfli = shutil.which("zopfli")
    if zopfli is None:
        return gzip.compress(binary, compresslevel=9, mtime=0)
    # zopfli reads files, not pipes. More iterations than 5 gain under 0.1%
    # here and double the time.
    with tempfile.NamedTemporaryFile(suffix=".wasm") as f:
        f.write(binary)
        f.flush()
        return subprocess.run([zopfli, "--gzip", "--i5", "-c", f.name], stdout=subprocess.PIPE, check=True).stdout


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    script, wasm = sys.argv[1], sys.argv[2]
    with open(wasm, "rb") as f:
        binary = f.read()
    if binary[:4] != b"\0asm":
        sys.exit(f"{wasm}: not a WebAssembly module")
    binary = merge_data_segments(binary)
    packed = base64.b64encode(compress(binary)).decode("ascii")
    with open(script, encoding="utf-8") as f:
        code = f.read()
    if "digitsWasmGzip" not in code:
        sys.exit(f"{script}: does not use digitsWasmGzip (link with --pre-js web/wasm_loader.js)")
    temp = script + ".tmp"
    with open(temp, "w", encoding="utf-8") as f:
        f.write(f'var digitsWasmGzip = "{packed}";\n')
        f.write(code)
    os.replace(temp, script)
    os.remove(wasm)
    print(f"{script}: wasm {len(binary)} bytes, {len(packed)} packed")


if __name__ == "__main__":
    main()
