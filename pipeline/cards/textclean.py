"""Undo what the page layout did to cell text, and nothing else.

Forms print labels letter-spaced (균등분할), one character per line (vertical
labels) or wrapped inside narrow cells; readers hand the text over with those
layout artefacts intact.  CONTRACT.md wants the text as written minus what the
layout added, so each rule here removes one kind of artefact and every other
character (bullets, punctuation, middle dots, hostile markup) is left alone.
"""
from __future__ import annotations

import functools
import re
import unicodedata

_HANGUL = "\uac00-\ud7a3"
# C0 controls other than the line break: some PDF fonts write U+0001 where a space was printed.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[\t\u00a0\u3000\u2002-\u200a]")
# A run of single syllables separated by two or more spaces: typed letter spacing (`민    관`).
_WIDE_RUN = re.compile(rf"(?<![^\s])[{_HANGUL}](?: {{2,}}[{_HANGUL}])+(?![^\s])")


def _is_single_syllable(tok: str) -> bool:
    return len(tok) == 1 and "\uac00" <= tok <= "\ud7a3"


def unspace_line(line: str) -> str:
    """One printed line with its letter spacing removed.

    A line made only of single syllables (`허 브 조 성`, `강      화`) is one
    distributed word; inside a longer line only runs spaced by two or more
    blanks are (`민    관 거버넌스` → `민관 거버넌스`), because a single space
    between syllables can be a real word break (`구 자체`).
    """
    line = _SPACES.sub(" ", line.replace("\u200b", ""))
    toks = line.split()
    if len(toks) >= 2 and all(_is_single_syllable(t) for t in toks):
        return "".join(toks)
    return _WIDE_RUN.sub(lambda m: re.sub(r"\s+", "", m.group(0)), line)


@functools.lru_cache(maxsize=1 << 16)
def clean(text: str | None) -> str:
    """A cell's text as a person would type it: layout spacing and line breaks undone.

    Cached: a compiled report repeats the same labels on every card, and this is a pure function of the text.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if not lines:
        return ""
    # Vertical label: one upright syllable per line (`민⏎관⏎협⏎력`).
    if len(lines) >= 2 and all(_is_single_syllable(ln) for ln in lines):
        return "".join(lines)
    out = " ".join(unspace_line(ln) for ln in lines)
    return re.sub(r"\s+", " ", out).strip()


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str | None) -> str:
    """Comparison form of a label: no whitespace, middle-dot look-alikes unified (cached like ``clean``).

    Used only to *recognise* headings and labels (계, 국비, 단위사업 …), never for output.
    """
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"[\u00b7\u2024\u2027\u318d\u22c5\uff65\u2219\u30fb\u119e]", "·", t)
    return re.sub(r"\s+", "", t)
