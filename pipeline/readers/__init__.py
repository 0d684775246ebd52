"""The readers: pick the backend from the file's bytes, not its name, and return the one document model.

A department that renames an ``.hwp`` to ``.pdf`` (or the reverse) still gets
its card read; a file that is none of our formats gets one clear line.  Formats
are a registry (``BACKENDS``), so a new format is one backend class, not a new
branch in every caller.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, describe_os_error
from ..model import Document
from .base import Backend, Format
from .hancom import HwpBackend, HwpxBackend
from .hancom.hwp import HWP3_MAGIC
from .hancom.refusals import HWP3
from .pdf import PdfBackend

# In the order they are tried; each backend recognises its own magic bytes.
BACKENDS: dict[Format, Backend] = {b.format: b for b in (PdfBackend(), HwpBackend(), HwpxBackend())}


def sniff(path: Path) -> Format:
    """The file's format from its first bytes; InputError for anything we do not read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as exc:  # the same words as every command's (an I/O error too: one line, not a crash)
        raise InputError(describe_os_error(exc)) from None
    if size == 0:
        raise InputError("빈 파일입니다 (0바이트) — 내용이 담긴 파일을 다시 제출하세요")
    for fmt, backend in BACKENDS.items():
        if backend.accepts(head):
            return fmt
    if head.startswith(HWP3_MAGIC):
        raise InputError(HWP3)
    raise InputError("PDF, HWP 5.0, HWPX 파일이 아닙니다 (내용을 알아볼 수 없음) — 카드를 PDF, HWP, HWPX 중 하나로 "
                     "제출하세요")


def backend_for(path: Path) -> Backend:
    """The backend that reads this file (InputError when none does)."""
    return BACKENDS[sniff(path)]


def read_document(path: str | Path) -> Document:
    """Read any supported input into a Document; InputError for what the user must fix."""
    path = Path(path)
    return backend_for(path).read(path)


__all__ = ["BACKENDS", "Backend", "Format", "backend_for", "read_document", "sniff"]
