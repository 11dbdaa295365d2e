#!/usr/bin/env python3
"""Writes the PNG files the CLI tests feed to `digits predict`, by hand (zlib
and struct only), so each test controls exactly what the decoder meets:

  make_png.py OUT blank W H [C]      W x H black 8-bit pixels with C channels (1: grey,
                                     4: RGBA), compressed row by row (a 20000 x 20000
                                     grey one is 388 KB on disk)
  make_png.py OUT header-only W H    a header claiming W x H and no pixel data
  make_png.py OUT FORMAT DIGIT.pgm   a 28x28 binary PGM (white ink on black) as:
      gray16          16-bit grey
      palette         8-bit palette of 256 greys
      palette-alpha   palette whose entries are black with alpha = ink (tRNS)
      gray-alpha      black ink on transparent (grey + alpha, 8-bit)
      rgba            black ink on transparent (RGBA, 8-bit), what web canvases export
      rgba16          the same in 16-bit RGBA
      rgba-light      white ink on transparent (RGBA, 8-bit)
      pgm16           not a PNG: a 16-bit binary PGM (maxval 65535)
"""
import struct
import sys
import zlib


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write(path, width, height, depth, colour, rows, extra=b""):
    """`rows` yields each row's bytes (without the filter byte)."""
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(b"\0" + row) for row in rows) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def read_pgm(path):
    data = open(path, "rb").read()
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P5" and fields[3] == b"255", path + ": expected an 8-bit binary PGM"
    width, height = int(fields[1]), int(fields[2])
    pixels = fields[4][: width * height]
    return width, height, [pixels[y * width : (y + 1) * width] for y in range(height)]


def main():
    out, kind = sys.argv[1], sys.argv[2]
    if kind == "blank":
        width, height = int(sys.argv[3]), int(sys.argv[4])
        channels = int(sys.argv[5]) if len(sys.argv) > 5 else 1
        colour = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
        write(out, width, height, 8, colour, (bytes(width * channels) for _ in range(height)))
        return
    if kind == "header-only":
        width, height = int(sys.argv[3]), int(sys.argv[4])
        with open(out, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)))
            f.write(chunk(b"IEND", b""))
        return
    width, height, rows = read_pgm(sys.argv[3])
    grey_palette = b"".join(bytes([i, i, i]) for i in range(256))
    if kind == "pgm16":
        with open(out, "wb") as f:
            f.write(b"P5\n%d %d\n65535\n" % (width, height))
            f.write(b"".join(struct.pack(">H", v * 257) for r in rows for v in r))
    elif kind == "gray16":
        write(out, width, height, 16, 0, (b"".join(struct.pack(">H", v * 257) for v in r) for r in rows))
    elif kind == "palette":
        write(out, width, height, 8, 3, rows, chunk(b"PLTE", grey_palette))
    elif kind == "palette-alpha":
        extra = chunk(b"PLTE", bytes(3 * 256)) + chunk(b"tRNS", bytes(range(256)))
        write(out, width, height, 8, 3, rows, extra)
    elif kind == "gray-alpha":
        write(out, width, height, 8, 4, (b"".join(bytes([0, v]) for v in r) for r in rows))
    elif kind == "rgba":
        write(out, width, height, 8, 6, (b"".join(bytes([0, 0, 0, v]) for v in r) for r in rows))
    elif kind == "rgba16":
        write(out, width, height, 16, 6, (b"".join(struct.pack(">4H", 0, 0, 0, v * 257) for v in r) for r in rows))
    elif kind == "rgba-light":
        write(out, width, height, 8, 6, (b"".join(bytes([255, 255, 255, v]) for v in r) for r in rows))
    else:
        sys.exit("make_png.py: unknown kind " + kind)


main()
