"""Builders for hostile and unlucky PDF inputs (issue 17), made from scratch so that no binary blob is committed.

``write_pdf`` writes numbered objects with a correct cross-reference table; ``update`` appends an
*incremental update* to an existing PDF (new versions of some objects after the original bytes, a new xref
section and a trailer pointing back with ``/Prev``), which is how rotated and cropped copies of a real corpus
card are made without touching its content.  ``pdf_value`` writes a value parsed by pdfminer back as PDF
syntax, so a page dictionary can be read, changed and written again.

The probe functions at the bottom each return the bytes of one input; tests/test_pdf_hostile.py writes them
to a temporary folder and runs the reader and the command line on them.

Longer than the usual 400 lines because it holds one builder per probe of issue 17 beside the two writers
(whole file, incremental update) they share; split, each half would need the other's writers.
"""
from __future__ import annotations

import re
import zlib
from io import BytesIO
from typing import Any, Iterable, Optional

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef
from pdfminer.psparser import PSLiteral

A4 = (0.0, 0.0, 595.0, 842.0)
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

# -- writing PDF syntax ----------------------------------------------------------------------------------


def _num(x: float) -> bytes:
    if isinstance(x, bool):
        return b"true" if x else b"false"
    if isinstance(x, int) or float(x).is_integer():
        return b"%d" % int(x)
    text = repr(float(x))  # the shortest text that reads back as the same float, so geometry is kept exactly
    return text.encode() if "e" not in text else (b"%.10f" % x).rstrip(b"0").rstrip(b".")


def _name(name: str | bytes) -> bytes:
    raw = name.encode("latin-1") if isinstance(name, str) else name
    out = bytearray(b"/")
    for ch in raw:
        if 0x21 <= ch <= 0x7E and ch not in b"#()<>[]{}/%":
            out.append(ch)
        else:
            out += b"#%02X" % ch
    return bytes(out)


def pdf_value(v: Any) -> bytes:
    """A value as pdfminer parses it (or a plain Python value) written back as PDF syntax."""
    if v is None:
        return b"null"
    if isinstance(v, (bool, int, float)):
        return _num(v)
    if isinstance(v, PDFObjRef):
        return b"%d 0 R" % v.objid
    if isinstance(v, PSLiteral):
        return _name(v.name)
    if isinstance(v, (bytes, bytearray)):
        return b"<" + bytes(v).hex().encode() + b">"
    if isinstance(v, str):
        return b"<" + v.encode("latin-1").hex().encode() + b">"
    if isinstance(v, (list, tuple)):
        return b"[" + b" ".join(pdf_value(x) for x in v) + b"]"
    if isinstance(v, dict):
        return b"<<" + b"".join(_name(k) + b" " + pdf_value(x) for k, x in v.items()) + b">>"
    raise TypeError(f"cannot write {type(v).__name__} as PDF")


