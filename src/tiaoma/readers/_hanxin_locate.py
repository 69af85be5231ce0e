"""Finding Han Xin symbols in a grey image and sampling their modules (numpy only).

1. Threshold: each pixel against the mean of its neighbourhood (an integral image), after a
   light smoothing that keeps noise from breaking runs.
2. Finder candidates: every row and column cut into runs; five runs dark-light-dark-light-dark
   in the ratio 1:1:1:1:3 or 3:1:1:1:1 between light ones are a cut through a finder pattern's
   nested L shapes and its 3×3 core (ISO/IEC 20830:2021 §5.2.1). A line through the core cuts
   the Ls in that ratio at any angle within 45° of the finder's diagonal, so rows find the
   finders at some rotations and columns at the others. The hits cluster on the cores.
3. The cores: each cluster's dark 3×3 core, grown from the hits, gives a centroid that does
   not depend on the direction of the cuts.
4. Which finder is which: four cores, tried in their convex order both ways round (a
   mirrored symbol runs the other way) and at each starting corner; the cores' centres in
   module coordinates are (5.5, 5.5), (s − 5.5, 5.5), (s − 5.5, s − 5.5) and (1.5, s − 1.5)
   (the bottom-left finder is the one turned inwards, its core in the corner), so each
   assignment gives a perspective transform; the one under which the four finder patterns
   and their separators come out best wins. The side s comes from the cores' distance in
   modules, then from the function information.
5. The modules are sampled at their centres through the transform, each against the local
   threshold, and :func:`tiaoma.readers.hanxin.decode_modules` reads them.

The work is bounded whatever the image (a public photo query calls this with no login): the
cuts are found a band of rows at a time and a pass with more than :data:`MAX_CUTS` gives up;
each cut looks only as far as its own module size needs; the cuts are pooled into cells
before any per-cell work, and only the best supported cells are looked at for a core; and a
budget of CPU seconds (:class:`_Budget`) is checked between passes and between tries of
four cores. A crafted image of 4 million pixels takes under a second and under 100 MB.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from tiaoma.errors import define
from tiaoma.readers import hanxin as reader
from tiaoma.symbols import hanxin

__all__ = ["MAX_PIXELS", "read_image"]

#: CPU seconds of work a read may take by default (see :class:`_Budget`).
SECONDS = 2.0
#: A side of fewer pixels holds no symbol (the smallest has 23 modules, one pixel each).
MIN_SIDE = 23
#: Larger images are refused (as :data:`tiaoma.scan.MAX_PIXELS`): memory, not pixels, runs out.
MAX_PIXELS = 120_000_000
#: The passes, each (smoothed?, rows and columns cut every ``step``): unsmoothed every other
#: row and column first (a core is three modules of two pixels: most photos read here), then
#: every row and column (the smallest modules, heavy blur), then smoothed against noise.
PASSES = ((False, 2), (False, 1), (True, 2))
#: Modules this many pixels wide or more are sampled again averaged over 3×3 pixels when the
#: first look fails (for narrower ones the average takes in the neighbours).
SMOOTHED_SAMPLING = 3
#: Assignments of cores that may fail to read before a pass gives up on them.
MAX_FAILURES = 4
#: A function information read with at most this many wrong bits (of 56) stops the search
#: for the side.
CLEAR_FUNCTION_INFORMATION = 4
#: Candidates looked at (nearest first) for a core missing where three others put it.
NEAR_TRIES = 12
#: The most plausible triples of cores (top left, top right, bottom right) tried.
TRIPLES = 12
#: When no assignment passes, the best few (above this agreement) are tried at every side.
WIDE_SEARCHES = 8
WIDE_AGREEMENT = 0.6
#: Larger images are read shrunk by a whole factor to at most this many pixels: time and
#: memory stay bounded; the symbol's modules must stay two pixels wide after shrinking.
WORK_PIXELS = 4_000_000
#: Fewer pixels per module than this cannot be sampled reliably.
MIN_MODULE_PIXELS = 1.5
#: Finder candidates looked at for cores, the best supported first, then more if need be.
CANDIDATES = (12, 40)
#: Finder cuts (rows and columns together) beyond which a pass gives up: a photo of a symbol
#: has a few per hundred pixels (up to 32,000 in a million), a pattern or noise made to look
#: like finders up to one a pixel.
MAX_CUTS = 300_000
#: Rows are cut into runs a band of about this many pixels at a time (the runs' arrays).
BAND_PIXELS = 1 << 18
#: Cuts checked for a core-sized run across them at a time.
CROSS_CHUNK = 1 << 15
#: Cells (best supported first) looked at for a core's light ring, at most, and at a time;
#: and the candidates kept (a symbol has four cores; :data:`CANDIDATES` are tried).
RING_CHECKS = 32_768
RING_CHUNK = 2048
MAX_CANDIDATES = 1000
#: An assignment of the four finders is believed when this share of the finder patterns and
#: separators (4 × 64 modules) comes out as expected.
FINDER_AGREEMENT = 0.8

_TOO_LARGE = define(
    "hanxin-too-large",
    "The image has {pixels} pixels, more than the {limit} allowed",
    "图像有 {pixels} 个像素，超过允许的 {limit} 个",
)
_TOO_SMALL = define(
    "hanxin-too-small",
    "A Han Xin symbol was found but its modules are {pixels:.1f} pixels wide: at least "
    "{minimum} are needed (scan at a higher resolution)",
    "找到汉信码符号，但其模块仅 {pixels:.1f} 像素宽：至少需要 {minimum} 像素（请提高扫描分辨率）",
)
_OUT_OF_TIME = define(
    "hanxin-out-of-time",
    "No Han Xin symbol was read within the {seconds:g} s of work allowed (the image is full of "
    "finder-like patterns or noise)",
    "在允许的 {seconds:g} 秒计算时间内未读出汉信码（图像中类似定位图形的图案或噪点过多）",
)
_NOT_A_SYMBOL = define(
    "hanxin-not-read",
    "A Han Xin symbol was found but could not be read: {reason}",
    "找到汉信码符号，但无法读取：{reason}",
)

Gray = npt.NDArray[np.float32]
Points = npt.NDArray[np.float64]


# --- 1. threshold --------------------------------------------------------------------------


def _box_mean(image: Gray, radius: int) -> Gray:
    """The mean over a (2·radius + 1)² window, clipped at the edges: cumulative sums along
    each axis in turn, differences of slices (no gathering)."""
    result = image
    for axis in (0, 1):
        length = result.shape[axis]
        padded = np.concatenate(
            [np.zeros_like(np.take(result, [0], axis=axis)), result], axis=axis
        ).cumsum(axis=axis, dtype=np.float64)
        upper = np.minimum(np.arange(length) + radius + 1, length)
        lower = np.maximum(np.arange(length) - radius, 0)
        window = np.take(padded, upper, axis=axis) - np.take(padded, lower, axis=axis)
        shape = [1, 1]
        shape[axis] = length
        result = (window / (upper - lower).reshape(shape)).astype(np.float32)
    return result


def _smoothed(image: Gray) -> Gray:
    """The mean over each pixel's 3×3 neighbourhood (edges repeated)."""
    padded = np.pad(image, 1, mode="edge")
    rows = padded[:-2] + padded[1:-1] + padded[2:]
    smooth: Gray = (rows[:, :-2] + rows[:, 1:-1] + rows[:, 2:]) / np.float32(9)
    return smooth


