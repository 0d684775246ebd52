"""Tables continued on the next page are stitched by geometry (column boundaries), with or without a repeated
header, with a row cut at the break; running headers never open a section; the 목차 is read across pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cards import extract
from pipeline.cards.grid import continuation, edge_map
from pipeline.cards.pagelines import running_lines
from pipeline.cards.segment import find_items, sections
from pipeline.cards.toc import ELSEWHERE, table_of_contents
from pipeline.model import Cell, Document, Table, TextBlock
from pipeline.readers import read_document

Spec = object  # "text" or (text, rowspan, colspan)


def gtable(rows: list[list[Spec]], xs: list[float], page: int, top: float = 100.0, row_h: float = 20.0) -> Table:
    """A ruled table at column boundaries ``xs`` on ``page``: cells with bboxes, as the PDF reader gives them."""
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for spec in row:
            while (r, c) in taken:
                c += 1
            text, rs, cs = (spec, 1, 1) if isinstance(spec, str) else spec  # type: ignore[misc]
            bbox = (xs[c], top + r * row_h, xs[c + cs], top + (r + rs) * row_h)
            cells.append(Cell(r, c, rs, cs, text, bbox))
            taken.update((rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs))
            c += cs
    return Table(len(rows), len(xs) - 1, cells, page=page,
                 bbox=(xs[0], top, xs[-1], top + len(rows) * row_h))


def line(text: str, page: int, top: float = 40.0) -> TextBlock:
    return TextBlock(text, page, (50.0, top, 300.0, top + 10))


XS = [50.0, 80.0, 150.0, 250.0, 350.0]
HEAD = [[("구분", 1, 2), "’23년", "’24년 1분기"]]
KV = [["추진상황", "정상추진", "사업구분", "신규"], ["총사업비", "300백만원 (시비 300)", "2024년 예산확보액", "100백만원"]]


def card_doc(*body: object, header: str = "가온시 2024년 2/4분기 공약사업 추진상황") -> Document:
    """A two-page card: a running header on each page, the title, the box, then ``body``."""
    blocks: list = [line(header, 1, 20), line("[7] 가온천 수변 야간경관 조성", 1, 40), gtable(KV, XS, 1, 60)]
    last_page = 1
    for b in body:
        if b.page != last_page:  # type: ignore[attr-defined]
            blocks.append(line(f"- {last_page} -", last_page, 800))
            blocks.append(line(header, b.page, 20))  # type: ignore[attr-defined]
            last_page = b.page  # type: ignore[attr-defined]
        blocks.append(b)
    return Document("t.pdf", "pdf", blocks, [b for b in blocks if isinstance(b, Table)], last_page)


def perf(doc: Document) -> dict:
    return {(r.unit, r.task, r.period): r.text for r in extract(doc).tables["performance"].itertuples()}


def test_continuation_without_header_and_a_cut_row() -> None:
    a = gtable([*HEAD, [("온실", 2, 1), "부지 확보", "-검토", "-계약"], ["임대 온실 2단지", "-설계", "-착공"]],
               XS, 1, 500)
    b = gtable([["", "", "", "(5. 2.)"], ["", "입주 청년 선발", "-공고", "-심사"]], XS, 2, 50)
    got = perf(card_doc(line("■ 추진실적", 1, 480), a, b))
    assert got[("온실", "임대 온실 2단지", "2024Q1")] == "-착공 (5. 2.)"
    assert got[("온실", "입주 청년 선발", "2023")] == "-공고"  # the outer label carried over the break
    assert len(got) == 6


def test_continuation_with_repeated_header_one_column_narrower() -> None:
    """The continuation prints the two label columns as one (its unit column merged): its boundaries are a
    subset of the table's, and its cells map onto the table's columns by x."""
    a = gtable([*HEAD, ["민관", "회의", "1회", "2회"]], XS, 1, 500)
    b = gtable([["구분", "’23년", "’24년 1분기"], ["교육", "3회", "4회"]], [50.0, 150.0, 250.0, 350.0], 2, 50)
    assert edge_map(a, b) == [0, 2, 3, 4]
    got = perf(card_doc(line("■ 추진실적", 1, 480), a, b))
    assert got == {("민관", "회의", "2023"): "1회", ("민관", "회의", "2024Q1"): "2회",
                   ("", "교육", "2023"): "3회", ("", "교육", "2024Q1"): "4회"}


def test_footer_table_under_the_last_section_is_not_a_continuation() -> None:
    """The 주관부서 footer under 추진실적 has other column boundaries: it is neither stitched nor reported."""
    a = gtable([*HEAD, ["민관", "회의", "1회", "2회"]], XS, 1, 500)
    footer = gtable([["주관부서", "도시디자인과장: 남궁새론(☎ 820-4416)", "담당: 봉하율(☎ 4416)"]],
                    [50.0, 100.0, 280.0, 350.0], 2, 50)
    res = extract(card_doc(line("■ 추진실적", 1, 480), a, footer))
    assert len(res.tables["performance"]) == 2 and res.findings == []


def test_a_table_with_other_columns_on_the_next_page_is_not_stitched() -> None:
    a = gtable([*HEAD, ["민관", "회의", "1회", "2회"]], XS, 1, 500)
    b = gtable([["", "교육", "3회", "4회"]], [50.0, 120.0, 200.0, 280.0, 350.0], 2, 50)
    assert continuation(a, b) is None
    res = extract(card_doc(line("■ 추진실적", 1, 480), a, b))
    assert len(res.tables["performance"]) == 2
    # its figures are not dropped in silence
    assert sorted(f.found for f in res.findings if f.check == "unread_cell") == ["3회", "4회"]
    assert [f.check for f in res.findings if f.check != "unread_cell"] == ["unread_table"]


def test_reader_link_is_used_when_present() -> None:
    a = gtable([*HEAD, ["민관", "회의", "1회", "2회"]], XS, 1, 500)
    b = gtable([["", "교육", "3회", "4회"]], XS, 2, 50)
    assert continuation(a, b, 0, 1) is not None
    b.continues = 5  # the reader says it continues another table
    assert continuation(a, b, 0, 1) is None
    b.continues, a.continued_by = 0, 1
    assert continuation(a, b, 0, 1) == [0, 1, 2, 3, 4]


def test_running_header_with_a_section_word_does_not_open_a_section() -> None:
    """A running header that says 추진실적 sits between a table and its continuation: it is page furniture."""
    a = gtable([*HEAD, ["민관", "회의", "1회", "2회"]], XS, 1, 500)
    b = gtable([["", "교육", "3회", "4회"]], XS, 2, 50)
    d = card_doc(line("■ 추진실적", 1, 480), a, b, header="가온시 2024년 2/4분기 공약사업 추진실적")
    assert len(running_lines(d)) == 3  # the header on both pages and the page number
    assert len(perf(d)) == 4


def test_running_header_with_a_section_word_on_variety(corpus: Path) -> None:
    """The analysis' class (a): item 22's 추진실적 continues after a header line naming 추진실적."""
    d = read_document(corpus / "variety/gaon-2024Q2.lo.pdf")
    for b in d.blocks:
        if isinstance(b, TextBlock) and b.text.startswith("2024년 2/4분기 공약사업"):
            b.text = "2024년 2/4분기 공약사업 추진실적"
    p = extract(d).tables["performance"]
    assert (p["item_no"] == 22).sum() == 19


def test_items_sections_keep_their_tables_on_variety(corpus: Path) -> None:
    d = read_document(corpus / "variety/gaon-2024Q2.lo.pdf")
    items = find_items(d)
    assert [i.item_no for i in items] == [7, 14, 22, 29, 35]
    item22 = sections(items[2])
    perf_parts = [s for s in item22.sections if s.kind == "perf"][0].parts
    assert [(p.table.page, p.edges is not None) for p in perf_parts] == [(7, False), (8, True)]


# ----------------------------------------------------------------------------- the 목차

TOC_XS = [50.0, 120.0, 160.0, 400.0, 480.0, 520.0]


def toc_doc(parts: list[list[list[str]]], card_page: int) -> Document:
    blocks: list = [line("목 차", 1)]
    for page, rows in enumerate(parts, start=1):
        if page > 1:
            blocks.append(line("가온시 정책기획담당관", page, 20))
        blocks.append(gtable(rows, TOC_XS, page, 60))
    rest = card_doc().blocks
    for b in rest:
        b.page = card_page
    blocks += rest
    return Document("t.pdf", "pdf", blocks, [b for b in blocks if isinstance(b, Table)], card_page)


def test_toc_over_two_pages_header_repeated_and_items_reported_elsewhere() -> None:
    head = ["분 야", "연번", "공약사업명", "주관부서", "쪽"]
    p1 = [head, ["Ⅰ. 안전", "1", "원도심 골목길 보안등 확충", "안전총괄과", "별도 보고"],
          ["", "7", "가온천 수변 야간경관 조성", "도시디자인과", "3"]]
    p2 = [head, ["", "8", "시민 안전체험관 건립", "안전총괄과", "별도 보고"], ["Ⅱ. 복지", "9", "청년 창업 지원", "일자리과", "5"]]
    d = toc_doc([p1, p2], card_page=3)
    assert table_of_contents(d) == {1: ELSEWHERE, 7: 3, 8: ELSEWHERE, 9: 5}
    assert extract(d).warnings == ["목차에 공약 9번(p.5)이 있지만 그 카드를 찾지 못했습니다"]


def test_toc_with_printed_page_numbers_offset_from_physical_pages() -> None:
    """Printed page numbers that all differ from the physical ones by the same offset are not mismatches."""
    head = ["번호", "공약사업명", "주관부서", "쪽", ""]
    d = toc_doc([[head, ["7", "가온천 수변 야간경관 조성", "도시디자인과", "1", ""]]], card_page=3)
    assert extract(d).findings == []


def test_toc_is_found_by_shape_not_header_word() -> None:
    head = ["No", "사업", "부서", "page", ""]
    d = toc_doc([[head, ["7", "가온천 수변 야간경관 조성", "도시디자인과", "3", ""],
                  ["12", "청년 일자리 지원 사업", "일자리과", "4", ""]]], card_page=3)
    assert table_of_contents(d) == {7: 3, 12: 4}


def test_a_table_of_figures_is_not_a_toc() -> None:
    head = ["구분", "2023", "2024", "계", ""]
    d = toc_doc([[head, ["1", "2", "3", "5", ""], ["1", "1", "1", "2", ""]]], card_page=3)
    assert table_of_contents(d) == {}


@pytest.mark.parametrize("name", ["lo.pdf", "rhwp.pdf", "hwpx", "hwp"])
def test_variety_toc_is_read_whole(corpus: Path, name: str) -> None:
    toc = table_of_contents(read_document(corpus / f"variety/gaon-2024Q2.{name}"))
    assert len(toc) == 57 and sum(1 for v in toc.values() if v == ELSEWHERE) == 52
    if name.endswith("pdf"):
        assert {k: v for k, v in toc.items() if v != ELSEWHERE} == {7: 4, 14: 5, 22: 7, 29: 9, 35: 10} or \
            name == "rhwp.pdf"

