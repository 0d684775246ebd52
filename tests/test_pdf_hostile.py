"""Hostile and unlucky PDF input (issue 17): turned pages, reference loops, hidden text, heavy pages.

Every input is built by tests/hostile_pdf.py (no binary blob in the repository).  A turned copy of the seed
card must read and score like the upright one; a file that loops or asks for more than the reader's bounds
must end in one clear line naming the file, within 60 s and 1 GB peak RSS (``python -m pipeline extract`` in
a subprocess, its time and peak memory from ``os.wait4``); what the PDF libraries say must never reach the
terminal without the file's name.
"""
from __future__ import annotations

import random
import time
import tracemalloc
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import hostile_pdf as H
import pytest
from bounded_run import LIMIT_S, assert_bounded, run_cli
from scoring import assert_perfect, score

from pipeline.errors import InputError, NoPledgeItem
from pipeline.model import MAX_DOCUMENT_SLOTS, TextBlock
from pipeline.readers.pdf import document as D
from pipeline.readers.pdf import limits as L
from pipeline.readers.pdf.frame import _clip_segment, reading_turn
from pipeline.readers.pdf.reader import read_pdf
from pipeline.readers.pdf.segments import FILLS
from pipeline.readers.pdf.text import dedupe

SEED = "cards/seed57-2021Q4.lo.pdf"
TRUTH = "cards/seed57-2021Q4.truth.json"


# -- 1. turned pages read like upright ones ------------------------------------------------------------------

TURNS = [("rotate", 90), ("rotate", 180), ("rotate", 270), ("cm", 90), ("cm", 180), ("cm", 270), ("both", 90)]


def _cells(doc) -> list[list[tuple]]:
    return [[(c.row, c.col, c.rowspan, c.colspan, c.text) for c in t.cells] for t in doc.tables]


def _texts(doc) -> list[str]:
    """The text lines between the tables."""
    return [b.text for b in doc.blocks if isinstance(b, TextBlock)]


def _boxes_close(a, b, tol: float = 0.011) -> bool:
    """Cell boxes equal up to the last rounded digit (a quarter turn there and back moves a float by 1e-13)."""
    return all(abs(x - y) <= tol for ta, tb in zip(a.tables, b.tables) for ca, cb in zip(ta.cells, tb.cells)
               for x, y in zip(ca.bbox, cb.bbox))


@pytest.mark.parametrize("how, angle", TURNS, ids=[f"{h}-{a}" for h, a in TURNS])
def test_turned_card_reads_and_scores_like_the_upright_one(corpus: Path, tools: Path, extracted, tmp_path: Path,
                                                           how: str, angle: int) -> None:
    """``/Rotate`` (a viewer turns the page), a ``cm`` in the content (drawn turned on a landscape page), and
    both at once (drawn turned, shown upright): every table cell for cell, the text between them line for
    line, and the CSVs scoring 1.000."""
    seed = corpus / SEED
    path = tmp_path / seed.name  # the truth names its sources by file name
    path.write_bytes(H.rotated(seed.read_bytes(), angle, how))
    upright, turned = read_pdf(seed), read_pdf(path)
    assert _cells(turned) == _cells(upright)
    assert _boxes_close(turned, upright)
    assert _texts(turned) == _texts(upright)
    assert turned.warnings == []
    assert_perfect(score(tools, corpus / TRUTH, extracted(path).out, source=seed.name))


def test_a_few_turned_labels_do_not_turn_the_page() -> None:
    upright = {"text": "가", "matrix": (1, 0, 0, 1, 0, 0)}
    up_the_page = {"text": "나", "matrix": (0, 1, -1, 0, 0, 0)}
    assert reading_turn([upright] * 6 + [up_the_page] * 4) == 0
    assert reading_turn([upright] * 4 + [up_the_page] * 6) == 90
    assert reading_turn([{"text": "x", "matrix": (-1, 0, 0, -1, 0, 0)}] * 3 + [{"text": " ", "matrix": (1, 0, 0, 1, 0, 0)}] * 9) == 180
    assert reading_turn([{"text": "x", "matrix": (0, -2, 2, 0, 0, 0)}]) == 270
    assert reading_turn([]) == 0


