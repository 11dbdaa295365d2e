#!/usr/bin/env python3
"""Fails unless a screenshot shows a rendered app, not a blank frame: it needs
many distinct colours (text, panels, the digit, the histogram) and no single
colour covering nearly all of it. Decodes the 8-bit RGB/RGBA PNG the app
writes with zlib alone.   screenshot_check.py SHOT.png"""
import struct
import sys
import zlib
from collections import Counter

MIN_COLOURS = 32
MAX_DOMINANT_SHARE = 0.9


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        sys.exit(f"{path}: expected 8-bit RGB or RGBA without interlacing")
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                row[i] = (row[i] + paeth(left, up, corner)) & 255
        rows.append(bytes(row))
        previous = row
    return width, height, bpp, rows


def main():
    path = sys.argv[1]
    width, height, bpp, rows = read_png(path)
    colours = Counter()
    for row in rows:
        colours.update(row[i : i + 3] for i in range(0, len(row), bpp))
    dominant = colours.most_common(1)[0][1] / (width * height)
    print(f"{path}: {width}x{height}, {len(colours)} distinct colours, the most common covers {100 * dominant:.1f}%")
    if len(colours) < MIN_COLOURS or dominant > MAX_DOMINANT_SHARE:
        sys.exit(f"{path}: looks blank (needs at least {MIN_COLOURS} colours and none over {100 * MAX_DOMINANT_SHARE:.0f}%)")


main()
