"""Pick the reader from the file's bytes, not its name, and return the one document model.

A department that renames an ``.hwp`` to ``.pdf`` (or the reverse) still gets
its card read; a file that is none of our formats gets one clear line.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Document

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HWP3_MAGIC = b"HWP Document File V3"


def sniff(path: Path) -> str:
    """'pdf' | 'hwp' | 'hwpx' from the first bytes; InputError for anything else."""
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
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "hwp"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "hwpx"
    if head.startswith(HWP3_MAGIC):
        raise InputError("file is HWP 3.x, which is not supported — save it as HWP 5.0/HWPX or PDF in 한글")
    raise InputError("not a PDF, HWP 5.0 or HWPX file (unrecognised content) — submit the card as PDF, HWP or HWPX")


def read_document(path: str | Path) -> Document:
    """Read any supported input into a Document; InputError for what the user must fix."""
    path = Path(path)
    fmt = sniff(path)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(path)
    if fmt == "hwp":
        from .hwp import read_hwp

        return read_hwp(path)
    from .hwpx import read_hwpx

    return read_hwpx(path)
