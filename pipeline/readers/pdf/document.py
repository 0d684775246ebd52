"""Opening a PDF with guards at the doors pdfminer has no guard on: object references, streams, the page tree.

pdfminer trusts the file's structure in three places where a hostile or broken file makes it run for ever or
fill memory:

* **References.**  ``resolve1`` follows a reference until it finds a value; an object that is nothing but a
  reference to itself (``6 0 obj 6 0 R``), or two that name each other, make it loop without end (a 384-byte
  file held a core for the whole time limit).  Every object pdfminer asks for passes ``getobj``, so
  ``GuardedDocument.getobj`` follows such a chain once, with the objects it has seen, and refuses a loop.
* **Streams.**  A stream is inflated whole when pdfminer first needs it.  The document hands out its
  streams as ``BoundedStream`` (the same object, its class narrowed), whose ``decode`` first measures the
  decoded size without keeping it (``limits.decoded_size``) and refuses past ``Limits.stream_bytes``.
* **The page tree.**  pdfminer walks ``/Kids`` recursively and skips a node it has already seen without a
  word: a tree whose kids point back to it reads fewer pages than PDFium counts, and a deep tree exhausts
  Python's recursion.  ``check_page_tree`` walks it first, iteratively, and refuses a loop, a node listed
  twice, or a tree deeper than ``MAX_TREE_DEPTH``.

``open_pdf`` gives a ``pdfplumber.PDF`` built on that document, whose pages are ``BoundedPage``s
(``pagelimits``); pdfplumber's own ``PDF.__init__`` is not used because it builds its document itself.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Optional

import pdfplumber
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFNoValidXRef, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjectNotFound, PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import LIT, PSEOF
from pdfplumber.utils.exceptions import PdfminerException

from ...errors import InputError
from .limits import DEFAULT_LIMITS, Limits, StreamTooLarge, decoded_size

REMAKE = "원본에서 PDF를 다시 만들어 제출하세요"
MSG_PASSWORD = "암호가 걸린 PDF입니다 — 암호를 풀고 다시 제출하세요"
MSG_ENCRYPTION = "PDF가 읽을 수 없는 방식으로 암호화되어 있습니다 — 암호를 풀고 다시 제출하세요"
MSG_TRUNCATED = f"PDF 파일이 손상되었거나 중간에 잘렸습니다 — {REMAKE}"
MSG_NO_XREF = f"PDF를 읽을 수 없습니다: 개체 목록(xref)을 찾지 못했습니다 (손상된 파일) — {REMAKE}"
MSG_UNREADABLE = f"PDF를 읽을 수 없습니다: 파일 구조를 해석하지 못했습니다 (손상된 파일) — {REMAKE}"
MSG_TOO_DEEP = f"PDF의 개체가 너무 깊게 겹쳐 있어 읽을 수 없습니다 (손상된 파일) — {REMAKE}"

LITERAL_PAGES = LIT("Pages")
# A page tree this deep is no real document (a few levels hold thousands of pages); pdfminer walks it by
# recursion, so a deeper one would end in a RecursionError instead of a reason.
MAX_TREE_DEPTH = 64


class BrokenStructure(InputError):
    """The file's object structure cannot be followed (a loop or a tree that never ends): refused, not waited out."""


def reference_loop(objid: int) -> BrokenStructure:
    return BrokenStructure(f"PDF 개체 {objid}의 참조를 따라가면 자기 자신으로 돌아옵니다 (손상된 파일) — {REMAKE}")


PAGE_TREE_LOOP = f"PDF의 쪽 목록이 자기 자신을 가리킵니다 (손상된 파일) — {REMAKE}"
PAGE_TREE_TWICE = f"PDF의 쪽 목록에 같은 쪽이 두 번 들어 있습니다 (손상된 파일) — {REMAKE}"
PAGE_TREE_DEEP = f"PDF의 쪽 목록이 {MAX_TREE_DEPTH}단계보다 깊게 겹쳐 있습니다 (손상된 파일) — {REMAKE}"


class BoundedStream(PDFStream):
    """A pdfminer stream that measures what it will inflate to before it inflates."""

    limit: int = DEFAULT_LIMITS.stream_bytes

    def decode(self) -> None:
        if decoded_size(self, self.limit) > self.limit:
            raise StreamTooLarge(self.objid, self.limit)
        super().decode()


class GuardedDocument(PDFDocument):
    """pdfminer's document with reference loops refused and every stream bounded (see the module's docstring)."""

    def __init__(self, parser: PDFParser, password: str = "", limits: Limits = DEFAULT_LIMITS) -> None:
        # Set before pdfminer's constructor, which already resolves the trailer's /Root and /Info through getobj.
        self.limits = limits
        self._checked: set[int] = set()
        super().__init__(parser, password=password)

    def getobj(self, objid: int) -> object:
        obj = super().getobj(objid)
        if objid not in self._checked:
            if isinstance(obj, PDFObjRef):
                self._follow(objid, obj)
            elif type(obj) is PDFStream:
                obj.__class__ = BoundedStream
                obj.limit = self.limits.stream_bytes  # type: ignore[attr-defined]
            self._checked.add(objid)
        return obj

    def _follow(self, objid: int, ref: PDFObjRef) -> None:
        """Follow an object that is only a reference to another; refuse when the chain comes back on itself."""
        chain = [objid]
        x: Any = ref
        while isinstance(x, PDFObjRef) and x.objid not in self._checked:
            if x.objid in chain:
                raise reference_loop(x.objid)
            chain.append(x.objid)
            try:
                x = super().getobj(x.objid)
            except PDFObjectNotFound:
                break
        self._checked.update(chain)


