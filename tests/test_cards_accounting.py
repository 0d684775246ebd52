"""Nothing silently lost: every figure of a card ends in the CSVs or is named by a finding.

The corruption tests take the public card (cards/seed57-2021Q4.lo.pdf), break what the normaliser relies on —
a title spelling it cannot know, a total heading it cannot know, period headings replaced by gibberish, a table
cut in half by a page break — and check, against the card's truth, that every figure is either in the CSVs
under its key or named by an ``unread_cell`` / ``item_unidentified`` finding.
"""
from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path
from typing import Callable, Optional

import pytest

from pipeline.cards import Extraction, extract
from pipeline.cards.numbers import parse_measure
from pipeline.contract import PROVENANCE, contract_frame
from pipeline.model import Cell, Document, Table, TextBlock
from pipeline.readers import read_document

SEED = "cards/seed57-2021Q4.lo.pdf"
TRUTH = "cards/seed57-2021Q4.truth.json"


def _key(v: object) -> str:
    return re.sub(r"\s+", "", "" if v is None else str(v))


def _num(v: object) -> Optional[float]:
    if v is None or v == "":
        return None
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        value, _ = parse_measure(str(v))
        return None if value is None else float(value)


def silent_figures(res: Extraction, truth: dict) -> list[str]:
    """Truth figures neither in the CSVs (right key, right value) nor named by an unread_cell /
    item_unidentified finding (each unread_cell names one printed figure, used once)."""
    unidentified = any(f.check == "item_unidentified" for f in res.findings)
    named = Counter(_num(f.found) for f in res.findings if f.check == "unread_cell")
    box_text = " ".join(f.message for f in res.findings if f.check == "item_unidentified").replace(",", "")
    keys = {"budget": ("item_no", "unit", "kind", "fund", "period"), "plan": ("item_no", "unit", "task", "period"),
            "performance": ("item_no", "unit", "task", "period"), "items": ("item_no",)}
    fields = {"budget": ["amount_mkrw"], "plan": ["value"], "performance": ["value"],
              "items": ["total_budget_mkrw", "total_national_mkrw", "total_province_mkrw", "total_city_mkrw",
                        "total_district_mkrw", "total_county_mkrw", "total_other_mkrw"]}
    silent = []
    for t, cols in keys.items():
        df = contract_frame(t, res.tables[t])
        got = {tuple(_key(r[c]) for c in cols): r for r in df.to_dict("records")}
        for r in truth[t]:
            for fld in fields[t]:
                want = _num(r.get(fld))
                if want is None:
                    continue
                row = got.get(tuple(_key(r.get(c)) for c in cols))
                if row is not None and _num(row.get(fld)) == want:
                    continue
                if unidentified and (t != "items" or want == 0 or f"{want:g}" in box_text):
                    continue
                if named[want] > 0:
                    named[want] -= 1
                    continue
                silent.append(f"{t} {[r.get(c) for c in cols]} {fld}={r.get(fld)}")
    return silent


@pytest.fixture(scope="module")
def seed(corpus: Path) -> tuple[Document, dict]:
    return read_document(corpus / SEED), json.loads((corpus / TRUTH).read_text(encoding="utf-8"))


def _tables(d: Document) -> list[Table]:
    return [b for b in d.blocks if isinstance(b, Table)]


def _cell(t: Table, text: str) -> Cell:
    """The header cell (the topmost) printing ``text``."""
    return min((c for c in t.cells if c.text == text), key=lambda c: (c.row, c.col))


# ----------------------------------------------------------------------------- corruptions of the document model

def unknown_title(d: Document) -> None:
    """The title box's number in a spelling no pattern knows (제57호)."""
    _cell(_tables(d)[0], "57").text = "제57호"


def unknown_total_heading(d: Document) -> None:
    """The 투자수요 and 집행액 total columns headed 누적액: not a total word, so only arithmetic can tell."""
    t = _tables(d)
    _cell(t[3], "계").text = "누적액"  # 연차별 투자수요
    _cell(t[4], "계").text = "누적액"  # 연차별 집행액


