"""Accessible charts drawn on the server as inline SVG (ADR 0020).

A view builds a chart with :func:`bar_chart` or :func:`line_chart`; the template draws it with
``{% include "revier/charts/chart.html" with chart=... %}``. All geometry is computed here and
handed to the template as strings: Django localises numbers in templates (``236,0`` in German),
which SVG does not understand, so no coordinate ever passes through the template's number
formatting. The numbers people read (axis ticks, the data table) are formatted for the active
language when the chart is built, so build the chart inside the request.

Each chart is drawn twice, wide and compact; ``charts.css`` shows the one that fits its
container (a container query), so labels stay readable on a phone without scrolling sideways.
Only the visible drawing is exposed to assistive technology (the other is ``display: none``).

The CSP forbids style attributes and scripts: colours and patterns come from classes in
``revier/charts.css``. Series differ by colour (each at least 3:1 against white, WCAG 1.4.11)
and by a second trait: a fill pattern for bars, a dash and marker shape for lines; the legend
shows both, and every number is in the data table beside the chart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import formats

TOP = 16
RIGHT = 16
BOTTOM = 52  # category labels and the x axis title
FONT = 13  # px in viewBox units, as set in charts.css
CHAR = 7.5  # approximate width of a digit at FONT
MAX_SERIES = 6  # colours and patterns in charts.css


@dataclass(frozen=True)
class Layout:
    """A drawing's own coordinate system (its viewBox); the SVG scales to its container."""

    name: str
    width: int
    height: int


WIDE = Layout("wide", 760, 300)
COMPACT = Layout("compact", 360, 260)  # about 1:1 in a phone's 343 px column


@dataclass(frozen=True)
class Series:
    """One row of values, one per category. ``drawn=False`` puts it in the table only (a
    number that belongs to the data but would distort the picture, e.g. a total)."""

    label: str
    values: Sequence[int | float]
    drawn: bool = True
    legend: str = ""  # a shorter name in the legend; the table and tooltips use ``label``


@dataclass(frozen=True)
class Category:
    """A point on the x axis: a short label under the axis, a longer one in the table and,
    when the category is a date, its ISO form for a ``<time>`` element."""

    label: str
    table_label: str = ""
    datetime: str = ""


@dataclass(frozen=True)
class Tick:
    value: float
    label: str  # for people
    y: str


@dataclass(frozen=True)
class XLabel:
    label: str
    x: str


@dataclass(frozen=True)
class Bar:
    series: int
    fill: str  # "url(#pattern)" for a patterned series, "" for a plain colour
    value: float
    x: str
    y: str
    width: str
    height: str
    title: str


@dataclass(frozen=True)
class Marker:
    value: float
    x: str
    y: str
    shape: str  # "circle" uses cx/cy; other shapes are polygons
    points: str
    title: str


@dataclass(frozen=True)
class Line:
    series: int
    points: str
    markers: list[Marker]


# Second trait beside colour, by series index (see charts.css for the colours).
PATTERNS = ("", "diagonal", "dots", "horizontal", "crosshatch", "vertical")
# White strokes over the series colour in an 8 × 8 tile ("dots" draws a circle instead).
PATTERN_PATHS = {
    "diagonal": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4",
    "horizontal": "M0,2 h8 M0,6 h8",
    "crosshatch": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4 M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4",
    "vertical": "M2,0 v8 M6,0 v8",
}
SHAPES = ("circle", "square", "triangle", "diamond", "triangle-down", "plus")


@dataclass(frozen=True)
class SeriesKey:
    """How a drawn series looks: colour class, pattern or marker, legend label."""

    index: int
    label: str
    pattern: str  # "" for a plain fill
    pattern_id: str
    shape: str

    @property
    def pattern_path(self) -> str:
        return PATTERN_PATHS.get(self.pattern, "")

    @property
    def swatch_points(self) -> str:
        """The series' marker in the legend's 28 × 16 swatch (lines only)."""
        return _marker(self.shape, 14, 8)

    @property
    def fill(self) -> str:
        return f"url(#{self.pattern_id})" if self.pattern_id else ""


@dataclass(frozen=True)
class TableRow:
    header: str
    datetime: str
    cells: list[str]


