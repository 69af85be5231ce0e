"""From an image to scan reflectance profiles: straighten the symbol, find its bars, and sample
scan lines through a synthetic circular aperture (ISO/IEC 15416 §5.2 and §5.3).

- *Grey to reflectance*: a grey level is taken as a reflectance in proportion (255 = 100 %, the
  reference white), unless a :class:`Calibration` says which grey levels two surfaces of known
  reflectance gave in the same scan; then the straight line through those two points is used.
- *Aperture* (§5.2.1, Table 2 "aperture reference number"): a disc of diameter reference
  number × 0.025 mm (06 = 0.150 mm); each sample is the mean of the reflectance inside the disc
  centred on it, each pixel weighted by the part of it the disc covers.
- *Straightening*: the bars' direction from the structure tensor of the image's gradient around
  the symbol (the direction across which grey changes most is across the bars); the page is
  turned by that angle, right angles losslessly.
- *The bars*: on the middle row the first and last dark runs within what the reader found; the
  bar height is the run of rows whose profile still correlates with the middle row's and keeps
  half its contrast (the human-readable digits and the guard bars below the bars do not), found
  again from the middle of those rows, so a symbol blurred by half a module, whose reader
  corners sit at the bars' foot, measures its whole height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from PIL import Image

__all__ = [
    "Bars", "Calibration", "aperture_mm", "bands", "bars", "dark_runs", "disc", "reflectance",
    "sample_line", "straightened", "turn_page", "turn_points",
]  # fmt: skip

#: ISO/IEC 15416 §5.2.1: the aperture reference number is the diameter in thousandths of an
#: inch, rounded; in millimetres it is the number × 0.025 (03 = 0.075 mm, 06 = 0.150 mm).
APERTURE_STEP_MM = 0.025
#: A row is still part of the bars when its profile correlates this well with the middle
#: row's (Pearson): blur and uneven light change a profile's level and contrast, not its shape;
#: the digits below, or the guard bars alone, have another shape.
ROW_CORRELATION = 0.8
#: ... and keeps this share of the middle row's contrast: where blur fades the bars' ends, the
#: half-contrast row is where the printed edge was.
ROW_CONTRAST = 0.5
#: Finer than this the page is not turned (resampling would blur it for nothing).
STRAIGHT_ENOUGH_DEGREES = 0.05
#: The steepest tilt looked for: tan 40° (readers do not find linear symbols tilted further).
MAX_TILT = 0.84


def aperture_mm(reference: str) -> float:
    """The diameter of the aperture with this reference number ("06" -> 0.150 mm); ValueError
    for anything else than a whole number from 1 to 80."""
    text = reference.strip()
    if not text.isdigit() or not 1 <= int(text) <= 80:
        raise ValueError(reference)
    return int(text) * APERTURE_STEP_MM


@dataclass(frozen=True)
class Calibration:
    """Two surfaces of known reflectance (%) and the grey levels (0-255) they gave."""

    light_grey: float
    light_percent: float
    dark_grey: float
    dark_percent: float

    def __post_init__(self) -> None:
        if self.light_grey <= self.dark_grey or self.light_percent <= self.dark_percent:
            raise ValueError("the light surface must be lighter than the dark one")


def reflectance(
    grey: NDArray[np.uint8], calibration: Calibration | None = None
) -> NDArray[np.float64]:
    """Grey levels as reflectance in percent."""
    values = grey.astype(np.float64)
    if calibration is None:
        return values * (100.0 / 255.0)
    slope = (calibration.light_percent - calibration.dark_percent) / (
        calibration.light_grey - calibration.dark_grey
    )
    return calibration.dark_percent + (values - calibration.dark_grey) * slope


def disc(diameter_px: float, offset_y: float = 0.0, fineness: int = 12) -> NDArray[np.float64]:
    """The weights of a disc of ``diameter_px`` centred ``offset_y`` (0 <= offset < 1) below a
    pixel's centre: each pixel's share of the disc's area (counted on a fine grid), summing to
    1. Row ``r`` of the result is ``r - len // 2`` pixels from that pixel."""
    radius = diameter_px / 2
    reach = math.ceil(radius + abs(offset_y)) + 1
    steps = (np.arange(fineness) + 0.5) / fineness - 0.5
    cells = np.arange(-reach, reach + 1, dtype=np.float64)
    fine_y = (cells[:, None] + steps[None, :]).reshape(-1) - offset_y
    fine_x = (cells[:, None] + steps[None, :]).reshape(-1)
    inside = (fine_y[:, None] ** 2 + fine_x[None, :] ** 2) <= radius * radius
    size = len(cells)
    weights = inside.reshape(size, fineness, size, fineness).sum(axis=(1, 3)).astype(np.float64)
    if weights.sum() == 0:  # a disc smaller than the grid: the pixel under its centre
        weights[reach, reach] = 1.0
    normalised: NDArray[np.float64] = weights / weights.sum()
    return normalised


