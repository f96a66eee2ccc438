"""Geometry of the report's SVG pictures, computed in Python: the site network and the bar charts.

Only numbers and the data's own strings come out of here; the templates draw them (and escape
every string). The network's layout is networkx's spring layout with a fixed seed, so the same
store always draws the same picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import networkx as nx

from ..store.reportdata import LagBucket, SiteLink, TimeBucket

__all__ = ["PALETTE", "CREDIT_COLOURS", "MAX_LINKS", "MAX_LABELLED_LINKS", "NetworkDraw", "draw_network", "BarsDraw", "draw_over_time", "LagDraw",
           "draw_lags", "credit_colour"]

#: Colours on the white page, each with a contrast of at least 3:1 against it (graphics) and the
#: text ones 4.5:1 (tests/test_htmlreport.py checks): ``ink`` text, ``muted`` secondary text,
#: ``node`` site circles, ``credited`` / ``uncredited`` the two ends of the credited share.
PALETTE = {"ink": "#1b1f24", "muted": "#4a5360", "node": "#33415c", "credited": "#1f5fa8",
           "uncredited": "#b0460a", "axis": "#6b7280"}
#: Edge colours by credited share (0–20 %, …, 80–100 %): orange to blue, a scale that colour-blind
#: readers also see; an edge mostly uncredited is dashed as well, so colour is never the only cue.
CREDIT_COLOURS = ("#b0460a", "#a0522d", "#7a5c8e", "#3f63a0", "#1f5fa8")

#: Pairs of sites drawn at most (the most copies first): beyond that a network is a hairball.
MAX_LINKS = 60
#: Over this many sites, circles and names are drawn smaller.
CROWDED_SITES = 15
#: Arrows carry their number of copies when no more than this many are drawn.
MAX_LABELLED_LINKS = 30
WIDTH, HEIGHT = 820, 520
_MARGIN_X, _MARGIN_Y = 70, 40
#: Site names longer than this are cut (with "…") in the picture; the tables have them whole.
MAX_LABEL_CHARS = 28
_LABEL_CHAR_WIDTH = 8.8  # average width of a character of the 14-unit bold label


def credit_colour(share: float) -> int:
    """The index in :data:`CREDIT_COLOURS` of a credited share in [0, 1]."""
    return min(len(CREDIT_COLOURS) - 1, max(0, int(share * len(CREDIT_COLOURS))))


@dataclass(frozen=True, slots=True)
class NodeDraw:
    site: str
    x: float
    y: float
    r: float
    documents: int
    copied: int  # copies this site took from the others drawn
    copied_from: int  # copies the others drawn took of it
    label_x: float  # the label's centre
    label_y: float
    font: int  # the label's size


@dataclass(frozen=True, slots=True)
class EdgeDraw:
    source_site: str
    copy_site: str
    path: str
    width: float
    colour: int  # index in CREDIT_COLOURS
    dashed: bool
    copies: int
    credited: int
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class NetworkDraw:
    width: int
    height: int
    nodes: tuple[NodeDraw, ...]
    edges: tuple[EdgeDraw, ...]
    left_out: int  # sites not drawn (over the cap)
    links_left_out: int  # pairs of sites not drawn


def draw_network(links: tuple[SiteLink, ...], documents: dict[str, int], max_sites: int,
                 max_links: int = MAX_LINKS) -> NetworkDraw:
    """The directed network of sites (an arrow from the source to the copier): at most ``max_sites``
    sites, those in the most copies, and among them the ``max_links`` pairs with the most copies."""
    involvement: dict[str, int] = {}
    for link in links:
        for site in (link.source_site, link.copy_site):
            involvement[site] = involvement.get(site, 0) + link.copies
    ranked = sorted(involvement, key=lambda s: (-involvement[s], s))
    top = set(ranked[:max(0, max_sites)])
    among = sorted((link for link in links if link.source_site in top and link.copy_site in top),
                   key=lambda link: (-link.copies, link.source_site, link.copy_site))
    shown = among[:max(0, max_links)]
    kept = {s for link in shown for s in (link.source_site, link.copy_site)}
    if not shown:
        return NetworkDraw(WIDTH, HEIGHT, (), (), len(ranked), len(links))
    graph = nx.Graph()
    graph.add_nodes_from(sorted(kept))
    for link in shown:
        graph.add_edge(link.source_site, link.copy_site, weight=link.copies)
    pos = nx.spring_layout(graph, seed=7, iterations=200, k=2.4 / math.sqrt(max(1, len(kept))))
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def place(site: str) -> tuple[float, float]:
        x, y = pos[site]
        if len(kept) == 1:
            return WIDTH / 2, HEIGHT / 2
        return (_MARGIN_X + (x - min(xs)) / span_x * (WIDTH - 2 * _MARGIN_X),
                _MARGIN_Y + (y - min(ys)) / span_y * (HEIGHT - 2 * _MARGIN_Y - 20))

    most_docs = max([documents.get(s, 1) for s in kept] + [1])
    crowded = len(kept) > CROWDED_SITES
    low, span = (5, 7) if crowded else (7, 13)
    radius = {s: low + span * math.sqrt(documents.get(s, 1) / most_docs) for s in kept}
    font = 12 if crowded else 14
    took = {s: sum(link.copies for link in shown if link.copy_site == s) for s in kept}
    given = {s: sum(link.copies for link in shown if link.source_site == s) for s in kept}
    nodes = []
    for site in sorted(kept):
        x, y = place(site)
        # the label under its circle, moved in from the picture's edges so that it is never cut
        half = _LABEL_CHAR_WIDTH * font / 14 * min(len(site), MAX_LABEL_CHARS) / 2 + 4
        label_x = min(max(x, half), WIDTH - half)
        nodes.append(NodeDraw(site, round(x, 1), round(y, 1), round(radius[site], 1), documents.get(site, 0),
                              took[site], given[site], round(label_x, 1), round(y + radius[site] + font + 3, 1), font))
    most = max(link.copies for link in shown)
    edges = []
    for link in shown:
        (x1, y1), (x2, y2) = place(link.source_site), place(link.copy_site)
        path, mid = _curve(x1, y1, x2, y2, radius[link.source_site], radius[link.copy_site] + 3)
        share = link.credited / link.copies if link.copies else 0.0
        edges.append(EdgeDraw(link.source_site, link.copy_site, path,
                              round((1.2 + 4 * math.sqrt(link.copies / most)) if crowded
                                    else (1.5 + 7 * math.sqrt(link.copies / most)), 1), credit_colour(share), share < 0.5,
                              link.copies, link.credited, round(mid[0], 1), round(mid[1], 1)))
    edges.sort(key=lambda e: -e.width)  # thin ones drawn last, on top
    return NetworkDraw(WIDTH, HEIGHT, tuple(nodes), tuple(edges), len(ranked) - len(kept), len(links) - len(shown))


def _curve(x1: float, y1: float, x2: float, y2: float, r1: float, r2: float) -> tuple[str, tuple[float, float]]:
    """A gently bent path from circle 1 to circle 2 (bent to its left, so A→B and B→A stay apart),
    cut at both circles' edges, and the point halfway along it."""
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bend = 0.12 * length
    cx, cy = (x1 + x2) / 2 - uy * bend, (y1 + y2) / 2 + ux * bend
    def towards(px: float, py: float, r: float) -> tuple[float, float]:
        vx, vy = cx - px, cy - py
        d = math.hypot(vx, vy) or 1.0
        return px + vx / d * r, py + vy / d * r
    sx, sy = towards(x1, y1, r1)
    ex, ey = towards(x2, y2, r2)
    mid = (0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey)
    return f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}", mid


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    width: float
    credited_y: float
    credited_h: float
    uncredited_y: float
    uncredited_h: float
    label: str
    copies: int
    credited: int
    documents: int