@dataclass
class Plot:
    """One drawing of the chart in one layout; every number a string for an SVG attribute."""

    layout: str
    width: str
    height: str
    left: str
    right: str
    top: str
    baseline: str  # y of the value 0
    bottom: str  # y of the x axis line
    x_label_y: str
    x_title_x: str
    x_title_y: str
    y_title_x: str
    y_title_y: str
    tick_x: str
    ticks: list[Tick]
    x_labels: list[XLabel]
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


@dataclass
class Chart:
    id: str
    kind: str  # "bar", "stacked" or "line"
    title: str
    description: str
    x_label: str
    y_label: str
    keys: list[SeriesKey]
    plots: list[Plot]
    table_headers: list[str]
    table_rows: list[TableRow]
    table_open: bool = False

    @property
    def wide(self) -> Plot:
        return self.plots[0]

    @property
    def compact(self) -> Plot:
        return self.plots[1]


def svg_number(value: float) -> str:
    """A coordinate as SVG reads it: a point as decimal separator, one decimal at most, never
    localised or grouped."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _decimals(step: float) -> int:
    for places in range(10):
        if abs(round(step, places) - step) < 1e-9 * max(1.0, abs(step)):
            return places
    return 10


def nice_ticks(low: float, high: float, *, count: int = 5, integer: bool = False) -> list[float]:
    """Round axis ticks covering ``low`` to ``high`` and 0, about ``count`` intervals, with steps
    of 1, 2, 2.5 or 5 times a power of ten (never a fraction when ``integer``)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("chart values must be finite numbers")
    low, high = min(low, high, 0), max(low, high, 0)
    if low == high:  # no data, or only zeros: an axis from 0 to 1
        high = 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = 10 * magnitude
    for factor in (1, 2, 2.5, 5, 10):
        candidate = factor * magnitude
        if integer and (candidate < 1 or candidate != int(candidate)):
            continue
        if candidate >= raw:
            step = candidate
            break
    if integer:
        step = max(step, 1)
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    places = _decimals(step)
    ticks = []
    for i in range(round((stop - start) / step) + 1):
        value = round(start + i * step, places)
        ticks.append(int(value) if places == 0 else value)
    return ticks


def _people(value: float, places: int | None = None) -> str:
    """A number for people in the active language (grouped thousands, decimal comma in German)."""
    if isinstance(value, float) and places is None:
        # 0.1 + 0.2 is shown as 0,3, not 0,30000000000000004
        value = round(value, 6)
        if value.is_integer():
            value = int(value)
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _check(chart_id: str, categories: Sequence[Category], series: Sequence[Series]) -> list[Series]:
    if not re.fullmatch(r"[a-z][a-z0-9-]*", chart_id):
        # it prefixes element ids on the page
        raise ValueError(f"chart_id must be lower-case letters, digits and '-': {chart_id!r}")
    drawn = [s for s in series if s.drawn]
    if not drawn:
        raise ValueError("a chart needs at least one drawn series")
    if len(drawn) > MAX_SERIES:
        raise ValueError(f"at most {MAX_SERIES} drawn series can be told apart")
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(
                f"series {s.label!r} has {len(s.values)} values, expected {len(categories)}"
            )
        for v in s.values:
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(f"series {s.label!r} has a value that is not a number: {v!r}")
    return drawn