def stream(data: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    """The body of a stream object (its dictionary, ``stream``, the bytes, ``endstream``)."""
    if compress:
        data = zlib.compress(data, 9)
        extra = b"/Filter /FlateDecode " + extra
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def write_pdf(objects: dict[int, bytes], root: int = 1, trailer: bytes = b"") -> bytes:
    """A whole PDF from object bodies by number; free entries fill the gaps in the xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objects[n] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer, xref)
    return bytes(out)


def update(data: bytes, objects: dict[int, bytes]) -> bytes:
    """``data`` with an incremental update: new versions of ``objects`` (by number, generation 0) appended."""
    doc = PDFDocument(PDFParser(BytesIO(data)))
    old = doc.xrefs[0].get_trailer()
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets: dict[int, int] = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objects[n] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for n in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (n, offsets[n])
    trailer = {k: old[k] for k in ("Root", "Info", "ID") if k in old}
    trailer["Size"] = max(int(old.get("Size", 0)), max(objects) + 1)
    trailer["Prev"] = prev
    out += b"trailer\n" + pdf_value(trailer) + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _pages(data: bytes) -> tuple[PDFDocument, list[PDFPage]]:
    doc = PDFDocument(PDFParser(BytesIO(data)))
    return doc, list(PDFPage.create_pages(doc))


def _next_free(doc: PDFDocument) -> int:
    return max(int(x) for xref in doc.xrefs for x in xref.get_objids()) + 1


def _page_dict(doc: PDFDocument, page: PDFPage) -> dict:
    raw = doc.getobj(page.pageid)
    assert isinstance(raw, dict)
    return dict(raw)


def one_page(content: bytes, page_extra: bytes = b"", media: tuple[float, ...] = A4, compress: bool = True,
             extra_objects: Optional[dict[int, bytes]] = None, resources: bytes = b"/Font << /F1 5 0 R >>") -> bytes:
    """A one-page PDF: catalog 1, page tree 2, page 3, content 4, Helvetica 5 (and ``extra_objects`` from 6)."""
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox " + pdf_value(list(media)) + b" /Contents 4 0 R /Resources << "
           + resources + b" >> " + page_extra + b">>",
        4: stream(content, compress=compress),
        5: HELVETICA,
    }
    objs.update(extra_objects or {})
    return write_pdf(objs)


def text_line(x: float, y: float, text: str, size: float = 10) -> bytes:
    esc = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"BT /F1 %s Tf %s %s Td (%s) Tj ET\n" % (_num(size), _num(x), _num(y), esc.encode("latin-1"))


def ruled_table(x0: float, top: float, widths: Iterable[float], heights: Iterable[float]) -> bytes:
    """Stroked rules of a fully bordered grid (PDF coordinates: ``top`` is the y of its top edge)."""
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [top]
    for h in heights:
        ys.append(ys[-1] - h)
    out = [b"0.5 w 0 G"]
    for y in ys:
        out.append(b"%s %s m %s %s l S" % (_num(xs[0]), _num(y), _num(xs[-1]), _num(y)))
    for x in xs:
        out.append(b"%s %s m %s %s l S" % (_num(x), _num(ys[0]), _num(x), _num(ys[-1])))
    return b"\n".join(out) + b"\n"


# -- rotated and cropped copies of a real card -------------------------------------------------------------

Matrix = tuple[float, float, float, float, float, float]


def _turn_matrix(angle: int, box: tuple[float, float, float, float]) -> tuple[Matrix, list[float]]:
    """The ``cm`` that turns a page's content ``angle`` degrees anticlockwise, and the media box it then fills."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if angle == 90:  # (x, y) -> (h - y, x), after moving the box's corner to the origin
        return (0, 1, -1, 0, h + y0, -x0), [0, 0, h, w]
    if angle == 180:
        return (-1, 0, 0, -1, w + x0, h + y0), [0, 0, w, h]
    if angle == 270:
        return (0, -1, 1, 0, -y0, w + x0), [0, 0, h, w]
    raise ValueError(angle)


def rotated(data: bytes, angle: int, how: str = "rotate") -> bytes:
    """Every page of ``data`` turned ``angle`` degrees (90, 180, 270): by the page's ``/Rotate`` (a viewer turns
    it clockwise, as a scanner's or a printer driver's turned page), by a ``cm`` in its content (drawn turned
    anticlockwise on a page the turned size), or ``"both"``: drawn turned and shown turned back (a landscape
    page that reads upright)."""
    doc, pages = _pages(data)
    free = _next_free(doc)
    objects: dict[int, bytes] = {}
    for page in pages:
        d = _page_dict(doc, page)
        if how in ("cm", "both"):
            m, media = _turn_matrix(angle, page.mediabox)
            objects[free] = stream(b"q %s cm\n" % b" ".join(_num(v) for v in m), compress=False)
            objects[free + 1] = stream(b"\nQ\n", compress=False)
            old = d.get("Contents")
            old_list = old if isinstance(old, list) else [old]
            d["Contents"] = [PDFObjRef(doc, free), *old_list, PDFObjRef(doc, free + 1)]
            d["MediaBox"] = media
            d.pop("CropBox", None)
            free += 2
        else:
            d["MediaBox"] = list(page.mediabox)
        if how in ("rotate", "both"):
            d["Rotate"] = (page.rotate + angle) % 360
        objects[page.pageid] = pdf_value(d)
    return update(data, objects)


def pages_of(data: bytes, count: int) -> bytes:
    """A PDF whose page tree lists ``count`` copies of the first page of ``data`` (each its own page object)."""
    doc, pages = _pages(data)
    first = pages[0]
    d = _page_dict(doc, first)
    d["MediaBox"] = list(first.mediabox)
    tree = d["Parent"].objid
    free = _next_free(doc)
    objects = {free + i: pdf_value(d) for i in range(count)}
    objects[tree] = pdf_value({"Type": PSLiteral("Pages"), "Kids": [PDFObjRef(doc, free + i) for i in range(count)],
                               "Count": count})
    return update(data, objects)


def with_content(data: bytes, content: bytes, resources: dict[str, dict[str, bytes]], margin: float = 0.0,
                 page_numbers: Optional[set[int]] = None) -> bytes:
    """``data`` with ``content`` drawn after each page's own (on pages ``page_numbers``, 1-based; all by
    default), using ``resources`` ({"Font": {"FHid": body}, "XObject": {...}}: each body a new object) beside
    the page's own.  With ``margin``, every page is widened by that many points on the right and given a
    CropBox showing only the original page."""
    doc, pages = _pages(data)
    free = _next_free(doc)
    objects: dict[int, bytes] = {}
    for no, page in enumerate(pages, 1):
        if page_numbers is not None and no not in page_numbers:
            continue
        d = _page_dict(doc, page)
        x0, y0, x1, y1 = page.mediabox
        d["MediaBox"] = [x0, y0, x1 + margin, y1]
        if margin:
            d["CropBox"] = [x0, y0, x1, y1]
        objects[free] = stream(b"q\n" + content + b"Q\n")
        old = d.get("Contents")
        d["Contents"] = [*(old if isinstance(old, list) else [old]), PDFObjRef(doc, free)]
        free += 1
        res = dict(doc.getobj(d["Resources"].objid) if isinstance(d.get("Resources"), PDFObjRef) else d.get("Resources", {}))
        for kind, named in resources.items():
            have = res.get(kind, {})
            have = dict(doc.getobj(have.objid) if isinstance(have, PDFObjRef) else have)
            for name, body in named.items():
                # an object may name itself as {SELF}: a form that draws itself
                objects[free] = body.replace(b"{SELF}", b"%d 0 R" % free)
                have[name] = PDFObjRef(doc, free)
                free += 1
            res[kind] = have
        d["Resources"] = res
        objects[page.pageid] = pdf_value(d)
    return update(data, objects)


def with_hidden_margin(data: bytes, content: bytes, margin: float = 300.0) -> bytes:
    """Every page widened by ``margin`` points on the right, with ``content`` drawn there (in font ``/FHid``),
    and a CropBox that shows only the original page: what is drawn in the margin is on no screen and no paper."""
    return with_content(data, content, {"Font": {"FHid": HELVETICA}}, margin=margin)


def with_self_drawing_form(data: bytes, page: int = 1) -> bytes:
    """Page ``page`` of ``data`` also draws an empty Form XObject that draws itself again (pdfminer refuses the
    second time and logs it)."""
    form = stream(b"/XSelf Do\n", extra=b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] "
                  b"/Resources << /XObject << /XSelf {SELF} >> >> ")
    return with_content(data, b"/XSelf Do\n", {"XObject": {"XSelf": form}}, page_numbers={page})


