"""The readers: pick the backend from the file's bytes, not its name, and return the one document model.

A department that renames an ``.hwp`` to ``.pdf`` (or the reverse) still gets
its card read; a file that is none of our formats gets one clear line.  Formats
are a registry (``BACKENDS``), so a new format is one backend class, not a new
branch in every caller.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Document
from .base import Backend, Format
from .hancom import HwpBackend, HwpxBackend
from .pdf import PdfBackend

HWP3_MAGIC = b"HWP Document File V3"

# In the order they are tried; each backend recognises its own magic bytes.
BACKENDS: dict[Format, Backend] = {b.format: b for b in (PdfBackend(), HwpBackend(), HwpxBackend())}


def sniff(path: Path) -> Format:
    """The file's format from its first bytes; InputError for anything we do not read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(1024)
    except FileNotFoundError:
        raise InputError("file not found") from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file") from None
    except PermissionError:
        raise InputError("cannot read the file (permission denied)") from None
    if size == 0:
        raise InputError("empty file (0 bytes)")
    for fmt, backend in BACKENDS.items():
        if backend.accepts(head):
            return fmt
    if head.startswith(HWP3_MAGIC):
        raise InputError("file is HWP 3.x, which is not supported — save it as HWP 5.0/HWPX or PDF in 한글")
    raise InputError("not a PDF, HWP 5.0 or HWPX file (unrecognised content) — submit the card as PDF, HWP or HWPX")


def backend_for(path: Path) -> Backend:
    """The backend that reads this file (InputError when none does)."""
    return BACKENDS[sniff(path)]


def read_document(path: str | Path) -> Document:
    """Read any supported input into a Document; InputError for what the user must fix."""
    path = Path(path)
    return backend_for(path).read(path)


__all__ = ["BACKENDS", "Backend", "Format", "backend_for", "read_document", "sniff"]
