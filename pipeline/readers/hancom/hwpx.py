"""HWPX (OWPML zip) → Document, with zipfile + lxml and nothing else.

Own reader rather than python-hwpx: it is a few hundred lines, reads tables in
text boxes, runs in milliseconds, and every byte it inflates is bounded
(see limits.py).  python-hwpx stays the independent oracle in the tests.
Member names are only ever dictionary keys here: nothing touches the file
system except opening the input itself.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import BinaryIO, Iterator, Optional, Union

from lxml import etree

from ...errors import InputError, describe_os_error
from ...model import Cell, Document
from .blocks import BlockCollector, clean, compose_text
from .limits import Budget, check_zip_directory, read_zip_member
from .refusals import damaged, password

HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
OPF = "{http://www.idpf.org/2007/opf/}"

# Safe parser: no DTD, no entities, no network, no huge trees.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False, recover=False
)

# libxml2 error codes the reader words itself: a depth/size limit, an undefined &name;.
_ERR_RESOURCE_LIMIT = etree.ErrorTypes.ERR_RESOURCE_LIMIT
_ERR_UNDECLARED_ENTITY = etree.ErrorTypes.ERR_UNDECLARED_ENTITY
_MAX_DEPTH = 256  # libxml2's element depth without XML_PARSE_HUGE; OWPML nests ~6 levels per nested table

# Inline elements of hp:t and what they read as.
_T_CHILD_TEXT = {
    "tab": " ",
    "lineBreak": "\n",
    "fwSpace": " ",
    "nbSpace": " ",
    "hyphen": "-",
}
# hp:ctrl children whose text belongs to no body line and no cell (only their tables count).
_NOTE_CTRLS = {"footNote", "endNote"}
_HEADER_CTRLS = {"header", "footer"}

# A text piece of the paragraph, the index of a table in Document.tables, or
# ("box", text): a paragraph of a text box or caption, its own line in the body.
Event = Union[str, int, tuple[str, str]]


def read_hwpx(path: Path) -> Document:
    """Read an HWPX file; InputError for encrypted, damaged or oversized input."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            check_zip_directory(f)
            return _read_zip(f, path.name)
    except OSError as e:
        raise InputError(describe_os_error(e)) from None


def _read_zip(f: BinaryIO, source: str) -> Document:
    try:
        zf = zipfile.ZipFile(f)
    except Exception:  # zipfile raises BadZipFile/OSError/ValueError/struct.error/... on damaged archives
        raise InputError(damaged("HWPX", "zip 파일로 열 수 없습니다")) from None
    with zf:
        budget = Budget()
        infos: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            if info.filename in infos:  # which copy 한글 would show cannot be known
                raise InputError(damaged("HWPX", f"zip 안에 {info.filename} 파일이 두 개 있습니다"))
            infos[info.filename] = info
        _check_encryption(zf, infos, budget)
        sections = _section_names(zf, infos, budget)
        if not sections:
            raise InputError(damaged("HWPX", "본문(Contents/section*.xml)이 없습니다"))
        reader = _Reader("HWPX")
        for name in sections:
            data = read_zip_member(zf, infos[name], budget)
            root = _parse(data, name)
            reader.part = name
            try:
                reader.section(root)
            except RecursionError:
                raise InputError(damaged("HWPX", f"{name}의 표가 너무 깊게 겹쳐 있습니다")) from None
    return Document(source=source, format="hwpx", blocks=reader.blocks, tables=reader.tables, warnings=reader.warnings)


def _parse(data: bytes, name: str) -> etree._Element:
    """The member's root element; InputError naming what is wrong in words, not in libxml2's (which are English).

    A DOCTYPE is refused: 한글 never writes one, and its entities could only be dropped (the parser
    resolves none, so ``&e;`` would vanish from a cell's text) or expanded (the door to XXE and
    billion-laughs).  Predefined entities (``&amp;``) and character references (``&#44032;``) are plain XML
    and read as their characters.
    """
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        msg = str(e)
        if e.code == _ERR_RESOURCE_LIMIT and "depth" in msg.lower():
            raise InputError(damaged("HWPX", f"{name}의 요소가 {_MAX_DEPTH}단계보다 깊게 겹쳐 있습니다")) from None
        if e.code == _ERR_RESOURCE_LIMIT:
            raise InputError(damaged("HWPX", f"{name}에 XML 해석기의 한도(한 덩어리 10 MB)를 넘는 글자나 이름이 "
                                             "있습니다")) from None
        if e.code == _ERR_UNDECLARED_ENTITY:
            entity = re.search(r"Entity '([^']*)'", msg)
            named = f" (&{entity[1]};)" if entity else ""
            raise InputError(damaged("HWPX", f"{name}에 정의되지 않은 엔티티 참조가 있습니다{named}")) from None
        line = f" ({e.lineno}번째 줄)" if e.lineno else ""
        raise InputError(damaged("HWPX", f"{name}의 XML 형식이 올바르지 않습니다{line}")) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InputError(damaged("HWPX", f"{name}에 한글이 쓰지 않는 DOCTYPE이 있습니다 (그 안의 엔티티 참조는 "
                                         "버리거나 짐작할 수밖에 없음)")) from None
    return root


def _check_encryption(zf: zipfile.ZipFile, infos: dict, budget: Budget) -> None:
    """A password-saved HWPX declares encryption-data per member in META-INF/manifest.xml."""
    info = infos.get("META-INF/manifest.xml")
    if info is None:
        return
    data = read_zip_member(zf, info, budget)
    if b"encryption-data" in data or b"encryption-method" in data:
        raise InputError(password("HWPX"))


