"""Building a wheel copies the PDF fonts from the top-level resources/fonts into the package.

Everything else about the package is declared in pyproject.toml. The documents read the fonts
from synergy_desk/fonts in an installed wheel (documents/fonts.py), and from resources/fonts
in a source checkout or an editable install, so the source tree keeps one copy of them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
FONTS = ROOT / "resources" / "fonts"


class BuildPyWithFonts(build_py):
    """build_py, then resources/fonts copied to synergy_desk/fonts in the build."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads resources/fonts where it is
        target = Path(self.build_lib) / "synergy_desk" / "fonts"
        target.mkdir(parents=True, exist_ok=True)
        for font in sorted(FONTS.iterdir()):
            if font.is_file():
                shutil.copyfile(font, target / font.name)


setup(cmdclass={"build_py": BuildPyWithFonts})
