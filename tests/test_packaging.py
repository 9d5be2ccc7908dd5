"""The built program's recipe (packaging/synergy-desk.spec) carries the application icon and
the resources, and a wheel carries the PDF fonts."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "synergy-desk.spec"


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def _assigned(name: str) -> ast.expr:
    for node in ast.walk(_spec_tree()):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
    raise AssertionError(f"the spec sets no {name}")


def test_the_windows_programs_carry_the_application_icon() -> None:
    icon = ast.unparse(_assigned("ICON"))
    assert "'synergy-desk.ico'" in icon and "RESOURCES" in icon and "WINDOWS" in icon
    assert "os.path.join(ROOT, 'resources')" == ast.unparse(_assigned("RESOURCES"))
    exes = [node for node in ast.walk(_spec_tree())
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "EXE"]
    assert exes
    for exe in exes:
        assert {k.arg: ast.unparse(k.value) for k in exe.keywords}.get("icon") == "ICON"
    assert (ROOT / "resources" / "synergy-desk.ico").is_file()


def test_the_fonts_go_inside_the_package_as_a_wheel_has_them() -> None:
    datas = ast.unparse(_assigned("datas"))
    assert "os.path.join(RESOURCES, 'fonts')" in datas and "'synergy_desk/fonts'" in datas


def test_the_compiled_resources_are_a_module_the_build_collects() -> None:
    # Icons, help and translations travel in synergy_desk/ui/resources_rc.py, which the
    # spec's collect_submodules("synergy_desk") takes like every module.
    assert (ROOT / "synergy_desk" / "ui" / "resources_rc.py").is_file()
    assert 'collect_submodules("synergy_desk"' in SPEC.read_text(encoding="utf-8")


def test_a_source_distribution_carries_the_resources_folder() -> None:
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").split("\n")
    assert "graft resources" in manifest
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # The fonts are no longer package data of a folder inside the package.
    assert project["tool"]["setuptools"]["package-data"]["synergy_desk"] == ["migrations/*.py"]
