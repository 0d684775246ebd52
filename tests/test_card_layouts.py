"""Synthetic cards for layouts outside the corpus that a review found read wrongly or silently dropped.

Each test builds a small Document the way a reader would and is named for the input that broke.
"""
from __future__ import annotations

import re
from typing import Optional

import pandas as pd
import pytest

from pipeline.cards import extract
from pipeline.cards.cover import report_quarter_in_text, reporting_body
from pipeline.cards.itembox import box_amounts, project_period
from pipeline.model import Cell, Document, Table, TextBlock


def warns(d: Document) -> list[str]:
    """The normaliser's warnings on ``d`` without the ``공약 N번:`` prefix it adds to an item's warnings."""
    return [re.sub(r"^공약 \d+번: ", "", w) for w in extract(d).warnings]


def T(rows: list[list[Optional[str]]], page: int = 1,
      spans: Optional[dict[tuple[int, int], tuple[int, int]]] = None) -> Table:
    """A table from rows of text; None marks a slot covered by a span given in ``spans`` as (rowspan, colspan)."""
    spans = spans or {}
    cells = [Cell(r, c, *spans.get((r, c), (1, 1)), t)
             for r, row in enumerate(rows) for c, t in enumerate(row) if t is not None]
    return Table(len(rows), max(len(r) for r in rows), cells, page=page)


def kv(page: int = 1) -> Table:
    return T([["추진상황", "계속추진", "사업구분", "임기내"],
              ["총사업비", "1,000백만원 (구비 400백만원 시비 600백만원)", None, None],
              ["2021년 예산확보액", "100백만원", None, None]], page, {(1, 1): (1, 3), (2, 1): (1, 3)})


def doc(*blocks, head: str = "2021년 4분기 공약사업 추진상황", title: str = "57 『테스트 사업』") -> Document:
    bl = [TextBlock(head, 1), TextBlock(title, 1), kv(), *blocks]
    return Document("x.pdf", "pdf", bl, [b for b in bl if isinstance(b, Table)], 2)


def rows(df: pd.DataFrame, *cols: str) -> list[tuple]:
    return [tuple(r) for r in df[list(cols)].itertuples(index=False)]


# ---- 1. header rows and period columns ----------------------------------------------------------

def test_plan_header_with_unknown_bigo_column_is_read() -> None:
    d = doc(TextBlock("□ 연차별 추진계획", 1), T([["단위사업", "2021", "2022", "비고"], ["회의", "6회", "12회", "-"]]))
    out = extract(d).tables
    assert rows(out["plan"], "task", "period", "text") == [("회의", "2021", "6회"), ("회의", "2022", "12회")]


@pytest.mark.parametrize("label", ["목표", "연차별 추진계획", "세부 과제명"])
def test_plan_header_with_other_label_words(label: str) -> None:
    d = doc(TextBlock("□ 연차별 추진계획", 1), T([[label, "2021년도", "2022년도"], ["회의", "6회", "12회"]]))
    assert rows(extract(d).tables["plan"], "task", "period") == [("회의", "2021"), ("회의", "2022")]


def test_label_row_above_the_years_is_header() -> None:
    d = doc(TextBlock("□ 연차별 추진계획", 1),
            T([["단위사업", "연차별 추진계획", None], [None, "2021", "2022"], ["회의", "6회", "12회"]],
              spans={(0, 0): (2, 1), (0, 1): (1, 2)}))
    assert rows(extract(d).tables["plan"], "task", "period", "text") == [("회의", "2021", "6회"), ("회의", "2022", "12회")]


def test_target_column_before_quarters_is_not_a_label_column() -> None:
    d = doc(TextBlock("□ 2021년 추진실적", 1), T([["구분", "목표", "1분기", "2분기"], ["회의", "6회", "1회", "2회"]]))
    out = extract(d).tables
    assert rows(out["performance"], "unit", "task", "period", "text") == [
        ("", "회의", "2021Q1", "1회"), ("", "회의", "2021Q2", "2회")]


def test_quarters_without_any_year_warn_instead_of_vanishing() -> None:
    d = doc(TextBlock("□ 추진실적", 1), T([["구분", "목표", "1분기", "2분기"], ["회의", "6회", "1회", "2회"]]))
    res = extract(d)
    assert res.tables["performance"].empty
    assert any("기간 열이 없는 표라 읽지 않았습니다" in w for w in res.warnings)
    assert "unread_table" in {f.check for f in res.findings}