def gibberish_periods(d: Document) -> None:
    """One period heading per contract table replaced by gibberish, the first period column included."""
    t = _tables(d)
    _cell(t[2], "‘18\n(하반기)").text = "XQZ"  # 추진계획: the first period column
    _cell(t[3], "‘20").text = "QQ"  # 투자수요: a middle column
    _cell(t[4], "‘21").text = "ZZ"  # 집행액
    _cell(t[5], "’20\n하반기").text = "XQZ"  # 추진실적 (its continuation repeats the header: the same)
    _cell(t[6], "’20\n하반기").text = "XQZ"


def split_table(d: Document, t: Table, cut: int, lines: int) -> None:
    """Cut table ``t`` by a page break inside row ``cut``: the first part keeps ``lines`` lines of that row's
    cells, the second part (the next page, no header) the rest; merged cells crossing the cut continue blank;
    every later block moves one page on."""
    y0 = 50.0

    def shifted(c: Cell, row: int, rowspan: int, text: str) -> Cell:
        box = None
        if c.bbox:
            box = (c.bbox[0], y0 + 15 * row, c.bbox[2], y0 + 15 * (row + rowspan))
        return Cell(row, c.col, rowspan, c.colspan, text, box)

    a_cells, b_cells = [], []
    for c in t.cells:
        end = c.row + c.rowspan - 1
        if end < cut:
            a_cells.append(c)
        elif c.row > cut:
            b_cells.append(shifted(c, c.row - cut, c.rowspan, c.text))
        elif c.row == cut and c.rowspan == 1:
            parts = c.text.split("\n")
            a_cells.append(Cell(c.row, c.col, 1, c.colspan, "\n".join(parts[:lines]), c.bbox))
            b_cells.append(shifted(c, 0, 1, "\n".join(parts[lines:])))
        else:  # a merged cell across the cut: its text on the first page, blank on the next
            a_cells.append(Cell(c.row, c.col, cut - c.row + 1, c.colspan, c.text, c.bbox))
            b_cells.append(shifted(c, 0, end - cut + 1, ""))
    a = Table(cut + 1, t.cols, a_cells, page=t.page, bbox=t.bbox)
    b = Table(t.rows - cut, t.cols, b_cells, page=(t.page or 0) + 1,
              bbox=(t.bbox[0], y0, t.bbox[2], y0 + 15 * (t.rows - cut)) if t.bbox else None)
    i = d.blocks.index(t)
    for blk in d.blocks[i + 1:]:
        if blk.page is not None:
            blk.page += 1
    d.blocks[i:i + 1] = [a, b]
    k = d.tables.index(t)
    d.tables[k:k + 1] = [a, b]
    for other in d.tables:  # indexes into Document.tables past the cut move on by one, as Document.join does
        for attr in ("parent", "continues", "continued_by"):
            v = getattr(other, attr)
            if v is not None and v > k:
                setattr(other, attr, v + 1)
    d.page_count = (d.page_count or 0) + 1


def plan_cut_in_half(d: Document) -> None:
    """추진계획 (11 rows) cut inside row 4, whose cells hold several lines each, without a repeated header."""
    split_table(d, _tables(d)[2], 4, 2)


def budget_cut_in_half(d: Document) -> None:
    """투자수요 cut after its 시비 row: the unit label (merged over four rows) continues blank."""
    split_table(d, _tables(d)[3], 3, 9)


CORRUPTIONS: dict[str, Callable[[Document], None]] = {
    "unknown_title": unknown_title,
    "unknown_total_heading": unknown_total_heading,
    "gibberish_periods": gibberish_periods,
    "plan_cut_in_half": plan_cut_in_half,
    "budget_cut_in_half": budget_cut_in_half,
}


