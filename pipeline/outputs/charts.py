"""Inline SVG charts drawn from the report's numbers, so the PDF gets vectors and real text.

Labels come from untrusted documents (a unit or status may hold ``<script>``),
so every string is XML-escaped here and the result is handed to Jinja2 as
``Markup``: the one place where markup is built outside the templates, and it
is built from escaped parts only.  Widths are estimated, not measured (Hangul
is about 1 em, Latin about 0.55 em): good enough to size label columns and to
shorten a label that would overrun, never used for anything a reader relies on
(the exact figures are always in the table beside the chart).
"""
from __future__ import annotations

import math
from typing import Callable, Optional, Sequence

from markupsafe import Markup, escape

from ..vocab import FUND_LABELS
from .display import fmt, text_em

FONT = "ReportSans, ReportSymbols, sans-serif"
FUND_COLORS = {"national": "#4e79a7", "province": "#76b7b2", "city": "#59a14f", "district": "#f28e2b",
               "county": "#edc948", "other": "#b07aa1", "total": "#7f8c99"}
SPARE_COLORS = ("#9c755f", "#e15759", "#bab0ac", "#ff9da7")
EXEC_COLOR = "#2f3e4e"
BAR_COLOR = "#4e79a7"
REF_COLOR = "#c0392b"
# Chart text at the size of the report's table text (8 pt ≈ 10.7 px), titles a little larger.
SIZE, TITLE_SIZE, SMALL = 10.5, 11.5, 9.5


def fund_color(fund: str) -> str:
    """A fund's colour; a fund code the palette does not know gets a spare one (stable for the code)."""
    if fund in FUND_COLORS:
        return FUND_COLORS[fund]
    return SPARE_COLORS[sum(map(ord, fund)) % len(SPARE_COLORS)]


def text_width(s: str, size: float) -> float:
    """Estimated advance width of ``s`` at ``size`` px: wide for CJK, narrow for the rest."""
    return text_em(s) * size


def shorten(s: str, max_px: float, size: float) -> str:
    """``s`` cut with an ellipsis so that it fits ``max_px``; the full text is in the table."""
    if text_width(s, size) <= max_px:
        return s
    out = ""
    for ch in s:
        if text_width(out + ch + "…", size) > max_px:
            break
        out += ch
    return out + "…"


def nice_max(v: float) -> float:
    """A round axis maximum at or above ``v`` (1, 2, 2.5, 5 × 10^n)."""
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * exp >= v:
            return m * exp
    return 10 * exp


def _text(x: float, y: float, s: str, *, size: float = 11, anchor: str = "start",
          weight: str = "normal", fill: str = "#222") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}" font-family="{FONT}">{escape(s)}</text>')


def _svg(width: float, height: float, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}">' + "".join(body) + "</svg>"
    )


def hbar_chart(rows: Sequence[tuple[str, Optional[float]]], *, title: str, unit: str = "",
               width: float = 640, color: str = BAR_COLOR, percent: bool = False,
               fmt_value: Optional[Callable[[float], str]] = None,
               reference: Optional[tuple[float, str]] = None) -> Markup:
    """Horizontal bars, one per (label, value): counts by status, money by fund, rates by item.

    Values are printed in their own column right of the plot, so no line or bar
    runs through a figure; a ``reference`` line (value, label) is drawn dashed
    behind the bars with its label above the plot.
    """
    size, bar_h, gap = SIZE, 14.0, 6.0
    top = 22.0 + (14.0 if reference else 0.0)
    labels = [str(label) for label, _ in rows]
    shown = [("—" if v is None else (f"{v:,.1f}%" if percent else f"{(fmt_value or fmt)(v)}{unit}"))
             for _, v in rows]
    label_w = min(max([text_width(s, size) for s in labels] + [40]) + 8, width * 0.42)
    value_w = max([text_width(s, size) for s in shown] + [30]) + 10
    plot_w = width - label_w - value_w
    vmax = max([v for _, v in rows if v is not None] + [0])
    scale_max = max(vmax, reference[0] if reference else 0.0, 100.0 if percent else 0.0)
    scale_max = scale_max if percent else nice_max(scale_max)
    height = top + len(rows) * (bar_h + gap) + 6
    body = [_text(0, 14, title, size=TITLE_SIZE, weight="bold")]
    if reference and scale_max:
        x = label_w + plot_w * reference[0] / scale_max
        body.append(f'<line x1="{x:.1f}" y1="{top - 4:.1f}" x2="{x:.1f}" y2="{height - 4:.1f}" '
                    f'stroke="{REF_COLOR}" stroke-dasharray="3,2" stroke-width="1"/>')
        body.append(_text(x, top - 7, reference[1], size=SMALL, anchor="end" if x > width * 0.6 else "middle",
                          fill=REF_COLOR))
    for i, (label, v) in enumerate(rows):
        y = top + i * (bar_h + gap)
        body.append(_text(label_w - 6, y + bar_h - 3, shorten(str(label), label_w - 8, size),
                          size=size, anchor="end"))
        if v is not None:
            w = plot_w * (max(v, 0) / scale_max) if scale_max else 0
            body.append(f'<rect x="{label_w:.1f}" y="{y:.1f}" width="{max(min(w, plot_w), 0.5):.1f}" '
                        f'height="{bar_h}" fill="{color}"/>')
        body.append(_text(width - 2, y + bar_h - 3, shown[i], size=size, anchor="end",
                          fill="#777" if v is None else "#222"))
    return _svg(width, height, body, title)


