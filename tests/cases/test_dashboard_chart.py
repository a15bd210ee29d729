"""The case dashboard's chart, drawn by revier.frontend.charts: under German number formatting
(decimal comma, grouped thousands) the SVG still carries plain numbers, draws one bar per value
that is not zero, and its data table carries the same numbers (issue 12, item 3)."""

import datetime as dt
import re

import lxml.html
import pytest
from django.utils import timezone, translation

from tests.cases.conftest import INBOX, make_case

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"^-?\d+(\.\d)?$")
GEOMETRY = ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height")
SERIES = ("open", "overdue", "closed")


def test_dashboard_chart_in_german(client, zeitz, worker, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    now = timezone.now()
    today = timezone.localdate()
    make_case(zeitz, 1, received_at=now, due_date=today - dt.timedelta(days=1))
    make_case(zeitz, 2, received_at=now)
    make_case(zeitz, 3, received_at=now - dt.timedelta(weeks=1))
    make_case(
        zeitz,
        4,
        received_at=now - dt.timedelta(weeks=2),
        status="closed",
        status_kind="closed",
        result="granted",
        closed_at=now,
    )
    client.force_login(worker)
    client.cookies["django_language"] = "de"
    response = client.get(INBOX + "uebersicht/")
    assert response.status_code == 200
    weeks = response.context["weeks"]
    page = lxml.html.fromstring(response.content.decode())
    values = [(s, w[s]) for w in weeks for s in SERIES if w[s]]
    assert values == [("open", 1), ("open", 2), ("overdue", 1), ("closed", 1)]
    drawings = page.xpath("//main//svg[@role='img']")
    assert len(drawings) == 2  # wide and compact; the stylesheet shows one
    for svg, shown in zip(drawings, (weeks, weeks[1::2]), strict=True):
        # every coordinate is a plain number: no "236,0", no "1.000"
        checked = 0
        for element in svg.iter():
            for name in GEOMETRY:
                if name in element.attrib:
                    assert NUMBER.match(element.attrib[name]), (element.tag, name, element.attrib)
                    checked += 1
        assert checked > 50
        assert re.fullmatch(r"0 0 \d+ \d+", svg.attrib["viewbox"])

        # one bar per value that is not zero, in week order, its title naming the number
        rects = svg.xpath(".//g[@class='revier-chart__marks']/rect")
        assert len(rects) == len(values)
        assert [r.xpath("string(title)").rsplit(": ", 1)[1] for r in rects] == [
            str(v) for _, v in values
        ]
        assert "noch offen" in rects[0].xpath("string(title)")
        # heights in proportion to the values: two open cases stand twice as high as one
        heights = [float(r.get("height")) for r in rects]
        assert heights[1] == pytest.approx(2 * heights[0], abs=0.2)
        assert heights[0] == heights[2] == heights[3]
        # and the bars stand on the baseline
        baseline = float(svg.xpath(".//g[@class='revier-chart__x-axis']/line/@y1")[0])
        for rect in rects:
            bottom = float(rect.get("y")) + float(rect.get("height"))
            assert bottom == pytest.approx(baseline, abs=0.1)

        # the x axis names the calendar weeks (where room is short every other one, always the
        # current one), and says so
        labels = svg.xpath(".//g[@class='revier-chart__x-axis']/text/text()")
        assert labels == [str(w["week"].isocalendar().week) for w in shown] + [
            translation.gettext("Calendar week")
        ]

    # the data table: the same numbers, the week as a date people read
    (table,) = page.xpath("//main//details//table")
    headers = [h.text_content() for h in table.xpath(".//thead//th")]
    assert headers == [
        "Woche ab",
        "Eingegangen",
        "davon noch offen",
        "davon überfällig",
        "In der Woche abgeschlossen",
    ]
    rows = table.xpath(".//tbody/tr")
    assert len(rows) == 12
    for row, week in zip(rows, weeks, strict=True):
        (time,) = row.xpath("./th/time")
        assert time.get("datetime") == week["week"].isoformat()
        number = week["week"].isocalendar().week
        assert time.text == f"{week['week']:%d.%m.%Y} (KW {number})"
        cells = [td.text for td in row.xpath("./td")]
        assert cells == [str(week[k]) for k in ("received", "open", "overdue", "closed")]
