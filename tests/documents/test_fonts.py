"""The documents find their fonts with no Qt, from a source checkout and from inside an
installed package, and a PDF embeds them."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from synergy_desk.documents import fonts

ROOT = Path(__file__).resolve().parents[2]


def test_a_source_checkout_reads_the_fonts_from_the_top_level_resources_folder() -> None:
    found = fonts.font_file("DejaVuSans.ttf")
    assert Path(str(found)) == ROOT / "resources" / "fonts" / "DejaVuSans.ttf"
    assert fonts.font_bytes("DejaVuSans-Bold.ttf")[:4] == b"\x00\x01\x00\x00"


def test_a_missing_font_is_told_plainly() -> None:
    with pytest.raises(FileNotFoundError, match="missing from this installation"):
        fonts.font_file("NoSuchFont.ttf")


def _embedded_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]))
    return names


def test_a_pdf_embeds_dejavu_sans() -> None:
    fonts.register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setFont(fonts.SANS, 12)
    canvas.drawString(72, 720, "Łukasz paid €12.00")
    canvas.setFont(fonts.SANS_BOLD, 12)
    canvas.drawString(72, 700, "Русский")
    canvas.save()
    embedded = _embedded_fonts(out.getvalue())
    assert len(embedded) == 2
    assert all("DejaVuSans" in name for name in embedded), embedded


#: Run in a fresh interpreter over an installed package: where the fonts came from, that a
#: PDF embeds them and that no Qt was loaded on the way.
INSTALLED_SNIPPET = """
import io, sys
from synergy_desk.documents import fonts
from reportlab.pdfgen.canvas import Canvas
print(fonts.font_file("DejaVuSans.ttf"))
fonts.register_fonts()
out = io.BytesIO()
canvas = Canvas(out)
canvas.setFont(fonts.SANS, 12)
canvas.drawString(72, 720, "Łukasz")
canvas.save()
assert b"DejaVuSans" in out.getvalue()
assert not [name for name in sys.modules if name.startswith("PySide6")]
print("ok")
"""


def test_a_built_package_carries_the_fonts_and_documents_find_them_inside_it(
        tmp_path: Path) -> None:
    # What a wheel holds is what setuptools' build_py puts in its build folder: build it from
    # a copy of the project (so the checkout gets no build/ folder) and run from there, away
    # from resources/.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("synergy_desk", "resources"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    built = tmp_path / "installed"
    subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(built)],
                   cwd=source, check=True, timeout=120, capture_output=True)
    inside = built / "synergy_desk" / "fonts"
    assert sorted(p.name for p in inside.iterdir()) == [
        "DejaVu-LICENSE.txt", "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"]
    shutil.rmtree(source)
    env = dict(os.environ, PYTHONPATH=str(built))
    result = subprocess.run([sys.executable, "-c", INSTALLED_SNIPPET], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    where, ok = result.stdout.split()
    assert Path(where) == inside / "DejaVuSans.ttf"
    assert ok == "ok"


def test_the_documents_find_their_fonts_without_qt() -> None:
    code = ("import sys; from synergy_desk.documents import fonts; fonts.register_fonts(); "
            "assert not [n for n in sys.modules if n.startswith('PySide6')], 'Qt was loaded'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)
