"""The charts building block (revier.frontend.charts, ADR 0020): axis ticks, geometry of bar,
stacked and line charts, refused input, the rendered SVG under German number formatting, and
the contrast of the series colours."""

import itertools
import re
from pathlib import Path

import lxml.html
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from revier.frontend import charts
from revier.frontend.charts import Category, Series, bar_chart, line_chart, nice_ticks, svg_number

NUMBER = re.compile(r"^-?\d+(\.\d)?$")
POINTS = re.compile(r"^-?\d+(\.\d)?,-?\d+(\.\d)?( -?\d+(\.\d)?,-?\d+(\.\d)?)*$")
CSS = Path(charts.__file__).parent / "static" / "revier" / "charts.css"


@pytest.fixture
def german(settings):
    """The worst case for SVG: decimal comma and thousands grouping everywhere."""
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("de"):
        yield


def _categories(n: int) -> list[Category]:
    return [Category(label=str(i + 1), table_label=f"Woche {i + 1}") for i in range(n)]


def _bars(values: list[int], **kwargs) -> charts.Chart:
    return bar_chart(
        chart_id="c",
        title="T",
        categories=_categories(len(values)),
        series=[Series("A", values)],
        category_heading="Woche",
        **kwargs,
    )


# --- ticks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "integer", "expected"),
    [
        (0, 0, True, [0, 1]),  # no data: an axis from 0 to 1, not a division by zero
        (0, 1, True, [0, 1]),
        (0, 3, True, [0, 1, 2, 3]),  # counts never get fractional ticks
        (0, 7, True, [0, 2, 4, 6, 8]),
        (0, 236, True, [0, 50, 100, 150, 200, 250]),
        (0, 1_234_567, True, [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]),
        (0, 0.3, False, [0, 0.1, 0.2, 0.3]),
        (0, 1, False, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (-3, 7, True, [-4, -2, 0, 2, 4, 6, 8]),
        (7, 0, True, [0, 2, 4, 6, 8]),  # order of the bounds does not matter
        (5, 9, True, [0, 2, 4, 6, 8, 10]),  # bars start at zero
    ],
)
def test_nice_ticks(low, high, integer, expected):
    assert nice_ticks(low, high, integer=integer) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_nice_ticks_refuse_non_finite(bad):
    with pytest.raises(ValueError, match="finite"):
        nice_ticks(0, bad)


def test_svg_number_is_never_localised(german):
    assert svg_number(236.0) == "236"
    assert svg_number(12.345) == "12.3"
    assert svg_number(1_234_567.25) == "1234567.2"
    assert svg_number(-0.04) == "0"


# --- geometry -------------------------------------------------------------------------------


def test_zero_data_draws_no_bar_but_an_axis_and_a_table():
    chart = _bars([0, 0, 0])
    assert chart.wide.bars == []
    assert [t.value for t in chart.wide.ticks] == [0, 1]
    assert chart.wide.baseline == chart.wide.bottom == "248"
    assert [row.cells for row in chart.table_rows] == [["0"], ["0"], ["0"]]


def test_empty_categories_give_an_empty_chart():
    chart = _bars([])
    assert chart.wide.bars == [] and chart.table_rows == [] and chart.wide.x_labels == []


def test_one_value_fills_the_plot_to_its_tick():
    chart = _bars([0, 4, 0])
    (bar,) = chart.wide.bars
    assert [t.value for t in chart.wide.ticks] == [0, 1, 2, 3, 4]
    # the value equals the top tick: the bar runs from the baseline to the top of the plot
    assert bar.y == chart.wide.top == "16"
    assert float(bar.y) + float(bar.height) == float(chart.wide.baseline)
    # centred in the middle of three slots
    slot = (float(chart.wide.right) - float(chart.wide.left)) / 3
    centre = float(bar.x) + float(bar.width) / 2
    assert abs(centre - (float(chart.wide.left) + 1.5 * slot)) < 0.2
    assert bar.title == "Woche 2, A: 4"