def budget_chart(periods: Sequence[str], plan: dict[str, list[Optional[float]]],
                 executed: dict[str, list[Optional[float]]], *, title: str,
                 width: float = 640, height: float = 220) -> Markup:
    """Per period, a bar of planned money stacked by fund beside a bar of executed money.

    ``plan``/``executed`` map a fund (national, city, district, other, or total
    when the table has no split) to one amount per period (None = not printed).
    """
    size, left, right, bottom = SMALL, 56.0, 10.0, 22.0
    legend = [(fund_color(f), f"계획 {FUND_LABELS.get(f, f)}", False) for f in plan] + [
        (EXEC_COLOR if f == "total" else fund_color(f), f"집행 {FUND_LABELS.get(f, f)}", f != "total")
        for f in executed]
    # Legend entries flow into as many lines as the width needs; the plot starts below them.
    places, lx, ly = [], 0.0, 20.0
    for color, label, faded in legend:
        w = 13 + text_width(label, size) + 12
        if lx and lx + w > width:
            lx, ly = 0.0, ly + 15
        places.append((lx, ly, color, label, faded))
        lx += w
    top = ly + 28
    height = max(height, top + 120 + bottom)
    plot_w, plot_h = width - left - right, height - top - bottom

    def stack_total(series: dict[str, list[Optional[float]]], i: int) -> float:
        return sum((vals[i] or 0) for vals in series.values())

    n = len(periods)
    vmax = max([stack_total(plan, i) for i in range(n)] + [stack_total(executed, i) for i in range(n)] + [0])
    ymax = nice_max(vmax)
    body = [_text(0, 13, title, size=TITLE_SIZE, weight="bold")]
    for lx, ly, color, label, faded in places:
        body.append(f'<rect x="{lx:.1f}" y="{ly:.1f}" width="10" height="10" fill="{color}"'
                    + (' fill-opacity="0.55"' if faded else "") + "/>")
        body.append(_text(lx + 13, ly + 9, label, size=size))
    # Axis and grid.
    for k in range(5):
        v = ymax * k / 4
        y = top + plot_h - plot_h * k / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}" '
                    f'stroke="#ddd" stroke-width="0.8"/>')
        body.append(_text(left - 4, y + 3.5, fmt(v), size=size, anchor="end", fill="#555"))
    slot = plot_w / max(n, 1)
    bar_w = min(slot * 0.36, 28)
    for i, p in enumerate(periods):
        x0 = left + i * slot + slot / 2
        for series, x, is_exec in ((plan, x0 - bar_w - 1, False), (executed, x0 + 1, True)):
            y = top + plot_h
            for fund, vals in series.items():
                v = vals[i]
                if not v or v < 0:
                    continue  # a negative (△) amount has no bar in a stack; the table beside it shows it
                h = plot_h * v / ymax
                y -= h
                color = EXEC_COLOR if (is_exec and fund == "total") else fund_color(fund)
                op = ' fill-opacity="0.55"' if is_exec and fund != "total" else ""
                body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                            f'fill="{color}"{op}/>')
        body.append(_text(x0, top + plot_h + 14, shorten(p, slot - 2, size), size=size, anchor="middle"))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right:.1f}" y2="{top + plot_h}" '
                f'stroke="#555" stroke-width="1"/>')
    return _svg(width, height, body, title)
