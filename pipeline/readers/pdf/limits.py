"""How much one PDF may make the reader hold, and the refusals when a file asks for more.

A PDF is small on disk and can be huge in memory: a 1 MB content stream inflates to 1 GB (deflate stores a
long run at about 1/1000), and a few kilobytes of operators draw a million glyphs, each of which pdfminer and
pdfplumber turn into objects of ~4 KB.  Every bound below is checked *while* the thing is made — bytes as
they are inflated, glyphs and drawings as the interpreter emits them — so a refused file costs at most the
bound, never what it declares.

The figures (``docs/pdf-reader.md`` has the measurements):

* ``stream_bytes`` 64 MB: the largest decoded stream the corpus has is a 1.1 MB content stream (an embedded
  Korean font subset is a few MB; a whole CJK font up to ~20 MB).
* ``page_content_bytes`` 16 MB: content executed for one page, every Form XObject counted each time it is
  drawn; the corpus's largest page executes 1.1 MB.  Executing 16 MB of operators that draw nothing takes
  pdfminer about 5 s.
* ``page_glyphs`` 50,000: the densest page of the corpus has 2,820; a page of 6 pt text edge to edge about
  15,000.  At the bound a page reads in ~5 s and ~200 MB.
* ``page_drawings`` 40,000 (paths, images and forms drawn): the corpus's busiest page has 11,366 (a plan
  drawn in 10,342 short strokes).  pdfplumber holds ~9 KB per drawing: ~360 MB at the bound.
* ``pair_checks`` 10 million: the comparisons of pairs the geometry of one page may make, all steps together
  (what lies under each filled box, which rules touch, which boxes nest, which table holds each glyph); each
  is a fraction of a microsecond, so a page at the bound costs seconds, not hours.  The corpus's busiest page
  makes ~0.5 million (the fills of a 33 × 25 form); every other step stays under 30,000.
* ``document_slots``: ``pipeline.model.MAX_DOCUMENT_SLOTS`` (1,000,000) for all the grids of one document,
  each grid checked before its walls are laid out, as the Hancom readers count theirs; the corpus's largest
  grid has 918.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Sequence

from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    LITERALS_LZW_DECODE,
    LITERALS_RUNLENGTH_DECODE,
    PDFStream,
)

from ...errors import InputError
from ...model import MAX_DOCUMENT_SLOTS, SlotBudget, Table

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    stream_bytes: int = 64 * MB
    page_content_bytes: int = 16 * MB
    page_glyphs: int = 50_000
    page_drawings: int = 40_000
    pair_checks: int = 10_000_000
    document_slots: int = MAX_DOCUMENT_SLOTS


DEFAULT_LIMITS = Limits()


def _mb(n: int) -> str:
    return f"{n / MB:,.0f} MB"


class StreamTooLarge(InputError):
    """One stream that inflates past ``Limits.stream_bytes``."""

    def __init__(self, objid: object, limit: int) -> None:
        super().__init__(f"PDF 개체 {objid}의 압축을 풀면 {_mb(limit)}를 넘어 읽지 않습니다 "
                         f"(한 스트림의 한도 {_mb(limit)}; 정상적인 보고서는 몇 MB를 넘지 않습니다)")


class PageTooHeavy(InputError):
    """A page that holds more than a bound allows: what, how much, and the bound."""


def content_too_large(limit: int) -> PageTooHeavy:
    return PageTooHeavy(f"내용(그 안에서 그리는 그림 개체 포함)을 풀면 {_mb(limit)}를 넘어 읽지 않습니다 "
                        f"(한 쪽의 한도 {_mb(limit)}; 보고서 한 쪽은 보통 1 MB 이하)")


def too_many_glyphs(limit: int) -> PageTooHeavy:
    return PageTooHeavy(f"글자가 {limit:,}개를 넘게 있어 읽지 않습니다 "
                        f"(한 쪽의 한도 {limit:,}개; 보고서 한 쪽은 보통 3,000개 이하)")


def too_many_drawings(limit: int) -> PageTooHeavy:
    return PageTooHeavy(f"그린 도형이 {limit:,}개를 넘게 있어 읽지 않습니다 "
                        f"(한 쪽의 한도 {limit:,}개; 보고서 한 쪽은 보통 10,000개 이하)")


def too_many_pairs(what: str, limit: int) -> PageTooHeavy:
    return PageTooHeavy(f"{what} 비교가 한 쪽의 한도 {limit:,}번을 넘어 읽지 않습니다 "
                        "(보고서 한 쪽은 보통 50만 번 이하)")


class PairCount:
    """The comparisons of pairs one page's geometry has made, refused past ``Limits.pair_checks``.

    A step that compares everything with everything says what it is about to spend (or spends as it goes)
    before doing it; one count per page, so the steps together stay within the bound.
    """

    def __init__(self, limit: int = DEFAULT_LIMITS.pair_checks) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, n: int, what: str) -> None:
        self.used += n
        if self.used > self.limit:
            raise too_many_pairs(what, self.limit)


def too_many_slots(rows: int, cols: int, limit: int) -> PageTooHeavy:
    return PageTooHeavy(f"표 격자가 {rows:,} × {cols:,}칸이라 한 문서의 표가 담을 수 있는 {limit:,}칸을 넘습니다 "
                        "— 실제 공약 보고서인지 확인하세요")


class TooManySlots(Exception):
    """A grid with more slots than the caller has room for, found before any per-slot list is made (the
    reader words it with ``too_many_slots``)."""

    def __init__(self, rows: int, cols: int) -> None:
        super().__init__(f"{rows} x {cols}")
        self.rows, self.cols = rows, cols


def take_slots(budget: SlotBudget, tables: Sequence[Table]) -> None:
    """Take each table from the document's slot budget in document order; refuse the one that passes it."""
    for t in tables:
        try:
            budget.take(t)
        except ValueError:
            exc = too_many_slots(t.rows, t.cols, budget.limit)
            exc.page = t.page
            raise exc from None