def test_grouped_bars_sit_side_by_side_with_their_own_heights():
    chart = bar_chart(
        chart_id="c",
        title="T",
        categories=_categories(2),
        series=[Series("A", [2, 8]), Series("B", [4, 0]), Series("Total", [6, 8], drawn=False)],
        category_heading="Woche",
    )
    assert [(b.series, b.value) for b in chart.wide.bars] == [(0, 2), (1, 4), (0, 8)]
    a, b, _ = chart.wide.bars
    assert float(a.x) + float(a.width) < float(b.x)
    assert float(b.height) == pytest.approx(2 * float(a.height), abs=0.2)
    # the undrawn series has no key and no bar, but its column in the table
    assert [k.label for k in chart.keys] == ["A", "B"]
    assert chart.table_headers == ["Woche", "A", "B", "Total"]
    assert [r.cells for r in chart.table_rows] == [["2", "4", "6"], ["8", "0", "8"]]


def test_a_tiny_value_still_shows_and_grows_from_the_baseline():
    chart = _bars([1, 100_000])
    tiny = chart.wide.bars[0]
    assert tiny.height == "1"
    assert float(tiny.y) + 1 == float(chart.wide.baseline)


def test_large_values_get_grouped_tick_labels_and_plain_coordinates(german):
    chart = _bars([1_234_567, 3])
    assert [t.label for t in chart.wide.ticks][-2:] == ["1.000.000", "1.250.000"]
    assert chart.table_rows[0].cells == ["1.234.567"]
    assert chart.wide.bars[0].title == "Woche 1, A: 1.234.567"
    # the left margin grows with the widest tick label
    assert float(chart.wide.left) > float(_bars([3]).wide.left) + 40
    for bar in chart.wide.bars:
        assert all(NUMBER.match(v) for v in (bar.x, bar.y, bar.width, bar.height))


def test_negative_values_hang_below_the_zero_line():
    chart = _bars([-3, 6])
    down, up = chart.wide.bars
    assert float(chart.wide.baseline) < float(chart.wide.bottom)
    assert down.y == chart.wide.baseline
    assert float(up.y) + float(up.height) == pytest.approx(float(chart.wide.baseline), abs=0.1)


def test_stacked_bars_add_up():
    chart = bar_chart(
        chart_id="s",
        title="T",
        categories=_categories(2),
        series=[Series("A", [3, 0]), Series("B", [5, 2]), Series("C", [2, 1])],
        category_heading="Woche",
        stacked=True,
        total_heading="Summe",
    )
    # the axis covers the largest sum (10), not the largest value (5)
    assert chart.wide.ticks[-1].value == 10
    first = [b for b in chart.wide.bars if b.title.startswith("Woche 1")]
    assert [b.value for b in first] == [3, 5, 2]
    # each segment starts where the one below it ends, all in one column
    for below, above in itertools.pairwise(first):
        assert float(above.y) + float(above.height) == pytest.approx(float(below.y), abs=0.15)
        assert above.x == below.x and above.width == below.width
    assert float(first[0].y) + float(first[0].height) == float(chart.wide.baseline)
    assert first[-1].y == chart.wide.top  # 10 of 10
    # a zero draws no segment
    assert [b.value for b in chart.wide.bars if b.title.startswith("Woche 2")] == [2, 1]
    assert chart.table_headers[-1] == "Summe"
    assert [r.cells for r in chart.table_rows] == [["3", "5", "2", "10"], ["0", "2", "1", "3"]]


def test_line_chart_has_a_point_per_category_and_distinct_markers(german):
    chart = line_chart(
        chart_id="l",
        title="T",
        categories=_categories(3),
        series=[Series("A", [1.5, 2.5, 0.5]), Series("B", [0, 1, 2])],
        category_heading="Monat",
    )
    a, b = chart.wide.lines
    assert len(a.markers) == 3 and POINTS.match(a.points) and POINTS.match(b.points)
    assert [t.value for t in chart.wide.ticks] == [0, 0.5, 1, 1.5, 2, 2.5]
    assert a.markers[1].y == chart.wide.top  # 2.5 is the top tick
    assert b.markers[0].y == chart.wide.baseline
    assert {m.shape for m in a.markers} == {"circle"}
    assert {m.shape for m in b.markers} == {"square"}
    assert POINTS.match(b.markers[0].points) and len(b.markers[0].points.split()) == 4
    assert [r.cells for r in chart.table_rows] == [["1,5", "0"], ["2,5", "1"], ["0,5", "2"]]


