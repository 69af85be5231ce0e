"""The hall's floor plan holds (README, "Architecture"): import-linter's contracts in
pyproject.toml pass on the tree, and fail, naming the import, when a lower app imports a higher
one or the library imports the hall. Run on a copy of the sources, so the tree is not touched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "src", tmp_path / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--no-cache"], cwd=tree,
                          env={"PYTHONPATH": str(tree / "src")}, text=True,
                          capture_output=True, check=False)  # fmt: skip


def _add_import(tree: Path, module: str, line: str) -> None:
    path = tree / "src" / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    linted = _lint(_copy(tmp_path))
    assert linted.returncode == 0, linted.stdout[-3000:]
    assert "0 broken" in linted.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("hall.members.models", "import hall.api.v1  # noqa", "hall.members.models -> hall.api"),
        ("hall.core.limits", "from hall.accounts import models  # noqa", "hall.core.limits ->"),
        ("hall.fees.rules", "import hall.payments.orders  # noqa", "hall.fees.rules ->"),
        ("tiaoma.gtin", "import hall.core.errors  # noqa", "tiaoma.gtin -> hall.core.errors"),
        ("hall.products.views", "from tiaoma import _text  # noqa", "hall.products.views ->"),
    ],
)
def test_a_contract_fails_when_an_import_goes_the_wrong_way(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    tree = _copy(tmp_path)
    _add_import(tree, module, line)
    linted = _lint(tree)
    assert linted.returncode != 0
    assert "BROKEN" in linted.stdout
    assert broken in linted.stdout, linted.stdout[-3000:]
