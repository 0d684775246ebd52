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
from typing import Iterator, Optional, Union

from lxml import etree

from ...errors import InputError
from ...model import Cell, Document, Table
from .blocks import BlockCollector, clean, compose_text
from .limits import Budget, read_zip_member

HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
OPF = "{http://www.idpf.org/2007/opf/}"

# Safe parser: no DTD, no entities, no network, no huge trees.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False, recover=False
)

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
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError("file not found") from None
    except Exception as e:  # zipfile raises BadZipFile/OSError/ValueError/struct.error/... on damaged archives
        raise InputError(f"HWPX is damaged: not a readable zip ({_short(e)})") from None
    with zf:
        budget = Budget()
        infos = {i.filename: i for i in zf.infolist()}
        _check_encryption(zf, infos, budget)
        sections = _section_names(zf, infos, budget)
        if not sections:
            raise InputError("HWPX is damaged: no Contents/section*.xml in the file")
        reader = _Reader()
        for name in sections:
            data = read_zip_member(zf, infos[name], budget)
            root = _parse(data, name)
            try:
                reader.section(root)
            except RecursionError:
                raise InputError(f"HWPX is damaged: {name} nests tables too deeply") from None
    return Document(source=path.name, format="hwpx", blocks=reader.blocks, tables=reader.tables)


def _short(e: BaseException) -> str:
    s = str(e).strip()
    return (s.splitlines()[0] if s else type(e).__name__)[:120]


def _parse(data: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise InputError(f"HWPX is damaged: {name} is not well-formed XML ({_short(e)})") from None


def _check_encryption(zf: zipfile.ZipFile, infos: dict, budget: Budget) -> None:
    """A password-saved HWPX declares encryption-data per member in META-INF/manifest.xml."""
    info = infos.get("META-INF/manifest.xml")
    if info is None:
        return
    data = read_zip_member(zf, info, budget)
    if b"encryption-data" in data or b"encryption-method" in data:
        raise InputError("HWPX is encrypted — remove the password in 한글 and submit again")


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
        rows = _int(tbl.get("rowCnt"))
        cols = _int(tbl.get("colCnt"))
        table = Table(rows=rows, cols=cols, cells=[], parent=parent)
        idx = len(self.tables)
        self.tables.append(table)
        for tr in tbl:
            if _local(tr) != "tr":
                continue
            for tc in tr:
                if _local(tc) != "tc":
                    continue
                table.cells.append(self._cell(tc, idx))
        if table.cells:
            table.rows = max(table.rows, max(c.row + c.rowspan for c in table.cells))
            table.cols = max(table.cols, max(c.col + c.colspan for c in table.cells))
        return idx

    def _cell(self, tc: etree._Element, table_idx: int) -> Cell:
        row = col = 0
        rowspan = colspan = 1
        lines: list[str] = []
        for ch in tc:
            name = _local(ch)
            if name == "cellAddr":
                row, col = _int(ch.get("rowAddr")), _int(ch.get("colAddr"))
            elif name == "cellSpan":
                rowspan = max(1, _int(ch.get("rowSpan"), 1))
                colspan = max(1, _int(ch.get("colSpan"), 1))
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
