"""HWP 5.0 (OLE compound file) → Document, with olefile + zlib and nothing else.

Own reader rather than python-hwpx: python-hwpx refuses 배포용 (distribution)
files, misses tables in text boxes and takes ~0.7 s on a 300 KB file; this one
reads them in milliseconds.  python-hwpx stays the independent oracle in the
tests.  Every inflate is bounded (limits.py), every record is bounds-checked
(records.py), so a damaged or hostile file ends in one InputError line.
"""
from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

import olefile

from ...errors import InputError, describe_os_error
from ...model import Cell, Document
from .blocks import BlockCollector, clean, compose_text
from .limits import MAX_MEMBER_BYTES, Budget, human_size, inflate_raw, limit_text
from .ole import check_container
from .records import (
    TAG_CTRL_HEADER,
    TAG_LIST_HEADER,
    TAG_PARA_HEADER,
    TAG_PARA_TEXT,
    TAG_TABLE,
    Record,
    build_tree,
    decrypt_view_text,
    parse_records,
)
from .refusals import HWP3, NOT_HWP, damaged, password, too_big

SIGNATURE = b"HWP Document File"
HWP3_MAGIC = b"HWP Document File V3"

# PARA_TEXT control characters (UTF-16 code units below 32).
_EXTENDED = frozenset({1, 2, 3, 11, 12, 14, 15, 16, 17, 18, 21, 22, 23})  # 8 units, own a CTRL_HEADER
_INLINE = frozenset({4, 5, 6, 7, 8, 9, 19, 20})  # 8 units, no CTRL_HEADER
_ONE_UNIT_TEXT = {10: "\n", 24: "-", 30: " ", 31: " "}  # line break, hyphen, no-break, fixed-width space

# A text piece of the paragraph, the index of a table in Document.tables, or
# ("box", text): a paragraph of a text box or caption, its own line in the body.
Event = Union[str, int, tuple[str, str]]