def test_turned_page_keeps_a_turned_crop_box(tmp_path: Path) -> None:
    """The crop box follows ``/Rotate`` as the page's objects do: what is outside it stays unread after the turn."""
    path = tmp_path / "turned-crop.pdf"
    path.write_bytes(H.rotated(H.text_outside_crop_box(), 90, "rotate"))
    doc = read_pdf(path)
    assert _texts(doc) == ["VISIBLE LINE"]
    assert [[c.text for c in t.cells] for t in doc.tables] == [["A1", "B1", "", ""]]


# -- 3. what the crop box hides is not read ------------------------------------------------------------------


@pytest.mark.parametrize("origin", [(0, 0), (-100, 250)])
@pytest.mark.parametrize("angle", [0, 90, 180, 270])
def test_text_and_rules_outside_the_crop_box_are_not_read(tmp_path: Path, origin: tuple[int, int], angle: int) -> None:
    """Whatever the page's origin and however it is shown turned: the crop box is mapped as its objects are."""
    path = tmp_path / "crop.pdf"
    data = H.text_outside_crop_box(origin)
    path.write_bytes(H.rotated(data, angle, "rotate") if angle else data)
    doc = read_pdf(path)
    assert _texts(doc) == ["VISIBLE LINE"]
    assert [[c.text for c in t.cells] for t in doc.tables] == [["A1", "B1", "", ""]]


def test_card_with_figures_in_a_hidden_margin_reads_like_the_clean_card(corpus: Path, tools: Path, extracted,
                                                                        tmp_path: Path) -> None:
    """A margin beyond the CropBox holding text and a ruled 2 × 2 table with figures: no viewer shows it, so
    neither the tables nor the CSVs may have it."""
    seed = corpus / SEED
    path = tmp_path / seed.name
    path.write_bytes(H.with_hidden_margin(seed.read_bytes(), H.HIDDEN_CONTENT))
    clean, hidden = read_pdf(seed), read_pdf(path)
    assert hidden.tables_json() == clean.tables_json()
    assert _texts(hidden) == _texts(clean)
    assert_perfect(score(tools, corpus / TRUTH, extracted(path).out, source=seed.name))


def test_a_path_crossing_the_crop_edge_keeps_its_visible_part() -> None:
    box = (0.0, 0.0, 100.0, 100.0)
    assert _clip_segment((50, 50), (150, 50), box) == ((50, 50), (100, 50))
    assert _clip_segment((-20, 10), (20, 10), box) == ((0, 10), (20, 10))
    assert _clip_segment((150, 10), (200, 10), box) is None
    assert _clip_segment((50, -10), (50, 110), box) == ((50, 0), (50, 100))


# -- 2. loops and library messages ---------------------------------------------------------------------------


@dataclass
class Probe:
    name: str
    build: Callable[[], bytes]
    error: Optional[str] = None  # the reader's InputError message, exactly; None when the file reads
    page: Optional[int] = None  # the page the error names
    warnings: tuple[str, ...] = ()  # when it reads: Document.warnings
    slow: bool = False  # 3 s or more to build or refuse: read, and run alone from the command line, in the slow sweep


