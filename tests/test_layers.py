"""The layer order of ARCHITECTURE.md holds: each package imports only from those below it.

The contract is `[tool.importlinter]` in pyproject.toml; `make lint` runs the same check.
Imports inside functions count as much as those at the top of a module.
"""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path, config: Path | None = None) -> subprocess.CompletedProcess:
    args = [str(LINT_IMPORTS), "--no-cache"] + ([str(config)] if config else [])
    env = dict(os.environ, PYTHONPATH=str(cwd), COLUMNS="200")
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_layers_reach_only_down() -> None:
    proc = lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 kept, 0 broken" in proc.stdout


def test_every_package_of_the_project_has_its_place_in_the_layers() -> None:
    """A new top-level package must be put into the order, or the check would not see it."""
    packages = {p.rstrip("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]}
    linter = PYPROJECT["tool"]["importlinter"]
    (contract,) = linter["contracts"]
    placed = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    assert packages == set(linter["root_packages"]) == placed


def test_an_upward_import_inside_a_function_breaks_the_contract(tmp_path: Path) -> None:
    """The contract itself: the same configuration on a tree where core reaches up to the CLI."""
    for name in PYPROJECT["tool"]["importlinter"]["root_packages"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "ketluan" / "reach.py").write_text("def up():\n    from cli import main\n")
    (tmp_path / "cli" / "__init__.py").write_text("def main():\n    pass\n")
    config = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    config.write_text(re.sub(r"\nignore_imports = \[.*?\]\n", "\n", text, flags=re.S), encoding="utf-8")
    proc = lint_imports(tmp_path, config)
    assert proc.returncode != 0
    assert "ketluan.reach -> cli" in proc.stdout, proc.stdout
