"""Charts on the homes, drawn by the server as SVG, each with its numbers as a table beside it.

A home's charts are a few dozen rectangles: drawing one here takes under a millisecond and no
dependency (``make bench`` measures it against matplotlib's SVG output when matplotlib is
installed), needs no script in the browser (the hall's pages work without one), and keeps
every number readable: the table under each chart is what a screen reader, a copy into a
spreadsheet, or a printer without colour gets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

#: The drawing's size in SVG units: it scales to the width of the page (a phone's too).
WIDTH, COLUMN_HEIGHT = 640, 220
#: Room for the value axis on the left and the category labels under the columns.
AXIS, FOOT, TOP = 44, 28, 10
#: A horizontal bar chart's row height and the room for its labels.
ROW, LABEL = 26, 170
#: Lines across the value axis: a fifth of a 1, 2 or 5 times ten top is a whole number.
GRIDLINES = 5
#: Series are told apart by these classes (hall.css); a fifth series reuses the first colour.
SERIES_CLASSES = 4


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Chart:
    """Numbers to draw: one value per category in each series. Columns stand for time (months,
    days), bars for things (prefixes, branches); ``stacked`` puts a category's series on top of
    each other (parts of one whole, e.g. numbers used and free)."""

    id: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = False
    stacked: bool = False

    @property
    def empty(self) -> bool:
        return not any(value for series in self.series for value in series.values)


def nice_ceiling(value: float) -> float:
    """The axis' top: the first of 1, 2, 5 times a power of ten at or above ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    raise AssertionError(value)  # pragma: no cover - 10 * power is above any value


def number(value: float) -> str:
    """A value as the table and the tooltips write it: whole numbers without decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _top(chart: Chart) -> float:
    if chart.stacked:
        totals = [sum(values) for values in zip(*(s.values for s in chart.series), strict=True)]
        return nice_ceiling(max(totals, default=0))
    return nice_ceiling(max((v for s in chart.series for v in s.values), default=0))


def render(chart: Chart) -> SafeString:
    """The chart's figure: the drawing (an image to assistive technology, named by its title),
    its legend, and the table of its numbers."""
    title_id = f"{chart.id}-title"
    drawing = _bars(chart) if chart.horizontal else _columns(chart)
    height = _height(chart)
    parts = [
        f'<figure class="chart" id="{escape(chart.id)}">',
        f'<figcaption id="{title_id}">{escape(chart.title)}</figcaption>',
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{title_id}" '
        f'preserveAspectRatio="xMinYMin meet">',
        *drawing,
        "</svg>",
        _legend(chart),
        _table(chart),
        "</figure>",
    ]
    # Every text inside went through escape().
    return mark_safe("".join(parts))


def _height(chart: Chart) -> int:
    if chart.horizontal:
        return TOP + ROW * max(len(chart.categories), 1) + FOOT
    return COLUMN_HEIGHT


def _columns(chart: Chart) -> list[str]:
    """Columns over the categories (left to right), a value axis with its gridlines."""
    top, plot = _top(chart), COLUMN_HEIGHT - TOP - FOOT
    slot = (WIDTH - AXIS) / max(len(chart.categories), 1)
    lanes = 1 if chart.stacked else len(chart.series)
    width = max(slot * 0.8 / lanes, 1)
    out = _value_axis(top, plot)
    every = max(1, math.ceil(len(chart.categories) / 12))  # at most a dozen labels fit
    for index, category in enumerate(chart.categories):
        left = AXIS + slot * index + slot * 0.1
        base = 0.0
        for lane, series in enumerate(chart.series):
            value = series.values[index]
            tall = plot * value / top
            x = left if chart.stacked else left + lane * width
            y = TOP + plot - tall - (base if chart.stacked else 0)
            tip = f"{category} {series.name}: {number(value)}"
            out.append(_rect((x, y, width, tall), lane, tip))
            if chart.stacked:
                base += tall
        if index % every == 0:
            out.append(f'<text class="label" x="{left + slot * 0.4:.1f}" y="{COLUMN_HEIGHT - 10}" '
                       f'text-anchor="middle">{escape(category)}</text>')  # fmt: skip
    return out


def _value_axis(top: float, plot: float) -> list[str]:
    out = []
    for step in range(GRIDLINES + 1):
        value = top * step / GRIDLINES
        y = TOP + plot - plot * step / GRIDLINES
        out.append(f'<line class="grid" x1="{AXIS}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="label" x="{AXIS - 4}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{escape(number(value))}</text>')  # fmt: skip
    return out


def _bars(chart: Chart) -> list[str]:
    """One bar per category (top to bottom), its series side by side or stacked."""
    top, plot = _top(chart), WIDTH - LABEL - 60
    lanes = 1 if chart.stacked else len(chart.series)
    height = (ROW - 6) / lanes
    out = []
    for index, category in enumerate(chart.categories):
        y0 = TOP + ROW * index
        out.append(f'<text class="label" x="{LABEL - 6}" y="{y0 + ROW / 2 + 1:.1f}" '
                   f'text-anchor="end">{escape(_short(category))}</text>')  # fmt: skip
        x, total = float(LABEL), 0.0
        for lane, series in enumerate(chart.series):
            value = series.values[index]
            wide = plot * value / top
            y = y0 + 3 + (0 if chart.stacked else lane * height)
            tip = f"{category} {series.name}: {number(value)}"
            out.append(_rect((x, y, wide, height), lane, tip))
            if chart.stacked:
                x += wide
            total += value
        end = x if chart.stacked else LABEL + plot * max(s.values[index] for s in chart.series)
        out.append(f'<text class="value" x="{end + 4:.1f}" y="{y0 + ROW / 2 + 1:.1f}">'
                   f"{escape(number(total))}</text>")  # fmt: skip
    return out


def _short(label: str, most: int = 14) -> str:
    """A category's label as the drawing has room for it (the table has it whole)."""
    return label if len(label) <= most else label[: most - 1] + "…"