PROBES = [
    # reference and page-tree loops: refused when met, never followed
    Probe("kid-refers-to-itself", H.kid_refers_to_itself, error=D.reference_loop(6).message),
    Probe("kids-refer-to-themselves", H.kids_refer_to_themselves, error=D.reference_loop(6).message),
    Probe("two-objects-refer-to-each-other", H.two_objects_refer_to_each_other, error=D.reference_loop(6).message),
    Probe("catalog-refers-to-itself", H.catalog_refers_to_itself, error=D.reference_loop(1).message),
    Probe("contents-refer-to-themselves", H.contents_refer_to_themselves, error=D.reference_loop(4).message),
    Probe("kids-point-back-to-the-tree", H.kids_point_back_to_the_tree, error=D.PAGE_TREE_LOOP),
    Probe("cycle-on-page-2000-of-2000", H.cycle_on_last_page, error=D.reference_loop(6).message),
    # heavy but legal: refused with what and how much, at the bound, never at what the file declares
    Probe("content-inflates-to-1gb", H.inflates_to, error=L.StreamTooLarge(4, L.DEFAULT_LIMITS.stream_bytes).message,
          page=1, slow=True),
    Probe("content-inflates-to-20mb", lambda: H.inflates_to(20 << 20),
          error=L.content_too_large(L.DEFAULT_LIMITS.page_content_bytes).message, page=1),
    Probe("font-inflates-to-256mb", lambda: H.font_inflates_to(256 << 20),
          error=L.StreamTooLarge(8, L.DEFAULT_LIMITS.stream_bytes).message, page=1),
    Probe("1m-glyphs-on-one-page", H.glyphs_on_one_page, error=L.too_many_glyphs(L.DEFAULT_LIMITS.page_glyphs).message,
          page=1),
    Probe("forms-ten-times-in-each-other", H.forms_within_forms,
          error=L.too_many_drawings(L.DEFAULT_LIMITS.page_drawings).message, page=1, slow=True),
    Probe("6000-fills-over-white-rules", lambda: H.fills_on_one_page(6000),
          error=L.too_many_pairs(FILLS, L.DEFAULT_LIMITS.pair_checks).message, page=1, slow=True),
    Probe("grid-of-1001x1001", lambda: H.ruled_grid(1001, 1001),
          error=L.too_many_slots(1001, 1001, MAX_DOCUMENT_SLOTS).message, page=1),
    # read, with what pdfminer said kept as a named warning
    Probe("form-draws-itself", H.form_draws_itself,
          warnings=("1쪽: 그림 개체(Form XObject)가 자기 자신을 다시 그리게 되어 있어 한 번만 읽었습니다",)),
    Probe("media-box-missing", H.media_box_missing, warnings=("1쪽: 용지 크기(MediaBox)가 없어 US Letter 크기로 보았습니다",)),
    # heavy and legal, under every bound: read
    Probe("49000-glyphs-on-one-page", lambda: H.glyphs_on_one_page(49_000), slow=True),
    Probe("39000-drawings-on-one-page", lambda: H.drawings_on_one_page(39_000), slow=True),
    Probe("grid-of-999x999", lambda: H.ruled_grid(999, 999), slow=True),
]
REFUSED = [p for p in PROBES if p.error]
_BUILT: dict[str, bytes] = {}


def _write(probe: Probe, folder: Path) -> Path:
    if probe.name not in _BUILT:  # the 1 GB one takes seconds to deflate: once per session
        _BUILT[probe.name] = probe.build()
    path = folder / f"{probe.name}.pdf"
    path.write_bytes(_BUILT[probe.name])
    return path


def _line(path: Path, probe: Probe) -> str:
    return f"{path}: {InputError(probe.error or '', page=probe.page)}"


def _not_a_card() -> str:
    """What the normaliser says of a document that was read but holds no pledge card (the probes that read)."""
    from pipeline.cards import extract
    from pipeline.model import Document

    with pytest.raises(NoPledgeItem) as e:
        extract(Document(source="x.pdf", format="pdf", blocks=[TextBlock("Hello", 1)]))
    return str(e.value)


@pytest.mark.parametrize("probe", [pytest.param(p, marks=pytest.mark.slow if p.slow else ()) for p in PROBES],
                         ids=lambda p: p.name)
def test_probe_reader_outcome(probe: Probe, tmp_path: Path) -> None:
    """The reader refuses with exactly this message and page, or reads with exactly these warnings."""
    path = _write(probe, tmp_path)
    t0 = time.monotonic()
    if probe.error is not None:
        with pytest.raises(InputError) as e:
            read_pdf(path)
        assert (e.value.message, e.value.page) == (probe.error, probe.page)
    else:
        doc = read_pdf(path)
        assert doc.has_text()
        assert tuple(doc.warnings) == probe.warnings
    assert time.monotonic() - t0 < LIMIT_S


@pytest.mark.slow  # builds and reads every refused probe, the 1 GB and 2000-page ones included (~15 s)
def test_every_refused_probe_via_the_command_line_is_one_line_within_bounds(tmp_path: Path) -> None:
    """All refused probes in one ``extract`` run (a worker per file, the 2000-page one in page ranges): each
    file gets exactly its own line, and the run, so every file in it, stays within the bounds."""
    paths = [_write(p, tmp_path) for p in REFUSED]
    run = run_cli("extract", *map(str, paths), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "1")
    assert_bounded(run)
    assert run.code == 1
    assert run.lines == [_line(path, p) for p, path in zip(REFUSED, paths)]


def test_a_loop_and_a_bound_via_the_command_line_are_one_line_each(tmp_path: Path) -> None:
    """The quick form of the sweep above for ``make test``: a reference loop and an over-large page content,
    refused in one run, each file on exactly its own line."""
    chosen = [p for p in REFUSED if p.name in ("kid-refers-to-itself", "content-inflates-to-20mb")]
    assert len(chosen) == 2
    paths = [_write(p, tmp_path) for p in chosen]
    run = run_cli("extract", *map(str, paths), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "1")
    assert_bounded(run)
    assert run.code == 1
    assert run.lines == [_line(path, p) for p, path in zip(chosen, paths)]


