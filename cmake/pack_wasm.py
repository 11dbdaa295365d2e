#!/usr/bin/env python3
"""Folds the app's .wasm into its script, gzip-compressed and base64-encoded.

    pack_wasm.py SITE_DIR/digits.js SITE_DIR/digits.wasm

The page must open from file:// too, where a .wasm file cannot be fetched,
so the wasm travels inside the script (web/wasm_loader.js, linked with
--pre-js, decompresses and instantiates it). Emscripten's SINGLE_FILE would
embed it as plain base64, which gzip shrinks a third less than the binary
(base64 hides the byte patterns); the gzip of base64 of gzip costs about
the same as the wasm's own gzip.
"""
import base64
import gzip
import os
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    script, wasm = sys.argv[1], sys.argv[2]
    with open(wasm, "rb") as f:
        binary = f.read()
    if binary[:4] != b"\0asm":
        sys.exit(f"{wasm}: not a WebAssembly module")
    packed = base64.b64encode(gzip.compress(binary, compresslevel=9, mtime=0)).decode("ascii")
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
