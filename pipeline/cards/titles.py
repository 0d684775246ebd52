"""An item's title — its number and name — by the contract's pattern, not by a list of spellings.

Cards print the title many ways (`57 『…』`, `[7] …`, `◈ 14. …`, `공약사업 22 …`, `【57】`, `No.57`, a shaded
box whose cells hold `29` and the name apart).  CONTRACT.md describes them as one pattern, and this module is
that pattern:

    MARK? WORD? OPEN? N CLOSE? SEP NAME

- MARK: one or two symbols (◈ ■ □ ▶ ★ …: any Unicode symbol or punctuation that is not a quote, a bracket or a
  note mark);
- WORD: one short word of letters, any script (공약, 공약사업, 과제, No), optionally with `.` or `:`;
- OPEN / CLOSE: a bracket of any kind (Unicode open/close punctuation, `<` `>`), CLOSE also `.` or `:`;
- N: one to three digits, not followed by another digit, `-`, `~`, `/` or `.digit` — `57-1` (a sub-item, which
  the contract does not key), `2/4분기` and `1.5억원` are not item numbers;
- SEP: a space, or the 『/「 that opens the name;
- NAME: the rest, with at least two Hangul syllables, that does not open a card section (`1. 사업개요`).

A boxed title holds `MARK? WORD? OPEN? N CLOSE?` alone in one cell and the name in the cells after it.
Characters are compared in their NFKC form (full-width digits and brackets, `㉗`), the name is returned as
printed, without its 『』/「」 brackets.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

from ..model import Cell, Table
from ..vocab import HEADING_WORDS
from .textclean import clean, fold

_QUOTES = "'\"‘’“”`´"
_NOT_MARKS = set(_QUOTES) | set(".,:;%&*/\\@※#")


# Symbols and brackets live in these blocks (Latin to CJK symbols, and the half/full-width forms); the letters
# between them need no look.
_RANGES = ((0x21, 0x3400), (0xFE10, 0xFFF0))


def _char_class(pred) -> str:
    chars = [chr(c) for lo, hi in _RANGES for c in range(lo, hi) if pred(chr(c))]
    return "".join(re.escape(c) for c in chars)


_MARK = "[" + _char_class(lambda ch: unicodedata.category(ch) in ("So", "Sm", "Sk", "Po", "Pd")
                          and ch not in _NOT_MARKS and ch not in "<>") + "]"
_OPEN = "[" + _char_class(lambda ch: unicodedata.category(ch) == "Ps") + "<]"
_CLOSE = "[" + _char_class(lambda ch: unicodedata.category(ch) == "Pe") + ">.:]"
_WORD = r"(?:[^\W\d_]{1,6}[.:]?\s*)"
_NUMBER = r"(?P<no>\d{1,3})(?![\d\-–~/])(?!\.\d)"
_PREFIX = rf"\s*(?:{_MARK}\s*){{0,2}}{_WORD}?{_OPEN}?\s*{_NUMBER}\s*{_CLOSE}?\.?"
_LINE = re.compile(rf"^{_PREFIX}(?:\s+|(?=[『「《〈]))", re.S)
_CELL = re.compile(rf"^{_PREFIX}\s*$", re.S)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFKC form of ``text`` and, for each of its characters, the index of the original character."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        nf = unicodedata.normalize("NFKC", ch)
        out.append(nf)
        where.extend([i] * len(nf))
    return "".join(out), where


def title_name(text: str) -> str:
    """The title as written, without its 『』/「」 brackets; a closing bracket glued to a word becomes a space."""
    t = clean(text)
    t = re.sub(r"[『「〔《]", "", t)
    t = re.sub(r"[』」〕》]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def is_name(text: str) -> bool:
    """A pledge's name: two Hangul syllables or more, and not a card heading (사업개요, 추진실적 …)."""
    t = clean(text)
    if len(_HANGUL.findall(t)) < 2:
        return False
    f = fold(re.sub(r"^[^\w『「]+", "", t))
    return not any(f.startswith(w) for w in HEADING_WORDS)


def title_in_line(text: str) -> Optional[tuple[int, str]]:
    """(number, name) when a line of text is an item title, else None."""
    t = clean(text)
    nf, where = _normalised(t)
    m = _LINE.match(nf)
    if not m:
        return None
    rest = t[where[m.end()]:] if m.end() < len(where) else ""
    if not is_name(rest):
        return None
    return int(m.group("no")), title_name(rest)


def number_cell(text: str) -> Optional[int]:
    """The item number when a cell holds only `MARK? WORD? OPEN? N CLOSE?` (`29`, `【57】`, `No.57`, `◈ 7.`)."""
    nf, _ = _normalised(clean(text))
    m = _CELL.match(nf)
    return int(m.group("no")) if m else None


def title_in_cells(cells: list[Cell]) -> Optional[tuple[int, str]]:
    """(number, name) when the first of a row's cells is an item number and the others the name."""
    texts = [clean(c.text) for c in sorted(cells, key=lambda c: c.col) if clean(c.text)]
    if len(texts) < 2:
        return None
    no = number_cell(texts[0])
    name = " ".join(texts[1:])
    return (no, title_name(name)) if no is not None and is_name(name) else None


def title_in_box(t: Table) -> Optional[tuple[int, str]]:
    """(number, name) of a boxed title: a table of one or two rows whose first row holds the number and the name
    in separate cells, or whose only cell is a title line."""
    if not 1 <= t.rows <= 2:
        return None
    cells = [c for c in t.cells if clean(c.text)]
    if len(cells) == 1:
        return title_in_line(cells[0].text)
    top = min((c.row for c in cells), default=0)
    return title_in_cells([c for c in cells if c.row == top])