# ----------------------------------------------------------------------------- decoding within a bound

_CHUNK = 1 << 20


def _inflate(data: bytes, limit: int, keep: bool) -> tuple[int, bytes]:
    """Inflate in 1 MB steps, stopping past ``limit``; a corrupt tail ends it (pdfminer keeps what came before)."""
    d = zlib.decompressobj()
    total, out, buf = 0, [], data
    try:
        while buf and not d.eof:
            piece = d.decompress(buf, _CHUNK)
            total += len(piece)
            if total > limit:
                return total, b""
            if keep:
                out.append(piece)
            buf = d.unconsumed_tail
        rest = d.flush()  # what zlib still holds once the input is used up (at most its 32 KB window)
        total += len(rest)
        if keep:
            out.append(rest)
    except zlib.error:
        pass
    return total, b"".join(out)


def _lzw(data: bytes, limit: int, keep: bool) -> tuple[int, bytes]:
    total, out = 0, []
    try:
        for piece in LZWDecoder(BytesIO(data)).run():
            total += len(piece)
            if total > limit:
                return total, b""
            if keep:
                out.append(piece)
    except Exception:  # noqa: BLE001 — a corrupt code ends the data, as in pdfminer
        pass
    return total, b"".join(out)


def _runlength(data: bytes, limit: int, keep: bool) -> tuple[int, bytes]:
    total, i, n, out = 0, 0, len(data), bytearray()
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            run = data[i + 1 : i + 2 + length]
            i += length + 2
        else:
            run = data[i + 1 : i + 2] * (257 - length)
            i += 2
        total += len(run)
        if total > limit:
            return total, b""
        if keep:
            out += run
    return total, bytes(out)


def decoded_size(stream: PDFStream, limit: int) -> int:
    """How many bytes ``stream`` decodes to, found without ever holding more than ``limit`` of them.

    Filters that expand (Flate, LZW, RunLength) are run here under the bound; those that only shrink (ASCII
    hex and base-85) are run as pdfminer runs them; image codecs end the chain (pdfminer passes their data
    through).  Predictors never make data longer, so the size before them bounds the size after.
    """
    data = stream.rawdata if stream.rawdata is not None else b""
    if stream.decipher and stream.objid is not None and stream.genno is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    filters = stream.get_filters()
    size = len(data)
    for k, (f, _params) in enumerate(filters):
        keep = k + 1 < len(filters)  # the output is needed only as the next filter's input
        if f in LITERALS_FLATE_DECODE:
            size, data = _inflate(data, limit, keep)
        elif f in LITERALS_LZW_DECODE:
            size, data = _lzw(data, limit, keep)
        elif f in LITERALS_RUNLENGTH_DECODE:
            size, data = _runlength(data, limit, keep)
        elif f in LITERALS_ASCII85_DECODE:
            data = ascii85decode(data)
            size = len(data)
        elif f in LITERALS_ASCIIHEX_DECODE:
            data = asciihexdecode(data)
            size = len(data)
        else:
            break
        if size > limit:
            return size
    return size