def _section_names(zf: zipfile.ZipFile, infos: dict, budget: Budget) -> list[str]:
    """Sections in the spine order of content.hpf; file-name order only when the hpf is missing or empty."""
    found: list[str] = []
    hpf = infos.get("Contents/content.hpf")
    if hpf is not None:
        root = _parse(read_zip_member(zf, hpf, budget), hpf.filename)
        hrefs: dict[str, str] = {}
        for item in root.iter(OPF + "item", "item"):
            iid, href = item.get("id"), item.get("href")
            if iid and href:
                hrefs[iid] = href
        for ref in root.iter(OPF + "itemref", "itemref"):
            href = hrefs.get(ref.get("idref") or "")
            if not href:
                continue
            for cand in (href, posixpath.normpath(posixpath.join("Contents", href))):
                if cand in infos and re.search(r"(^|/)section\d+\.xml$", cand):
                    if cand not in found:
                        found.append(cand)
                    break
    if not found:
        names = [n for n in infos if re.fullmatch(r"Contents/section\d+\.xml", n)]
        found = sorted(names, key=lambda n: int(re.search(r"(\d+)\.xml$", n).group(1)))
    return found


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


class _Reader(BlockCollector):
    """Walks section XML, collecting body blocks and every table in document order."""

    # -- body ---------------------------------------------------------------------------
    def section(self, root: etree._Element) -> None:
        for p in root:
            if _local(p) == "p":
                self.emit_paragraph(self._paragraph_events(p, parent=None))

    # -- paragraphs ---------------------------------------------------------------------
    def _paragraph_events(self, p: etree._Element, parent: Optional[int]) -> Iterator[Event]:
        """Text pieces and top-level table indices of one hp:p, in order.

        Text of text boxes, headers and notes is not the paragraph's text (the
        expected tables agree: a cell's text excludes them); their tables are still
        tables of the document (parent = the containing table).  Text-box
        paragraphs come back as ("box", text) so the body can keep them as lines.
        """
        for run in p:
            if _local(run) != "run":
                continue
            for ch in run:
                name = _local(ch)
                if name == "t":
                    yield clean(_t_text(ch))
                elif name == "tbl":
                    yield from self._table(ch, parent)
                elif name == "ctrl":
                    for sub in ch:
                        sname = _local(sub)
                        if sname in _HEADER_CTRLS or sname in _NOTE_CTRLS:
                            yield from self._tables_only(sub, parent)
                elif name == "compose":
                    yield compose_text(ch.get("composeText") or "")
                else:
                    # drawing objects (rect, ellipse, container, pic, ...) may carry hp:drawText
                    yield from self._sub_lists(ch, parent, keep_text=True)

    def _tables_only(self, el: etree._Element, parent: Optional[int]) -> Iterator[int]:
        """Tables of a note, header or footer: its text belongs to no body line and no cell."""
        for ev in self._sub_lists(el, parent, keep_text=False):
            if isinstance(ev, int):
                yield ev

    def _sub_lists(self, el: etree._Element, parent: Optional[int], keep_text: bool) -> Iterator[Event]:
        """Paragraphs of the outermost hp:subList elements under ``el`` (text boxes, captions, notes)."""
        for sub in el.iter(HP + "subList"):
            # only the outermost subLists here; inner ones are handled by the recursion
            anc = sub.getparent()
            nested = False
            while anc is not None and anc is not el:
                if _local(anc) in ("subList", "tbl"):
                    nested = True
                    break
                anc = anc.getparent()
            if nested:
                continue
            for p in sub:
                if _local(p) == "p":
                    pieces: list[str] = []
                    for ev in self._paragraph_events(p, parent):
                        if isinstance(ev, str):
                            pieces.append(ev)
                        elif isinstance(ev, int):
                            yield ev
                        elif keep_text:
                            yield ev
                    if keep_text:
                        yield ("box", "".join(pieces))

    # -- tables -------------------------------------------------------------------------
    def _table(self, tbl: etree._Element, parent: Optional[int]) -> Iterator[Event]:
        """The table's index, then its caption's tables and lines."""
        idx = self._table_grid(tbl, parent)
        yield idx
        for cap in tbl:
            if _local(cap) == "caption":
                yield from self._sub_lists(cap, parent, keep_text=True)

    def _table_grid(self, tbl: etree._Element, parent: Optional[int]) -> int:
        idx = self.new_table(parent)
        cells = self.tables[idx].cells
        for tr in tbl:
            if _local(tr) != "tr":
                continue
            for tc in tr:
                if _local(tc) != "tc":
                    continue
                cells.append(self._cell(tc, idx))
        self.finish_table(idx, _int(tbl.get("rowCnt")), _int(tbl.get("colCnt")))
        return idx

    def _cell(self, tc: etree._Element, table_idx: int) -> Cell:
        row = col = 0
        rowspan = colspan = 1
        lines: list[str] = []
        for ch in tc:
            name = _local(ch)
            if name == "cellAddr":
                row, col = _int(ch.get("rowAddr")), _int(ch.get("colAddr"))
            elif name == "cellSpan":  # 0 reads as 1, as 한글 does; a negative span is refused by finish_table
                rowspan = _int(ch.get("rowSpan"), 1) or 1
                colspan = _int(ch.get("colSpan"), 1) or 1
            elif name == "subList":
                for p in ch:
                    if _local(p) == "p":
                        lines.append("".join(ev for ev in self._paragraph_events(p, table_idx) if isinstance(ev, str)))
        return Cell(row=row, col=col, rowspan=rowspan, colspan=colspan, text="\n".join(lines))


def _t_text(t: etree._Element) -> str:
    parts = [t.text or ""]
    for ch in t:
        parts.append(_T_CHILD_TEXT.get(_local(ch), ""))
        parts.append(ch.tail or "")
    return "".join(parts)


def _int(v: Optional[str], default: int = 0) -> int:
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default
