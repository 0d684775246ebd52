"""What the commands print for a clerk: one place for the printing and for columns that line up in Hangul.

A Hangul syllable takes two columns on a terminal, so ``str.ljust`` misaligns
every column after a Korean file name; ``width`` counts East Asian wide and
full-width characters as two.  Results go to stdout, errors, warnings and
progress to stderr.
"""
from __future__ import annotations

import sys
import unicodedata
from typing import Sequence


def say(line: str = "") -> None:
    print(line, flush=True)


def err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def width(s: str) -> int:
    """Columns the text takes on a terminal: wide (W) and full-width (F) characters count two, combining marks
    none."""
    n = 0
    for c in s:
        if unicodedata.combining(c):
            continue
        n += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return n


def pad(s: str, cols: int, right: bool = False) -> str:
    """``s`` padded with spaces to ``cols`` display columns (numbers right-aligned with ``right``)."""
    fill = " " * max(0, cols - width(s))
    return fill + s if right else s + fill


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool], indent: str = "  ",
          max_col: int = 48) -> list[str]:
    """Rows as aligned lines; the last column is left as it is (a reason of any length)."""
    cols = len(header)
    widths = [0] * cols
    for r in [header, *rows]:
        for i, cell in enumerate(r[:-1]):
            widths[i] = min(max(widths[i], width(cell)), max_col)
    out = []
    for r in [header, *rows]:
        cells = [pad(c, widths[i], right[i]) for i, c in enumerate(r[:-1])] + [r[-1]]
        out.append((indent + "  ".join(cells)).rstrip())
    return out
