"""Text from positioned glyphs: printed lines, and spaces where a space was printed.

Hancom/LibreOffice/Chromium exports draw most real spaces as a U+0020 glyph,
while letter-spaced (균등분할) labels are spread-out glyphs with no space
between them: building text from the glyphs alone gives ``합계`` and keeps real
spaces, where gap-based spacing (pdfminer's) gives ``합 계``.

Some fonts carry no space glyph, so their words are apart only by a gap (a
Hancom export's substitute font: ≈5.6 pt at 12 pt; Chromium in a shrunk table
cell: 1 pt at 6.2 pt).  Such a gap is judged per *font run* (consecutive glyphs
of one font and size on a line) against that run's own letter spacing (see
``_run_spacing``): a gap wider than the run's usual gap by ``GAP_WORD`` of the
font size is a space.  A letter-spaced label spreads every gap (its usual gap
is ``LETTER_SPACED`` or wider), so none of its gaps is read as a space and it
stays ``합계``; a two-glyph run has no spacing of its own to judge against and
gets no space.  A producer that draws no space glyphs at all (cairo) gets plain
gap-based spacing (``GAP_SPACE``) instead.
"""
from __future__ import annotations

import math
from typing import Sequence

# (x0, top, x1, bottom, text, size, font)
Glyph = tuple[float, float, float, float, str, float, str]

DUP_TOL = 1.5  # points: a shadow copy lies at most this far from the glyph it copies (less for small glyphs)
DUP_COLUMN = 1.6  # points: ``dedupe`` files glyphs in columns a little wider than DUP_TOL, so two glyphs within
# DUP_TOL are always in the same or neighbouring columns, rounding included
GAP_SPACE = 0.25  # gap (x font size) read as a space when the producer draws no space glyphs
GAP_WORD = 0.12  # gap (x font size) beyond a font run's own letter spacing read as a space ...
LETTER_SPACED = 0.15  # ... unless that spacing is this wide (x font size): a spread label, whose gaps vary with
# the glyphs' widths (Hancom's ``도·소매업`` spreads the narrow ``·`` with a wider gap) and are never word gaps
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
    same character overlapping an earlier one by most of its width.  Kept glyphs
    are filed by character and by column (``DUP_COLUMN``, wider than the widest
    tolerance), so each glyph is compared only with those of its own and the
    two neighbouring columns: a line of a thousand equal glyphs costs a
    thousand comparisons, not half a million.
    """
    kept: list[Glyph] = []
    last: dict[tuple[str, int], list[Glyph]] = {}
    for g in sorted(glyphs, key=lambda g: (g[1], g[0])):
        tol_x = min(DUP_TOL, 0.3 * max(g[2] - g[0], 0.1))
        tol_y = min(DUP_TOL, 0.3 * max(g[3] - g[1], 0.1))
        col = math.floor(g[0] / DUP_COLUMN)
        dup = False
        for k in (col - 1, col, col + 1):
            for o in reversed(last.get((g[4], k), ())):  # in top order: stop once above the tolerance band
                if g[1] - o[1] > tol_y:
                    break
                if abs(o[0] - g[0]) <= tol_x:
                    dup = True
                    break
            if dup:
                break
        if dup:
            continue
        last.setdefault((g[4], col), []).append(g)
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


def _wide(ch: str) -> bool:
    """Hangul, CJK and full-width forms: the glyphs whose advance a Hancom export often sets apart from the
    font's width (condensed or expanded Hangul), unlike the digits and Latin letters beside them."""
    return bool(ch) and ord(ch[0]) >= 0x1100


def _run_spacing(line: Sequence[Glyph]) -> list[float | None]:
    """For each glyph, the letter spacing that the gap before it is judged against (None: cannot tell).

    Per font run, and within a run per kind of glyph before the gap (wide
    Hangul/CJK or narrow digits/Latin/punctuation), since a producer may set
    Hangul 1.4 pt tighter than the font's widths while its digits keep them: the
    lower quartile of that kind's gaps (word gaps are the wide ones, so a run of
    mostly words still shows its letter spacing).  A kind with fewer than two
    gaps in the run borrows the other kind's spacing.
    """
    out: list[float | None] = [None] * len(line)
    start = 0
    for end in range(1, len(line) + 1):
        if end < len(line) and line[end][5:7] == line[start][5:7]:
            continue
        kinds: dict[bool, list[float]] = {True: [], False: []}
        for a, b in zip(line[start:end], line[start + 1 : end]):
            if a[4] != " " and b[4] != " ":
                kinds[_wide(a[4])].append(b[0] - a[2])
        refs = {k: sorted(v)[len(v) // 4] for k, v in kinds.items() if len(v) >= 2}
        for i in range(start + 1, end):
            wide = _wide(line[i - 1][4])
            out[i] = refs.get(wide, refs.get(not wide))
        start = end
    return out


def _word_gap(gap: float, ref: float | None, size: float) -> bool:
    """A gap inside a font run that is a word space: wider than the run's own (tight) letter spacing."""
    return ref is not None and ref <= LETTER_SPACED * size and gap > 0 and gap - ref > GAP_WORD * size


def line_text(line: Sequence[Glyph], space_glyphs: bool) -> str:
    """One printed line's text; spaces from glyphs and from word gaps (or gaps alone, when the producer has none)."""
    parts: list[str] = []
    prev: Glyph | None = None
    refs = _run_spacing(line) if space_glyphs else []
    for i, g in enumerate(line):
        if prev is not None and parts and parts[-1] != " " and g[4] != " ":
            gap = g[0] - prev[2]
            size = max(prev[5], g[5], 1.0)
            if not space_glyphs:
                if gap > GAP_SPACE * size:
                    parts.append(" ")
            elif prev[5:7] == g[5:7] and prev is line[i - 1] and _word_gap(gap, refs[i], size):
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
