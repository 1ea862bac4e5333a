#!/usr/bin/env python3
"""The disguises (src-tauri/src/disguise.rs) in the phone builds.

Tauri writes the Android and Xcode projects (src-tauri/gen/android,
src-tauri/gen/apple) with `tauri android init` / `tauri ios init`, which need
an SDK this repository's machines do not have. So the phone side of the
disguise is kept here and put into those projects after they are made:

    python3 scripts/mobile-disguises.py apply [src-tauri/gen]

- Android: the launcher entry moves from MainActivity to one
  <activity-alias> per disguise (name, icon); "Notes" is enabled, the
  others are disabled until the app enables one (PackageManager's
  setComponentEnabledSetting, the usual way Android apps change their icon).
  The app's own label becomes "Notes" too, so Settings > Apps and the recent
  apps list give nothing away.
- iOS: src-tauri/Info.ios.plist (merged by the Tauri CLI) gives the neutral
  home-screen name and lists the alternate icons (UIApplication's
  setAlternateIconName); `apply` copies their PNGs into the Xcode project.

    python3 scripts/mobile-disguises.py check

checks that the committed configuration matches disguise.rs and the icons,
and applies it to a copy of Tauri's generated manifest (twice: it must be
idempotent). The test command runs it.
"""
import importlib.util
import os
import plistlib
import re
import shutil
import struct
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
ANDROID_NS = "http://schemas.android.com/apk/res/android"
A = "{%s}" % ANDROID_NS
ALIAS_PREFIX = ".Disguise"

spec = importlib.util.spec_from_file_location("icons", os.path.join(HERE, "make-disguise-icons.py"))
icons = importlib.util.module_from_spec(spec)
spec.loader.exec_module(icons)


def alias_name(key):
    return ALIAS_PREFIX + key.capitalize()


def launcher_filter():
    intent = ET.Element("intent-filter")
    ET.SubElement(intent, "action", {A + "name": "android.intent.action.MAIN"})
    ET.SubElement(intent, "category", {A + "name": "android.intent.category.LAUNCHER"})
    return intent


def is_launcher(intent):
    return any(c.get(A + "name") == "android.intent.category.LAUNCHER" for c in intent.iter("category"))