HIDDEN_CONTENT = (
    b"BT /FHid 12 Tf 620 700 Td (HIDDEN 999,999) Tj ET\n"
    b"0.5 w 0 G 610 650 m 880 650 l S 610 600 m 880 600 l S 610 550 m 880 550 l S\n"
    b"610 650 m 610 550 l S 745 650 m 745 550 l S 880 650 m 880 550 l S\n"
    b"BT /FHid 10 Tf 620 620 Td (2021) Tj 140 0 Td (123,456) Tj ET\n"
)

# -- page tree and reference cycles ------------------------------------------------------------------------

_HELLO = text_line(72, 720, "Hello")


def kid_refers_to_itself() -> bytes:
    """The page tree's only kid is an object that is nothing but a reference to itself (``6 0 obj 6 0 R``):
    pdfminer's ``resolve1`` follows it for ever."""
    return write_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
        6: b"6 0 R",
    })


def kids_refer_to_themselves() -> bytes:
    """``/Kids 6 0 R`` where object 6 is ``6 0 R``."""
    return write_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids 6 0 R /Count 1 >>",
        6: b"6 0 R",
    })


def two_objects_refer_to_each_other() -> bytes:
    return write_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
        6: b"7 0 R",
        7: b"6 0 R",
    })


def catalog_refers_to_itself() -> bytes:
    """The trailer's ``/Root`` is a reference to itself: the loop is met while the file is opened."""
    return write_pdf({1: b"1 0 R", 2: b"<< /Type /Pages /Kids [] /Count 0 >>"})


def kids_point_back_to_the_tree() -> bytes:
    """A page tree whose ``/Kids`` lists a real page and the tree itself (pdfminer skips the loop silently and
    reads one page where PDFium counts two)."""
    return write_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        4: stream(_HELLO),
        5: HELVETICA,
    })


def contents_refer_to_themselves() -> bytes:
    return one_page(b"", extra_objects={4: b"4 0 R"})


