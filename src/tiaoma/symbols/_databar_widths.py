"""The GS1 DataBar building blocks shared by every variant (ISO/IEC 24724:2011).

A DataBar symbol character is a value turned into element widths by the width-combination
enumeration of annex B (``getRSSwidths``): the odd and the even elements of a character are
each an (n, k) combination, ``n`` modules in ``k`` elements, no element wider than a limit,
and optionally at least one element one module wide. Each character set splits its values
into groups (ISO/IEC 24724); within a group the value splits into an odd
and an even combination number.

>>> combinations(5, 2), combinations(2, 5)
(10, 0)
>>> widths(0, 12, 4, 8, no_narrow=True)
[1, 1, 2, 8]
>>> widths(160, 12, 4, 8, no_narrow=True)
[8, 2, 1, 1]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

__all__ = ["CharacterGroup", "combinations", "modules", "symbol_character", "widths"]


@functools.cache
def combinations(n: int, r: int) -> int:
    """Binomial coefficient ``C(n, r)``, 0 outside the triangle (annex B's ``combins``)."""
    if r < 0 or n < r:
        return 0
    result = 1
    for i in range(1, r + 1):
        result = result * (n - r + i) // i
    return result


def _count_after(
    n: int, rest: int, width: int, max_width: int, *, no_narrow: bool, narrow: bool
) -> int:
    """How many combinations of the ``rest`` elements still to place remain once the current
    element is ``width`` wide (ISO/IEC 24724 annex B); ``narrow``: one element so far is 1X."""
    count = combinations(n - width - 1, rest - 1)
    if not no_narrow and not narrow and n - width - rest >= rest:
        # No narrow element yet: drop the combinations whose remaining elements are all wide.
        count -= combinations(n - width - rest - 1, rest - 1)
    if rest > 1:
        too_wide = 0
        for widest in range(n - width - (rest - 1), max_width, -1):
            too_wide += combinations(n - width - widest - 1, rest - 2)
        count -= too_wide * rest
    elif n - width > max_width:
        count -= 1
    return count


def widths(value: int, n: int, elements: int, max_width: int, *, no_narrow: bool) -> list[int]:
    """The element widths of combination number ``value`` of ``n`` modules in ``elements``
    elements, none wider than ``max_width`` (ISO/IEC 24724 annex B, ``getRSSwidths``).

    ``no_narrow`` lifts the requirement that at least one element be one module wide.
    """
    result: list[int] = []
    narrow = False  # has an earlier element been one module wide?
    for bar in range(elements - 1):
        width = 1
        while True:
            count = _count_after(
                n,
                elements - bar - 1,
                width,
                max_width,
                no_narrow=no_narrow,
                narrow=narrow or width == 1,
            )
            if value < count:
                break
            value -= count
            width += 1
        narrow = narrow or width == 1
        result.append(width)
        n -= width
    result.append(n)
    return result


@dataclass(frozen=True, slots=True)
class CharacterGroup:
    """One group of a DataBar character set: its first value, the odd and even module counts
    and widest elements, and the number of even combinations (ISO/IEC 24724)."""

    start: int
    odd_modules: int
    even_modules: int
    odd_widest: int
    even_widest: int
    #: The odd elements may all be wider than one module; else the even ones may.
    odd_no_narrow: bool
    #: Combinations of the element set enumerated second; the value splits as ``divmod``.
    inner: int
    #: Whether the value is ``odd * inner + even`` (else ``even * inner + odd``).
    odd_major: bool = True


def symbol_character(value: int, groups: tuple[CharacterGroup, ...], elements: int) -> list[int]:
    """The element widths of a symbol character, odd and even interleaved: the first element
    is odd (ISO/IEC 24724)."""
    group = next(g for g in reversed(groups) if value >= g.start)
    major, minor = divmod(value - group.start, group.inner)
    odd_value, even_value = (major, minor) if group.odd_major else (minor, major)
    odd = widths(
        odd_value, group.odd_modules, elements, group.odd_widest, no_narrow=group.odd_no_narrow
    )
    even = widths(
        even_value,
        group.even_modules,
        elements,
        group.even_widest,
        no_narrow=not group.odd_no_narrow,
    )
    return [width for pair in zip(odd, even, strict=True) for width in pair]


def modules(element_widths: list[int] | tuple[int, ...], first: str = "0") -> str:
    """Element widths as a module string, starting with a light (``"0"``) or dark element."""
    other = "1" if first == "0" else "0"
    colours = (first, other)
    return "".join(colours[i % 2] * width for i, width in enumerate(element_widths))
