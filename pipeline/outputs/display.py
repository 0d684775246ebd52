"""How figures and Korean text are shown to a reader: separators, rounding, units, and where a line may break.

The contract tables keep every figure exact (a 천원 card's 126,457 is 126.457
백만원 in the CSV).  What a person reads is rounded by two written rules, kept
here so the report, the charts and the workbook say the same thing:

- **an item's own money** (its 총사업비 box and 연차별 예산 table) is shown in the
  unit the card printed it in when the figures say so: amounts that are not
  whole 백만원 but are whole 천원 came from a 천원 table, and are shown as
  whole 천원 (`126,457 천원`), which is exactly what the card printed;
- **money added up across items** (the summary page) is shown in 백만원 rounded
  to one decimal (`11,799.7`); whole figures print whole.

Korean breaks between syllables unless told otherwise; CSS ``word-break:
keep-all`` tells browsers, but WeasyPrint (the PDF) ignores it, so ``keep_words``
wraps each Korean word in a no-break span sized to fit the cell it is printed in.
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Optional

from markupsafe import Markup, escape

from ..contract import cell_number

# A unit a card's money table may be printed in: (label, factor from 백만원 to it).
MKRW = ("백만원", 1)
KRW_THOUSANDS = ("천원", 1000)


def fmt(v: float) -> str:
    """A figure as printed in the tables: thousands separators, at most three decimals, no trailing zeros."""
    if float(v).is_integer():
        return f"{int(v):,}"
    s = f"{v:,.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_num(v: object) -> str:
    """A figure from a table cell (number or CSV string) the way the report prints it; '' for nothing."""
    n = cell_number(v)
    return "" if n is None else fmt(n)


def fmt_total(v: object) -> str:
    """Money added up across items, in 백만원: one decimal at most (`11,799.7`), whole figures whole."""
    n = cell_number(v)
    if n is None:
        return ""
    # Half up on the decimal figure (11,799.65 → 11,799.7), not on its binary approximation.
    return fmt(float(Decimal(repr(n)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)))


def fmt_rate(n: Optional[float]) -> str:
    """A percentage with one decimal (`66.7%`); '' when there is none."""
    return "" if n is None or (isinstance(n, float) and math.isnan(n)) else f"{n:,.1f}%"


def _whole(v: float, factor: int) -> bool:
    return abs(v * factor - round(v * factor)) < 1e-6


def money_unit(values: Iterable[object]) -> tuple[str, int]:
    """The unit an item's money is best shown in: 백만원 when every figure is whole there, else 천원 when every
    figure is whole 천원 (the card's table was in 천원), else 백만원 (exact, up to three decimals)."""
    nums = [n for n in (cell_number(v) for v in values) if n is not None]
    if all(_whole(n, 1) for n in nums):
        return MKRW
    if all(_whole(n, 1000) for n in nums):
        return KRW_THOUSANDS
    return MKRW


def fmt_money(v: object, unit: tuple[str, int]) -> str:
    """A 백만원 figure in ``unit`` (from ``money_unit``): `126.457` in 천원 is `126,457`."""
    n = cell_number(v)
    if n is None:
        return ""
    factor = unit[1]
    return fmt(round(n * factor, 6) if factor != 1 else n)


# ----------------------------------------------------------------------------- line breaks in Korean

_HANGUL = re.compile(r"[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7A3]")
# Places inside a long token where a break reads naturally: before an opening bracket, after a closing
# bracket, after a middle dot, slash or comma.
_SOFT = re.compile(r"(?<=[)\]』」·/,])|(?=[(\[『「])")


def text_em(s: str) -> float:
    """Estimated width of ``s`` in em: Hangul and other wide characters 1 em, the rest 0.58 em."""
    w = 0.0
    for ch in s:
        o = ord(ch)
        w += 1.0 if (0x1100 <= o <= 0x11FF or 0x2E80 <= o <= 0xD7A3 or 0xF900 <= o <= 0xFFEF
                     or 0x2460 <= o <= 0x27BF) else 0.58
    return w


def _span(piece: str) -> str:
    return f'<span class="kw">{escape(piece)}</span>'


# 1 pt in mm, and the left + right padding of a report table cell (2.5 pt each side) in mm.
PT_MM = 0.3528
CELL_PAD_MM = 5 * 0.3528


def _pieces(s: str, max_em: float) -> list[tuple[str, bool]]:
    """``s`` cut into (text, kept on one line) pieces: Korean words with their following space kept whole."""
    pieces: list[tuple[str, bool]] = []
    for token in re.split(r"(\s+)", s):
        if not token:
            continue
        if token.isspace():
            # A space goes inside the word's span before it: WeasyPrint then writes it into the PDF's text
            # (copy and paste keep it) and a line may still break after it.  A line break stays outside.
            if pieces and pieces[-1][1] and "\n" not in token:
                pieces[-1] = (pieces[-1][0] + token, True)
            else:
                pieces.append((token, False))
        elif not _HANGUL.search(token):
            pieces.append((token, False))
        elif not max_em or text_em(token) <= max_em:
            pieces.append((token, True))
        else:
            for piece in (p for p in _SOFT.split(token) if p):
                pieces.append((piece, bool(text_em(piece) <= max_em and _HANGUL.search(piece))))
    # A space that opens the text (after an inline element: `<b>2,880</b> 백만원`) goes with the word after
    # it, for the same reason: a box of only a space is not written into the PDF's text.
    if len(pieces) > 1 and not pieces[0][1] and pieces[0][0].isspace() and "\n" not in pieces[0][0] \
            and pieces[1][1]:
        pieces[:2] = [(pieces[0][0] + pieces[1][0], True)]
    return pieces


def keep_words(value: object, col_mm: float = 0.0, font_pt: float = 8.0) -> Markup:
    """Text with every Korean word kept on one line (a no-break span), for the PDF that ignores keep-all.

    ``col_mm`` is the width of the column the text is printed in (0: no limit)
    at ``font_pt``.  A word wider than the column is split at its brackets, dots
    or slashes; a piece still wider is left free to break, so a cell never
    overflows its column.  The text itself is unchanged (escaped, not edited).
    """
    max_em = max(col_mm - CELL_PAD_MM, 1.0) / (font_pt * PT_MM) if col_mm else 0.0
    s = "" if value is None else str(value)
    return Markup("".join(_span(t) if kept else str(escape(t))
                          for t, kept in _pieces(s, max_em)))


# Text of our own HTML outside tags; the parts whose text is not prose (styles, charts, the head).
_TAG = re.compile(r"(<[^>]*>)")
_SKIP_OPEN = re.compile(r"^<(style|svg|script|title|head)\b", re.I)
_SKIP_CLOSE = re.compile(r"^</(style|svg|script|title|head)\s*>", re.I)
# A word no template sized (headings, paragraphs, a cell without a width): kept whole up to this many em.
DEFAULT_MAX_EM = 12.0


def keep_words_html(html: str, max_em: float = DEFAULT_MAX_EM) -> str:
    """Every Korean word of a page's text kept on one line — the text the templates did not already wrap.

    For the report's own HTML only (all document text in it is escaped, so text
    between tags holds no markup): prose in headings, paragraphs and static
    labels gets the same no-break spans as the sized table cells, up to
    ``max_em`` per word so a long word in an unsized place can still break.
    """
    out: list[str] = []
    skip: Optional[str] = None
    in_kw = False
    for part in _TAG.split(html):
        if not part:
            continue
        if part.startswith("<"):
            if skip is None:
                m = _SKIP_OPEN.match(part)
                if m and not part.endswith("/>"):
                    skip = m[1].lower()
            elif (m := _SKIP_CLOSE.match(part)) and m[1].lower() == skip:
                skip = None
            if part.startswith('<span class="kw"'):
                in_kw = True
            elif in_kw and part.startswith("</span"):
                in_kw = False
            out.append(part)
        elif skip or in_kw or not _HANGUL.search(part):
            out.append(part)
        else:  # already-escaped text: cut into pieces, not escaped again
            out.append("".join(f'<span class="kw">{t}</span>' if kept else t for t, kept in _pieces(part, max_em)))
    return "".join(out)