@pytest.mark.parametrize("name", ["form-draws-itself", "media-box-missing"])
def test_library_messages_never_reach_the_terminal_unnamed(tmp_path: Path, name: str) -> None:
    """pdfminer logs these (unnamed, on stderr, before); now every line the user sees names the file."""
    probe = next(p for p in PROBES if p.name == name)
    path = _write(probe, tmp_path)
    run = run_cli("extract", str(path), "--out", str(tmp_path / "out"), "--no-cache")
    assert_bounded(run)
    assert run.lines == [f"{path}: {_not_a_card()}"]  # not a card; and nothing of pdfminer's, named or not


def test_a_card_that_reads_says_what_pdfminer_said_as_a_named_warning(corpus: Path, tools: Path, extracted,
                                                                      tmp_path: Path) -> None:
    """The seed card with a form that draws itself on page 2: read exactly as the clean card, and pdfminer's
    "Refusing to execute circular reference" comes out once, in Korean, as the file's warning with its page."""
    seed = corpus / SEED
    path = tmp_path / seed.name
    path.write_bytes(H.with_self_drawing_form(seed.read_bytes(), page=2))
    said = "2쪽: 그림 개체(Form XObject)가 자기 자신을 다시 그리게 되어 있어 한 번만 읽었습니다"
    doc = read_pdf(path)
    assert doc.warnings == [said] and doc.tables_json() == read_pdf(seed).tables_json()
    assert_perfect(score(tools, corpus / TRUTH, extracted(path).out, source=seed.name))
    run = run_cli("extract", str(path), "--out", str(tmp_path / "out"), "--no-cache")
    assert_bounded(run)
    assert run.code == 0
    assert len(run.lines) == 1 and run.lines[0].startswith(f"{path}: ") and run.lines[0].endswith(said), run.lines


@pytest.mark.slow
@pytest.mark.parametrize("probe", [p for p in PROBES if p.slow or p.name.startswith("cycle")], ids=lambda p: p.name)
def test_probe_alone_via_the_command_line(probe: Probe, tmp_path: Path) -> None:
    """One probe per run: one line naming the file (its refusal, or "not a card" for one that reads), within
    60 s and 1 GB peak RSS."""
    path = _write(probe, tmp_path)
    run = run_cli("extract", str(path), "--out", str(tmp_path / "out"), "--no-cache")
    assert_bounded(run)
    assert run.code == 1
    assert run.lines == [_line(path, probe) if probe.error else f"{path}: {_not_a_card()}"]


def test_page_range_read_keeps_only_its_pages_notices(tmp_path: Path) -> None:
    """A long PDF is read in page ranges, each of which builds every page: a page's notice belongs to the range
    holding that page only, so the joined document says it once."""
    path = tmp_path / "media.pdf"
    path.write_bytes(H.media_box_missing(pages=3, missing=2))
    said = "2쪽: 용지 크기(MediaBox)가 없어 US Letter 크기로 보았습니다"
    assert read_pdf(path).warnings == [said]
    assert read_pdf(path, pages=[1], require_text=False).warnings == []
    assert read_pdf(path, pages=[2, 3], require_text=False).warnings == [said]


# -- 4. the bounds themselves --------------------------------------------------------------------------------


def _flate_stream(data: bytes, filters: bytes = b"/FlateDecode") -> "object":
    from io import BytesIO

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    pdf = H.write_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [] /Count 0 >>",
                       3: b"<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters) + data + b"\nendstream"})
    return PDFDocument(PDFParser(BytesIO(pdf))).getobj(3)


def test_decoded_size_agrees_with_pdfminer_on_every_expanding_filter() -> None:
    rnd = random.Random(17)
    raw = bytes(rnd.choice(b"BT ET 0123 Tj q Q re f\n") for _ in range(50_000))
    cases = [
        (zlib.compress(raw), b"/FlateDecode"),
        (zlib.compress(raw).hex().encode() + b">", b"[/ASCIIHexDecode /FlateDecode]"),
        (bytes([127]) + raw[:128] + bytes([129, 65, 128]), b"/RunLengthDecode"),
    ]
    for data, filters in cases:
        strm = _flate_stream(data, filters)
        assert L.decoded_size(strm, 1 << 30) == len(strm.get_data())