@dataclass(frozen=True, slots=True)
class BarsDraw:
    width: int
    height: int
    plot_top: float
    plot_bottom: float
    plot_left: float
    plot_right: float
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, int], ...]  # (y, value) of the y axis
    labels: tuple[tuple[float, str], ...]  # (x, text) of the x axis
    unit: str


_STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
_FORMAT = {"hour": "%d %b %H:%M", "day": "%d %b", "week": "w/c %d %b", "month": "%b %Y"}
#: Buckets filled in between the first and the last at most (a longer gap is left as it is).
MAX_BUCKETS = 400


def _next(t: datetime, unit: str) -> datetime:
    if unit == "month":
        return t.replace(year=t.year + t.month // 12, month=t.month % 12 + 1)
    return t + _STEP[unit]


def _filled(buckets: tuple[TimeBucket, ...], unit: str) -> list[TimeBucket]:
    """The buckets with the empty ones between them put in (up to :data:`MAX_BUCKETS`)."""
    if not buckets:
        return []
    have = {b.start: b for b in buckets}
    out, t = [], buckets[0].start
    while t <= buckets[-1].start and len(out) < MAX_BUCKETS:
        out.append(have.get(t, TimeBucket(t, 0, 0, 0)))
        t = _next(t, unit)
    return out if len(out) < MAX_BUCKETS else list(buckets)


def _nice_ticks(top: int) -> list[int]:
    """0, a round step, …, up to the first tick at or above ``top``."""
    if top <= 0:
        return [0]
    step = max(1, 10 ** int(math.log10(top)))
    while top / step > 5:
        step *= 2
    return list(range(0, math.ceil(top / step) * step + 1, step))


def draw_over_time(buckets: tuple[TimeBucket, ...], unit: str) -> BarsDraw:
    """Copies per bucket of time, credited ones at the bottom of each bar."""
    width, height = 820, 280
    left, right, top, bottom = 48.0, 808.0, 16.0, 236.0
    filled = _filled(buckets, unit)
    most = max([b.copies for b in filled] + [1])
    ticks = _nice_ticks(most)
    scale_top = max(ticks[-1], most)
    slot = (right - left) / max(1, len(filled))
    bars, labels = [], []
    every = max(1, math.ceil(len(filled) / 8))
    for i, b in enumerate(filled):
        x = left + i * slot + slot * 0.12
        k_h = (bottom - top) * b.credited / scale_top
        u_h = (bottom - top) * (b.copies - b.credited) / scale_top
        label = b.start.strftime(_FORMAT[unit])
        bars.append(Bar(round(x, 1), round(slot * 0.76, 1), round(bottom - k_h, 1), round(k_h, 1),
                        round(bottom - k_h - u_h, 1), round(u_h, 1), label, b.copies, b.credited, b.documents))
        if i % every == 0:
            labels.append((round(x + slot * 0.38, 1), label))
    y_ticks = tuple((round(bottom - (bottom - top) * v / scale_top, 1), v) for v in ticks)
    return BarsDraw(width, height, top, bottom, left, right, tuple(bars), y_ticks, tuple(labels), unit)


@dataclass(frozen=True, slots=True)
class LagDraw:
    width: int
    height: int
    rows: tuple[tuple[float, float, str, int], ...]  # (y, bar width, label, copies)
    bar_left: float


def draw_lags(lags: tuple[LagBucket, ...]) -> LagDraw:
    """Horizontal bars: how long after its source each copy came (every bar labelled with its count)."""
    width, bar_left, bar_right = 820, 250.0, 760.0
    most = max([lag.copies for lag in lags] + [1])
    rows = tuple((18.0 + 30 * i, round((bar_right - bar_left) * lag.copies / most, 1), lag.label, lag.copies)
                 for i, lag in enumerate(lags))
    return LagDraw(width, int(30 * len(lags) + 16), rows, bar_left)
