#!/usr/bin/env python3
"""Draws the disguise icons (assets/icons/disguise/*.png, 128x128 RGBA) with
the standard library only: plain shapes that look like an everyday notes or
list app and nothing like a diary. Run again to regenerate; the app embeds
the PNGs (src-tauri/src/disguise.rs)."""
import math
import os
import struct
import zlib

SIZE = 128
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "assets", "icons", "disguise")


def canvas():
    return [[(0, 0, 0, 0)] * SIZE for _ in range(SIZE)]


def rounded(img, x0, y0, x1, y1, r, colour):
    for y in range(y0, y1):
        for x in range(x0, x1):
            cx = min(max(x, x0 + r), x1 - 1 - r)
            cy = min(max(y, y0 + r), y1 - 1 - r)
            if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                img[y][x] = colour


def rect(img, x0, y0, x1, y1, colour):
    rounded(img, x0, y0, x1, y1, 0, colour)


def disc(img, cx, cy, r, colour):
    for y in range(SIZE):
        for x in range(SIZE):
            if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                img[y][x] = colour


def line(img, x0, y0, x1, y1, width, colour):
    steps = int(max(abs(x1 - x0), abs(y1 - y0))) * 2 + 1
    for i in range(steps + 1):
        t = i / steps
        disc_small(img, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, width / 2, colour)


def disc_small(img, cx, cy, r, colour):
    for y in range(int(cy - r) - 1, int(cy + r) + 2):
        for x in range(int(cx - r) - 1, int(cx + r) + 2):
            if 0 <= x < SIZE and 0 <= y < SIZE and (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                img[y][x] = colour


def png(img, path):
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in img)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


GREY = (120, 120, 120, 255)
WHITE = (255, 255, 255, 255)


def notes():
    img = canvas()
    rounded(img, 16, 8, 112, 120, 12, (250, 214, 92, 255))
    rect(img, 16, 8, 112, 30, (236, 176, 48, 255))
    for y in range(48, 110, 16):
        rect(img, 30, y, 98, y + 4, (150, 120, 60, 255))
    return img


def shopping():
    img = canvas()
    rounded(img, 12, 12, 116, 116, 20, (46, 139, 87, 255))
    for i, y in enumerate((38, 64, 90)):
        rounded(img, 28, y - 8, 44, y + 8, 3, WHITE)
        if i < 2:
            line(img, 31, y, 35, y + 4, 3, (46, 139, 87, 255))
            line(img, 35, y + 4, 42, y - 5, 3, (46, 139, 87, 255))
        rect(img, 54, y - 3, 100, y + 3, WHITE)
    return img


def todo():
    img = canvas()
    disc(img, 64, 64, 54, (52, 101, 164, 255))
    line(img, 38, 66, 56, 84, 12, WHITE)
    line(img, 56, 84, 92, 44, 12, WHITE)
    return img


def recipes():
    img = canvas()
    rounded(img, 12, 12, 116, 116, 20, (214, 96, 40, 255))
    # A bowl and a spoon.
    for y in range(64, 100):
        half = int(math.sqrt(max(0, 38 ** 2 - (y - 62) ** 2)))
        rect(img, 64 - half, y, 64 + half, y + 1, WHITE)
    rect(img, 22, 60, 106, 66, WHITE)
    line(img, 80, 56, 100, 22, 6, WHITE)
    return img


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, draw in (("notes", notes), ("shopping", shopping), ("todo", todo), ("recipes", recipes)):
        png(draw(), os.path.join(OUT, f"{name}.png"))
        print(f"wrote {name}.png")