class _Thresholded:
    """A grey image with its local threshold and its dark pixels, smoothed or not."""

    def __init__(self, gray: Gray, threshold: Gray, smoothing: bool, step: int) -> None:
        self.raw = gray
        self.threshold = threshold
        self.raw_dark = gray < threshold
        # smoothed, noise does not break the runs; unsmoothed, modules of two pixels survive
        # (and the cores are measured unsmoothed: smoothing grows a dark square beside light)
        self.dark = _smoothed(gray) < threshold if smoothing else self.raw_dark
        self.step = step  # cut every row and column, or every other one


def _threshold(gray: Gray) -> Gray:
    """The local threshold: the mean over about 1/8 of the image's side, a little lower.

    Worked out on a copy shrunk by up to 4 (a sixteenth of the work): the mean over a wide
    window hardly changes from one pixel to the next."""
    radius = max(7, min(75, min(gray.shape) // 16))
    factor = max(1, min(4, radius // 6))
    height, width = gray.shape
    tall, wide = height // factor, width // factor
    if factor == 1 or tall < 8 or wide < 8:
        threshold: Gray = _box_mean(gray, radius) - np.float32(2.0)
        return threshold
    blocks = gray[: tall * factor, : wide * factor].reshape(tall, factor, wide, factor)
    small = _box_mean(blocks.sum(axis=(1, 3)) / np.float32(factor * factor), radius // factor)
    full = np.repeat(np.repeat(small, factor, axis=0), factor, axis=1)
    threshold = np.pad(full, ((0, height - full.shape[0]), (0, width - full.shape[1])), mode="edge")
    return threshold - np.float32(2.0)


# --- 2. finder candidates ------------------------------------------------------------------


def _finder_cuts(dark: npt.NDArray[np.bool_]) -> tuple[Points, Points, Points]:
    """Where rows cut a finder pattern: (row, centre of the 3-module run), module size."""
    height, width = dark.shape
    padded = np.full((height, width + 2), 2, dtype=np.int8)
    padded[:, 1:-1] = dark
    flat = padded.reshape(-1)
    # every run, the padding's first and last too (else the first and last row lose a cut
    # that touches the image's edge, and so would each band's: see _cuts)
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    starts = np.concatenate([[0], changes, [flat.size]])
    lengths = np.diff(starts).astype(np.float64)
    values = flat[starts[:-1]]
    if lengths.size < 7:
        empty = np.zeros(0)
        return empty, empty, empty
    # runs alternate within a row, so five runs starting dark, none of them or their two
    # neighbours the padding between rows, are dark-light-dark-light-dark between light
    first = np.arange(1, lengths.size - 5)
    first = first[(values[first] == 1) & (values[first - 1] != 1) & (values[first + 5] != 1)]
    runs = np.stack([lengths[first + k] for k in range(5)], axis=1)
    inside = (values[first + 1] == 0) & (values[first + 2] == 1) & (values[first + 3] == 0)
    inside &= values[first + 4] == 1
    unit = runs.sum(axis=1) / 7.0
    ones = np.abs(runs - unit[:, None]) <= 0.55 * unit[:, None] + 0.5  # half a pixel of rounding
    three_first = (np.abs(runs[:, 0] - 3 * unit) <= 1.1 * unit + 0.5) & ones[:, 1:].all(axis=1)
    three_last = (np.abs(runs[:, 4] - 3 * unit) <= 1.1 * unit + 0.5) & ones[:, :4].all(axis=1)
    edge = np.float64(1e9)  # the image's edge is as good as a quiet zone
    margins = np.minimum(np.where(values[first - 1] == 2, edge, lengths[first - 1]),
                         np.where(values[first + 5] == 2, edge, lengths[first + 5]))  # fmt: skip
    good = inside & (three_first | three_last) & (margins >= 0.5 * unit) & (unit >= 0.5)
    index = np.flatnonzero(good)
    run_start = starts[first[index]]  # flat position of each pattern's first run
    ends = np.cumsum(runs[index], axis=1)
    big_start = np.where(three_first[index], 0, ends[:, 3])
    big_end = np.where(three_first[index], ends[:, 0], ends[:, 4])
    centre_flat = run_start + (big_start + big_end) / 2.0
    unit = unit[index]
    row = np.floor(centre_flat / (width + 2))
    column = centre_flat - row * (width + 2) - 1
    return row, column, unit


def _cuts(
    dark: npt.NDArray[np.bool_], step: int, limit: int
) -> tuple[Points, Points, Points] | None:
    """The finder cuts of every ``step``-th row (as :func:`_finder_cuts`), a band of rows at a
    time so that the runs' arrays stay small; None as soon as there are more than ``limit``
    (a pattern or noise made of finder-like runs, no photo of a symbol)."""
    lines = dark[::step]
    band = max(1, BAND_PIXELS // max(1, lines.shape[1]))
    found: list[tuple[Points, Points, Points]] = []
    count = 0
    for top in range(0, lines.shape[0], band):
        row, column, unit = _finder_cuts(lines[top : top + band])
        count += row.size
        if count > limit:
            return None
        found.append(((row + top) * step, column, unit))
    rows, columns, units = (np.concatenate(part) for part in zip(*found, strict=True))
    return rows, columns, units


def _crossed(
    dark: npt.NDArray[np.bool_], row: Points, column: Points, unit: Points, *, down: bool
) -> npt.NDArray[np.bool_]:
    """Whether the dark run across each cut's 3-module centre (down a column for a cut along
    a row, along the row for one down a column) is 1.5 to 5 modules long too, as through a
    finder's 3×3 core at any angle (a run of data modules seldom is both ways).

    Each cut looks as far as its own module size needs (a run is too long once past 5
    modules), the cuts taken a chunk at a time in order of size: the arrays stay small
    whatever the largest module anywhere in the image."""
    height, width = dark.shape
    ok = np.zeros(row.size, dtype=bool)
    reaches = np.minimum(64, 5 * unit + 2).astype(np.intp)
    order = np.argsort(reaches, kind="stable")
    for first in range(0, order.size, CROSS_CHUNK):
        chunk = order[first : first + CROSS_CHUNK]
        reach = int(reaches[chunk[-1]])
        steps = np.arange(1, reach + 1)
        r = np.clip(row[chunk].astype(np.intp), 0, height - 1)[:, None]
        c = np.clip(column[chunk].astype(np.intp), 0, width - 1)[:, None]
        length = np.ones(chunk.size)
        for sign in (-1, 1):
            if down:
                line = dark[np.clip(r + sign * steps, 0, height - 1), c]
            else:
                line = dark[r, np.clip(c + sign * steps, 0, width - 1)]
            light = ~line
            length += np.where(light.any(axis=1), light.argmax(axis=1), reach)
        ok[chunk] = (length >= 1.5 * unit[chunk]) & (length <= 5 * unit[chunk] + 1)
    return ok


#: Sixteen directions round a core, and the radii (in module sizes from the cuts, which are
#: too long when cut at an angle) at which a core's light ring is looked for.
_ROUND = np.exp(2j * np.pi * np.arange(16) / 16)
_RING_RADII = np.array([1.6, 1.8, 2.0, 2.2, 2.5, 2.9])


def _ringed(
    dark: npt.NDArray[np.bool_], x: Points, y: Points, unit: Points
) -> npt.NDArray[np.bool_]:
    """Whether each point is dark with a light ring round it at some radius: a finder's core
    is a 3×3 dark square inside a light ring one module wide (the light L and the separator),
    so the ring shows at 1.5-2.5 modules from its centre in every direction."""
    height, width = dark.shape
    centre = dark[
        np.clip(y.astype(np.intp), 0, height - 1), np.clip(x.astype(np.intp), 0, width - 1)
    ]
    radius = unit[:, None, None] * _RING_RADII[None, :, None]  # points × radii × directions
    ring_x = np.clip((x[:, None, None] + radius * _ROUND.real).astype(np.intp), 0, width - 1)
    ring_y = np.clip((y[:, None, None] + radius * _ROUND.imag).astype(np.intp), 0, height - 1)
    light = (~dark[ring_y, ring_x]).sum(axis=2)
    ok: npt.NDArray[np.bool_] = centre & (light >= 13).any(axis=1)
    return ok


def _crossing_cuts(dark: npt.NDArray[np.bool_], step: int) -> tuple[Points, Points, Points] | None:
    """(x, y, module size) of the finder cuts along rows and down columns that cross a
    core-sized dark run, or None when there are more than :data:`MAX_CUTS`."""
    along = _cuts(dark, step, MAX_CUTS)
    down = None if along is None else _cuts(dark.T, step, MAX_CUTS - along[0].size)
    if along is None or down is None:
        return None
    rows, columns, units = along
    columns_t, rows_t, units_t = down
    keep = _crossed(dark, rows, columns, units, down=True)
    keep_t = _crossed(dark, rows_t, columns_t, units_t, down=False)
    x = np.concatenate([columns[keep], columns_t[keep_t] + 0.5])
    y = np.concatenate([rows[keep] + 0.5, rows_t[keep_t]])
    return x, y, np.concatenate([units[keep], units_t[keep_t]])


def _candidates(
    dark: npt.NDArray[np.bool_], raw_dark: npt.NDArray[np.bool_], step: int
) -> list[tuple[float, float, float, int]]:
    """Where finder cuts from rows and columns gather: (x, y, module size, support), best
    supported first. The cuts are pooled in square cells of about 1.5 modules; a cell's
    support counts the cuts in it and its eight neighbours (a core may straddle cells).

    Bounded whatever the image: no more than :data:`MAX_CUTS` cuts (else none: the pass
    stops there), and only the best supported cells are looked at for a core's light ring,
    :data:`RING_CHUNK` at a time, until :data:`MAX_CANDIDATES` have one or
    :data:`RING_CHECKS` were looked at (a symbol's cores are among the best supported)."""
    crossing = _crossing_cuts(dark, step)
    if crossing is None or crossing[0].size == 0:
        return []
    x, y, unit = crossing
    cell = max(1.0, 1.5 * float(np.median(unit)))
    height, width = dark.shape
    grid_w, grid_h = int(width / cell) + 3, int(height / cell) + 3
    cx = np.clip((x / cell).astype(np.intp) + 1, 1, grid_w - 2)
    cy = np.clip((y / cell).astype(np.intp) + 1, 1, grid_h - 2)
    key = cy * grid_w + cx
    around = (np.arange(-1, 2)[:, None] * grid_w + np.arange(-1, 2)[None, :]).reshape(-1)

    def pooled(cells: npt.NDArray[np.intp], weights: Points | None) -> Points:
        """Each cell's sum over itself and its eight neighbours (the grid's border cells are
        always empty, so every neighbour is in the grid)."""
        own = np.bincount(key, weights=weights, minlength=grid_h * grid_w)
        total: Points = np.zeros(cells.size)
        for offset in around:
            total += own[cells + offset]
        return total

    cells = np.unique(key)
    support = pooled(cells, None)
    ranked = cells[np.argsort(-support, kind="stable")][:RING_CHECKS]
    found: list[tuple[float, float, float, int]] = []
    for first in range(0, ranked.size, RING_CHUNK):
        chunk = ranked[first : first + RING_CHUNK]
        score = pooled(chunk, None)
        mean_x, mean_y, mean_unit = (pooled(chunk, w) / score for w in (x, y, unit))
        ringed = _ringed(dark, mean_x, mean_y, mean_unit)
        if raw_dark is not dark:  # smoothing narrows a light ring one module wide
            ringed |= _ringed(raw_dark, mean_x, mean_y, mean_unit)
        found.extend((float(mean_x[i]), float(mean_y[i]), float(mean_unit[i]), int(score[i]))
                     for i in np.flatnonzero(ringed))  # fmt: skip
        if len(found) >= MAX_CANDIDATES:
            return found[:MAX_CANDIDATES]
    return found


# --- 3. cores ------------------------------------------------------------------------------


def _run_through(line: npt.NDArray[np.bool_], at: int) -> int:
    """The length of the dark run through ``line[at]``."""
    light = np.flatnonzero(~line)
    before = light[light < at]
    after = light[light > at]
    start = before[-1] + 1 if before.size else 0
    end = after[0] if after.size else line.size
    return int(end - start)


def _core(
    dark: npt.NDArray[np.bool_], x: float, y: float, unit: float
) -> tuple[float, float, float] | None:
    """The centroid of the dark 3×3 core holding (x, y) and the module size its area gives
    (runs cut at an angle are longer, the area is not), or None if there is no core.

    A finder's core is a dark square of 3×3 modules with a light ring all round (the light L
    on one side, the separator on the other): grown from the hits it stops at the ring, and
    its area and second moments are those of a square (a blob of data modules seldom is)."""
    reach = math.ceil(3.5 * unit) + 2
    top, left = max(0, int(y) - reach), max(0, int(x) - reach)
    patch = dark[top : int(y) + reach + 1, left : int(x) + reach + 1]
    seed_y, seed_x = int(y) - top, int(x) - left
    if not (seed_y < patch.shape[0] and seed_x < patch.shape[1] and patch[seed_y, seed_x]):
        return None
    if not (_run_through(patch[seed_y], seed_x) <= 5 * unit + 2
            and _run_through(patch[:, seed_x], seed_y) <= 5 * unit + 2):  # fmt: skip
        return None  # a line or a blob, not a 3×3 square
    grown = np.zeros_like(patch)
    grown[seed_y, seed_x] = True
    for _ in range(2 * reach):
        bigger = grown.copy()
        bigger[1:] |= grown[:-1]
        bigger[:-1] |= grown[1:]
        bigger[:, 1:] |= grown[:, :-1]
        bigger[:, :-1] |= grown[:, 1:]
        bigger &= patch
        if (bigger == grown).all():
            break
        grown = bigger
    found_y, found_x = np.nonzero(grown)
    area = found_x.size
    edge = grown[0].any() or grown[-1].any() or grown[:, 0].any() or grown[:, -1].any()
    if edge or not 3.5 * unit * unit <= area <= 20 * unit * unit or area < 4:
        return None
    spread = np.linalg.eigvalsh(np.cov(np.stack([found_x, found_y]).astype(np.float64)) + 1 / 12)
    square = area / 12  # a square's variance along any axis
    if not (0.6 * square <= spread[0] and spread[1] <= 1.6 * square):
        return None
    centre_x, centre_y = found_x.mean() + left + 0.5, found_y.mean() + top + 0.5
    return float(centre_x), float(centre_y), math.sqrt(area / 9)


# --- 4. which finder is which ----------------------------------------------------------------


def _homography(source: Points, target: Points) -> Points:
    """The 3×3 perspective transform taking four source points to four target points."""
    rows = np.zeros((8, 8))
    u, v = source[:, 0], source[:, 1]
    x, y = target[:, 0], target[:, 1]
    rows[0::2, 0], rows[0::2, 1], rows[0::2, 2] = u, v, 1
    rows[1::2, 3], rows[1::2, 4], rows[1::2, 5] = u, v, 1
    rows[0::2, 6], rows[0::2, 7] = -u * x, -v * x
    rows[1::2, 6], rows[1::2, 7] = -u * y, -v * y
    values = np.empty(8)
    values[0::2], values[1::2] = x, y
    try:
        solved = np.linalg.solve(rows, values)
    except np.linalg.LinAlgError:  # three of the points in a line: no transform
        solved = np.zeros(8)
    matrix: Points = np.append(solved, 1.0).reshape(3, 3)
    return matrix


def _apply(matrix: Points, u: Points, v: Points) -> tuple[Points, Points]:
    w = matrix[2, 0] * u + matrix[2, 1] * v + matrix[2, 2]
    x = (matrix[0, 0] * u + matrix[0, 1] * v + matrix[0, 2]) / w
    y = (matrix[1, 0] * u + matrix[1, 1] * v + matrix[1, 2]) / w
    return x, y


def _model_cores(size: int) -> Points:
    """The cores' centres (x, y) in modules: top left, top right, bottom right, bottom left."""
    return np.array([[5.5, 5.5], [size - 5.5, 5.5], [size - 5.5, size - 5.5], [1.5, size - 1.5]])


@functools.cache
def _finder_template(
    size: int,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Rows, columns and darkness of the finder patterns and separators (8×8 per corner)."""
    pattern = hanxin.function_pattern(1)  # the corners are the same in every version
    small = 23
    rows, columns, dark = [], [], []
    for top, left in ((0, 0), (0, small - 8), (small - 8, small - 8), (small - 8, 0)):
        for r in range(top, top + 8):
            for c in range(left, left + 8):
                rows.append(r if top == 0 else size - small + r)
                columns.append(c if left == 0 else size - small + c)
                dark.append(bool(pattern[r, c]))
    return np.array(rows), np.array(columns), np.array(dark)


class _Sampler:
    """Module centres looked up in an image through a transform."""

    def __init__(self, image: _Thresholded) -> None:
        self.image = image
        self.grey = image.raw

    def smoothed(self) -> _Sampler:
        """The same, sampling the grey averaged over 3×3 pixels (noise, JPEG blocks)."""
        other = _Sampler(self.image)
        other.grey = _smoothed(self.image.raw)
        return other

    def sample(
        self, matrix: Points, rows: npt.NDArray[np.intp], columns: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.bool_]:
        """Whether each module is dark: the grey at its centre, interpolated between the
        four nearest pixels, against the local threshold there."""
        margin: npt.NDArray[np.bool_] = self.margins(matrix, rows, columns) > 0
        return margin

    def margins(
        self, matrix: Points, rows: npt.NDArray[np.intp], columns: npt.NDArray[np.intp]
    ) -> Gray:
        """How far below its local threshold each module's centre is (dark if positive)."""
        x, y = _apply(matrix, columns.astype(np.float64) + 0.5, rows.astype(np.float64) + 0.5)
        height, width = self.grey.shape
        x = np.clip(x - 0.5, 0, width - 1.001)
        y = np.clip(y - 0.5, 0, height - 1.001)
        x0, y0 = np.floor(x).astype(np.intp), np.floor(y).astype(np.intp)
        fx, fy = x - x0, y - y0
        grey = self.grey
        value = (
            grey[y0, x0] * (1 - fx) * (1 - fy) + grey[y0, x0 + 1] * fx * (1 - fy)
            + grey[y0 + 1, x0] * (1 - fx) * fy + grey[y0 + 1, x0 + 1] * fx * fy
        )  # fmt: skip
        margin: Gray = (self.image.threshold[y0, x0] - value).astype(np.float32)
        return margin

    def grid(self, matrix: Points, size: int) -> tuple[npt.NDArray[np.bool_], Gray]:
        """The modules (true dark) and each one's doubt (the nearer its threshold, the more)."""
        rows, columns = np.divmod(np.arange(size * size), size)
        margin = self.margins(matrix, rows, columns).reshape(size, size)
        return margin > 0, -np.abs(margin)


def _triples(cores: Points, units: Points) -> list[tuple[float, int, int, int]]:
    """(implausibility, a, b, c) for cores that could be the top-left, top-right and
    bottom-right finders: |ab| ≈ |bc|, a right angle at b, at least 12 modules apart."""
    n = len(cores)
    a, b, c = (index.reshape(-1) for index in np.meshgrid(*[np.arange(n)] * 3, indexing="ij"))
    distinct = (a != b) & (b != c) & (a != c)
    a, b, c = a[distinct], b[distinct], c[distinct]
    ab = cores[b] - cores[a]
    bc = cores[c] - cores[b]
    length_ab = np.linalg.norm(ab, axis=1)
    length_bc = np.linalg.norm(bc, axis=1)
    unit = (units[a] + units[b] + units[c]) / 3
    cosine = np.abs((ab * bc).sum(axis=1)) / np.maximum(length_ab * length_bc, 1e-9)
    ratio = np.abs(np.log(np.maximum(length_ab, 1e-9) / np.maximum(length_bc, 1e-9)))
    same_size = np.maximum.reduce([units[a], units[b], units[c]]) <= 1.6 * np.minimum.reduce(
        [units[a], units[b], units[c]]
    )
    good = (cosine < 0.4) & (ratio < 0.4) & (length_ab >= 10 * unit) & same_size
    score = cosine + ratio
    picked = np.flatnonzero(good)
    picked = picked[np.argsort(score[picked])]
    return [(float(score[i]), int(a[i]), int(b[i]), int(c[i])) for i in picked]


def _completed(three: Points, corner: int, size: float) -> Points:
    """All four cores (top left, top right, bottom right, bottom left) given three found in
    clockwise order with the middle one at ``corner`` (0-3): the fourth where the affine map
    of the other three puts it."""
    model = _model_cores(round(size))
    roles = [(corner - 1) % 4, corner, (corner + 1) % 4]
    missing = (corner + 2) % 4
    source = np.hstack([model[roles], np.ones((3, 1))])
    try:
        affine = np.linalg.solve(source, three)  # 3 × 2: model (x, y, 1) → image
    except np.linalg.LinAlgError:
        affine = np.zeros((3, 2))
    four = np.empty((4, 2))
    four[roles] = three
    four[missing] = np.append(model[missing], 1.0) @ affine
    return four


#: Model distances between the cores of neighbouring corners: s - 11 along the top and the
#: right, about s - 7 to the bottom-left core (in its corner).
_SPAN = (11.0, 11.0, 7.0, 7.0)


def _quadruples(
    cores: Points,
    units: Points,
    corners: tuple[int, ...] = (1,),
    near: Callable[[Points, float], Points | None] | None = None,
) -> list[tuple[Points, float, bool]]:
    """Plausible (TL, TR, BR, BL core positions, module size, whether one was guessed), most
    plausible first: a right angle of cores taken as the top-right corner (or any of
    ``corners``), the fourth core the nearest candidate to where it should be, else one that
    ``near`` finds there (among the less supported candidates), else that place."""
    found = []
    for _, a, b, c in _triples(cores, units)[:TRIPLES]:
        unit = float((units[a] + units[b] + units[c]) / 3)
        three = cores[[a, b, c]]
        for corner in corners:
            span = (np.linalg.norm(three[1] - three[0]) + np.linalg.norm(three[2] - three[1])) / 2
            size = float(span / unit + (_SPAN[(corner - 1) % 4] + _SPAN[corner]) / 2)
            four = _completed(three, corner, max(23.0, size))
            missing = (corner + 2) % 4
            distance = np.linalg.norm(cores - four[missing], axis=1)
            distance[[a, b, c]] = np.inf
            nearest = int(np.argmin(distance))
            reach = max(3 * unit, 0.2 * size * unit)
            if distance[nearest] <= 3 * unit:  # where it should be: surely the one
                four[missing] = cores[nearest]
                found.append((four, unit, False))
                continue
            found.append((four.copy(), unit, True))  # the guess, and a core near it
            core = cores[nearest] if distance[nearest] <= reach else None
            if core is None and near is not None:
                core = near(four[missing], reach)
            if core is not None:
                four[missing] = core
                found.append((four, unit, False))
    return found


def _across(named: Points) -> float:
    """The mean distance top left - top right - bottom right between cores, in pixels."""
    return float(np.linalg.norm(named[1] - named[0]) + np.linalg.norm(named[2] - named[1])) / 2


def _sides_near(estimate: float) -> list[int]:
    version = round((estimate - 21) / 2)
    versions = [
        v for v in (version, version - 1, version + 1, version - 2, version + 2) if 1 <= v <= 84
    ]
    return [hanxin.side(v) for v in versions]


# --- 5. reading ----------------------------------------------------------------------------


def _best_transform(
    sampler: _Sampler, named: Points, unit: float, guessed: bool, *, wide: bool = False
) -> tuple[float, Points, int]:
    """The side and transform under which the finder patterns come out best, and the share
    that does (less a little when the bottom-left finder was guessed, not found). The sides
    near the cores' distance are tried, or with ``wide`` every side within 15 % of it (a
    blurred core looks bigger than it is, and a side of 189 modules is then far off)."""
    estimate = _across(named) / unit + 11
    if wide:
        sizes = sorted((hanxin.side(v) for v in hanxin.VERSIONS
                        if abs(hanxin.side(v) - estimate) <= 0.15 * estimate + 2),
                       key=lambda side: abs(side - estimate))  # fmt: skip
    else:
        sizes = _sides_near(estimate)[:1]
    best: tuple[float, Points, int] = (-1.0, np.eye(3), 23)
    for size in sizes:
        matrix = _homography(_model_cores(size), named)
        rows, columns, expected = _finder_template(size)
        agreement = float((sampler.sample(matrix, rows, columns) == expected).mean())
        if agreement > best[0]:
            best = (agreement, matrix, size)
    return (best[0] - 0.05 * guessed, best[1], best[2])


def _decode(sampled: tuple[npt.NDArray[np.bool_], Gray], flipped: bool) -> reader.HanXinRead:
    grid, doubt = sampled
    if flipped:
        grid, doubt = grid[::-1, ::-1].T, doubt[::-1, ::-1].T
    return reader.decode_modules(grid, doubt=doubt)


def _read_at(sampler: _Sampler, named: Points, estimate: int) -> reader.HanXinRead:
    """Read the symbol at the side and orientation whose function information reads best.

    The cores' distance gives the side to within a few per cent, too loose at version 84
    (189 modules), so every side within 15 % is tried on the function information alone
    (68 modules each). The finders and cores look the same reflected in the diagonal from
    top right to bottom left, so that reflection is tried too: the function information
    tells them apart."""
    table, keys = reader.function_information_table()
    tried: list[tuple[int, int, bool, Points]] = []
    sides = sorted(
        (hanxin.side(v) for v in hanxin.VERSIONS
         if abs(hanxin.side(v) - estimate) <= 0.15 * estimate + 2),
        key=lambda side: abs(side - estimate),
    )  # fmt: skip
    for size in sides:
        version = (size - 21) // 2
        matrix = _homography(_model_cores(size), named)
        rows, columns = np.divmod(hanxin.function_information_positions(version)[:, :28], size)
        words = table[keys[:, 0] == version][:, None, :]
        for flipped in (False, True):
            at_rows, at_columns = (
                (size - 1 - columns, size - 1 - rows) if flipped else (rows, columns)
            )
            bits = sampler.sample(matrix, at_rows.reshape(-1), at_columns.reshape(-1))
            wrong = int((words != bits.reshape(2, 28)[None]).sum(axis=(1, 2)).min())
            tried.append((wrong, size, flipped, matrix))
        if min(entry[0] for entry in tried) <= CLEAR_FUNCTION_INFORMATION:
            break  # a word this close is no accident: look no further
    _, size, flipped, matrix = min(tried, key=lambda entry: entry[0])
    try:
        read = _decode(sampler.grid(matrix, size), flipped)
    except reader.HanXinError as error:
        if min(sampler.image.raw.shape) / size < SMOOTHED_SAMPLING:
            raise
        try:  # a second look, each module's centre averaged with its neighbours
            read = _decode(sampler.smoothed().grid(matrix, size), flipped)
        except reader.HanXinError:
            raise error from None
    x = np.array([0.0, size, size, 0.0])  # the symbol's corners, in module coordinates
    y = np.array([0.0, 0.0, size, size])
    corners_x, corners_y = _apply(matrix, size - y, size - x) if flipped else _apply(matrix, x, y)
    corners = tuple((float(cx), float(cy)) for cx, cy in zip(corners_x, corners_y, strict=True))
    across = np.subtract(corners[1], corners[0])
    down = np.subtract(corners[3], corners[0])
    turned_over = across[0] * down[1] - across[1] * down[0] < 0  # y runs down the image
    return dataclasses.replace(read, corners=corners, mirrored=read.mirrored != turned_over)


def _distinct(found: list[tuple[float, float, float]]) -> tuple[Points, Points]:
    """The cores, each once (clusters of one core's hits may split), and module sizes."""
    cores: list[tuple[float, float]] = []
    units: list[float] = []
    for x, y, unit in found:
        if all((x - cx) ** 2 + (y - cy) ** 2 > (1.5 * unit) ** 2 for cx, cy in cores):
            cores.append((x, y))
            units.append(unit)
    return np.array(cores).reshape(-1, 2), np.array(units)


def _gray(image: npt.ArrayLike) -> tuple[Gray, int]:
    """The image as float grey, shrunk by a whole factor to at most :data:`WORK_PIXELS`
    (mean of each factor × factor block, a band of rows at a time to bound memory), and the
    factor."""
    array = np.asarray(image)
    if array.ndim not in (2, 3):
        raise ValueError(f"expected a 2-D grey image, got an array of shape {array.shape}")
    height, width = array.shape[:2]
    factor = max(1, math.ceil(math.sqrt(height * width / WORK_PIXELS)))
    if factor == 1:
        grey = array.astype(np.float32)
        return (grey[..., :3].mean(axis=2) if grey.ndim == 3 else grey), 1
    tall, wide = height // factor, width // factor
    gray = np.empty((tall, wide), dtype=np.float32)
    band = max(1, 1_000_000 // max(1, width * factor))  # output rows per band
    for top in range(0, tall, band):
        count = min(band, tall - top)
        rows = array[top * factor : (top + count) * factor, : wide * factor]
        if rows.ndim == 3:
            rows = rows[..., :3].mean(axis=2, dtype=np.float32)
        blocks = rows.reshape(count, factor, wide, factor)
        gray[top : top + count] = blocks.sum(axis=(1, 3), dtype=np.float32) / (factor * factor)
    return gray, factor


def _scaled(read: reader.HanXinRead, factor: int) -> reader.HanXinRead:
    """A read's corners in the pixels of the image before it was shrunk."""
    if factor == 1:
        return read
    corners = tuple((x * factor, y * factor) for x, y in read.corners)
    return dataclasses.replace(read, corners=corners)


class _Budget:
    """The CPU time a read may still take, counted on the calling thread (other requests'
    work and a loaded machine do not eat into it, so a symbol reads the same anywhere)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.thread_time() + seconds

    def spent(self) -> bool:
        """Whether the time is up: the reader checks between passes and assignments."""
        return time.thread_time() >= self.end


def read_image(
    image: npt.ArrayLike, *, max_pixels: int | None = None, seconds: float = SECONDS
) -> list[reader.HanXinRead]:
    """Every Han Xin symbol read in a grey image (see :func:`tiaoma.readers.hanxin.read_hanxin`)."""
    limit = MAX_PIXELS if max_pixels is None else max_pixels
    shape = np.shape(image)
    pixels = int(shape[0]) * int(shape[1]) if len(shape) >= 2 else 0
    if pixels > limit:
        raise reader.HanXinError(_TOO_LARGE, pixels=pixels, limit=limit)
    shrink = max(1, math.ceil(math.sqrt(pixels / WORK_PIXELS)))  # as _gray will
    if len(shape) in (2, 3) and min(shape[:2]) // shrink < MIN_SIDE:
        return []  # no symbol fits (an empty image, or a long thin strip once shrunk)
    gray, factor = _gray(image)
    budget = _Budget(seconds)
    failures: list[tuple[float, reader.HanXinError]] = []
    threshold = _threshold(gray)
    reads: list[reader.HanXinRead] = []
    for smoothing, step in PASSES:
        reads, failed = _read_thresholded(_Thresholded(gray, threshold, smoothing, step), budget)
        failures.extend((unit * factor, error) for unit, error in failed)
        if reads:
            return [_scaled(read, factor) for read in reads]
        if budget.spent():
            break
    if failures:
        unit, error = failures[0]
        if unit < MIN_MODULE_PIXELS:
            raise reader.HanXinError(_TOO_SMALL, pixels=unit, minimum=MIN_MODULE_PIXELS)
        raise error
    if budget.spent():
        raise reader.HanXinError(_OUT_OF_TIME, seconds=seconds)
    return reads


def _ranked(
    sampler: _Sampler,
    cores: Points,
    units: Points,
    corners: tuple[int, ...],
    near: Callable[[Points, float], Points | None] | None = None,
) -> list[tuple[float, int, Points, float]]:
    """(finder agreement, side, cores named, module size), best first: the assignments at
    the side the cores' distance suggests, the best of them then at every side within 15 %
    if need be (a blurred core looks bigger than it is)."""
    first = sorted(
        ((*_best_transform(sampler, named, unit, guessed), named, unit, guessed)
         for named, unit, guessed in _quadruples(cores, units, corners, near)),
        key=lambda entry: -entry[0],
    )  # fmt: skip
    ranked = []
    for agreement, _, size, named, unit, guessed in first[:WIDE_SEARCHES]:
        if FINDER_AGREEMENT > agreement > WIDE_AGREEMENT:
            wider, _, wider_size = _best_transform(sampler, named, unit, guessed, wide=True)
            ranked.append((wider, wider_size, named, unit))
        else:
            ranked.append((agreement, size, named, unit))
    return sorted(ranked, key=lambda entry: -entry[0])


def _read_thresholded(
    thresholded: _Thresholded, budget: _Budget
) -> tuple[list[reader.HanXinRead], list[tuple[float, reader.HanXinError]]]:
    """The symbols read, and the failures (module size, error) of those found but not read."""
    sampler = _Sampler(thresholded)
    every = _candidates(thresholded.dark, thresholded.raw_dark, thresholded.step)
    known: dict[int, tuple[float, float, float] | None] = {}

    def core_of(index: int) -> tuple[float, float, float] | None:
        if index not in known:
            x, y, unit, _ = every[index]
            known[index] = _core(thresholded.raw_dark, x, y, unit) or _core(
                thresholded.dark, x, y, unit
            )
        return known[index]

    places = np.array([(x, y) for x, y, _, _ in every]).reshape(-1, 2)

    def near(point: Points, reach: float) -> Points | None:
        """A core among the less supported candidates within reach of a point."""
        distance = np.linalg.norm(places - point, axis=1)
        for index in np.argsort(distance)[:NEAR_TRIES]:
            if distance[index] > reach:
                break
            core = core_of(int(index))
            if core is not None:
                return np.array(core[:2])
        return None

    reads: list[reader.HanXinRead] = []
    failures: list[tuple[float, reader.HanXinError]] = []
    seen: set[tuple[float, float]] = set()
    for limit in CANDIDATES:  # the best supported first: most photos need no more
        if budget.spent():
            break
        found: list[tuple[float, float, float]] = []
        for index, (x, y, _, _) in enumerate(every[:limit]):
            if any((x - cx) ** 2 + (y - cy) ** 2 < (2 * cu) ** 2 for cx, cy, cu in found):
                continue  # another cell of a core already found
            if any(_inside((x, y), read.corners) for read in reads):
                continue  # a symbol read already
            core = core_of(index)
            if core is not None:
                found.append(core)
        cores_now = {(x, y) for x, y, _ in found}
        if cores_now == seen or len(found) < 3:
            continue  # nothing new to try
        seen = cores_now
        more, failed = _read_cores(sampler, *_distinct(found), near, budget)
        reads.extend(more)
        failures.extend(failed)
    return reads, failures


def _inside(point: tuple[float, float], corners: tuple[tuple[float, float], ...]) -> bool:
    """Whether a point lies within a symbol's four corners (a convex quadrilateral)."""
    signs = set()
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
        signs.add((bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax) > 0)
    return len(signs) == 1


def _read_cores(
    sampler: _Sampler,
    cores: Points,
    units: Points,
    near: Callable[[Points, float], Points | None],
    budget: _Budget,
) -> tuple[list[reader.HanXinRead], list[tuple[float, reader.HanXinError]]]:
    """The symbols read from four of these cores, and the failures of those tried (until
    the budget is spent: the symbols read by then are kept)."""
    reads: list[reader.HanXinRead] = []
    failures: list[tuple[float, reader.HanXinError]] = []
    taken: list[Points] = []
    # a right angle of cores is first taken for the top-right corner (the bottom-left core,
    # in its corner, is the likeliest to be missed); then for the others
    for corners in ((1,), (0, 2, 3)):
        for agreement, size, named, unit in _ranked(sampler, cores, units, corners, near):
            if agreement < FINDER_AGREEMENT:
                break
            if any(np.linalg.norm(named - place, axis=1).min() < 2 * unit for place in taken):
                continue
            if len(failures) >= MAX_FAILURES or budget.spent():
                break  # a symbol this damaged is not read by trying every assignment
            try:
                reads.append(_read_at(sampler, named, size))
            except reader.HanXinError as error:
                failures.append((unit, error))
                continue
            taken.extend(named)
        if reads:
            break
    return reads, failures