def test_the_uncorrupted_card_loses_nothing(seed: tuple[Document, dict]) -> None:
    d, truth = seed
    res = extract(copy.deepcopy(d))
    assert silent_figures(res, truth) == [] and res.findings == []
    assert (res.figures_read, res.figures_unread) == (93, 0)


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_corrupted_card_loses_no_figure_silently(seed: tuple[Document, dict], name: str) -> None:
    d, truth = copy.deepcopy(seed[0]), seed[1]
    CORRUPTIONS[name](d)
    res = extract(d)
    assert silent_figures(res, truth) == []
    unread_cells = [f for f in res.findings if f.check == "unread_cell"]
    assert res.figures_unread == len(unread_cells) or any(f.check == "item_unidentified" for f in res.findings)
    assert all(f.severity in ("warning", "error") for f in res.findings if f.check != "total_by_arithmetic")


def test_unknown_title_is_an_error_and_no_item_0(seed: tuple[Document, dict]) -> None:
    d = copy.deepcopy(seed[0])
    unknown_title(d)
    res = extract(d)
    assert res.tables["items"].empty and res.tables["budget"].empty
    (f,) = res.findings
    assert (f.check, f.severity, f.page) == ("item_unidentified", "error", "1-2")
    assert "2,880백만원" in f.message and (res.figures_read, res.figures_unread) == (0, 93)


def test_unknown_total_heading_is_read_by_arithmetic(seed: tuple[Document, dict]) -> None:
    d = copy.deepcopy(seed[0])
    unknown_total_heading(d)
    res = extract(d)
    budget = res.tables["budget"]
    assert len(budget[budget["period"] == "total"]) == 6  # 계 + 4 funds of 투자수요, the unit of 집행액
    assert [f.check for f in res.findings] == ["total_by_arithmetic", "total_by_arithmetic"]
    assert {f.severity for f in res.findings} == {"info"}


def test_gibberish_period_columns_are_named(seed: tuple[Document, dict]) -> None:
    d = copy.deepcopy(seed[0])
    gibberish_periods(d)
    res = extract(d)
    columns = [f for f in res.findings if f.check == "unread_column"]
    assert len(columns) == 4 and all("기간도 합계도 아닌 열" in f.message for f in columns)
    plan = res.tables["plan"]
    assert "2018H2" not in set(plan["period"]) and set(plan["task"]) >= {"연석회의 지속"}  # never keyed by a figure


def test_cut_tables_give_the_rows_of_the_whole_card(seed: tuple[Document, dict]) -> None:
    whole = extract(copy.deepcopy(seed[0])).tables
    for cut in (plan_cut_in_half, budget_cut_in_half):
        d = copy.deepcopy(seed[0])
        cut(d)
        res = extract(d)
        assert res.findings == []
        for t in ("budget", "plan", "performance"):
            # The cut adds a table, so the cells' table numbers (provenance) move; the rows may not.
            a = contract_frame(t, whole[t]).drop(columns=PROVENANCE).astype(str).values.tolist()
            b = contract_frame(t, res.tables[t]).drop(columns=PROVENANCE).astype(str).values.tolist()
            assert sorted(a) == sorted(b), (cut.__name__, t)


# ----------------------------------------------------------------------------- rules on small documents

def T(rows: list[list[Optional[str]]], spans: Optional[dict] = None, page: int = 1) -> Table:
    spans = spans or {}
    cells = [Cell(r, c, *spans.get((r, c), (1, 1)), t) for r, row in enumerate(rows) for c, t in enumerate(row)
             if t is not None]
    return Table(len(rows), max(len(r) for r in rows), cells, page=page)


def card(*blocks: object) -> Document:
    kv = T([["추진상황", "정상추진", "사업구분", "신규"], ["총사업비", "300백만원", "2024년 예산확보액", "100백만원"]])
    bl = [TextBlock("2024년 2분기 공약사업 추진상황", 1), TextBlock("[7] 테스트 사업", 1), kv, *blocks]
    return Document("x.pdf", "pdf", bl, [b for b in bl if isinstance(b, Table)], 1)


BUDGET_HEAD = ["구분", None, "누적액", "2023", "2024"]


@pytest.mark.parametrize("heading", ["계", "합 계", "총계", "총사업비", "총 사업비", "사업비 계", "사업비계",
                                     "계(백만원)", "합계\n(백만원)"])