def sample_line(
    image: NDArray[np.float64], y: float, start: int, stop: int, diameter_px: float
) -> NDArray[np.float64]:
    """The reflectance seen through the aperture at each pixel column from ``start`` to
    ``stop`` (exclusive) along row ``y``; beyond the image's edge its border continues."""
    row = math.floor(y)
    weights = disc(diameter_px, y - row)
    reach = weights.shape[0] // 2
    padded = np.pad(image, reach, mode="edge")
    top = row  # the padded image's row ``row + reach`` is the image's row ``row``
    profile = np.zeros(stop - start)
    for dy in range(weights.shape[0]):
        band = padded[top + dy, start : stop + 2 * reach]
        for dx in range(weights.shape[1]):
            weight = weights[dy, dx]
            if weight:
                profile += weight * band[dx : dx + stop - start]
    return profile


def _skew_degrees(region: NDArray[np.float64]) -> float:
    """The angle the page must turn (anticlockwise, degrees) for the bars to stand upright:
    two rows across the bars, 40 % of the region apart, are slid over each other until their
    patterns agree best (cross-correlation, refined between pixels by a parabola); the slide
    over the rows between them is the tangent of the tilt. (Gradient-direction estimates were
    tried first: the staircase of a slightly tilted edge biases them by degrees.)"""
    height, width = region.shape
    upper, lower = int(0.3 * height), int(0.7 * height)
    rows_apart = lower - upper
    if rows_apart < 4 or width < 8:
        return 0.0
    first = region[max(upper - 1, 0) : upper + 2].mean(axis=0)
    second = region[lower - 1 : lower + 2].mean(axis=0)
    first, second = first - first.mean(), second - second.mean()
    correlation = np.correlate(second, first, mode="full")  # index i: slide i - (width - 1)
    reach = min(width - 2, int(rows_apart * MAX_TILT))
    centre = width - 1
    window = correlation[centre - reach : centre + reach + 1]
    best = int(np.argmax(window))
    slide = float(best - reach)
    if 0 < best < len(window) - 1:
        before, at, after = window[best - 1], window[best], window[best + 1]
        curvature = before - 2 * at + after
        if curvature < 0:
            slide += 0.5 * (before - after) / curvature
    return -math.degrees(math.atan2(slide, rows_apart))


def turn_points(points: NDArray[np.float64], degrees: float, size: tuple[int, int],
                 new_size: tuple[int, int]) -> NDArray[np.float64]:  # fmt: skip
    """Where points land when the page turns ``degrees`` anticlockwise about its centre."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    x, y = points[:, 0] - size[0] / 2, points[:, 1] - size[1] / 2
    return np.stack([new_size[0] / 2 + x * cos + y * sin, new_size[1] / 2 - x * sin + y * cos], 1)


def turn_page(page: Image.Image, points: NDArray[np.float64],
            degrees: float) -> tuple[Image.Image, NDArray[np.float64]]:  # fmt: skip
    """The page turned ``degrees`` anticlockwise (right angles losslessly), the points with it."""
    if degrees % 360 == 0:
        return page, points
    from PIL import Image  # noqa: PLC0415 - Pillow comes with tiaoma[scan]

    right_angles = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
                    270: Image.Transpose.ROTATE_270}  # fmt: skip
    if degrees % 90 == 0:
        turned = page.transpose(right_angles[int(degrees) % 360])
    else:
        turned = page.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True,
                             fillcolor=255)  # fmt: skip
    return turned, turn_points(points, degrees, page.size, turned.size)


def _region(page: Image.Image, points: NDArray[np.float64]) -> NDArray[np.float64]:
    left, top = np.maximum(np.floor(points.min(axis=0)).astype(int), 0)
    right, bottom = np.ceil(points.max(axis=0)).astype(int) + 1
    return np.asarray(page, dtype=np.float64)[top:bottom, left:right]


def straightened(page: Image.Image, corners: tuple[tuple[int, int], ...],
                 orientation: float) -> tuple[Image.Image, NDArray[np.float64], float]:  # fmt: skip
    """The page turned so that the symbol inside ``corners``, which the reader saw turned
    ``orientation`` degrees, stands upright (bars vertical, one way up or the other); the
    corners where they land, and the angle turned (anticlockwise)."""
    points = np.array(corners, dtype=np.float64)
    quarter = round(orientation / 90) * 90 % 360
    upright, upright_points = turn_page(page, points, quarter)
    skew = _skew_degrees(_region(upright, upright_points))
    if abs(skew) < STRAIGHT_ENOUGH_DEGREES:
        return upright, upright_points, float(quarter)
    turned, turned_points = turn_page(page, points, quarter + skew)
    return turned, turned_points, quarter + skew


@dataclass(frozen=True)
class Bars:
    """Where the bars are in the straightened image, in pixels."""

    left: int
    """The first column of the first bar."""
    right: int
    """One past the last column of the last bar."""
    top: int
    bottom: int
    """The rows the bars' pattern spans (``bottom`` exclusive)."""

    @property
    def height(self) -> int:
        return self.bottom - self.top