def _rect(box: tuple[float, float, float, float], lane: int, tip: str) -> str:
    """A bar at ``box`` (x, y, width, height) in its series' colour, its value as tooltip."""
    x, y, width, height = box
    return (f'<rect class="s{lane % SERIES_CLASSES}" x="{x:.1f}" y="{y:.1f}" '
            f'width="{width:.1f}" height="{height:.1f}">'
            f"<title>{escape(tip)}</title></rect>")  # fmt: skip


def _legend(chart: Chart) -> str:
    if len(chart.series) < 2:  # one series needs no key: the title names it
        return ""
    items = "".join(
        f'<li><span class="swatch s{lane % SERIES_CLASSES}"></span>{escape(series.name)}</li>'
        for lane, series in enumerate(chart.series)
    )
    return f'<ul class="legend">{items}</ul>'


def _table(chart: Chart) -> str:
    head = "".join(f'<th scope="col">{escape(s.name)}</th>' for s in chart.series)
    rows = "".join(
        f'<tr><th scope="row">{escape(category)}</th>'
        + "".join(f"<td>{escape(number(s.values[index]))}</td>" for s in chart.series)
        + "</tr>"
        for index, category in enumerate(chart.categories)
    )
    return (f'<details class="chart-data"><summary>{escape(_("数据表"))}</summary>'
            f'<div class="table-scroll"><table class="grid"><tr><th scope="col"></th>{head}</tr>'
            f"{rows}</table></div></details>")  # fmt: skip


def chart(key: str, title: str, categories: Sequence[str], series: dict[str, Sequence[float]],
          **options: bool) -> Chart:  # fmt: skip
    """A :class:`Chart` from plain sequences: ``series`` maps each name to its values; ``key``
    is the figure's id in the page."""
    drawn = tuple(Series(name, tuple(values)) for name, values in series.items())
    return Chart(key, title, tuple(categories), drawn, **options)
