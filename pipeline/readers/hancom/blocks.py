"""Text clean-up shared by the HWP 5.0 and HWPX readers.

Both formats carry the same Hancom characters, so both readers must spell them
the same way, or the HWP and HWPX of one card would give different tables.
"""
from __future__ import annotations

from typing import Iterable, Optional, Union

from ...errors import InputError
from ...model import SlotBudget, Table, TextBlock, fit_to_cells
from .refusals import damaged, too_big

# Symbol-font characters (U+F0xx = byte xx of Wingdings/Symbol) that Hancom
# documents use as bullets, and Hancom's own framed-digit glyphs (plane 15,
# U+F02B1.. = digit n in a square frame, as python-hwpx's compose table lists
# them).  Mapped to the nearest real character so that downstream bullet
# recognition and a human reading the CSV see a bullet, not a tofu box.
PUA_BULLETS: dict[int, str] = {
    0xF06C: "\u25cf",  # ● Wingdings l
    0xF06E: "\u25a0",  # ■ Wingdings n
    0xF06F: "\u25a1",  # □ Wingdings o
    0xF071: "\u2751",  # ❑ Wingdings q
    0xF075: "\u25c6",  # ◆ Wingdings u
    0xF076: "\u2756",  # ❖ Wingdings v
    0xF09F: "\u2022",  # • Wingdings
    0xF0A1: "\u25cb",  # ○ Wingdings
    0xF0A7: "\u25aa",  # ▪ Wingdings
    0xF0A8: "\u25fb",  # ◻ Wingdings
    0xF0B7: "\u2022",  # • Symbol
    0xF0D8: "\u27a2",  # ➢ Wingdings
    0xF0E8: "\u2794",  # ➔ Wingdings
    0xF0FB: "\u2717",  # ✗ Wingdings
    0xF0FC: "\u2713",  # ✓ Wingdings
    0xF0FD: "\u2612",  # ☒ Wingdings
    0xF0FE: "\u2611",  # ☑ Wingdings (a ticked box: the chosen option of a □ list)
}
PUA_BULLETS.update({0xF02B1 + n - 1: chr(0x2460 + n - 1) for n in range(1, 10)})  # framed 1..9 → ①..⑨
PUA_BULLETS.update({0xF02CE + n - 1: chr(0x2776 + n - 1) for n in range(1, 10)})  # inverse-framed 1..9 → ❶..❾

_TRANSLATE = dict(PUA_BULLETS)
_TRANSLATE.update({0x09: " ", 0xA0: " "})
_TRANSLATE.update({c: " " for c in range(0x20) if c not in (0x0A, 0x0D)})  # other C0 controls: spaces too


def clean(text: str) -> str:
    """Tabs and no-break spaces become spaces; Hancom bullets become real ones; nothing else changes."""
    return text.translate(_TRANSLATE)


# Hancom's two-digit framed numbers (글자 겹치기 of a tens glyph and a units glyph),
# by frame type: (first tens glyph for 1, first units glyph for 0).  Type 1 is
# the circle (python-hwpx lists these code points); type 3 follows the same
# layout 0x31 code points higher (seen in rhwp_table-vpos-01: ⑩ ⑪ ⑫).
_FRAMED_TENS_UNITS = ((0xF0289, 0xF0292), (0xF02BA, 0xF02C3))


def _circled(n: int) -> str:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return f"({n})"


def compose_text(raw: str) -> str:
    """The text a 글자 겹치기 shows: a framed two-digit number becomes ⑩…㊿, anything else stays."""
    if len(raw) == 2:
        a, b = (ord(c) for c in raw)
        for tens0, units0 in _FRAMED_TENS_UNITS:
            if tens0 <= a < tens0 + 4 and units0 <= b < units0 + 10:
                return _circled((a - tens0 + 1) * 10 + (b - units0))
    return clean(raw)


class BlockCollector:
    """Body blocks and tables in document order, shared by the HWP and HWPX readers.

    Both formats yield the same events for a body paragraph — text pieces (str),
    a table's index (int), or a text-box line ((kind, text)) — so turning them into
    TextBlocks and table blocks is one piece of code, and the two readers cannot drift.
    """

    def __init__(self, kind: str) -> None:
        self.blocks: list[Union[TextBlock, Table]] = []  # reading order
        self.tables: list[Table] = []  # every table, nested ones included
        self.warnings: list[str] = []
        self.kind = kind  # "HWP" | "HWPX", for messages
        self.part = ""  # the section being read, for messages
        self._slots = SlotBudget()

    def new_table(self, parent: Optional[int]) -> int:
        """Register a table before its cells are read (nested tables in them come after it); its index."""
        self.tables.append(Table(rows=0, cols=0, cells=[], parent=parent))
        return len(self.tables) - 1

    def finish_table(self, idx: int, declared_rows: int, declared_cols: int) -> None:
        """Size the table by its cells within what the file declares, and count it against the document's slots.

        Called once the table's cells are read, before anything downstream lays it out (``Table.grid``):
        a declared size is never allocated, a cell outside it or a document past ``MAX_DOCUMENT_SLOTS`` is
        one InputError line, a correction the cells force is a warning.
        """
        table = self.tables[idx]
        where = f"표 {idx + 1}"
        try:
            notes = fit_to_cells(table, declared_rows, declared_cols)
        except ValueError as e:
            raise InputError(damaged(self.kind, f"{self.part}, {where}: {e}")) from None
        self.warnings.extend(f"{where}: {n}" for n in notes)
        try:
            self._slots.take(table)
        except ValueError as e:
            raise InputError(too_big(f"{self.kind}의 {self.part}, {where}: {e}")) from None

    def emit_paragraph(self, events: Iterable[Union[str, int, tuple]]) -> None:
        buf: list[str] = []
        for ev in events:
            if isinstance(ev, int):
                self._flush(buf)
                self.blocks.append(self.tables[ev])
            elif isinstance(ev, tuple):
                self._flush(buf)
                self._flush([ev[1]])
            else:
                buf.append(ev)
        self._flush(buf)

    def _flush(self, buf: list[str]) -> None:
        text = "".join(buf)
        buf.clear()
        if text.strip():
            self.blocks.append(TextBlock(text=text))