def dark_runs(dark: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """The [start, stop) of each run of True."""
    padded = np.concatenate([[False], dark, [False]])
    changes = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(changes[::2].tolist(), changes[1::2].tolist(), strict=True))


def bars(image: NDArray[np.float64], corners: NDArray[np.float64]) -> Bars | None:
    """The bars of the symbol the reader found inside ``corners`` (straightened), or None if
    its middle row shows no dark runs there.

    Found twice: from the middle of the reader's corners, then again from the middle of the
    rows found, since a reader's corners of a blurred symbol may sit at the bars' foot, where
    the bars are already fading into the light below.
    """
    low_y, high_y = corners[:, 1].min(), corners[:, 1].max()
    middle = int(np.clip(round((low_y + high_y) / 2), 0, image.shape[0] - 1))
    found = _bars_around(image, corners, middle)
    if found is None:
        return None
    centre = (found.top + found.bottom - 1) // 2
    again = _bars_around(image, corners, centre) if centre != middle else None
    return again if again is not None and again.height >= found.height // 2 else found


def _bars_around(image: NDArray[np.float64], corners: NDArray[np.float64],
                 middle: int) -> Bars | None:  # fmt: skip
    """The first and last dark runs of row ``middle`` within the corners, and the rows above
    and below whose profile between them is the same bars: correlated with the middle row's
    (ROW_CORRELATION) and at least half its contrast (ROW_CONTRAST), so a row of
    human-readable digits, of guard bars alone or of the blur at the bars' ends is not."""
    low_x, high_x = corners[:, 0].min(), corners[:, 0].max()
    slack = max(4.0, 0.03 * (high_x - low_x))
    row = np.median(image[max(middle - 1, 0) : middle + 2], axis=0)
    threshold = (np.percentile(row, 5) + np.percentile(row, 95)) / 2
    runs = [
        (start, stop) for start, stop in dark_runs(row < threshold)
        if stop > low_x - slack and start < high_x + slack
    ]  # fmt: skip
    if not runs:
        return None
    left, right = runs[0][0], runs[-1][1]
    same = _same_bars(image[:, left:right], row[left:right])
    top = middle
    while top > 0 and same[top - 1]:
        top -= 1
    bottom = middle + 1
    while bottom < image.shape[0] and same[bottom]:
        bottom += 1
    return Bars(left=left, right=right, top=top, bottom=bottom)


def bands(image: NDArray[np.float64], *, min_height: int = 3) -> list[Bars]:
    """The bands of rows that each show one pattern of bars, top to bottom (the rows of a
    stacked symbol; its separator rows and anything else at least ``min_height`` rows high
    too): from the top, each band is grown from the first row not yet in one, as
    :func:`bars` grows the bars' height from their middle row."""
    whole = np.array([(0.0, 0.0), (float(image.shape[1]), float(image.shape[0]))])
    found, row = [], 0
    while row < image.shape[0]:
        band = _bars_around(image, whole, row)
        if band is None or band.bottom <= row:
            row += 1
            continue
        if band.height >= min_height:
            found.append(band)
        row = band.bottom
    return found


def _same_bars(block: NDArray[np.float64], reference: NDArray[np.float64]) -> NDArray[np.bool_]:
    """For each row of ``block``: whether it shows the bars of ``reference`` (a correlation
    and a contrast test; both ignore the overall lightness that blur and lighting change)."""
    rows = block - block.mean(axis=1, keepdims=True)
    wanted = reference - reference.mean()
    spread, wanted_spread = np.linalg.norm(rows, axis=1), float(np.linalg.norm(wanted))
    correlation = rows @ wanted / np.maximum(spread * wanted_spread, 1e-12)
    same: NDArray[np.bool_] = (correlation >= ROW_CORRELATION) & (
        spread >= ROW_CONTRAST * wanted_spread
    )
    return same


def grey_array(image: Image.Image) -> NDArray[np.uint8]:
    """A grey Pillow image as an array of 0-255."""
    return np.asarray(image.convert("L"), dtype=np.uint8)