def patch_manifest(path):
    """Moves the launcher entry to one alias per disguise; idempotent."""
    ET.register_namespace("android", ANDROID_NS)
    tree = ET.parse(path, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
    app = tree.getroot().find("application")
    if app is None:
        raise SystemExit(f"{path}: no <application>")
    main = next((a for a in app.findall("activity") if a.get(A + "name") == ".MainActivity"), None)
    if main is None:
        raise SystemExit(f"{path}: no .MainActivity")
    for intent in [i for i in main.findall("intent-filter") if is_launcher(i)]:
        main.remove(intent)
    if len(main) == 0:
        main.text = None
    for old in [a for a in app.findall("activity-alias") if a.get(A + "name", "").startswith(ALIAS_PREFIX)]:
        app.remove(old)
    first_key, first_name = icons.DISGUISES[0]
    app.set(A + "label", first_name)
    app.set(A + "icon", f"@mipmap/disguise_{first_key}")
    at = list(app).index(main) + 1
    for n, (key, name) in enumerate(icons.DISGUISES):
        alias = ET.Element("activity-alias", {
            A + "name": alias_name(key),
            A + "targetActivity": ".MainActivity",
            A + "label": name,
            A + "icon": f"@mipmap/disguise_{key}",
            A + "enabled": "true" if n == 0 else "false",
            A + "exported": "true",
        })
        alias.append(launcher_filter())
        app.insert(at + n, alias)
    ET.indent(tree, space="    ")
    tree.write(path, encoding="utf-8", xml_declaration=True)


def apply(gen):
    manifest = os.path.join(gen, "android", "app", "src", "main", "AndroidManifest.xml")
    if os.path.exists(manifest):
        patch_manifest(manifest)
        res = os.path.join(gen, "android", "app", "src", "main", "res")
        shutil.copytree(os.path.join(ROOT, "src-tauri", "mobile", "android", "res"), res, dirs_exist_ok=True)
        print(f"android: launcher aliases in {manifest}")
    apple = os.path.join(gen, "apple")
    targets = [d for d in (os.listdir(apple) if os.path.isdir(apple) else []) if d.endswith("_iOS")]
    for target in targets:
        for name in os.listdir(icons.IOS):
            shutil.copy(os.path.join(icons.IOS, name), os.path.join(apple, target, name))
        print(f"ios: alternate icons in {os.path.join(apple, target)}")
    if not os.path.exists(manifest) and not targets:
        raise SystemExit(f"nothing to apply in {gen}: run `tauri android init` or `tauri ios init` first")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


class Checks:
    def __init__(self):
        self.failures = []

    def that(self, ok, what):
        if not ok:
            self.failures.append(what)

    def icon(self, path, size):
        if not os.path.exists(path):
            return self.that(False, f"missing {os.path.relpath(path, ROOT)}")
        self.that(png_size(path) == (size, size), f"{os.path.relpath(path, ROOT)} is not {size}x{size}")


def check_sources(c):
    rust = open(os.path.join(ROOT, "src-tauri", "src", "disguise.rs"), encoding="utf-8").read()
    listed = tuple(re.findall(r'key: "([^"]+)",\s*name: "([^"]+)"', rust))
    c.that(listed == icons.DISGUISES, f"disguise.rs lists {listed}, the icon script {icons.DISGUISES}")
    with open(os.path.join(ROOT, "src-tauri", "Info.ios.plist"), "rb") as f:
        plist = plistlib.load(f)
    c.that(plist.get("CFBundleDisplayName") == icons.DISGUISES[0][1], "Info.ios.plist: the home-screen name is not the first disguise")
    alternates = plist.get("CFBundleIcons", {}).get("CFBundleAlternateIcons", {})
    c.that(sorted(alternates) == sorted(k for k, _ in icons.DISGUISES), f"Info.ios.plist lists {sorted(alternates)}")
    for key, _ in icons.DISGUISES:
        files = alternates.get(key, {}).get("CFBundleIconFiles", [])
        c.that(files == [icons.ios_name(key)], f"Info.ios.plist: {key} names {files}")
        for scale, size in icons.IOS_SIZES:
            c.icon(os.path.join(icons.IOS, f"{icons.ios_name(key)}@{scale}.png"), size)
        for density, size in icons.ANDROID_SIZES:
            c.icon(os.path.join(icons.ANDROID, f"mipmap-{density}", f"disguise_{key}.png"), size)
        c.icon(os.path.join(icons.OUT, f"{key}.png"), 128)


def check_applied(c, gen):
    manifest = os.path.join(gen, "android", "app", "src", "main", "AndroidManifest.xml")
    root = ET.parse(manifest).getroot()
    app = root.find("application")
    main = [a for a in app.findall("activity") if a.get(A + "name") == ".MainActivity"]
    c.that(len(main) == 1, "the patched manifest lost MainActivity")
    c.that(not any(is_launcher(i) for a in main for i in a.findall("intent-filter")), "MainActivity is still a launcher entry")
    c.that(app.get(A + "label") == icons.DISGUISES[0][1], f"the app's label is {app.get(A + 'label')}")
    aliases = app.findall("activity-alias")
    c.that([a.get(A + "name") for a in aliases] == [alias_name(k) for k, _ in icons.DISGUISES], "the aliases are not one per disguise")
    enabled = [a.get(A + "label") for a in aliases if a.get(A + "enabled") == "true"]
    c.that(enabled == [icons.DISGUISES[0][1]], f"enabled launcher entries: {enabled}")
    for alias, (key, name) in zip(aliases, icons.DISGUISES):
        c.that(alias.get(A + "targetActivity") == ".MainActivity", f"{key}: wrong target")
        c.that(alias.get(A + "label") == name and alias.get(A + "icon") == f"@mipmap/disguise_{key}", f"{key}: wrong label or icon")
        c.that(any(is_launcher(i) for i in alias.findall("intent-filter")), f"{key}: not a launcher entry")
        for density, size in icons.ANDROID_SIZES:
            c.icon(os.path.join(gen, "android", "app", "src", "main", "res", f"mipmap-{density}", f"disguise_{key}.png"), size)
        for scale, size in icons.IOS_SIZES:
            c.icon(os.path.join(gen, "apple", "incident-diary_iOS", f"{icons.ios_name(key)}@{scale}.png"), size)
    c.that(root.find("uses-permission") is not None and app.find("provider") is not None, "the patch dropped other parts of the manifest")


def check():
    c = Checks()
    check_sources(c)
    with tempfile.TemporaryDirectory() as tmp:
        main = os.path.join(tmp, "android", "app", "src", "main")
        os.makedirs(main)
        os.makedirs(os.path.join(tmp, "apple", "incident-diary_iOS"))
        shutil.copy(os.path.join(ROOT, "tests", "data", "android", "AndroidManifest.xml"), main)
        apply(tmp)
        once = open(os.path.join(main, "AndroidManifest.xml"), encoding="utf-8").read()
        apply(tmp)
        twice = open(os.path.join(main, "AndroidManifest.xml"), encoding="utf-8").read()
        c.that(once == twice, "applying twice changes the manifest again")
        check_applied(c, tmp)
    for failure in c.failures:
        print(f"mobile disguises: {failure}", file=sys.stderr)
    if c.failures:
        sys.exit(1)
    print(f"mobile disguises: {len(icons.DISGUISES)} disguises, Android aliases and iOS alternate icons consistent")


if __name__ == "__main__":
    if sys.argv[1:2] == ["check"]:
        check()
    elif sys.argv[1:2] == ["apply"]:
        apply(sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "src-tauri", "gen"))
    else:
        sys.exit(__doc__)