def test_budget_table_without_periods_warns() -> None:
    d = doc(TextBlock("□ 연차별 투자수요", 1), T([["구분", "내용"], ["시비", "100"]]))
    assert any("투자수요" in w and "기간 열이 없는 표라 읽지 않았습니다" in w for w in extract(d).warnings)


PLAN_RESULT = T([["구분", "2021년", None, "2022년", None], [None, "계획", "실적", "계획", "실적"],
                 ["회의", "12회", "10회", "12회", "3회"]],
                spans={(0, 0): (2, 1), (0, 1): (1, 2), (0, 3): (1, 2)})


def test_performance_table_with_plan_and_result_subcolumns_reads_the_results() -> None:
    d = doc(TextBlock("□ 추진실적", 1), PLAN_RESULT)
    out = extract(d).tables
    assert rows(out["performance"], "task", "period", "text") == [("회의", "2021", "10회"), ("회의", "2022", "3회")]
    assert warns(d) == []


def test_plan_table_with_plan_and_result_subcolumns_reads_the_plan() -> None:
    d = doc(TextBlock("□ 연차별 추진계획", 1), PLAN_RESULT)
    assert rows(extract(d).tables["plan"], "task", "period", "text") == [("회의", "2021", "12회"), ("회의", "2022", "12회")]


def test_budget_table_with_repeated_period_columns_warns() -> None:
    d = doc(TextBlock("□ 연차별 투자수요 (단위: 백만원)", 1), T([["구분", "2021", "2021년"], ["시비", "100", "90"]]))
    out = extract(d).tables
    assert rows(out["budget"], "fund", "period", "amount_mkrw") == [("city", "2021", 100)]
    assert warns(d) == ["연차별 투자수요, p.1: 3번째 열을 읽지 않았습니다 (2021년 수치는 다른 열에서 읽었습니다)",
                        "연차별 투자수요, p.1, 2행 3열: '90' 칸을 읽지 않았습니다 (2021년 수치는 다른 열에서 읽었습니다)"]


def test_cumulative_column_is_not_the_total_column() -> None:
    d = doc(TextBlock("□ 추진실적", 1), T([["구분", "’21. 3/4분기", "누계"], ["회의", "2회", "8회"]]))
    assert rows(extract(d).tables["performance"], "period", "text") == [("2021Q3", "2회")]


def test_transposed_budget_with_total_column_stays_transposed() -> None:
    d = doc(TextBlock("□ 연차별 투자수요 (단위: 백만원)", 1),
            T([["연도", "계", "국비", "시비"], ["2021", "300", "100", "200"]]))
    assert rows(extract(d).tables["budget"], "unit", "fund", "period", "amount_mkrw") == [
        ("", "total", "2021", 300), ("", "national", "2021", 100), ("", "city", "2021", 200)]


# ---- 3. a continued table after a note or running header ---------------------------------------

@pytest.mark.parametrize("note", ["※ 실적은 누계", "〈계속〉", "[2021년 4분기 공약사업 추진상황]", "- 1 -"])
def test_table_continued_after_note_keeps_its_second_part(note: str) -> None:
    d = doc(TextBlock("□ 추진실적", 1),
            T([["구분", "2021년 3분기", "2021년 4분기"], ["회의", "1회", "2회"]], page=1),
            TextBlock(note, 1),
            T([["구분", "2021년 3분기", "2021년 4분기"], ["교육", "3회", "4회"]], page=2))
    assert [t for t, _ in rows(extract(d).tables["performance"], "task", "period")] == ["회의", "회의", "교육", "교육"]


def test_heading_bullet_still_closes_the_section() -> None:
    d = doc(TextBlock("□ 추진실적", 1), T([["구분", "2021년 4분기"], ["회의", "1회"]]),
            TextBlock("○ 맞춤형 홍보 실적", 1), T([["구분", "2021년 4분기"], ["홍보", "9회"]]))
    assert rows(extract(d).tables["performance"], "task") == [("회의",)]


# ---- 4. money ------------------------------------------------------------------------------------

