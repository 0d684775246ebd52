"""Segmentation and table rules on small hand-built documents (no reader involved).

Each document is the shape a reader produces; each test names the layout that
once broke (or would break) a naive normaliser.
"""
from __future__ import annotations

from typing import Optional, Union

import pytest

from pipeline.cards import extract
from pipeline.errors import InputError, NoPledgeItem
from pipeline.model import Cell, Document, Table, TextBlock

Spec = Union[str, tuple[str, int, int]]


def tbl(rows: list[list[Spec]], page: Optional[int] = None) -> Table:
    """A table from rows of cell specs: "text" or (text, rowspan, colspan); covered slots are skipped."""
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    ncols = 0
    for r, row in enumerate(rows):
        c = 0
        for spec in row:
            while (r, c) in taken:
                c += 1
            text, rs, cs = (spec, 1, 1) if isinstance(spec, str) else spec
            cells.append(Cell(r, c, rs, cs, text))
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    taken.add((rr, cc))
            c += cs
        ncols = max(ncols, max((cc + 1 for rr, cc in taken if rr == r), default=0))
    return Table(rows=len(rows), cols=ncols, cells=cells, page=page)


def card(*blocks, no: str = "7", title: str = "『테스트』사업", page: Optional[int] = None,
         head: Optional[list] = None) -> list:
    kv = tbl([["추진상황", "정상추진", "사업구분", "임기내 / 신규"],
              ["총사업비", "300백만원\n(시비 100백만원 구비 200백만원)", "2023년\n예산확보액", "120백만원\n(시비 20백만원 구비 100백만원)"]],
             page=page)
    return [*(head or []), TextBlock(f"{no} {title}", page=page), kv,
            TextBlock("○ 기 간 : 2022. 7월 ~ 2024. 6월", page=page), *blocks]


def doc(blocks: list, fmt: str = "hwpx", pages: Optional[int] = None) -> Document:
    return Document(source="t." + fmt, format=fmt, blocks=blocks,
                    tables=[b for b in blocks if isinstance(b, Table)], page_count=pages)


PERF = [TextBlock("□ 추진실적"), tbl([[("구분", 2, 1), ("’23", 1, 4)], ["1분기", "2분기", "3분기", "4분기"],
                                     ["점검", "2회", "3회", "", "-"]])]


def test_title_line_and_key_value_box() -> None:
    items = extract(doc(card(*PERF))).tables["items"]
    row = items.iloc[0]
    assert (row.item_no, row.title) == (7, "테스트 사업")
    assert (row.total_budget_mkrw, row.total_city_mkrw, row.total_district_mkrw, row.total_national_mkrw) == (300, 100, 200, 0)
    assert (row.secured_year, row.secured_budget_mkrw, row.secured_city_mkrw) == (2023, 120, 20)
    assert (row.start, row.end, row.source_pages) == ("2022-07", "2024-06", "")


def test_report_quarter_from_latest_performance_figure() -> None:
    out = extract(doc(card(*PERF))).tables
    assert set(out["performance"]["period"]) == {"2023Q1", "2023Q2"}  # blank and '-' give no row
    assert out["items"].loc[0, "report_quarter"] == "2023Q2"


def test_report_quarter_from_header_line_wins_over_figures_and_argument() -> None:
    out = extract(doc([TextBlock("한빛구 공약사업 추진상황 (2023년 3분기)"), *card(*PERF)]), quarter="2022Q1").tables
    assert out["items"].loc[0, "report_quarter"] == "2023Q3"


def test_single_card_without_any_quarter_is_an_error_not_a_guess() -> None:
    plan = [TextBlock("□ 연차별 추진계획"), tbl([["구분", "’23", "’24"], ["점검", "2회", "3회"]])]
    with pytest.raises(InputError, match="quarter"):
        extract(doc(card(*plan)))
    assert extract(doc(card(*plan)), quarter="2023Q4").tables["plan"].loc[0, "report_quarter"] == "2023Q4"


def test_no_key_value_box_means_no_pledge_item() -> None:
    blocks = [TextBlock("1. 추진상황 및 총사업비"), TextBlock("□ 연차별 추진계획"),
              tbl([["구분", "’23"], ["점검", "2회"]]), tbl([["추진상황", "총사업비 100억원 중 50억원 집행"]])]
    with pytest.raises(NoPledgeItem):
        extract(doc(blocks), quarter="2023Q1")


