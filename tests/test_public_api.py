"""The hall is the library's first user and uses its public API only (issue 20).

Public means: a module whose dotted name has no part starting with ``_``, and a name that module
lists in ``__all__``. Every ``import`` in ``src/hall`` is read with :mod:`ast` (lazy imports in
functions too) and checked against the library's source; import-linter's contract
``hall-public-library`` in ``pyproject.toml`` holds the same line for the private modules.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HALL = ROOT / "src" / "hall"
LIBRARY = ROOT / "src" / "tiaoma"


def _is_library(module: str) -> bool:
    return module == "tiaoma" or module.startswith("tiaoma.")


def _private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def _source(module: str) -> Path | None:
    """The library file that defines ``module``, or ``None`` if it is no module of ours."""
    path = LIBRARY.parent.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _public_names(module: str) -> list[str] | None:
    """``module``'s ``__all__``, read from its source: nothing is imported, so optional
    dependencies (the scan extra) need not be installed."""
    source = _source(module)
    assert source is not None, f"{module} is not a module of the library"
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
            return list(ast.literal_eval(value))
    return None


def _name_problem(module: str, name: str) -> str | None:
    """What is wrong with ``from module import name``, if anything."""
    if name == "*":
        return f"from {module} import *: name what is imported"
    if _source(f"{module}.{name}") is not None:
        return f"{module}.{name} is private" if _private(f"{module}.{name}") else None
    public = _public_names(module)
    if public is None:
        return f"{module} has no __all__, so {name} is not its public API"
    return None if name in public else f"{name} is not in {module}.__all__"


def _problems(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        modules = [alias.name for alias in node.names if _is_library(alias.name)]
        return [f"{module} is private" for module in modules if _private(module)]
    module = node.module or ""
    if node.level > 0 or not _is_library(module):  # the hall's own modules, relative or not
        return []
    if _private(module):
        return [f"{module} is private"]
    found = (_name_problem(module, alias.name) for alias in node.names)
    return [problem for problem in found if problem]


def private_uses(source: str, filename: str = "<source>") -> list[str]:
    """``file:line: problem`` for each import of the library's private API in ``source``."""
    return [
        f"{filename}:{node.lineno}: {problem}"
        for node in ast.walk(ast.parse(source, filename))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for problem in _problems(node)
    ]


def test_the_hall_uses_the_public_api_only() -> None:
    files = sorted(HALL.rglob("*.py"))
    assert len(files) > 50  # the walk found the hall
    found = [
        problem
        for path in files
        for problem in private_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        # The imports this test was written against (issue 20): a private module, by any spelling.
        ("from tiaoma._text import halfwidth", "tiaoma._text is private"),
        ("from tiaoma import _text", "tiaoma._text is private"),
        ("import tiaoma._pdfpages", "tiaoma._pdfpages is private"),
        ("import tiaoma._ai_lint as lint", "tiaoma._ai_lint is private"),
        ("from tiaoma.render import _deflate", "tiaoma.render._deflate is private"),
        # A public module's helper that its __all__ leaves out.
        ("from tiaoma.render.vector import _pt", "_pt is not in tiaoma.render.vector.__all__"),
        ("from tiaoma.gtin import checksum", "checksum is not in tiaoma.gtin.__all__"),
        ("from tiaoma.gtin import *", "from tiaoma.gtin import *: name what is imported"),
        # Inside a function (the hall's lazy imports of the scan extra) counts as well.
        ("def f():\n    from tiaoma._bilingual import Bilingual", "tiaoma._bilingual is private"),
    ],
)
def test_a_private_import_is_found(source: str, problem: str) -> None:
    line = len(source.splitlines())  # the import is each source's last line
    assert private_uses(source) == [f"<source>:{line}: {problem}"]


@pytest.mark.parametrize(
    "source",
    [
        "from tiaoma import gtin, uscc",  # public modules
        "from tiaoma.text import halfwidth",
        "from tiaoma.render.vector import POINTS_PER_MM, pdf_document",
        "from tiaoma.render import vector",
        "import tiaoma",
        "import tiaoma.gtin",
        "from hall.core.pdf import pdf_response",  # the hall's own modules are not checked
        "from ._private import helper",
        "import _thread",
    ],
)
def test_a_public_import_passes(source: str) -> None:
    assert private_uses(source) == []


def _underscore_modules() -> set[str]:
    """The library's private modules and packages (the outermost one of a private package)."""
    names = set()
    for path in LIBRARY.rglob("*.py"):
        parts = path.relative_to(LIBRARY.parent).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        private = [index for index, part in enumerate(parts) if part.startswith("_")]
        if private:
            names.add(".".join(parts[: private[0] + 1]))
    return names


def test_import_linter_forbids_every_private_library_module() -> None:
    # A new underscore module is private from the day it is written: the contract must say so.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    contract = next(c for c in contracts if c["id"] == "hall-public-library")
    assert contract["type"] == "forbidden"
    assert contract["source_modules"] == ["hall"]
    assert set(contract["forbidden_modules"]) == _underscore_modules()
    assert {"tiaoma._text", "tiaoma._pdfpages", "tiaoma._ai_lint", "tiaoma._bilingual"} <= (
        _underscore_modules()
    )
