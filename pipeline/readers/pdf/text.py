"""Text from positioned glyphs: printed lines, and spaces only where a space was printed.

Hancom/LibreOffice/Chromium exports draw every real space as a U+0020 glyph,
while letter-spaced (균등분할) labels are spread-out glyphs with no space
between them: building text from the glyphs alone gives ``합계`` and keeps real
spaces, where gap-based spacing (pdfminer's) gives ``합 계``.  A producer that
draws no space glyphs at all (cairo) gets gap-based spacing as a fallback.
"""
from __future__ import annotations

from typing import Sequence

# (x0, top, x1, bottom, text, size)
Glyph = tuple[float, float, float, float, str, float]

GAP_SPACE = 0.25  # gap (x font size) read as a space when the producer draws no space glyphs
GAP_TAB = 3.0  # a wider gap (x font size) outside tables separates runs of text; never a space in a cell,
# where 균등분할 spreads a label's glyphs across the whole cell width


def clean_char(text: str) -> str:
    """Control characters some fonts emit in place of a space become that space."""
    if len(text) == 1 and (ord(text) < 0x20 or ord(text) == 0x7F):
        return " "
    return text


def dedupe(glyphs: Sequence[Glyph]) -> list[Glyph]:
    """Drop fake-bold and shadow copies: Hancom draws such text twice, a point or so apart.

    Real repeated characters (``11``) sit a glyph width apart, so a copy is the
    same character overlapping an earlier one by most of its width.
    """
    kept: list[Glyph] = []
    last: dict[str, list[Glyph]] = {}
    for g in sorted(glyphs, key=lambda g: (g[1], g[0])):
        tol_x = min(1.5, 0.3 * max(g[2] - g[0], 0.1))
        tol_y = min(1.5, 0.3 * max(g[3] - g[1], 0.1))
        near = last.setdefault(g[4], [])
        dup = False
        for o in reversed(near):  # near is in top order: stop once above the tolerance band
            if g[1] - o[1] > tol_y:
                break
            if abs(o[0] - g[0]) <= tol_x:
                dup = True
                break
        if dup:
            continue
        near.append(g)
        kept.append(g)
    return kept


def group_lines(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    """Glyphs into printed lines, top to bottom, each line left to right.

    A glyph joins the current line when its vertical centre lies within the
    line's vertical extent; lines of neighbouring multi-line cells never meet
    here because each cell is grouped on its own.
    """
    if not glyphs:
        return []
    order = sorted(glyphs, key=lambda g: ((g[1] + g[3]) / 2, g[0]))
    lines: list[list[Glyph]] = []
    cur: list[Glyph] = []
    top = bottom = 0.0
    for g in order:
        cy = (g[1] + g[3]) / 2
        if cur and top - 0.5 <= cy <= bottom + 0.5 and cy - (top + bottom) / 2 <= 0.6 * (bottom - top):
            cur.append(g)
            top, bottom = min(top, g[1]), max(bottom, g[3])
        else:
            if cur:
                lines.append(cur)
            cur = [g]
            top, bottom = g[1], g[3]
    lines.append(cur)
    for ln in lines:
        ln.sort(key=lambda g: g[0])
    return lines


def line_text(line: Sequence[Glyph], space_glyphs: bool) -> str:
    """One printed line's text; spaces from glyphs (or gaps, when the producer has none)."""
    parts: list[str] = []
    prev: Glyph | None = None
    for g in line:
        if prev is not None:
            gap = g[0] - prev[2]
            size = max(prev[5], g[5], 1.0)
            if not space_glyphs and gap > GAP_SPACE * size and parts and parts[-1] != " " and g[4] != " ":
                parts.append(" ")
        if g[4] == " " and prev is not None and abs(g[0] - prev[0]) < 0.01 and prev[4] == " ":
            continue  # a space drawn twice at the same spot
        parts.append(g[4])
        prev = g
    return "".join(parts).strip(" ")


def block_text(glyphs: Sequence[Glyph], space_glyphs: bool) -> str:
    """Text of a cell: its printed lines joined with '\\n' (empty lines dropped)."""
    out = []
    for ln in group_lines(glyphs):
        t = line_text(ln, space_glyphs)
        if t:
            out.append(t)
    return "\n".join(out)
