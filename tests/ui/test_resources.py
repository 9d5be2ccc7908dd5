"""The Qt resources compiled into the package (synergy_desk/ui/resources_rc.py) are the files
of the top-level resources/ folder, as tools/build_resources.py builds them."""

from __future__ import annotations

import importlib.util
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtCore import QDirIterator, QFile, QIODevice
from PySide6.QtGui import QImage

from synergy_desk.ui import resources_rc  # noqa: F401 - registers the resources

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


def _build_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_resources",
                                                  ROOT / "tools" / "build_resources.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _qrc_files() -> list[tuple[str, str]]:
    """(file relative to resources/, its path in the resource) as the .qrc lists them."""
    root = ET.parse(RESOURCES / "synergy_desk.qrc").getroot()
    return [(node.text or "", node.get("alias") or node.text or "")
            for resource in root.iter("qresource") for node in resource.iter("file")]


def _resource_bytes(path: str) -> bytes:
    file = QFile(path)
    assert file.open(QIODevice.OpenModeFlag.ReadOnly), f"{path} is not in the resources"
    try:
        return bytes(file.readAll().data())
    finally:
        file.close()


def _compiled_paths(folders: set[str]) -> set[str]:
    """Every file in those resource folders (Qt's modules keep resources of their own in
    others)."""
    found = set()
    for folder in folders:
        walk = QDirIterator(f":/{folder}", QDirIterator.IteratorFlag.Subdirectories)
        while walk.hasNext():
            path = walk.next()
            if not QDirIterator(path).hasNext():
                found.add(path)
    return found


def test_the_qrc_lists_every_file_the_build_tool_would() -> None:
    assert (RESOURCES / "synergy_desk.qrc").read_text(encoding="utf-8") == \
        _build_tool().qrc_text(), "run python tools/build_resources.py"


def test_the_compiled_module_holds_exactly_the_files_the_qrc_lists() -> None:
    listed = _qrc_files()
    assert listed, "the .qrc lists nothing"
    stale = [alias for file, alias in listed
             if _resource_bytes(f":/{alias}") != (RESOURCES / file).read_bytes()]
    assert stale == [], "resources_rc.py is out of date: run python tools/build_resources.py"
    folders = {alias.split("/")[0] for _file, alias in listed if "/" in alias}
    assert folders == {"icons", "help", "translations", "licences"}
    assert _compiled_paths(folders) == {f":/{alias}" for _file, alias in listed if "/" in alias}


def test_the_resources_hold_the_icon_help_translations_and_both_licences() -> None:
    aliases = {alias for _file, alias in _qrc_files()}
    assert "synergy-desk.svg" in aliases
    assert {"help/index.html", "help/reception.html", "help/engineer.html",
            "help/manager.html"} <= aliases
    assert "translations/synergy_desk_en_GB.qm" in aliases
    assert {"licences/DejaVu-LICENSE.txt", "licences/Tabler-Icons-LICENSE.txt"} <= aliases
    assert b"Bitstream" in _resource_bytes(":/licences/DejaVu-LICENSE.txt")
    assert b"MIT License" in _resource_bytes(":/licences/Tabler-Icons-LICENSE.txt")


def test_the_compiled_translations_are_those_of_their_sources(tmp_path: Path) -> None:
    tool = _build_tool()
    sources = sorted((RESOURCES / "translations").glob("*.ts"))
    assert sources
    for ts in sources:
        qm = tmp_path / ts.with_suffix(".qm").name
        subprocess.run([tool.qt_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
                       check=True, timeout=60)
        assert qm.read_bytes() == ts.with_suffix(".qm").read_bytes(), \
            f"{ts.name} changed since it was compiled: run python tools/build_resources.py"


def _ico_sizes(data: bytes) -> list[int]:
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, height, *_rest, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert width == height
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sizes.append(width or 256)
    return sizes


def test_the_windows_icon_has_every_size_windows_asks_for() -> None:
    assert _ico_sizes((RESOURCES / "synergy-desk.ico").read_bytes()) == [16, 24, 32, 48, 64, 256]


def _ico_images(data: bytes) -> list[QImage]:
    images = []
    _reserved, _kind, count = struct.unpack_from("<HHH", data)
    for i in range(count):
        *_head, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        images.append(QImage.fromData(data[offset:offset + length], "PNG"))
    return images


def test_the_windows_icon_is_drawn_from_the_svg(qapp: Any) -> None:
    # Compared as pictures, not bytes: another Qt may encode the same PNG differently.
    committed = _ico_images((RESOURCES / "synergy-desk.ico").read_bytes())
    drawn = _ico_images(_build_tool().ico_bytes(RESOURCES / "synergy-desk.svg"))
    assert [i.width() for i in committed] == [i.width() for i in drawn]
    for old, new in zip(committed, drawn, strict=True):
        for x, y in ((0, 0), (old.width() // 2, old.height() // 2), (old.width() // 5, 4)):
            a, b = old.pixelColor(x, y), new.pixelColor(x, y)
            assert max(abs(a.red() - b.red()), abs(a.green() - b.green()),
                       abs(a.blue() - b.blue()), abs(a.alpha() - b.alpha())) <= 8, \
                "the .ico is not the SVG: run python tools/build_resources.py"
    big = committed[-1]
    assert big.pixelColor(0, 0).alpha() == 0  # the rounded corner
    assert big.pixelColor(128, 20).name() == "#1f4e8c"  # the desk's blue
    assert big.pixelColor(60, 90).name() == "#ffffff"  # the speech bubble


def test_the_icon_set_keeps_its_licence() -> None:
    licence = (RESOURCES / "icons" / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Paweł Kuna" in licence
    assert "Tabler" in (RESOURCES / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("svg", sorted((RESOURCES / "icons").glob("*.svg")),
                         ids=lambda p: p.stem)
def test_every_icon_is_a_tabler_outline_icon(svg: Path) -> None:
    text = svg.read_text(encoding="utf-8")
    assert 'stroke="currentColor"' in text and "icon-tabler" in text


def test_the_resources_load_without_a_window() -> None:
    # The compiled module needs only QtCore: a command could load it too.
    code = ("import sys; import synergy_desk.ui.resources_rc; "
            "from PySide6.QtCore import QFile; assert QFile(':/synergy-desk.svg').exists(); "
            "assert 'PySide6.QtWidgets' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60, cwd=ROOT)
