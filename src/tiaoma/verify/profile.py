"""One scan reflectance profile (SRP) measured as ISO/IEC 15416 §5.3-5.4 says.

The profile is a row of reflectance values in percent (0 = black, 100 = the reference white),
sampled evenly along the scan line from one quiet zone to the other. From it:

- Rmax and Rmin, the highest and lowest reflectance; symbol contrast SC = Rmax - Rmin;
- the global threshold GT = (Rmax + Rmin) / 2; an edge wherever the profile crosses GT, placed
  by straight-line interpolation between the two samples either side (§5.3.3, our reading of
  how to place it between samples);
- the elements between edges, alternately spaces (above GT; the first and last are the quiet
  zones) and bars; a space's reflectance is its highest value, a bar's its lowest;
- the edge contrast of each pair of neighbouring elements, ECmin the least of them (§5.4.4),
  and modulation MOD = ECmin / SC;
- an element's reflectance non-uniformity ERN: its highest peak less its lowest valley, where
  it has both inside it (a void in a bar, a spot in a space; the slopes of its own edges are
  not), and defects = ERNmax / SC (§5.4.6).

>>> analysed = analyse([90, 90, 10, 10, 90, 90, 10, 10, 90, 90], sample_mm=0.1)
>>> analysed.symbol_contrast, analysed.global_threshold, analysed.modulation
(80.0, 50.0, 1.0)
>>> [round(w, 2) for w in analysed.widths_mm]
[0.2, 0.2, 0.2]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["Analysed", "Element", "analyse"]


@dataclass(frozen=True)
class Element:
    """A bar or a space between two edges (the quiet zones at either end are spaces)."""

    is_bar: bool
    start: float
    """Where it begins, in samples (interpolated)."""
    end: float
    reflectance: float
    """A bar's lowest reflectance, a space's highest."""
    non_uniformity: float


@dataclass(frozen=True)
class Analysed:
    """What one scan reflectance profile measures."""

    r_max: float
    r_min: float
    symbol_contrast: float
    global_threshold: float
    elements: tuple[Element, ...]
    edge_contrast_min: float
    modulation: float
    ern_max: float
    defects: float
    sample_mm: float

    @property
    def edges(self) -> tuple[float, ...]:
        """Every edge, in samples from the start of the profile."""
        return tuple(element.start for element in self.elements[1:])

    @property
    def widths_mm(self) -> tuple[float, ...]:
        """The widths of the elements between the quiet zones, in millimetres."""
        inner = self.elements[1:-1]
        return tuple((element.end - element.start) * self.sample_mm for element in inner)


def _crossing(values: Sequence[float], index: int, threshold: float) -> float:
    """Where between samples ``index`` and ``index + 1`` the profile meets the threshold."""
    before, after = values[index], values[index + 1]
    return index + (threshold - before) / (after - before)


def _edges(values: Sequence[float], threshold: float) -> list[float]:
    """Each crossing of the threshold; a sample exactly on it counts with the side it came from."""
    edges = []
    above = values[0] > threshold
    for index in range(len(values) - 1):
        now_above = values[index + 1] > threshold
        if now_above != above:
            edges.append(_crossing(values, index, threshold))
            above = now_above
    return edges


def _non_uniformity(values: Sequence[float]) -> float:
    """Highest interior peak less lowest interior valley, where the element has both."""
    peaks, valleys = [], []
    for index in range(1, len(values) - 1):
        left, here, right = values[index - 1], values[index], values[index + 1]
        if here > left and here >= right:
            peaks.append(here)
        elif here < left and here <= right:
            valleys.append(here)
    return max(peaks) - min(valleys) if peaks and valleys else 0.0


def _element(values: Sequence[float], start: float, end: float, is_bar: bool) -> Element:
    first, last = max(0, int(start) + 1 if start else 0), min(len(values), int(end) + 1)
    inside = values[first:last] or [values[min(first, len(values) - 1)]]
    reflectance = min(inside) if is_bar else max(inside)
    # With one sample of each neighbour, a space's own highest samples beside its edges count
    # as peaks (and a bar's lowest as valleys), as in the profile they are.
    padded = values[max(0, first - 1) : last + 1]
    return Element(is_bar, start, end, reflectance, _non_uniformity(padded))


def analyse(reflectance: Sequence[float], *, sample_mm: float) -> Analysed:
    """Measure one profile that starts and ends in the quiet zones (spaces)."""
    values = [float(value) for value in reflectance]
    if len(values) < 3:
        raise ValueError("a scan reflectance profile needs at least three samples")
    r_max, r_min = max(values), min(values)
    threshold = (r_max + r_min) / 2
    bounds = [0.0, *_edges(values, threshold), float(len(values) - 1)]
    elements = tuple(
        _element(values, start, end, is_bar=index % 2 == 1)
        for index, (start, end) in enumerate(pairwise(bounds))
    )
    contrast = r_max - r_min
    contrasts = [abs(a.reflectance - b.reflectance) for a, b in pairwise(elements)]
    ec_min = min(contrasts) if contrasts else 0.0
    ern_max = max(element.non_uniformity for element in elements)
    return Analysed(
        r_max=r_max, r_min=r_min, symbol_contrast=contrast, global_threshold=threshold,
        elements=elements, edge_contrast_min=ec_min,
        modulation=ec_min / contrast if contrast else 0.0, ern_max=ern_max,
        defects=ern_max / contrast if contrast else 1.0, sample_mm=sample_mm,
    )  # fmt: skip
