"""Hancom backends: HWP 5.0 (OLE) and HWPX (OWPML zip), read straight from the file (see ``hwp``, ``hwpx``).

Both formats have no fixed pages: the whole file is one read, and ``Table.page`` stays None.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ...model import Document
from ..base import Backend, Format

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class HwpBackend(Backend):
    format = Format.HWP

    @classmethod
    def accepts(cls, head: bytes) -> bool:
        return head.startswith(OLE_MAGIC)

    def read(self, path: Path, pages: Optional[tuple[int, int]] = None) -> Document:
        from .hwp import read_hwp

        return read_hwp(path)


class HwpxBackend(Backend):
    format = Format.HWPX

    @classmethod
    def accepts(cls, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06")

    def read(self, path: Path, pages: Optional[tuple[int, int]] = None) -> Document:
        from .hwpx import read_hwpx

        return read_hwpx(path)


__all__ = ["HwpBackend", "HwpxBackend"]
