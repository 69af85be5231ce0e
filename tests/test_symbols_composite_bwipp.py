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
"""

from __future__ import annotations

import re

import pytest

from tests.composite_cases import FAMILIES, ORACLES, Case, cases
from tests.oracles import bwipp_matrices

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
