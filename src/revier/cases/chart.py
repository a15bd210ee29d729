"""Geometry of the dashboard's bar chart, computed here so that the template only draws
(inline SVG without scripts or style attributes: the CSP allows neither)."""

from __future__ import annotations

WIDTH = 760
HEIGHT = 280
LEFT = 48
RIGHT = 12
TOP = 16
BOTTOM = 44
SERIES = ("open", "overdue", "closed")


def _ticks(top: int) -> list[int]:
    if top <= 5:
        return list(range(0, max(top, 1) + 1))
    step = 1
    while top / step > 5:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if top / step <= 5:
                break
    return list(range(0, top + step, step))


def week_chart(weeks: list[dict]) -> dict:
    """Bars per week for open, overdue and closed cases, the y axis ticks and the labels."""
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    peak = max([w[s] for w in weeks for s in SERIES] + [1])
    ticks = _ticks(peak)
    top = ticks[-1] or 1
    slot = plot_w / max(len(weeks), 1)
    bar = slot * 0.8 / len(SERIES)

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / top

    groups = []
    for i, week in enumerate(weeks):
        x0 = LEFT + i * slot + slot * 0.1
        bars = []
        for j, series in enumerate(SERIES):
            value = week[series]
            bars.append(
                {
                    "series": series,
                    "value": value,
                    "x": round(x0 + j * bar, 1),
                    "y": round(y(value), 1),
                    "width": round(bar - 1, 1),
                    "height": round(TOP + plot_h - y(value), 1),
                }
            )
        groups.append(
            {
                "week": week["week"],
                "bars": bars,
                "label_x": round(LEFT + i * slot + slot / 2, 1),
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right_x": WIDTH - RIGHT,
        "baseline": TOP + plot_h,
        "label_y": TOP + plot_h + 18,
        "ticks": [{"value": t, "y": round(y(t), 1)} for t in ticks],
        "groups": groups,
    }
