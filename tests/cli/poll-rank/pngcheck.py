"""pngcheck.py PNG: size and ink of a chart screenshot (no PIL needed).

Prints the size, then whether the non-white share of the pixels and the
share in the highlight's red are in the ranges a drawn chart has (a blank
or failed render has almost no ink; a broken one, ink everywhere)."""
import struct, sys, zlib

def pixels(path):
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat, w = 8, b"", 0
    while i < len(d):
        n, t = struct.unpack(">I4s", d[i:i + 8])
        c = d[i + 8:i + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", c[:10])
            assert depth == 8 and ctype in (2, 6), "8-bit RGB(A) only"
            bpp = 3 if ctype == 2 else 4
        elif t == b"IDAT":
            idat += c
        i += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = pixels(sys.argv[1])
print("size %dx%d" % (w, h))
ink = red = 0
for r in rows:
    for x in range(0, w * bpp, bpp):
        R, G, B = r[x], r[x + 1], r[x + 2]
        if R < 245 or G < 245 or B < 245:
            ink += 1
        if R > 170 and G < 90 and B < 80:
            red += 1
tot = w * h
print("ink: %s" % ("ok" if 0.10 < ink / tot < 0.70 else "OUT OF RANGE %.3f" % (ink / tot)))
print("highlight red: %s" % ("ok" if 0.003 < red / tot < 0.10 else "OUT OF RANGE %.4f" % (red / tot)))
