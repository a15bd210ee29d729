"""Time arithmetic of the engine: opening hours, closures, public holidays, the periods a desk
or room can be booked in. Pure functions over rows already loaded (no queries here), so the
availability of a month costs the same few queries however many bookings there are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings

from revier.core.holidays import holidays_between

MIDDAY = dt.time(13, 0)


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz())


def days(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


class Calendar:
    """Opening hours by weekday, closed days (closures and the Land's public holidays)."""

    def __init__(self, *, land: str, hours, closures, start: dt.date, end: dt.date):
        self.hours: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for row in hours:
            self.hours.setdefault(row.weekday, []).append((row.opens, row.closes))
        for intervals in self.hours.values():
            intervals.sort()
        self.holidays = holidays_between(land, start, end) if land else {}
        self.closed: dict[dt.date, str] = dict(self.holidays)
        for closure in closures:
            for day in days(max(closure.start_date, start), min(closure.end_date, end)):
                self.closed.setdefault(day, closure.reason)

    def closed_reason(self, day: dt.date) -> str | None:
        return self.closed.get(day)

    def intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The open intervals of ``day`` as aware datetimes (none on a closed day)."""
        if day in self.closed:
            return []
        return [(local(day, a), local(day, b)) for a, b in self.hours.get(day.weekday(), [])]

    def within_hours(self, start: dt.datetime, end: dt.datetime) -> bool:
        day = start.astimezone(tz()).date()
        return any(a <= start and end <= b for a, b in self.intervals(day))

    def desk_periods(
        self, day: dt.date, *, half_days: bool
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        """Full day, and (``half_days``) morning and afternoon, split at 13:00."""
        intervals = self.intervals(day)
        if not intervals:
            return []
        opens, closes = intervals[0][0], intervals[-1][1]
        periods = [(opens, closes)]
        midday = local(day, MIDDAY)
        if half_days and opens < midday < closes:
            periods += [(opens, midday), (midday, closes)]
        return periods

    def grid(self, day: dt.date, minutes: int) -> list[tuple[dt.datetime, dt.datetime]]:
        """Cells of ``minutes`` from each opening time (appointment slots, room times)."""
        step = dt.timedelta(minutes=minutes)
        cells = []
        for a, b in self.intervals(day):
            at = a
            while at + step <= b:
                cells.append((at, at + step))
                at += step
        return cells


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def max_concurrent(intervals: list[tuple[dt.datetime, dt.datetime]], start, end) -> int:
    """The most of ``intervals`` that overlap at one instant within ``[start, end)``."""
    events = []
    for a, b in intervals:
        a, b = max(a, start), min(b, end)
        if a < b:
            events += [(a, 1), (b, -1)]
    events.sort(key=lambda e: (e[0], e[1]))  # an end before a start at the same instant
    best = now = 0
    for _at, delta in events:
        now += delta
        best = max(best, now)
    return best