def read_hwp(path: Path) -> Document:
    """Read an HWP 5.0 file (normal or 배포용); InputError for password, HWP 3.x, damaged or non-HWP input."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            return _read_file(f, path.name)
    except OSError as e:
        raise InputError(describe_os_error(e)) from None


def _read_file(f: BinaryIO, source: str) -> Document:
    head = f.read(32)
    if head.startswith(HWP3_MAGIC):
        raise InputError(HWP3)
    if not head.startswith(olefile.MAGIC):
        raise InputError(NOT_HWP.format("OLE 복합 파일 머리가 없음"))
    check_container(f)  # olefile loops or recurses on some damaged containers: refuse those first
    try:
        ole = olefile.OleFileIO(f)
    except Exception:  # olefile raises OSError/struct.error/IndexError/... on damaged containers
        raise InputError(damaged("HWP", "OLE 컨테이너를 열 수 없습니다")) from None
    with ole:
        return _read_ole(ole, source)


def _stream(ole: olefile.OleFileIO, name: str) -> bytes:
    try:
        size = ole.get_size(name)
        if size > MAX_MEMBER_BYTES:
            raise InputError(too_big(f"HWP의 {name} 스트림이 {human_size(size)}로 한도 "
                                     f"{limit_text(MAX_MEMBER_BYTES)}를 넘습니다"))
        return ole.openstream(name).read()
    except InputError:
        raise
    except Exception:
        raise InputError(damaged("HWP", f"{name} 스트림을 읽을 수 없습니다")) from None


def _read_ole(ole: olefile.OleFileIO, source: str) -> Document:
    if not ole.exists("FileHeader"):
        raise InputError(NOT_HWP.format("OLE 파일이지만 HWP FileHeader가 없음"))
    header = _stream(ole, "FileHeader")
    if not header.startswith(SIGNATURE) or len(header) < 40:
        raise InputError(NOT_HWP.format("FileHeader에 HWP 서명이 없음"))
    (props,) = struct.unpack_from("<I", header, 36)
    if props & 0x2:
        raise InputError(password("HWP"))
    compressed = bool(props & 0x1)
    distribution = bool(props & 0x4)
    storage = "ViewText" if distribution else "BodyText"
    sections = _section_streams(ole, storage)
    if not sections and distribution is False and _section_streams(ole, "ViewText"):
        storage, distribution = "ViewText", True
        sections = _section_streams(ole, storage)
    if not sections:
        raise InputError(damaged("HWP", f"본문({storage}/Section) 스트림이 없습니다"))
    budget = Budget()
    walker = _Walker("HWP")
    for name in sections:
        data = _stream(ole, name)
        budget.take(len(data), f"HWP의 {name} 스트림")
        if distribution:
            data = decrypt_view_text(data, name)
        if compressed:
            data = inflate_raw(data, budget, name)
        roots = build_tree(parse_records(data, name))
        walker.part = name
        try:
            walker.section(roots)
        except RecursionError:
            raise InputError(damaged("HWP", f"{name}의 개체가 너무 깊게 겹쳐 있습니다")) from None
    return Document(source=source, format="hwp", blocks=walker.blocks, tables=walker.tables, warnings=walker.warnings)


def _section_streams(ole: olefile.OleFileIO, storage: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for entry in ole.listdir(streams=True, storages=False):
        if len(entry) == 2 and entry[0] == storage:
            m = re.fullmatch(r"Section(\d+)", entry[1])
            if m:
                found.append((int(m.group(1)), f"{storage}/{entry[1]}"))
    return [name for _, name in sorted(found)]


def _ctrl_id(rec: Record) -> bytes:
    return rec.payload[:4][::-1]


class _Walker(BlockCollector):
    """Walks the record tree, collecting body blocks and every table in document order."""

    def section(self, roots: list[Record]) -> None:
        for r in roots:
            if r.tag == TAG_PARA_HEADER:
                self.emit_paragraph(self._paragraph(r, None))

    # -- paragraphs ---------------------------------------------------------------------
    def _paragraph(self, para: Record, parent: Optional[int]) -> Iterator[Event]:
        """Text pieces and tables of one paragraph, in the order the text places them."""
        text = b""
        ctrls: list[Record] = []
        for ch in para.children:
            if ch.tag == TAG_PARA_TEXT and not text:
                text = ch.payload
            elif ch.tag == TAG_CTRL_HEADER:
                ctrls.append(ch)
        it = iter(ctrls)
        n = len(text) // 2
        units = struct.unpack_from(f"<{n}H", text) if n else ()
        start = 0
        i = 0
        while i < n:
            u = units[i]
            if u >= 32:
                i += 1
                continue
            if i > start:
                yield clean(text[2 * start : 2 * i].decode("utf-16le", errors="replace"))
            if u in _EXTENDED:
                ctrl = next(it, None)
                if ctrl is not None:
                    yield from self._control(ctrl, parent)
                i += 8
            elif u in _INLINE:
                if u == 9:
                    yield " "
                i += 8
            else:
                t = _ONE_UNIT_TEXT.get(u)
                if t:
                    yield t
                i += 1
            start = i
        if start < n:
            yield clean(text[2 * start : 2 * n].decode("utf-16le", errors="replace"))
        for ctrl in it:  # controls the text did not place (damaged text): keep their tables
            yield from (ev for ev in self._control(ctrl, parent) if not isinstance(ev, str))

    def _control(self, ctrl: Record, parent: Optional[int]) -> Iterator[Event]:
        cid = _ctrl_id(ctrl)
        if cid == b"tbl ":
            yield from self._table(ctrl, parent)
        elif cid == b"tcps":
            yield compose_text(_compose_raw(ctrl.payload))
        elif cid == b"gso ":
            # a drawing object: text-box lines are body lines of their own, not this paragraph's text
            yield from self._sub_paragraphs(ctrl, parent, keep_text=True)
        else:
            # notes, headers/footers, hidden comments: their text belongs nowhere, their tables count
            yield from self._sub_paragraphs(ctrl, parent, keep_text=False)

    def _sub_paragraphs(self, node: Record, parent: Optional[int], keep_text: bool) -> Iterator[Event]:
        for ch in node.children:
            if ch.tag == TAG_PARA_HEADER:
                pieces: list[str] = []
                for ev in self._paragraph(ch, parent):
                    if isinstance(ev, str):
                        pieces.append(ev)
                    elif isinstance(ev, int) or keep_text:
                        yield ev
                if keep_text:
                    yield ("box", "".join(pieces))
            else:
                yield from self._sub_paragraphs(ch, parent, keep_text)

    # -- tables -------------------------------------------------------------------------
    def _table(self, ctrl: Record, parent: Optional[int]) -> Iterator[Event]:
        kids = ctrl.children
        t_pos = next((k for k, r in enumerate(kids) if r.tag == TAG_TABLE), None)
        if t_pos is None:
            return
        trec = kids[t_pos].payload
        rows, cols = struct.unpack_from("<HH", trec, 4) if len(trec) >= 8 else (0, 0)
        idx = self.new_table(parent)
        table = self.tables[idx]
        yield idx
        # caption: a LIST_HEADER (and its paragraphs) before the TABLE record; its lines follow the table
        yield from self._sub_paragraphs(Record(0, 0, b"", kids[:t_pos]), parent, keep_text=True)
        cell_hdr: Optional[Record] = None
        lines: list[str] = []
        for r in kids[t_pos + 1 :]:
            if r.tag == TAG_LIST_HEADER:
                if cell_hdr is not None:
                    table.cells.append(_cell(cell_hdr, lines))
                cell_hdr, lines = r, []
            elif r.tag == TAG_PARA_HEADER and cell_hdr is not None:
                lines.append("".join(ev for ev in self._paragraph(r, idx) if isinstance(ev, str)))
        if cell_hdr is not None:
            table.cells.append(_cell(cell_hdr, lines))
        self.finish_table(idx, rows, cols)


def _cell(hdr: Record, lines: list[str]) -> Cell:
    p = hdr.payload
    if len(p) >= 16:
        col, row, colspan, rowspan = struct.unpack_from("<HHHH", p, 8)
    else:
        col = row = 0
        colspan = rowspan = 1
    return Cell(row=row, col=col, rowspan=max(1, rowspan), colspan=max(1, colspan), text="\n".join(lines))


def _compose_raw(payload: bytes) -> str:
    """글자 겹치기 (tcps): ctrl id, then a UINT16 length and that many UTF-16 units."""
    if len(payload) < 6:
        return ""
    (n,) = struct.unpack_from("<H", payload, 4)
    return payload[6 : 6 + 2 * n].decode("utf-16le", errors="replace")