def test_total_column_headings(heading: str) -> None:
    rows = [["구분", None, heading, "2023", "2024"], ["계", None, "30", "10", "20"], ["사업", "시비", "30", "10", "20"]]
    res = extract(card(TextBlock("□ 연차별 투자계획", 1), T(rows, {(0, 0): (1, 2), (1, 0): (1, 2)})))
    assert sorted(res.tables["budget"]["period"]) == ["2023", "2023", "2024", "2024", "total", "total"]
    assert res.findings == []


def test_unknown_heading_that_does_not_add_up_is_reported_column_and_cells() -> None:
    rows = [BUDGET_HEAD, ["계", None, "31", "10", "20"], ["사업", "시비", "30", "10", "20"]]
    res = extract(card(TextBlock("□ 연차별 투자계획", 1), T(rows, {(0, 0): (1, 2), (1, 0): (1, 2)})))
    assert set(res.tables["budget"]["period"]) == {"2023", "2024"}
    checks = Counter(f.check for f in res.findings)
    assert checks == {"unread_column": 1, "unread_cell": 2}
    assert (res.figures_read, res.figures_unread) == (4, 2)


def test_total_column_last_by_arithmetic() -> None:
    rows = [["구분", None, "2023", "2024", "합산"], ["사업", "국비", "5", "5", "10"], [None, "시비", "10", "20", "30"]]
    res = extract(card(TextBlock("□ 연차별 투자계획", 1), T(rows, {(0, 0): (1, 2), (1, 0): (2, 1)})))
    b = res.tables["budget"]
    assert sorted(b.loc[b["period"] == "total", "amount_mkrw"]) == [10, 30]


def test_three_header_rows_under_a_banner() -> None:
    rows = [["구분", "추진실적", None, None, None], [None, "2024년", None, None, None],
            [None, "상반기", None, "하반기", None], [None, "1분기", "2분기", "3분기", "4분기"],
            ["회의", "3회", "4회", "5회", "6회"]]
    spans = {(0, 0): (4, 1), (0, 1): (1, 4), (1, 1): (1, 4), (2, 1): (1, 2), (2, 3): (1, 2)}
    res = extract(card(TextBlock("□ 추진실적", 1), T(rows, spans)))
    got = {r.period: r.text for r in res.tables["performance"].itertuples()}
    assert got == {"2024Q1": "3회", "2024Q2": "4회", "2024Q3": "5회", "2024Q4": "6회"} and res.findings == []


def test_whole_table_without_periods_names_its_figures() -> None:
    res = extract(card(TextBlock("□ 추진실적", 1), T([["구분", "목표", "1분기"], ["회의", "6회", "1회"]])),
                  quarter="2024Q2")
    assert sorted(f.check for f in res.findings) == ["unread_cell", "unread_cell", "unread_table"]
    assert (res.figures_read, res.figures_unread) == (0, 2)


def test_row_without_a_label_is_named() -> None:
    res = extract(card(TextBlock("□ 추진실적", 1), T([["구분", "2024년 1분기"], ["회의", "1회"], ["", "2회"]])))
    assert sorted(f.check for f in res.findings) == ["unread_cell", "unread_row"]


def test_unknown_source_in_the_fund_column_is_other_and_two_sources_are_summed() -> None:
    rows = [["구분", None, "계", "2023", "2024"], ["계", None, "60", "25", "35"],
            ["사업", "시비", "30", "10", "20"], [None, "기타", "10", "5", "5"], [None, "민자", "20", "10", "10"]]
    res = extract(card(TextBlock("□ 연차별 투자계획", 1), T(rows, {(0, 0): (1, 2), (1, 0): (1, 2), (2, 0): (3, 1)})))
    b = res.tables["budget"]
    other = b[b["fund"] == "other"]
    assert sorted(zip(other["period"], other["amount_mkrw"])) == [("2023", 15), ("2024", 15), ("total", 30)]
    (f,) = res.findings
    assert (f.check, f.severity) == ("other_funds_summed", "info") and "기타 + 민자" in f.message
