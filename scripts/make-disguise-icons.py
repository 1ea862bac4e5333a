#!/usr/bin/env python3
"""Draws the disguise icons with the standard library only: plain shapes that
look like an everyday notes or list app and nothing like a diary. Run again
to regenerate:

- assets/icons/disguise/KEY.png, 128x128, embedded by the desktop app
  (src-tauri/src/disguise.rs);
- src-tauri/mobile/android/res/mipmap-*/disguise_KEY.png, the launcher
  sizes the activity aliases point at (scripts/mobile-disguises.py);
- src-tauri/mobile/ios/AppIcon-Name@2x/@3x.png, the alternate icons that
  src-tauri/Info.ios.plist names.

Shapes are drawn on a 128-unit grid at twice the output size and averaged
down, so small launcher sizes keep smooth edges."""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
OUT = os.path.join(ROOT, "assets", "icons", "disguise")
ANDROID = os.path.join(ROOT, "src-tauri", "mobile", "android", "res")
IOS = os.path.join(ROOT, "src-tauri", "mobile", "ios")

# The disguises, as src-tauri/src/disguise.rs lists them: key, name, and the
# name iOS knows the alternate icon by.
DISGUISES = (("notes", "Notes"), ("shopping", "Shopping list"), ("todo", "To do"), ("recipes", "Recipes"))
ANDROID_SIZES = (("mdpi", 48), ("hdpi", 72), ("xhdpi", 96), ("xxhdpi", 144), ("xxxhdpi", 192))
IOS_SIZES = (("2x", 120), ("3x", 180))

# Pixels per unit of the 128-unit drawing grid, and the canvas size; set by
# render() before each drawing.
SCALE = 1.0
SIZE = 128


def ios_name(key):
    return "AppIcon-" + key.capitalize()


def canvas():
    return [[(0, 0, 0, 0)] * SIZE for _ in range(SIZE)]


def rounded(img, x0, y0, x1, y1, r, colour):
    x0, y0, x1, y1, r = (round(v * SCALE) for v in (x0, y0, x1, y1, r))
    for y in range(y0, y1):
        for x in range(x0, x1):
            cx = min(max(x, x0 + r), x1 - 1 - r)
            cy = min(max(y, y0 + r), y1 - 1 - r)
            if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                img[y][x] = colour


def rect(img, x0, y0, x1, y1, colour):
    rounded(img, x0, y0, x1, y1, 0, colour)


def disc(img, cx, cy, r, colour):
    cx, cy, r = cx * SCALE, cy * SCALE, r * SCALE
    for y in range(SIZE):
        for x in range(SIZE):
            if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                img[y][x] = colour


def line(img, x0, y0, x1, y1, width, colour):
    x0, y0, x1, y1, width = (v * SCALE for v in (x0, y0, x1, y1, width))
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
    os.makedirs(os.path.dirname(path), exist_ok=True)
    size = len(img)
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in img)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
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


def render(draw, size):
    """Draws at twice `size` and averages each 2x2 block (premultiplied)."""
    global SCALE, SIZE
    SIZE, SCALE = size * 2, size * 2 / 128
    big = draw()
    out = []
    for y in range(size):
        row = []
        for x in range(size):
            block = [big[2 * y + dy][2 * x + dx] for dy in (0, 1) for dx in (0, 1)]
            alpha = sum(p[3] for p in block)
            if alpha == 0:
                row.append((0, 0, 0, 0))
                continue
            row.append(tuple(round(sum(p[i] * p[3] for p in block) / alpha) for i in range(3)) + (round(alpha / 4),))
        out.append(row)
    return out


DRAWINGS = {"notes": notes, "shopping": shopping, "todo": todo, "recipes": recipes}

if __name__ == "__main__":
    for key, _name in DISGUISES:
        draw = DRAWINGS[key]
        png(render(draw, 128), os.path.join(OUT, f"{key}.png"))
        for density, size in ANDROID_SIZES:
            png(render(draw, size), os.path.join(ANDROID, f"mipmap-{density}", f"disguise_{key}.png"))
        for scale, size in IOS_SIZES:
            png(render(draw, size), os.path.join(IOS, f"{ios_name(key)}@{scale}.png"))
        print(f"drew {key}")
