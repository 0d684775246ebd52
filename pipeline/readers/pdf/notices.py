"""What pdfminer and pdfplumber say while a file is read, kept for the file instead of printed unnamed.

Both libraries report what they tolerate through ``logging`` (pdfminer's "Refusing to execute circular
reference to content stream 6", "MediaBox missing from /Page") and, rarely, ``warnings``.  With no logging set
up, Python prints such a record on stderr as a bare line: the clerk sees an English sentence naming no file
among the lines that do.  While a PDF is read, ``LibraryNotices`` takes every record of the ``pdfminer`` and
``pdfplumber`` loggers (nothing propagates further) and every warning, counts them by page and message, and
``messages`` words them in Korean for ``Document.warnings`` — which the run layer prints as
``FILE: warning: …`` and keeps as findings.  A notice the reader knows is worded exactly (``KNOWN``); any other
is worded by the library part that raised it (``BY_ORIGIN``: drawing operators, fonts, the file's syntax),
never quoted, since the libraries' sentences are English and name their internals.  When the read fails, the
reader's one line is the report and the notices are dropped.
"""
from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from typing import Iterator, Optional

LOGGERS = ("pdfminer", "pdfplumber")
# A hostile file can make pdfminer complain on every operator; a notice is kept once with its count, and at
# most this many different ones per file.
MAX_NOTICES = 50

# pdfminer's message templates (the ``%`` format before its arguments) and what they mean for the reader.
KNOWN = {
    "Refusing to execute circular reference to content stream %d":
        "그림 개체(Form XObject)가 자기 자신을 다시 그리게 되어 있어 한 번만 읽었습니다",
    "MediaBox missing from /Page (and not inherited), defaulting to US Letter":
        "용지 크기(MediaBox)가 없어 US Letter 크기로 보았습니다",
    "Invalid MediaBox in /Page, defaulting to US Letter":
        "용지 크기(MediaBox)가 잘못되어 US Letter 크기로 보았습니다",
    "Invalid CropBox in /Page, defaulting to MediaBox":
        "보이는 영역(CropBox)이 잘못되어 용지 전체를 읽었습니다",
    "Data-loss while decompressing corrupted data":
        "압축이 손상된 데이터를 읽을 수 있는 데까지만 읽었습니다 (뒷부분이 빠졌을 수 있습니다)",
}

# Any other notice, by the logger that raised it (the longest matching prefix): what it means for the reader.
BY_ORIGIN = {
    "pdfminer.pdfinterp": "그리기 명령에 잘못된 값이 있어 그 명령을 건너뛰고 읽었습니다 (선이나 색이 빠졌을 수 있습니다)",
    "pdfminer.pdffont": "글꼴 정보에 잘못된 부분이 있어 건너뛰고 읽었습니다 (글자가 빠지거나 바뀌었을 수 있습니다)",
    "pdfminer.cmapdb": "글꼴의 문자표(CMap)를 찾지 못해 건너뛰고 읽었습니다 (글자가 빠지거나 바뀌었을 수 있습니다)",
    "pdfminer": "PDF 구조에 잘못된 부분이 있어 건너뛰고 읽었습니다",
}
OTHER = "PDF를 해석하다 만난 문제를 넘기고 읽었습니다"


def worded(template: str, origin: str) -> str:
    """The Korean line of one notice (its template, the logger it came from; "" for a ``warnings`` warning)."""
    if template in KNOWN:
        return KNOWN[template]
    prefix = max((p for p in BY_ORIGIN if origin == p or origin.startswith(p + ".")), key=len, default=None)
    return BY_ORIGIN[prefix] if prefix else OTHER


class LibraryNotices(logging.Handler):
    """Counts library log records (WARNING and up) by the page being read and the message's template."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.page: Optional[int] = None
        self.seen: dict[tuple[Optional[int], str], list] = {}  # (page, template) -> [count, logger name]

    def on_page(self, page: Optional[int]) -> None:
        """The page being built or read from now on (None: the document itself)."""
        self.page = page

    def emit(self, record: logging.LogRecord) -> None:
        self.note(str(record.msg), record.name)

    def note(self, template: str, origin: str = "") -> None:
        key = (self.page, template)
        got = self.seen.get(key)
        if got is not None:
            got[0] += 1
        elif len(self.seen) < MAX_NOTICES:
            self.seen[key] = [1, origin]

    def messages(self, pages: Optional[set[int]] = None) -> list[str]:
        """One Korean line per notice and page (``N쪽: …`` when it belongs to a page; ``(K번)`` when repeated;
        notices worded alike on one page are one line); with ``pages``, only those of these pages and of the
        document itself."""
        counts: dict[tuple[Optional[int], str], int] = {}
        for (page, template), (count, origin) in self.seen.items():
            if pages is not None and page is not None and page not in pages:
                continue
            key = (page, worded(template, origin))
            counts[key] = counts.get(key, 0) + count
        out = []
        for (page, said), count in counts.items():
            if count > 1:
                said += f" ({count:,}번)"
            out.append(f"{page}쪽: {said}" if page is not None else said)
        return out


@contextmanager
def library_notices() -> Iterator[LibraryNotices]:
    """Collect the libraries' log records and warnings while the block runs; nothing of theirs is printed."""
    handler = LibraryNotices()
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate, logger.level))
        logger.addHandler(handler)
        logger.propagate = False
        if logger.level == logging.NOTSET or logger.level > logging.WARNING:
            logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = lambda message, *args, **kwargs: handler.note(str(message))
            yield handler
    finally:
        for logger, propagate, level in saved:
            logger.removeHandler(handler)
            logger.propagate = propagate
            logger.setLevel(level)