class _Frame:
    """The plot area of one layout and the value → y mapping."""

    def __init__(self, layout: Layout, *, ticks: list[float], places: int, y_label: str, n: int):
        self.layout = layout
        self.ticks = ticks
        self.tick_labels = [_people(t, places) for t in ticks]
        widest = max(len(label) for label in self.tick_labels)
        self.left = 8 + (FONT + 9 if y_label else 0) + widest * CHAR + 8
        self.right = layout.width - RIGHT
        self.top = TOP
        self.bottom = layout.height - BOTTOM
        self.slot = (self.right - self.left) / max(n, 1)
        self.low, self.high = ticks[0], ticks[-1]

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1
        return self.bottom - (self.bottom - self.top) * (value - self.low) / span

    def centre(self, i: int) -> float:
        return self.left + (i + 0.5) * self.slot

    def plot(self, categories: Sequence[Category]) -> Plot:
        # label only as many categories as fit side by side with a little room between them
        widest = max((len(c.label) for c in categories), default=1)
        room = max(1, int(self.slot * len(categories) // (widest * CHAR + 10)))
        every = max(1, math.ceil(len(categories) / room))
        width, height = self.layout.width, self.layout.height
        return Plot(
            layout=self.layout.name,
            width=svg_number(width),
            height=svg_number(height),
            left=svg_number(self.left),
            right=svg_number(self.right),
            top=svg_number(self.top),
            baseline=svg_number(self.y(0)),
            bottom=svg_number(self.bottom),
            x_label_y=svg_number(self.bottom + FONT + 6),
            x_title_x=svg_number((self.left + self.right) / 2),
            x_title_y=svg_number(height - 8),
            y_title_x=svg_number(8 + FONT),
            y_title_y=svg_number((self.top + self.bottom) / 2),
            tick_x=svg_number(self.left - 6),
            ticks=[
                Tick(value=t, label=label, y=svg_number(self.y(t)))
                for t, label in zip(self.ticks, self.tick_labels, strict=True)
            ],
            x_labels=[
                XLabel(label=c.label, x=svg_number(self.centre(i)))
                for i, c in enumerate(categories)
                # counted from the last: the latest category is usually the one looked for
                if (len(categories) - 1 - i) % every == 0
            ],
        )


def _frames(*, low: float, high: float, integer: bool, n: int, y_label: str) -> list[_Frame]:
    ticks = nice_ticks(low, high, integer=integer)
    places = 0 if integer else _decimals(ticks[1] - ticks[0])
    return [
        _Frame(layout, ticks=ticks, places=places, y_label=y_label, n=n)
        for layout in (WIDE, COMPACT)
    ]


def _keys(chart_id: str, drawn: Sequence[Series]) -> list[SeriesKey]:
    return [
        SeriesKey(
            index=i,
            label=s.legend or s.label,
            pattern=PATTERNS[i],
            pattern_id=f"{chart_id}-pattern-{i}" if PATTERNS[i] else "",
            shape=SHAPES[i],
        )
        for i, s in enumerate(drawn)
    ]


def _table(
    *,
    categories: Sequence[Category],
    series: Sequence[Series],
    category_heading: str,
    total_heading: str = "",
) -> tuple[list[str], list[TableRow]]:
    headers = [category_heading] + [s.label for s in series]
    if total_heading:
        headers.append(total_heading)
    rows = []
    for i, category in enumerate(categories):
        cells = [_people(s.values[i]) for s in series]
        if total_heading:
            cells.append(_people(sum(s.values[i] for s in series if s.drawn)))
        rows.append(
            TableRow(
                header=category.table_label or category.label,
                datetime=category.datetime,
                cells=cells,
            )
        )
    return headers, rows


def _tooltip(category: Category, series: Series, value: float) -> str:
    return f"{category.table_label or category.label}, {series.label}: {_people(value)}"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[Category],
    series: Sequence[Series],
    category_heading: str,
    description: str = "",
    x_label: str = "",
    y_label: str = "",
    stacked: bool = False,
    total_heading: str = "",
    table_open: bool = False,
) -> Chart:
    """Bars per category, side by side (grouped) or on top of each other (``stacked``; values
    must then be ≥ 0, and ``total_heading`` adds a column with each category's sum). A value of
    0 draws no bar; it is in the table."""
    drawn = _check(chart_id, categories, series)
    integer = all(isinstance(v, int) for s in drawn for v in s.values)
    if stacked:
        if any(v < 0 for s in drawn for v in s.values):
            raise ValueError("a stacked bar chart cannot show negative values")
        sums = [sum(s.values[i] for s in drawn) for i in range(len(categories))]
        low, high = 0, max(sums, default=0)
    else:
        values = [v for s in drawn for v in s.values]
        low, high = min(values, default=0), max(values, default=0)
    keys = _keys(chart_id, drawn)
    plots = []
    for frame in _frames(low=low, high=high, integer=integer, n=len(categories), y_label=y_label):
        plot = frame.plot(categories)
        plot.bars = _bars(frame, categories, drawn, keys, stacked=stacked)
        plots.append(plot)
    headers, rows = _table(
        categories=categories,
        series=series,
        category_heading=category_heading,
        total_heading=total_heading if stacked else "",
    )
    return Chart(
        id=chart_id,
        kind="stacked" if stacked else "bar",
        title=title,
        description=description,
        x_label=x_label,
        y_label=y_label,
        keys=keys,
        plots=plots,
        table_headers=headers,
        table_rows=rows,
        table_open=table_open,
    )


def _bars(
    frame: _Frame,
    categories: Sequence[Category],
    drawn: Sequence[Series],
    keys: Sequence[SeriesKey],
    *,
    stacked: bool,
) -> list[Bar]:
    group = frame.slot * (0.6 if stacked else 0.8)
    width = group if stacked else group / len(drawn)
    gap = 0.0 if stacked else min(2.0, width * 0.2)
    zero = frame.y(0)
    bars = []
    for i, category in enumerate(categories):
        x0 = frame.centre(i) - group / 2
        level = 0.0
        for j, s in enumerate(drawn):
            value = s.values[i]
            if value == 0:
                continue
            if stacked:
                y_top, y_bottom = frame.y(level + value), frame.y(level)
                x = x0
                level += value
            else:
                y_top, y_bottom = min(frame.y(value), zero), max(frame.y(value), zero)
                x = x0 + j * width + gap / 2
            # a tiny value still shows as a sliver of one unit, growing away from zero
            height = max(y_bottom - y_top, 1.0)
            if value > 0:
                y_top = y_bottom - height
            bars.append(
                Bar(
                    series=j,
                    fill=keys[j].fill,
                    value=value,
                    x=svg_number(x),
                    y=svg_number(y_top),
                    width=svg_number(width - gap),
                    height=svg_number(height),
                    title=_tooltip(category, s, value),
                )
            )
    return bars


def _marker(shape: str, x: float, y: float) -> str:
    r = 5.0
    corners = {
        "square": [(-r, -r), (r, -r), (r, r), (-r, r)],
        "triangle": [(0, -r - 1), (r + 1, r), (-r - 1, r)],
        "triangle-down": [(0, r + 1), (r + 1, -r), (-r - 1, -r)],
        "diamond": [(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)],
        "plus": [
            (-2, -r - 1), (2, -r - 1), (2, -2), (r + 1, -2), (r + 1, 2), (2, 2),
            (2, r + 1), (-2, r + 1), (-2, 2), (-r - 1, 2), (-r - 1, -2), (-2, -2),
        ],
    }.get(shape, [])  # fmt: skip
    return " ".join(f"{svg_number(x + dx)},{svg_number(y + dy)}" for dx, dy in corners)


def line_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[Category],
    series: Sequence[Series],
    category_heading: str,
    description: str = "",
    x_label: str = "",
    y_label: str = "",
    table_open: bool = False,
) -> Chart:
    """One line per series through its values, with a marker of its own shape at each point."""
    drawn = _check(chart_id, categories, series)
    integer = all(isinstance(v, int) for s in drawn for v in s.values)
    values = [v for s in drawn for v in s.values]
    plots = []
    for frame in _frames(
        low=min(values, default=0),
        high=max(values, default=0),
        integer=integer,
        n=len(categories),
        y_label=y_label,
    ):
        plot = frame.plot(categories)
        for j, s in enumerate(drawn):
            markers = []
            for i, category in enumerate(categories):
                x, y = frame.centre(i), frame.y(s.values[i])
                markers.append(
                    Marker(
                        value=s.values[i],
                        x=svg_number(x),
                        y=svg_number(y),
                        shape=SHAPES[j],
                        points=_marker(SHAPES[j], x, y),
                        title=_tooltip(category, s, s.values[i]),
                    )
                )
            plot.lines.append(
                Line(series=j, points=" ".join(f"{m.x},{m.y}" for m in markers), markers=markers)
            )
        plots.append(plot)
    headers, rows = _table(categories=categories, series=series, category_heading=category_heading)
    return Chart(
        id=chart_id,
        kind="line",
        title=title,
        description=description,
        x_label=x_label,
        y_label=y_label,
        keys=_keys(chart_id, drawn),
        plots=plots,
        table_headers=headers,
        table_rows=rows,
        table_open=table_open,
    )
