"""GS1 Composite symbols against BWIPP (treepoem's copy, one Ghostscript per family): the same
500 random symbols of every family as test_symbols_composite.py compares with Zint.

Zint and tiaoma agree on every module. BWIPP differs from both in three known ways, each
counted and bounded here, and nowhere else:

- ``code128``: over GS1-128, BWIPP sometimes chooses other Code 128 code sets (valid, and
  sometimes longer), so its linear row, the linkage character and CC-C's columns differ; those
  symbols are not compared further.
- ``separator``: BWIPP's separator rows over DataBar Omnidirectional, Truncated and Limited
  differ from Zint's (separators are not decoded; tiaoma follows Zint, as its plain DataBar
  Stacked Omnidirectional does).
- ``ai90``: an AI (90) opening of up to two digits below 31 and a letter is compressed to 9
  bits when the letter is in ISO/IEC 24723's table 3. Zint's table holds W, BWIPP's X in its
  place; tiaoma follows Zint (its other fifteen letters agree, and both read the same table,
  so one of them mistyped it: we could not read the standard's table to settle which).

EAN/UPC composites with an add-on: equal but for the gap before the add-on (BWIPP's 12
modules, Zint's and ours the smallest GS1 allows). BWIPP draws no EAN-8 composite with one.
"""

from __future__ import annotations

import random
import re

import pytest

from tests.composite_cases import FAMILIES, ORACLES, Case, cases
from tests.oracles import bwipp_matrices
from tiaoma.symbols.composite import composite

#: The most symbols of a family that may differ for a known reason.
BOUNDS = {"code128": 50, "separator": 300, "ai90": 25}
_SEPARATOR_KINDS = {"databar-omni", "databar-truncated", "databar-limited"}


def _ai90_w_or_x(data: str) -> bool:
    """An AI (90) opening whose letter is W or X after a number below 31 (or none)."""
    found = re.match(r"\(90\)([1-9][0-9]{0,2})?[WX]", data)
    return found is not None and int(found.group(1) or 0) < 31


def _difference(kind: str, case: Case, theirs: list[str] | str) -> str | None:
    """Why BWIPP's rows differ from ours, or ``None`` when they do not."""
    ours = case.rows
    if ours == theirs:
        return None
    assert isinstance(theirs, list), theirs  # BWIPP refused data that tiaoma accepts
    if kind == "gs1-128" and ours[-1].strip("0") != theirs[-1].strip("0"):
        return "code128"
    if _ai90_w_or_x(case.data):
        return "ai90"
    if kind in _SEPARATOR_KINDS and len(ours) == len(theirs):
        separator = len(ours) - 2
        if ours[:separator] + ours[-1:] == theirs[:separator] + theirs[-1:]:
            return "separator"
    return "unexplained"


@pytest.mark.parametrize(("kind", "component"), FAMILIES, ids=str)
def test_equal_to_bwipp(kind: str, component: str) -> None:
    family = cases(kind, component)
    options = f"dontdraw ccversion={component.lower()}"
    answers = bwipp_matrices(
        ORACLES[kind][1], [(f"{case.bwipp_primary}|{case.data}", options) for case in family]
    )
    found: dict[str, list[str]] = {}
    for case, theirs in zip(family, answers, strict=True):
        reason = _difference(kind, case, theirs)
        if reason is not None:
            found.setdefault(reason, []).append(f"{case.primary} {case.data}")
    assert "unexplained" not in found, found["unexplained"][:3]
    for reason, examples in found.items():
        assert len(examples) <= BOUNDS[reason], (reason, len(examples), examples[:3])


#: BWIPP's gap before an add-on, in modules (its default; GS1 GenSpecs allows 7-12 for EAN-13
#: and UPC-E, 9-12 for UPC-A). Zint, and tiaoma, leave the smallest: 7, and 9 for UPC-A.
BWIPP_ADDON_GAP = 12


@pytest.mark.parametrize("kind", ["ean13", "upca", "upce"])
@pytest.mark.parametrize("component", ["A", "B"])
def test_addons_equal_to_bwipp_but_the_gap(kind: str, component: str) -> None:
    """BWIPP draws an EAN/UPC composite with an add-on too (data ``main addon``), its add-on
    as a last row of its own: the 2D part, the separator and both symbols equal ours."""
    rng = random.Random(f"bwipp-addon/{kind}/{component}")
    family = cases(kind, component)[:30]
    addons = ["".join(rng.choice("0123456789") for _ in range(rng.choice((2, 5)))) for _ in family]
    answers = bwipp_matrices(
        ORACLES[kind][1],
        [(f"{case.bwipp_primary} {addon}|{case.data}", f"dontdraw ccversion={component.lower()}")
         for case, addon in zip(family, addons, strict=True)],
    )  # fmt: skip
    for case, addon, theirs in zip(family, addons, answers, strict=True):
        assert isinstance(theirs, list), theirs
        symbol = composite(kind, f"{case.primary}+{addon}", case.data, component=component)
        ours = [row.modules for row in symbol.rows]
        assert [row.rstrip("0") for row in theirs[:-2]] == [row.rstrip("0") for row in ours[:-1]]
        assert symbol.addon_start is not None
        linear = ours[-1]
        main = linear[: symbol.addon_start].rstrip("0")
        assert theirs[-2].rstrip("0") == main + "0" * BWIPP_ADDON_GAP + linear[symbol.addon_start :]
        assert theirs[-1].strip("0") == linear[symbol.addon_start :]
