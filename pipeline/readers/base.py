"""What every reader is: a backend that knows one file format and nothing of pledges.

Modelled on docling's ``AbstractDocumentBackend``: a backend says whether it
can read a file (from its first bytes, never its name), how many pages it has
(None for formats without fixed pages), and reads the whole file or a page
range into the one document model.  The run layer needs nothing else to spread
a long file over workers: it reads page ranges and gives the parts back to the
backend to ``join``, so no format knowledge lives outside ``readers/``.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from enum import Enum
from pathlib import Path
from typing import ClassVar, Optional, Sequence

from ..model import Document


class Format(str, Enum):
    """The input formats; the value is what ``Document.format`` and the CLI show."""

    PDF = "pdf"
    HWP = "hwp"
    HWPX = "hwpx"


class Backend(ABC):
    """One file format → ``Document``.  Stateless: one instance may read many files."""

    format: ClassVar[Format]
    # Whether ``read`` takes a page range (a long file can then be read by several workers).
    paged: ClassVar[bool] = False

    @classmethod
    @abstractmethod
    def accepts(cls, head: bytes) -> bool:
        """Whether the file's first bytes (up to 1 KB) are this format."""

    def page_count(self, path: Path) -> Optional[int]:
        """Pages of the file without reading them; None when the format has no fixed pages or it cannot tell."""
        return None

    @abstractmethod
    def read(self, path: Path, pages: Optional[tuple[int, int]] = None) -> Document:
        """The whole file, or pages ``a``..``b`` (1-based, inclusive) of a paged format.

        Raises ``InputError`` with a sentence a clerk can act on for a file that
        cannot be read; never returns part of a file that failed part-way.
        """

    def join(self, path: Path, parts: Sequence[Document]) -> Document:
        """Page-range reads of one file, in page order, as the document a whole read gives."""
        first = parts[0]
        return Document.join(first.source, first.format, parts, first.page_count)
