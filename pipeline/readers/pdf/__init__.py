"""PDF backend: pages → ruled tables with real spans and the text around them (see ``reader``).

pdfplumber is imported only when a PDF is read, so sniffing a file costs nothing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from ...errors import InputError
from ...model import Document
from ..base import Backend, Format


class PdfBackend(Backend):
    format = Format.PDF
    paged = True

    @classmethod
    def accepts(cls, head: bytes) -> bool:
        # Some producers put bytes before the header; readers accept it anywhere in the first KB.
        return b"%PDF-" in head

    def page_count(self, path: Path) -> Optional[int]:
        """Counted by PDFium (ships with pdfplumber) without parsing pages; None when it cannot tell —
        the real read will then say what is wrong.  The caller runs this in a worker: PDFium is C code."""
        try:
            import pypdfium2

            pdf = pypdfium2.PdfDocument(str(path))
            try:
                return len(pdf)
            finally:
                pdf.close()
        except Exception:  # noqa: BLE001 — the reader gives the reason
            return None

    def read(self, path: Path, pages: Optional[tuple[int, int]] = None) -> Document:
        from .reader import read_pdf  # pdfplumber loads only when a PDF is read

        if pages is None:
            return read_pdf(path)
        # A range leaves the no-text-layer check to ``join``, which sees every page.
        return read_pdf(path, pages=range(pages[0], pages[1] + 1), require_text=False)

    def join(self, path: Path, parts: Sequence[Document]) -> Document:
        from ...model import SlotBudget
        from . import limits
        from .continuation import link_continuations
        from .reader import MSG_NO_TEXT

        doc = super().join(path, parts)
        # Each range re-opens the file, so a notice of no page (said at open) comes once per part; a page's own
        # lines start with its page and belong to one part.  Once, as a whole read says it.
        doc.warnings = list(dict.fromkeys(doc.warnings))
        if not doc.has_text():
            raise InputError(MSG_NO_TEXT)
        # Each page range had a budget of its own: the document's is counted here, in the same order as a whole read.
        limits.take_slots(SlotBudget(limits.DEFAULT_LIMITS.document_slots), doc.tables)
        link_continuations(doc)  # the links across the parts' boundaries too: split reads equal whole reads
        return doc


__all__ = ["PdfBackend"]