def test_eok_table_with_cell_units_and_two_numbers_in_one_cell() -> None:
    d = doc(TextBlock("□ 연차별 투자수요 (단위: 억원)", 1),
            T([["단위사업", "재원", "2021", "2022", "2023"],
               ["합계", None, "12.5", "0", "-"],
               ["사업A", "시비", "1.5", "지속", None],
               [None, "구비", "100\n200", "1,000천원", "△1"]],
              spans={(1, 0): (1, 2), (2, 0): (2, 1), (2, 3): (1, 2)}))
    out = extract(d).tables
    assert rows(out["budget"], "unit", "fund", "period", "amount_mkrw") == [
        ("", "total", "2021", 1250), ("", "total", "2022", 0), ("사업A", "city", "2021", 150),
        ("사업A", "district", "2022", 1), ("사업A", "district", "2023", -100)]
    # 16. the merged 지속 cell is reported once (info: no figure in it); the two numbers in one cell are a figure
    # cell no row took, reported as such, not joined
    assert warns(d) == ["연차별 투자수요, p.1: 금액 칸의 글자는 금액이 아니라 읽지 않았습니다 — '지속'",
                        "연차별 투자수요, p.1, 4행 3열: '100 200' 칸을 읽지 않았습니다 (한 칸에 금액이 하나가 아닙니다)"]
    f = {x.check: x.severity for x in extract(d).findings}
    assert f == {"not_an_amount": "info", "unread_cell": "warning"}


# ---- 5. report quarter -----------------------------------------------------------------------------

PERF_Q3 = [TextBlock("□ 추진실적", 1), T([["구분", "2021년 3분기"], ["회의", "1회"]])]


@pytest.mark.parametrize("head", [
    "2021. 4/4분기 공약사업 추진상황", "2021년도 4분기 공약사업 추진상황", "’21년 4분기 공약 추진상황",
    "2021년 제4분기 공약사업 추진상황", "2021 4분기 공약 추진상황", "２０２１년 ４분기 공약사업 추진상황"])
def test_report_quarter_spellings_on_the_cover(head: str) -> None:
    d = doc(*PERF_Q3, head=head)
    assert report_quarter_in_text(d) == "2021Q4"
    assert extract(d).tables["items"].loc[0, "report_quarter"] == "2021Q4"


def test_plan_sentences_naming_a_later_quarter_do_not_outvote_the_cover() -> None:
    d = doc(TextBlock("2022년 1분기 공약사업 추진상황 보고회 준비", 1), TextBlock("2022년 1분기 추진상황 점검", 2),
            TextBlock("○ 2022년 1분기 공약사업 추진상황 점검", 2), *PERF_Q3)
    assert report_quarter_in_text(d) == "2021Q4"


# ---- 6. title spellings and a box without a title ------------------------------------------------

@pytest.mark.parametrize("title", ["57.『테스트』", "57『테스트』", "57 『테스트』", "57. 테스트"])
def test_title_spellings(title: str) -> None:
    items = extract(doc(*PERF_Q3, title=title)).tables["items"]
    assert (items.loc[0, "item_no"], items.loc[0, "title"]) == (57, "테스트")


def test_key_value_box_without_title_is_unidentified_not_item_0() -> None:
    bl = [TextBlock("2021년 4분기 공약사업 추진상황", 1), TextBlock("제57호 『테스트』", 1), kv(),
          TextBlock("□ 추진실적", 1), T([["구분", "2021년 3분기"], ["회의", "1회"]])]
    d = Document("x.pdf", "pdf", bl, [b for b in bl if isinstance(b, Table)], 1)
    res = extract(d)
    assert res.tables["items"].empty and res.tables["performance"].empty  # no rows under a made-up number
    (f,) = [f for f in res.findings if f.check == "item_unidentified"]
    assert f.severity == "error" and f.page == "1" and f.found == "제57호 『테스트』"
    assert "수치 1개를 읽지 않았습니다" in f.message
    assert (res.figures_read, res.figures_unread) == (0, 1)


def test_a_box_without_title_after_a_card_is_not_folded_into_it() -> None:
    card2 = [TextBlock("??", 2), kv(2), TextBlock("□ 추진실적", 2), T([["구분", "2021년 3분기"], ["교육", "5회"]], 2)]
    d = doc(*PERF_Q3, *card2)
    res = extract(d)
    assert list(res.tables["items"]["item_no"]) == [57]
    assert rows(res.tables["performance"], "task") == [("회의",)]
    assert [f.check for f in res.findings] == ["item_unidentified"]


def test_a_second_card_with_the_same_number_is_unidentified() -> None:
    d = doc(*PERF_Q3, TextBlock("57 『다른 사업』", 2), kv(2), TextBlock("□ 추진실적", 2),
            T([["구분", "2021년 3분기"], ["교육", "5회"]], 2))
    res = extract(d)
    assert len(res.tables["items"]) == 1 and rows(res.tables["performance"], "task") == [("회의",)]
    (f,) = res.findings
    assert f.check == "item_unidentified" and "번호 57번이 앞 카드와 같습니다" in f.message