def test_an_inflate_bomb_is_measured_without_being_held() -> None:
    z = zlib.compressobj(9)
    data = b"".join([z.compress(b" " * (1 << 20)) for _ in range(100)]) + z.flush()  # 100 MB in ~100 KB
    strm = _flate_stream(data)
    tracemalloc.start()
    try:
        size = L.decoded_size(strm, 8 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert 8 << 20 < size <= (8 << 20) + (1 << 20)
    assert peak < 4 << 20


def test_guarded_document_refuses_a_stream_past_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(H.inflates_to(3 << 20))
    small = L.Limits(stream_bytes=1 << 20)
    with pytest.raises(InputError) as e:
        read_pdf(path, limits=small)
    assert e.value.message == L.StreamTooLarge(4, 1 << 20).message and e.value.page == 1
    assert read_pdf(path).has_text()  # under the default bound it is a page with one line of text


def test_every_bound_is_a_named_limit_the_caller_can_lower(tmp_path: Path) -> None:
    path = tmp_path / "glyphs.pdf"
    path.write_bytes(H.glyphs_on_one_page(2_000))
    assert read_pdf(path).has_text()
    for limits, message in [
        (L.Limits(page_glyphs=1_999), L.too_many_glyphs(1_999).message),
        (L.Limits(page_content_bytes=1_000), L.content_too_large(1_000).message),
    ]:
        with pytest.raises(InputError) as e:
            read_pdf(path, limits=limits)
        assert (e.value.message, e.value.page) == (message, 1)


# -- text dedupe: filed by column, same answer as comparing every pair ------------------------------------------


def _dedupe_every_pair(glyphs):
    """The shadow-copy rule spelled out: a glyph is a copy of an earlier kept one of the same character within
    its tolerances."""
    kept = []
    for g in sorted(glyphs, key=lambda g: (g[1], g[0])):
        tol_x = min(1.5, 0.3 * max(g[2] - g[0], 0.1))
        tol_y = min(1.5, 0.3 * max(g[3] - g[1], 0.1))
        if any(o[4] == g[4] and 0 <= g[1] - o[1] <= tol_y and abs(o[0] - g[0]) <= tol_x for o in kept):
            continue
        kept.append(g)
    return kept


def test_dedupe_by_columns_equals_every_pair() -> None:
    rnd = random.Random(23)
    for _ in range(300):
        glyphs = []
        for _ in range(rnd.randint(0, 60)):
            x, y, w = rnd.uniform(0, 30), rnd.choice([0, 0.5, 1, 1.2, 5]), rnd.choice([0.3, 2, 5, 8])
            glyphs.append((x, y, x + w, y + rnd.choice([1, 5, 8]), rnd.choice("11a가"), 8.0, "F"))
        assert dedupe(glyphs) == _dedupe_every_pair(glyphs)


def test_dedupe_of_a_long_line_of_one_character_is_linear() -> None:
    line = [(i * 0.4, 0.0, i * 0.4 + 0.3, 1.0, "1", 1.0, "F") for i in range(40_000)]
    t0 = time.monotonic()
    assert len(dedupe(line)) == 40_000
    assert time.monotonic() - t0 < 5  # every pair would be 800 million comparisons


# -- the table-slot budget is the document's, whether it is read whole or in page ranges ------------------------


def test_slot_budget_counts_the_whole_document_across_page_ranges(tmp_path: Path, monkeypatch) -> None:
    """Three pages of a 30 × 30 grid (900 slots each) under a budget of 2,000: a whole read refuses on page 3,
    and so does the join of three one-page reads, with the same line."""
    from pipeline.readers.pdf import PdfBackend

    small = L.Limits(document_slots=2_000)
    monkeypatch.setattr(L, "DEFAULT_LIMITS", small)  # what the join counts against
    path = tmp_path / "grids.pdf"
    path.write_bytes(H.pages_of(H.ruled_grid(30, 30), 3))
    assert len(read_pdf(path, limits=L.Limits(document_slots=2_700)).tables) == 3
    with pytest.raises(InputError) as whole:
        read_pdf(path, limits=small)
    parts = [read_pdf(path, pages=[p], require_text=False) for p in (1, 2, 3)]
    with pytest.raises(InputError) as joined:
        PdfBackend().join(path, parts)
    expected = (L.too_many_slots(30, 30, 2_000).message, 3)
    assert (whole.value.message, whole.value.page) == expected
    assert (joined.value.message, joined.value.page) == expected