def _node(obj: Any) -> tuple[Optional[int], Optional[list]]:
    """A page-tree node's object number and, for an intermediate node (``/Type /Pages``), its kids."""
    objid = obj.objid if isinstance(obj, PDFObjRef) else None
    d = resolve1(obj)
    if not isinstance(d, dict):
        return objid, None
    kind = d.get("Type", d.get("type"))
    if kind is not LITERAL_PAGES or "Kids" not in d:
        return objid, None
    kids = resolve1(d["Kids"])
    return objid, list(kids) if isinstance(kids, list) else []


def check_page_tree(doc: PDFDocument) -> None:
    """Walk ``/Pages`` once without recursion; refuse a node that is its own ancestor or listed twice."""
    root = doc.catalog.get("Pages")
    if root is None:
        return  # pdfminer then looks for pages among all objects; no tree, no loop
    rid, kids = _node(root)
    if kids is None:
        return
    path: list[Optional[int]] = [rid]
    seen: set[int] = {rid} if rid is not None else set()
    stack: list[Iterator[Any]] = [iter(kids)]
    while stack:
        kid = next(stack[-1], None)
        if kid is None:
            stack.pop()
            path.pop()
            continue
        objid, grandkids = _node(kid)
        if objid is not None:
            if objid in path:
                raise BrokenStructure(PAGE_TREE_LOOP)
            if objid in seen:
                raise BrokenStructure(PAGE_TREE_TWICE)
            seen.add(objid)
        if grandkids is not None:
            if len(stack) >= MAX_TREE_DEPTH:
                raise BrokenStructure(PAGE_TREE_DEEP)
            path.append(objid)
            stack.append(iter(grandkids))


class GuardedPDF(pdfplumber.PDF):
    """A pdfplumber PDF on a ``GuardedDocument``; its pages are read one at a time through ``page``."""

    def __init__(self, stream: Any, path: Optional[Path] = None, limits: Limits = DEFAULT_LIMITS) -> None:
        # The attributes pdfplumber's own constructor sets and its pages read.
        self.stream = stream
        self.stream_is_external = False
        self.path = path
        self.pages_to_parse = None
        self.laparams = None
        self.password = None
        self.unicode_norm = None
        self.raise_unicode_errors = True
        self.limits = limits
        try:
            self.doc = GuardedDocument(PDFParser(stream), password="", limits=limits)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 — as pdfplumber wraps it; the reader words it
            raise PdfminerException(exc) from exc
        self.rsrcmgr = PDFResourceManager()
        self.metadata = {}

    def page_objects(self, on_page: Optional[Any] = None) -> list[PDFPage]:
        """Every page of the document (the tree checked first); ``on_page(n)`` is told which page is being built."""
        check_page_tree(self.doc)
        out: list[PDFPage] = []
        pages = PDFPage.create_pages(self.doc)
        while True:
            if on_page is not None:
                on_page(len(out) + 1)
            try:
                out.append(next(pages))
            except StopIteration:
                break
        return out

    def close(self) -> None:
        """Close the file only: pdfplumber's ``close`` would build every page to close it."""
        self.stream.close()


def open_pdf(path: Path, limits: Limits = DEFAULT_LIMITS) -> GuardedPDF:
    stream = open(path, "rb")
    try:
        return GuardedPDF(stream, path=Path(path), limits=limits)
    except BaseException:
        stream.close()
        raise


# ----------------------------------------------------------------------------- failures in one line


def _cause_chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen: set[int] = set()
    cur: Optional[BaseException] = exc
    while cur is not None and id(cur) not in seen:
        out.append(cur)
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
        if cur is None and out[-1].args and isinstance(out[-1].args[0], BaseException):
            cur = out[-1].args[0]
    return out


def input_error(exc: BaseException) -> InputError:
    """The one-line reason for a pdfminer failure (pdfplumber wraps them, sometimes with no message).

    One of the reader's own refusals raised inside pdfminer comes out as it was raised; running out of memory
    is not the input's sentence to word, so it propagates for the run layer to report.  pdfminer's own texts
    are English and name its internals, so the reason is worded by the kind of failure, never quoted.
    """
    chain = _cause_chain(exc)
    for e in chain:
        if isinstance(e, InputError):
            return e
        if isinstance(e, MemoryError):
            raise e
    if any(isinstance(e, PDFPasswordIncorrect) for e in chain):
        return InputError(MSG_PASSWORD)
    if any(isinstance(e, RecursionError) for e in chain):
        return InputError(MSG_TOO_DEEP)
    text = " ".join(str(e) for e in chain).lower()
    if any(isinstance(e, PSEOF) for e in chain) or "unexpected eof" in text or "truncat" in text:
        return InputError(MSG_TRUNCATED)
    if any(isinstance(e, PDFEncryptionError) for e in chain):
        return InputError(MSG_ENCRYPTION)
    if any(isinstance(e, PDFNoValidXRef) for e in chain):
        return InputError(MSG_NO_XREF)
    return InputError(MSG_UNREADABLE)


def close_quietly(pdf: pdfplumber.PDF) -> None:
    """Close a PDF whatever state it is in (pdfplumber's close() walks the page tree again, which on a broken
    tree raises a second time)."""
    try:
        pdf.close()
    except Exception:  # noqa: BLE001 — the first failure has already been reported
        try:
            pdf.stream.close()
        except Exception:  # noqa: BLE001
            pass
