"""Public holidays (gesetzliche Feiertage) of the German Länder, computed.

Nine holidays are nationwide; the others depend on the Land, which is the first two digits of a
municipality's AGS. Computed rather than taken from a library: the set is small, fixed by the
Länder's Feiertagsgesetze, and depends on Easter only (``dateutil.easter``). Holidays that hold in
parts of a Land only (Fronleichnam in some communes of Sachsen and Thüringen, Mariä Himmelfahrt
in Catholic communes of Bayern) and one-off holidays are not included: a municipality enters
them as closures.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dateutil.easter import easter

# Land keys (AGS prefix).
SH, HH, NI, HB, NW, HE, RP, BW, BY, SL, BE, BB, MV, SN, ST, TH = (
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15",
    "16",
)  # fmt: skip


def _buss_und_bettag(year: int) -> dt.date:
    """The Wednesday before 23 November."""
    day = dt.date(year, 11, 22)
    return day - dt.timedelta(days=(day.weekday() - 2) % 7)


@lru_cache(maxsize=256)
def public_holidays(land: str, year: int) -> dict[dt.date, str]:
    """The public holidays of ``land`` (two-digit key, or an AGS) in ``year``, date → name."""
    land = land[:2]
    e = easter(year)
    days: dict[dt.date, str] = {
        dt.date(year, 1, 1): "Neujahr",
        e - dt.timedelta(days=2): "Karfreitag",
        e + dt.timedelta(days=1): "Ostermontag",
        dt.date(year, 5, 1): "Tag der Arbeit",
        e + dt.timedelta(days=39): "Christi Himmelfahrt",
        e + dt.timedelta(days=50): "Pfingstmontag",
        dt.date(year, 10, 3): "Tag der Deutschen Einheit",
        dt.date(year, 12, 25): "1. Weihnachtstag",
        dt.date(year, 12, 26): "2. Weihnachtstag",
    }
    if land in (BW, BY, ST):
        days[dt.date(year, 1, 6)] = "Heilige Drei Könige"
    if (land == BE and year >= 2019) or (land == MV and year >= 2023):
        days[dt.date(year, 3, 8)] = "Internationaler Frauentag"
    if land == BB:
        days[e] = "Ostersonntag"
        days[e + dt.timedelta(days=49)] = "Pfingstsonntag"
    if land in (BW, BY, HE, NW, RP, SL):
        days[e + dt.timedelta(days=60)] = "Fronleichnam"
    if land == SL:
        days[dt.date(year, 8, 15)] = "Mariä Himmelfahrt"
    if land == TH and year >= 2019:
        days[dt.date(year, 9, 20)] = "Weltkindertag"
    if land in (BB, MV, SN, ST, TH) or (land in (HB, HH, NI, SH) and year >= 2018) or year == 2017:
        days[dt.date(year, 10, 31)] = "Reformationstag"
    if land in (BW, BY, NW, RP, SL):
        days[dt.date(year, 11, 1)] = "Allerheiligen"
    if land == SN:
        days[_buss_und_bettag(year)] = "Buß- und Bettag"
    return dict(sorted(days.items()))


def holidays_between(land: str, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Public holidays of ``land`` from ``start`` to ``end`` (both included)."""
    found: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in public_holidays(land, year).items():
            if start <= day <= end:
                found[day] = name
    return found