def test_non_contract_tables_give_no_rows() -> None:
    promo = [TextBlock("○ 맞춤형 홍보 실적"), tbl([["구 분", "홍보수단", "’23"], ["SNS", "카카오톡", "3회"]])]
    out = extract(doc(card(*PERF, *promo))).tables
    assert len(out["performance"]) == 2 and len(out["plan"]) == 0


def test_plan_labels_units_and_spans() -> None:
    plan = tbl([
        [("단위사업", 1, 2), "구분", "’22\n(하반기)", "’23"],
        [("민\n관\n협\n력", 3, 1), ("민    관\n거버넌스", 2, 1), "연석회의", "6회", "12회"],
        ["운영위원회", ("지속", 1, 2)],  # value merged across two periods → one row per period
        [("발굴시스템\n\n강      화", 1, 2), "-", "1,381"],  # task spanning two label columns
        [("모니터링(컨설팅)", 1, 2), "모니터링", "시구합동\n모니터링 1회", "38.5%"],
    ])
    out = extract(doc(card(TextBlock("□ 연차별 추진계획"), plan)), quarter="2023Q1").tables["plan"]
    got = {(r.unit, r.task, r.period): (r.text, r.value, r.measure) for r in out.itertuples()}
    assert got == {
        ("민관협력 > 민관 거버넌스", "연석회의", "2022H2"): ("6회", 6, "회"),
        ("민관협력 > 민관 거버넌스", "연석회의", "2023"): ("12회", 12, "회"),
        ("민관협력 > 민관 거버넌스", "운영위원회", "2022H2"): ("지속", None, ""),
        ("민관협력 > 민관 거버넌스", "운영위원회", "2023"): ("지속", None, ""),
        ("민관협력", "발굴시스템 강화", "2023"): ("1,381", 1381, ""),
        ("모니터링(컨설팅)", "모니터링", "2022H2"): ("시구합동 모니터링 1회", None, ""),
        ("모니터링(컨설팅)", "모니터링", "2023"): ("38.5%", 38.5, "%"),
    }


def test_budget_total_row_subtotals_funds_and_thousand_won() -> None:
    plan = tbl([
        ["단위사업", "구분", "계", "2022년", "2023년"],
        [("계", 1, 2), "1,284,650", "126,457", "0"],
        [("허브\n조성", 3, 1), "소계", "500,000", "-", "500,000"],
        ["시비", "△1,000", "", "-"],
        ["구비", "784,650", "126,457", "—"],
    ])
    blocks = [TextBlock("□ 연차별 투자계획"), TextBlock("(단위: 천원)"), plan,
              TextBlock("□ 연차별 집행액 (단위: 억원)"), tbl([["단위사업", "계", "’22"], ["허브 조성", "1.5", "1.5"], ["합 계", "1.5", "1.5"]])]
    out = extract(doc(card(*blocks)), quarter="2023Q1").tables["budget"]
    got = {(r.unit, r.kind, r.fund, r.period): r.amount_mkrw for r in out.itertuples()}
    assert got == {
        ("", "plan", "total", "total"): 1284.65, ("", "plan", "total", "2022"): 126.457, ("", "plan", "total", "2023"): 0,
        ("허브 조성", "plan", "total", "total"): 500, ("허브 조성", "plan", "total", "2023"): 500,
        ("허브 조성", "plan", "city", "total"): -1,
        ("허브 조성", "plan", "district", "total"): 784.65, ("허브 조성", "plan", "district", "2022"): 126.457,
        ("허브 조성", "executed", "total", "total"): 150, ("허브 조성", "executed", "total", "2022"): 150,
        ("", "executed", "total", "total"): 150, ("", "executed", "total", "2022"): 150,
    }


def test_transposed_budget_years_as_rows() -> None:
    t = tbl([["연도", "국비", "시비", "계"], ["’22", "10", "20", "30"], ["’23", "-", "5", "5"]])
    out = extract(doc(card(TextBlock("□ 연차별 투자수요"), t)), quarter="2023Q1").tables["budget"]
    got = {(r.unit, r.fund, r.period): r.amount_mkrw for r in out.itertuples()}
    assert got == {("", "national", "2022"): 10, ("", "city", "2022"): 20, ("", "total", "2022"): 30,
                   ("", "city", "2023"): 5, ("", "total", "2023"): 5}


HEAD = [[("구분", 2, 2), ("’23", 1, 2)], ["1분기", "2분기"]]