def test_many_categories_label_only_every_nth():
    chart = _bars(list(range(40)))
    assert len(chart.wide.x_labels) == 20
    assert [x.label for x in chart.wide.x_labels[:3]] == ["2", "4", "6"]
    assert chart.wide.x_labels[-1].label == "40"  # the latest is always labelled
    assert len(chart.compact.x_labels) == 10
    assert [x.label for x in chart.compact.x_labels[:3]] == ["4", "8", "12"]
    twelve = _bars(list(range(12)))
    assert len(twelve.wide.x_labels) == 12 and len(twelve.compact.x_labels) == 12


def test_compact_drawing_has_the_same_bars_in_less_room():
    chart = _bars([0, 4, 2])
    wide, compact = chart.plots
    assert (wide.layout, compact.layout) == ("wide", "compact")
    assert [b.value for b in wide.bars] == [b.value for b in compact.bars] == [4, 2]
    assert [t.label for t in wide.ticks] == [t.label for t in compact.ticks]
    assert float(compact.right) == 344 and float(wide.right) == 744
    assert compact.bars[0].y == compact.top


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ([Series("A", [1, 2], drawn=False)], "at least one drawn"),
        ([Series("A", [1])], "has 1 values, expected 2"),
        ([Series("A", [1, None])], "not a number"),
        ([Series("A", [1, "2"])], "not a number"),
        ([Series("A", [1, True])], "not a number"),
        ([Series("A", [1, float("nan")])], "not a number"),
        ([Series(str(i), [1, 2]) for i in range(7)], "at most 6"),
    ],
)
def test_bad_input_is_refused(series, message):
    with pytest.raises(ValueError, match=message):
        bar_chart(
            chart_id="c", title="T", categories=_categories(2), series=series, category_heading=""
        )


