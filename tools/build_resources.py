"""Build what the window loads from resources/: the Windows icon, the compiled translations,
the Qt resource file and the Python module compiled from it.

    python tools/build_resources.py                 (from the repository's root)
    python tools/build_resources.py --translations  (first read the code's tr() strings
                                                     into resources/translations/*.ts)

It writes, from the files in resources/:

- resources/synergy-desk.ico: the application icon (resources/synergy-desk.svg) drawn at
  16, 24, 32, 48, 64 and 256 pixels, each size as a PNG inside the .ico (Windows Vista and
  later read them), for the Windows program's icon;
- resources/translations/*.qm: each translation source compiled by lrelease;
- resources/synergy_desk.qrc: every icon, the application icon, the help pages, the compiled
  translations and the licence texts of the bundled fonts and icons, in a fixed order;
- synergy_desk/ui/resources_rc.py: that .qrc compiled by rcc, which the window imports.

The generated files are committed; tests/ui/test_resources.py fails when the .qrc or the
compiled module no longer matches the files in resources/, so run this after changing any of
them. Qt's tools come with PySide6 (pyside6-rcc, pyside6-lupdate, pyside6-lrelease).
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
QRC = RESOURCES / "synergy_desk.qrc"
COMPILED = ROOT / "synergy_desk" / "ui" / "resources_rc.py"
APP_ICON_SVG = RESOURCES / "synergy-desk.svg"
APP_ICON_ICO = RESOURCES / "synergy-desk.ico"
ICO_SIZES = (16, 24, 32, 48, 64, 256)
#: The translation sources lupdate writes; en_GB is the language the code is written in.
LANGUAGES = ("en_GB",)
#: Licence texts shown by Help ▸ About, under :/licences/ (file in resources/, alias).
LICENCES = (("fonts/DejaVu-LICENSE.txt", "licences/DejaVu-LICENSE.txt"),
            ("icons/LICENSE", "licences/Tabler-Icons-LICENSE.txt"))


def qt_tool(name: str) -> str:
    """The path of one of PySide6's Qt tools (pyside6-rcc …), beside this Python first."""
    beside = Path(sys.executable).parent / name
    for candidate in (beside, beside.with_suffix(".exe")):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"build_resources: {name} was not found; install PySide6.")
    return found


def qrc_entries() -> list[tuple[str, str]]:
    """(file relative to resources/, its path in the resource) for every file the window
    loads, in a fixed order."""
    entries = [("synergy-desk.svg", "synergy-desk.svg")]
    entries += [(f"icons/{p.name}", f"icons/{p.name}")
                for p in sorted((RESOURCES / "icons").glob("*.svg"))]
    entries += [(f"help/{p.name}", f"help/{p.name}")
                for p in sorted((RESOURCES / "help").glob("*.html"))]
    entries += [(f"translations/{p.name}", f"translations/{p.name}")
                for p in sorted((RESOURCES / "translations").glob("*.qm"))]
    entries += list(LICENCES)
    return entries


def qrc_text() -> str:
    """The .qrc file listing qrc_entries()."""
    lines = ['<!DOCTYPE RCC>', '<RCC version="1.0">', '<qresource prefix="/">']
    for file, alias in qrc_entries():
        attribute = "" if file == alias else f' alias="{escape(alias)}"'
        lines.append(f"    <file{attribute}>{escape(file)}</file>")
    lines += ["</qresource>", "</RCC>", ""]
    return "\n".join(lines)


def ico_bytes(svg: Path, sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    """A Windows .ico holding the SVG drawn at each size, as PNG images."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["build_resources", "-platform",
                                                          "offscreen"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"build_resources: {svg} is not an SVG Qt can draw")
    images: list[bytes] = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        images.append(bytes(data.data()))
    # ICONDIR, then one ICONDIRENTRY per image (256 is written as 0), then the images.
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, png in zip(sizes, images, strict=True):
        edge = 0 if size >= 256 else size
        out += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
    return out + b"".join(images)


def update_translation_sources() -> None:
    """Read the window's tr() strings into resources/translations/synergy_desk_*.ts."""
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "synergy_desk" / "ui").rglob("*.py")
                     if p != COMPILED)
    sources.append("synergy_desk/app.py")
    targets = [f"resources/translations/synergy_desk_{lang}.ts" for lang in LANGUAGES]
    subprocess.run([qt_tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations",
                    "none", *sources, "-ts", *targets], cwd=ROOT, check=True)


def compile_translations() -> None:
    for ts in sorted((RESOURCES / "translations").glob("*.ts")):
        subprocess.run([qt_tool("pyside6-lrelease"), "-silent", str(ts), "-qm",
                        str(ts.with_suffix(".qm"))], check=True)


def compile_qrc() -> None:
    # Format 1 records no file modification times, so the module changes in git only when a
    # resource does, not whenever a file was touched.
    subprocess.run([qt_tool("pyside6-rcc"), "--format-version", "1", "--compress-algo", "zlib",
                    "-g", "python", str(QRC), "-o", str(COMPILED)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--translations", action="store_true",
                        help="first update the translation sources from the code's tr() strings")
    args = parser.parse_args(argv)
    if args.translations:
        update_translation_sources()
    APP_ICON_ICO.write_bytes(ico_bytes(APP_ICON_SVG))
    compile_translations()
    QRC.write_text(qrc_text(), encoding="utf-8")
    compile_qrc()
    print(f"build_resources: wrote {APP_ICON_ICO.relative_to(ROOT)}, "
          f"{QRC.relative_to(ROOT)} ({len(qrc_entries())} files) and "
          f"{COMPILED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