def test_number_before_an_amount_is_not_a_title() -> None:
    bl = [TextBlock("1.5억원 증액", 1), kv()]
    d = Document("x.pdf", "pdf", bl, [kv()], 1)
    res = extract(d, "2021Q4")
    assert res.tables["items"].empty
    assert [f.found for f in res.findings if f.check == "item_unidentified"] == ["1.5억원 증액"]


@pytest.mark.parametrize("title, no, name", [
    ("[7] 가온천 수변 야간경관 조성", 7, "가온천 수변 야간경관 조성"),
    ("◈ 14. 시민 안전체험관 건립", 14, "시민 안전체험관 건립"),
    ("공약사업 22 청년 스마트팜 창업 지원", 22, "청년 스마트팜 창업 지원"),
    ("【57】 테스트 사업", 57, "테스트 사업"), ("〔57〕 테스트", 57, "테스트"), ("<57> 테스트", 57, "테스트"),
    ("No.57 테스트", 57, "테스트"), ("과제 57. 『테스트』", 57, "테스트"), ("■ 57) 테스트", 57, "테스트"),
    ("５７．『테스트』", 57, "테스트"), ("㉗ 테스트", 27, "테스트"),
])
def test_title_pattern_number_in_any_brackets_after_a_marker_or_word(title: str, no: int, name: str) -> None:
    items = extract(doc(*PERF_Q3, title=title)).tables["items"]
    assert (items.loc[0, "item_no"], items.loc[0, "title"]) == (no, name)


@pytest.mark.parametrize("title", ["57-1 테스트 사업", "제57호 테스트", "□ 1. 사업개요", "- 4 -", "2/4분기 추진상황"])
def test_lines_that_are_not_titles(title: str) -> None:
    res = extract(doc(*PERF_Q3, title=title))
    assert res.tables["items"].empty and [f.check for f in res.findings] == ["item_unidentified"]


@pytest.mark.parametrize("box", [["29", "어르신 무장애 보행환경 개선"], ["【29】", "어르신 무장애 보행환경 개선"],
                                 ["No.29", "『어르신 무장애 보행환경』개선"]])
def test_boxed_title_with_number_and_name_in_separate_cells(box: list[str]) -> None:
    bl = [TextBlock("2021년 4분기 공약사업 추진상황", 1), T([box]), kv(), *PERF_Q3]
    d = Document("x.pdf", "pdf", bl, [b for b in bl if isinstance(b, Table)], 1)
    items = extract(d).tables["items"]
    assert items.loc[0, "item_no"] == 29 and items.loc[0, "title"].startswith("어르신 무장애 보행환경")


# ---- 7. the item row -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, total, funds", [
    ("1,000백만원 (국비 50%, 시비 50%)", 1000, {}),
    ("1,000백만원(시·구비 1,000)", 1000, {}),
    ("(2019~2022) 1,000", 1000, {}),
    ("1,000 (국비 400, 시비 600)", 1000, {"national": 400, "city": 600}),
    ("12.5억원 (국비 5억원, 시비 7.5억원)", 1250, {"national": 500, "city": 750}),
])
def test_budget_box_shares_combined_funds_and_year_ranges(text: str, total: float, funds: dict) -> None:
    assert box_amounts(text) == (total, funds)


@pytest.mark.parametrize("text, expected", [
    ("기간 : ’18. 7. ~ ’22. 6.", ("2018-07", "2022-06")),
    ("○ 기 간 : 2018. 7월 ~ 2022. 6월", ("2018-07", "2022-06")),
    ("기간: 2018. 13월 ~ 2022. 0월", None),
    ("기간: 2018 ~ 2022", None),
])
def test_project_period_two_digit_years_and_months(text: str, expected: object) -> None:
    assert project_period(text) == expected


# ---- 14. reporting body ------------------------------------------------------------------------------

def test_reporting_body_is_not_a_word_inside_a_card() -> None:
    d = doc(TextBlock("추진 속도", 1), TextBlock("연구", 2), head="2021년 4분기 공약사업 추진상황")
    assert reporting_body(d) is None


def test_reporting_body_from_letter_spaced_cover_before_the_card() -> None:
    d = doc(head="한 빛 구")
    assert reporting_body(d) == "한빛구"
    assert reporting_body(doc(head="연구")) is None  # short word on the cover, neither spaced nor …청