def test_table_continued_with_repeated_header_and_split_row_and_split_vertical_label() -> None:
    p1 = tbl([*HEAD, [("민\n관\n협", 2, 1), "연석회의", "1회", "2회"], ["마을자치", "-공모사업 컨설팅 및", "-"]], page=1)
    p2 = tbl([*HEAD, [("력", 2, 1), "", "마을모임 지원", ""], ["운영위원회", "3회", "-"]], page=2)
    blocks = card(TextBlock("□ 추진실적", page=1), p1, TextBlock("- 1 -", page=1),
                  TextBlock("공약사업 추진상황", page=2), p2, page=1)
    out = extract(doc(blocks, fmt="pdf", pages=2)).tables
    perf = out["performance"]
    got = {(r.unit, r.task, r.period): r.text for r in perf.itertuples()}
    assert got == {
        ("민관협력", "연석회의", "2023Q1"): "1회", ("민관협력", "연석회의", "2023Q2"): "2회",
        ("민관협력", "마을자치", "2023Q1"): "-공모사업 컨설팅 및 마을모임 지원",
        ("민관협력", "운영위원회", "2023Q1"): "3회",
    }
    assert set(perf["src_page"]) == {1, 2}
    assert out["items"].loc[0, "source_pages"] == "1-2"


def test_table_continued_without_header_carries_outer_label() -> None:
    p1 = tbl([*HEAD, [("창\n업", 2, 1), "상담", "1건", "2건"], ["멘토링", "3회", "4회"]], page=3)
    p2 = tbl([[("", 1, 1), "아카데미", "1기", "-"], [("네트워킹", 1, 2), "5건", ""]], page=4)
    blocks = card(TextBlock("□ 추진실적", page=3), p1, p2, page=3)
    perf = extract(doc(blocks, fmt="pdf", pages=4)).tables["performance"]
    got = {(r.unit, r.task, r.period): r.text for r in perf.itertuples()}
    assert got[("창업", "아카데미", "2023Q1")] == "1기"
    assert got[("", "네트워킹", "2023Q1")] == "5건"
    assert len(got) == 6


def test_items_of_a_compiled_report_and_their_pages() -> None:
    cover = [TextBlock("2023년 2분기", page=1), TextBlock("공약사업 추진상황", page=1)]
    blocks = [*cover,
              *card(*[TextBlock("□ 추진실적", page=2), tbl([["구분", "’23.1분기"], ["점검", "1회"]], page=3)], no="4", page=2),
              TextBlock("공약사업 추진상황 (2023년 2분기)", page=4),
              *card(TextBlock("□ 추진실적", page=4), tbl([["구분", "’23.1분기"], ["점검", "2회"]], page=4), no="19",
                    title="한빛천 맨발 황톳길 조성", page=4)]
    out = extract(doc(blocks, fmt="pdf", pages=4)).tables
    items = out["items"]
    assert list(items["item_no"]) == [4, 19]
    assert list(items["source_pages"]) == ["2-3", "4"]
    assert list(items["title"]) == ["테스트 사업", "한빛천 맨발 황톳길 조성"]
    assert set(items["report_quarter"]) == {"2023Q2"}
    assert list(out["performance"]["item_no"]) == [4, 19]


def test_toc_cross_check_warns_about_a_missed_item() -> None:
    toc = [TextBlock("목 차", page=1), tbl([["번호", "공약사업명", "쪽"], ["7", "테스트 사업", "2"], ["9", "없는 사업", "3"]], page=1)]
    d = doc([*toc, *card(*PERF, page=2)], fmt="pdf", pages=3)
    assert extract(d).warnings == ["목차에 공약 9번(p.3)이 있지만 그 카드를 찾지 못했습니다"]
    assert len(extract(d).tables["items"]) == 1  # the 목차 never invents an item


# ----------------------------------------------------------------------------- reporting body (cover / header)

def test_reporting_body_from_running_header_and_cover() -> None:
    from pipeline.cards.cover import reporting_body
    from pipeline.model import Document, TextBlock

    def doc(*lines: str) -> Document:
        return Document(source="x.pdf", format="pdf", blocks=[TextBlock(text=t, page=1) for t in lines])

    assert reporting_body(doc("한빛구 민선8기 공약사업 추진상황 (2023년 2분기)")) == "한빛구"
    assert reporting_body(doc("민선8기 구청장 공약사업", "한 빛 구")) == "한빛구"
    assert reporting_body(doc("수원시청")) == "수원시"
    # a sentence that merely mentions a place is not the reporting body
    assert reporting_body(doc("○ 위 치 : 한빛구 새솔로 112 (구 한빛보건분소 건물)")) is None
    assert reporting_body(doc("57 『찾아가는 동주민센터』안착화")) is None