def cycle_on_last_page(pages: int = 2000) -> bytes:
    """``pages`` pages sharing one small content stream; the last page's ``/Contents`` refers to itself."""
    first = 10
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(pages))
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> >>" % pages,
        4: stream(_HELLO),
        5: HELVETICA,
        6: b"6 0 R",
    }
    for i in range(pages):
        objs[first + i] = b"<< /Type /Page /Parent 2 0 R /Contents %d 0 R >>" % (6 if i == pages - 1 else 4)
    return write_pdf(objs)


def form_draws_itself() -> bytes:
    """A Form XObject whose content draws the form again (pdfminer: "Refusing to execute circular reference")."""
    form = stream(_HELLO + b"/X1 Do\n", extra=b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                  b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> ")
    return one_page(b"/X1 Do\n", resources=b"/Font << /F1 5 0 R >> /XObject << /X1 6 0 R >>", extra_objects={6: form})


def media_box_missing(pages: int = 1, missing: int = 1) -> bytes:
    """``pages`` pages of one line each; page ``missing`` has no MediaBox anywhere (pdfminer: "MediaBox missing
    from /Page", read as US Letter)."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (10 + i) for i in range(pages)), pages),
            4: stream(_HELLO), 5: HELVETICA}
    for i in range(pages):
        media = b"" if i + 1 == missing else b"/MediaBox [0 0 595 842] "
        objs[10 + i] = b"<< /Type /Page /Parent 2 0 R " + media + b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
    return write_pdf(objs)


# -- text outside the crop box ------------------------------------------------------------------------------


def text_outside_crop_box(origin: tuple[float, float] = (0.0, 0.0)) -> bytes:
    """A page whose CropBox shows its top half: a line and a 2 × 2 ruled table there, and below the crop
    another line and another table that no viewer shows.  ``origin`` moves the page's boxes and its drawing
    (a MediaBox need not start at 0 0)."""
    dx, dy = origin
    content = (b"1 0 0 1 %s %s cm\n" % (_num(dx), _num(dy))
               + text_line(72, 780, "VISIBLE LINE") + ruled_table(72, 760, [100, 100], [20, 20])
               + text_line(80, 745, "A1") + text_line(180, 745, "B1")
               + text_line(72, 300, "HIDDEN LINE") + ruled_table(72, 280, [100, 100], [20, 20])
               + text_line(80, 265, "X1") + text_line(180, 265, "Y1"))
    crop = pdf_value([dx, 421 + dy, 595 + dx, 842 + dy])
    return one_page(content, page_extra=b"/CropBox " + crop + b" ", media=(dx, dy, 595 + dx, 842 + dy))


# -- heavy but legal --------------------------------------------------------------------------------------


def _deflated(head: bytes, size: int, chunk: int = 1 << 24) -> bytes:
    """``head`` then spaces up to ``size`` bytes, deflated (a long run stores at ~1/1000: 1 GB in ~1 MB)."""
    z = zlib.compressobj(9)
    parts = [z.compress(head)]
    blank = b" " * chunk
    left = size - len(head)
    while left > 0:
        parts.append(z.compress(blank[: min(chunk, left)]))
        left -= chunk
    parts.append(z.flush())
    return b"".join(parts)


def inflates_to(size: int = 1 << 30) -> bytes:
    """One page whose content stream is ``size`` bytes once inflated: a line of text, then spaces (legal
    between operators)."""
    data = _deflated(_HELLO, size)
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return one_page(b"", extra_objects={4: body})


def font_inflates_to(size: int = 1 << 30) -> bytes:
    """A page in a Type 1 font whose embedded font program (``/FontFile``) inflates to ``size`` bytes: pdfminer
    reads it whole when the font is first used."""
    data = _deflated(b"%!PS-AdobeFont-1.0: Hidden\n", size)
    font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Hidden /FirstChar 32 /LastChar 126 /Widths [" + b" 500" * 95
            + b"] /FontDescriptor 7 0 R >>")
    descriptor = (b"<< /Type /FontDescriptor /FontName /Hidden /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
                  b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile 8 0 R >>")
    program = (b"<< /Length %d /Length1 %d /Length2 0 /Length3 0 /Filter /FlateDecode >>\nstream\n" % (len(data), size)
               + data + b"\nendstream")
    return one_page(_HELLO, resources=b"/Font << /F1 6 0 R >>", extra_objects={6: font, 7: descriptor, 8: program})


def forms_within_forms(depth: int = 7, fan: int = 10) -> bytes:
    """Form XObjects ``depth`` deep, each drawing the next ``fan`` times: a few hundred bytes that draw
    ``fan ** depth`` glyphs (a billion-laughs of drawing)."""
    objs: dict[int, bytes] = {}
    first = 10
    for level in range(depth):
        me = first + level
        if level == depth - 1:
            body, res = b"BT /F1 1 Tf 0 0 Td (x) Tj ET", b"<< /Font << /F1 5 0 R >> >>"
        else:
            body = b" ".join([b"/X Do"] * fan)
            res = b"<< /XObject << /X %d 0 R >> >>" % (me + 1)
        objs[me] = stream(body, extra=b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + res + b" ")
    return one_page(_HELLO + b" ".join([b"/X Do"] * fan), resources=b"/Font << /F1 5 0 R >> /XObject << /X 10 0 R >>",
                    extra_objects=objs)


def glyphs_on_one_page(count: int = 1_000_000, per_line: int = 1000) -> bytes:
    """``count`` glyphs on one page, ``per_line`` to a line of 1 pt type (all distinct positions)."""
    letters = (b"abcdefghijklmnopqrstuvwxyz0123456789" * (per_line // 36 + 1))[:per_line]
    lines = [b"BT /F1 0.5 Tf 10 835 Td 0.6 TL"]
    for _ in range(count // per_line):
        lines.append(b"(" + letters + b") '")
    lines.append(b"ET")
    return one_page(b"\n".join(lines))


def drawings_on_one_page(count: int) -> bytes:
    """``count`` separate stroked boxes, each a table candidate on its own (the grid finder's worst case)."""
    cols = 200
    out = [_HELLO, b"0.3 w 0 G"]
    for i in range(count):
        x, y = 10 + (i % cols) * 2.9, 830 - (i // cols) * 2.9
        out.append(b"%s %s 2 2 re S" % (_num(round(x, 2)), _num(round(y, 2))))
    return one_page(b"\n".join(out))


def fills_on_one_page(count: int) -> bytes:
    """``count`` filled boxes in alternating greys over white hairlines: every fill is looked under."""
    out = [_HELLO]
    cols = 100
    for i in range(count):
        x, y = 10 + (i % cols) * 5.7, 830 - (i // cols) * 5.7
        out.append(b"%s g %s %s 5 5 re f" % (b"0.8" if i % 2 else b"0.6", _num(round(x, 2)), _num(round(y, 2))))
    out.append(b"1 G 0.2 w")
    for i in range(count):
        x, y = 10 + (i % cols) * 5.7, 830 - (i // cols) * 5.7
        out.append(b"%s %s m %s %s l S" % (_num(round(x, 2)), _num(round(y + 2.5, 2)), _num(round(x + 5, 2)), _num(round(y + 2.5, 2))))
    return one_page(b"\n".join(out))


def ruled_grid(rows: int, cols: int, pitch: float = 3.5) -> bytes:
    """One table of ``rows`` × ``cols`` cells drawn as ``rows + cols + 2`` long rules (``pitch`` apart: wider
    than the finder's ``snap``, so every rule stays a boundary), on a page as large as it needs."""
    w, h = cols * pitch, rows * pitch
    top = h + 20
    out = [text_line(5, top + 5, "Hello"), b"0.1 w 0 G"]
    for r in range(rows + 1):
        y = top - r * pitch
        out.append(b"10 %s m %s %s l S" % (_num(round(y, 3)), _num(round(10 + w, 3)), _num(round(y, 3))))
    for c in range(cols + 1):
        x = 10 + c * pitch
        out.append(b"%s %s m %s %s l S" % (_num(round(x, 3)), _num(round(top, 3)), _num(round(x, 3)), _num(round(top - h, 3))))
    return one_page(b"\n".join(out), media=(0, 0, max(595, w + 20), max(842, h + 40)))


def separate_boxes(count: int, size: float = 4.0, gap: float = 2.0) -> bytes:
    """``count`` closed boxes ``gap`` apart: one table to the finder's ``touch``, each a box of its own to its
    strict first pass (every box is compared with every other)."""
    cols = 150
    step = size + gap
    rows = -(-count // cols)
    height = rows * step + 40
    out = [text_line(5, height - 15, "Hello"), b"0.3 w 0 G"]
    for i in range(count):
        x, y = 10 + (i % cols) * step, height - 30 - (i // cols) * step
        out.append(b"%s %s %s %s re S" % (_num(round(x, 2)), _num(round(y, 2)), _num(size), _num(size)))
    return one_page(b"\n".join(out), media=(0, 0, max(595, cols * step + 20), max(842, height)))


__all__ = [name for name in dir() if not name.startswith("_")]
