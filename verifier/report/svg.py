"""From a dated scenario to the geometry of its drawn timeline.

Time runs down the page: one item a row (an event, a violation, a state
change), dates on the left, gaps of more than a day shown as "… N days
later", and one narrow lane per state that the scenario changes, filled where
the state holds. Only coordinates and plain text come out of here; the HTML
template draws them (and escapes the text), so contract text cannot reach
the SVG as markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

import attrs

CHAR_W = 7.0  # average width of a 13px sans-serif character: enough to wrap without clipping
LINE_H = 17
DATE_W = 96
LANE_W = 12
LANE_GAP = 8
TOP = 14
GAP_H = 22


@attrs.frozen
class Segment:
    y1: float
    y2: float
    holds: bool


@attrs.frozen
class Lane:
    name: str
    x: float
    segments: tuple[Segment, ...]


@attrs.frozen
class TextLine:
    text: str
    style: str  # "head" | "body" | "bad"


@attrs.frozen
class Item:
    kind: str  # event | ineffective | forbidden | violation | open | state-start | state-end | end
    y: float  # the marker's centre
    lines: tuple[TextLine, ...]
    tooltip: str


@attrs.frozen
class Label:
    y: float
    text: str


@attrs.frozen
class Drawing:
    width: int
    height: int
    header: float  # height of the lane labels above the first row
    axis_x: float
    text_x: float
    lanes: tuple[Lane, ...]
    items: tuple[Item, ...]
    dates: tuple[Label, ...]
    gaps: tuple[Label, ...]
    description: str  # for screen readers: the whole scenario in one sentence
    line_height: int = LINE_H
    lane_width: int = LANE_W


@attrs.frozen
class Entry:
    """One row of the timeline, as the view computes it."""

    day: int
    date: str
    kind: str
    head: str
    body: tuple[str, ...]


def layout(
    entries: Sequence[Entry], lanes: Sequence[str], holds: Callable[[str, int], bool], width: int = 920
) -> Drawing | None:
    if not entries:
        return None
    lane_x0 = DATE_W + 10
    axis_x = lane_x0 + len(lanes) * (LANE_W + LANE_GAP) + 12
    text_x = axis_x + 16
    chars = max(24, int((width - text_x - 10) / CHAR_W))
    header = TOP + (min(150.0, 10 + 6.2 * max(len(n) for n in lanes)) if lanes else 0)  # 11px labels
    y = header + 8
    items: list[Item] = []
    dates: list[Label] = []
    gaps: list[Label] = []
    groups: list[tuple[int, float, float]] = []  # day, top, bottom of its rows
    prev_day: int | None = None
    for e in entries:
        if e.day != prev_day:
            if prev_day is not None:
                groups[-1] = (groups[-1][0], groups[-1][1], y)
                if e.day - prev_day > 1:
                    n = e.day - prev_day
                    gaps.append(Label(y + GAP_H / 2 + 4, f"… {n} days later"))
                    y += GAP_H
            groups.append((e.day, y, y))
            dates.append(Label(y + 12, e.date))
            prev_day = e.day
        lines = [TextLine(x, "head") for x in textwrap.wrap(e.head, chars)] or [TextLine("", "head")]
        for b in e.body:
            style = "bad" if ("violates" in b or b.startswith("conflict")) else "body"
            lines += [TextLine(x, style) for x in textwrap.wrap(b, chars - 2)]
        items.append(
            Item(e.kind, y + 8, tuple(lines), f"{e.date} {e.head}" + "".join(f"; {b}" for b in e.body))
        )
        y += LINE_H * len(lines) + 10
    groups[-1] = (groups[-1][0], groups[-1][1], y)
    bottom = y + 6
    lane_objs = []
    for i, name in enumerate(lanes):
        segs: list[Segment] = []
        for k, (day, top, end) in enumerate(groups):
            segs.append(Segment(top, end, holds(name, day)))
            if k + 1 < len(groups):
                nxt_top = groups[k + 1][1]
                if nxt_top > end:  # a gap band: what holds the day before the next date
                    segs.append(Segment(end, nxt_top, holds(name, groups[k + 1][0] - 1)))
        segs[-1] = attrs.evolve(segs[-1], y2=bottom)
        lane_objs.append(Lane(name, lane_x0 + i * (LANE_W + LANE_GAP), tuple(_merge(segs))))
    description = "; ".join(f"{e.date} {e.head}" for e in entries)
    return Drawing(
        width,
        int(bottom + 8),
        header,
        axis_x,
        text_x,
        tuple(lane_objs),
        tuple(items),
        tuple(dates),
        tuple(gaps),
        description,
    )


def _merge(segs: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for s in segs:
        if out and out[-1].holds == s.holds and out[-1].y2 == s.y1:
            out[-1] = attrs.evolve(out[-1], y2=s.y2)
        else:
            out.append(s)
    return out