@pytest.mark.parametrize("chart_id", ["", "Cases", "a b", 'x"y', "1st"])
def test_chart_id_must_be_usable_in_element_ids(chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        bar_chart(
            chart_id=chart_id,
            title="T",
            categories=_categories(1),
            series=[Series("A", [1])],
            category_heading="",
        )


def test_floating_point_noise_is_not_shown_to_people(german):
    chart = _bars([0.1 + 0.2])
    assert chart.table_rows[0].cells == ["0,3"]


def test_stacked_refuses_negative_values():
    with pytest.raises(ValueError, match="negative"):
        bar_chart(
            chart_id="c",
            title="T",
            categories=_categories(2),
            series=[Series("A", [1, -2])],
            category_heading="",
            stacked=True,
        )


# --- rendering ------------------------------------------------------------------------------


def _render(chart) -> lxml.html.HtmlElement:
    html = render_to_string("revier/charts/chart.html", {"chart": chart})
    assert "style=" not in html and "<script" not in html
    return lxml.html.fromstring(html)


GEOMETRY = ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height")


def _assert_machine_numbers(svg) -> None:
    for element in svg.iter():
        for name in GEOMETRY:
            if name in element.attrib:
                assert NUMBER.match(element.attrib[name]), (element.tag, name, element.attrib)
        if "points" in element.attrib:
            assert POINTS.match(element.attrib["points"]), element.attrib
    assert re.fullmatch(r"0 0 \d+ \d+", svg.attrib["viewbox"])


def test_rendered_bar_chart_under_german_formatting(german):
    chart = bar_chart(
        chart_id="cases",
        title="Vorgänge",
        description="Balken je Woche.",
        categories=_categories(3),
        series=[Series("Offen", [1234, 0, 7]), Series("Erledigt", [2, 3, 0])],
        category_heading="Woche",
        x_label="Kalenderwoche",
        y_label="Vorgänge",
    )
    page = _render(chart)
    wide, compact = page.xpath("//svg[@role='img']")
    assert "revier-chart__svg--wide" in wide.get("class")
    assert "revier-chart__svg--compact" in compact.get("class")
    assert (wide.get("viewbox"), compact.get("viewbox")) == ("0 0 760 300", "0 0 360 260")
    for svg, layout in ((wide, "wide"), (compact, "compact")):
        _assert_machine_numbers(svg)
        assert svg.get("aria-labelledby") == f"cases-{layout}-title"
        assert svg.get("aria-describedby") == "cases-desc"
        assert svg.xpath("./title")[0].text == "Vorgänge"
        assert svg.xpath("./title/@id") == [f"cases-{layout}-title"]
        assert svg.xpath("./desc")[0].text == "Balken je Woche."
        rects = svg.xpath(".//g[@class='revier-chart__marks']/rect")
        assert len(rects) == 4  # one per value that is not zero
        # the second series is patterned
        patterned = [r for r in rects if r.get("fill")]
        assert [r.get("fill") for r in patterned] == ["url(#cases-pattern-1)"] * 2
        texts = [t.text for t in svg.xpath(".//text")]
        assert "1.250" in texts and "Kalenderwoche" in texts and "Vorgänge" in texts
    assert page.get_element_by_id("cases-desc").text == "Balken je Woche."
    # the pattern is defined once, outside both drawings (which may be hidden)
    assert page.xpath("//pattern/@id") == ["cases-pattern-1"]
    assert page.xpath("//pattern/ancestor::svg/@class") == ["revier-chart__defs"]
    legend = [li.text_content() for li in page.xpath("//ul[@class='revier-chart__legend']/li")]
    assert legend == ["Offen", "Erledigt"]
    table = page.xpath("//details//table")[0]
    assert [c.text for c in table.xpath(".//tbody/tr[1]/td")] == ["1.234", "2"]
    assert page.xpath("//details/summary")[0].text_content() == translation.gettext("Show table")


def test_rendered_line_chart_under_german_formatting(german):
    chart = line_chart(
        chart_id="rate",
        title="Quote",
        categories=_categories(4),
        series=[Series("A", [0.25, 1.5, 1.75, 0.5]), Series("B", [0, 1, 2, 1])],
        category_heading="Monat",
    )
    page = _render(chart)
    svg, compact = page.xpath("//svg[@role='img']")
    _assert_machine_numbers(svg)
    _assert_machine_numbers(compact)
    assert len(svg.xpath(".//polyline")) == 2
    assert len(svg.xpath(".//circle")) == 4 and len(svg.xpath(".//polygon")) == 4
    assert [c.text for c in page.xpath("//tbody/tr[1]/td")] == ["0,25", "0"]
    assert "0,5" in [t.text for t in svg.xpath(".//text")]


# --- colours --------------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = []
    for i in (0, 2, 4):
        c = int(hex_colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_series_colours_meet_non_text_contrast_and_differ_by_more_than_colour():
    css = CSS.read_text()
    fills = dict(re.findall(r"\.revier-chart__fill-(\d) \{ fill: #([0-9a-f]{6}); \}", css))
    strokes = dict(re.findall(r"\.revier-chart__stroke-(\d) \{ stroke: #([0-9a-f]{6}); \}", css))
    assert sorted(fills) == [str(i) for i in range(charts.MAX_SERIES)]
    assert fills == strokes
    white = _luminance("ffffff")
    for colour in fills.values():
        assert (white + 0.05) / (_luminance(colour) + 0.05) >= 3, colour
    assert len(set(fills.values())) == charts.MAX_SERIES
    # the second trait: each series has its own pattern and its own marker shape
    assert len(set(charts.PATTERNS[: charts.MAX_SERIES])) == charts.MAX_SERIES
    assert len(set(charts.SHAPES[: charts.MAX_SERIES])) == charts.MAX_SERIES
    dashes = re.findall(r"\.revier-chart__line--(\d) \{ stroke-dasharray", css)
    assert dashes == [str(i) for i in range(1, charts.MAX_SERIES)]
