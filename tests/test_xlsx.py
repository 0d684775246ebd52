"""The quarter workbook: a file a clerk can work in (frozen bold header, filters, widths, number formats, Korean
for every code), the sheets 요약/검토의견/변경 with the right rows, and the same rows as the CSVs."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from truth_tables import load_truth, tables_from_truth

from pipeline import vocab
from pipeline.checks import CHECK_NAMES, check
from pipeline.contract import COLUMNS, CONTRACT_TABLES, read_csv
from pipeline.outputs.labels import header
from pipeline.outputs.sheets import SHEET_TITLES
from pipeline.outputs.xlsx import read_xlsx, write_xlsx
from pipeline.quarter.archive import archive_quarter
from pipeline.quarter.diff import diff_tables, restatements

HANGUL = re.compile(r"[\uAC00-\uD7A3]")
PERIOD_OR_QUARTER_CODE = re.compile(r"^\d{4}(Q[1-4]|H[12])$")
# Every code a contract cell may hold that must never reach a clerk as such.
CODES = (set(vocab.FUNDS) | set(vocab.KIND_LABELS) | set(vocab.SEVERITY_LABELS) | set(CHECK_NAMES)
         | set(vocab.CHANGE_LABELS) | set(vocab.TABLE_LABELS) | {"total", "True", "False"}
         | {c for cols in COLUMNS.values() for c in cols})
AMOUNT_HEADERS = re.compile(r"\(백만원\)$|^수치$|목표$|실적$|^값$|^계산값$|^표기값$|^이전$|^이후$")


def english_codes(wb: openpyxl.Workbook) -> list[tuple[str, str, object]]:
    """Cells that show a bare code (`plan`, `national`, `warning`, `2023Q1`, a column name) instead of Korean."""
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, str) and (v.strip() in CODES or PERIOD_OR_QUARTER_CODE.match(v.strip())):
                    bad.append((ws.title, c.coordinate, v))
    return bad


@pytest.fixture(scope="module")
def pair(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The public compiled pair: 2023Q2's workbook with the diff from 2023Q1 (diff step's restated flags)."""
    q1 = tables_from_truth(corpus / "compiled/hanbit-2023Q1.truth.json", "hanbit-2023Q1.lo.pdf")
    q2 = tables_from_truth(corpus / "compiled/hanbit-2023Q2.truth.json", "hanbit-2023Q2.lo.pdf")
    q2["findings"] = check(q2)
    d = diff_tables(q1, q2)
    d["restated"] = restatements(d, "2023Q2")
    path = write_xlsx(tmp_path_factory.mktemp("pair") / "2023Q2.xlsx", q2, quarter="2023Q2", diff=d)
    expected = json.loads((corpus / "compiled/hanbit-2023Q1_to_2023Q2.expected_diff.json").read_text())
    return {"path": path, "wb": openpyxl.load_workbook(path), "tables": q2, "expected_diff": expected}


def test_every_sheet_has_frozen_bold_header_filter_and_fitting_widths(pair: dict) -> None:
    wb = pair["wb"]
    assert [ws.title for ws in wb.worksheets] == ["요약", "검토의견", "변경", "공약사업", "투자계획·집행액",
                                                 "추진계획", "추진실적", "연간목표", "참고사항"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}", ws.title
        for c in ws[1]:
            assert c.font.bold and HANGUL.search(c.value), (ws.title, c.value)
            # Every heading word fits its column (a Hangul syllable is about two width units, a Latin letter one).
            need = max(sum(1.8 if HANGUL.match(ch) else 1.0 for ch in w) for w in c.value.split())
            assert ws.column_dimensions[c.column_letter].width >= min(need, 1.8 * 12), (ws.title, c.value)


def test_amounts_are_numbers_with_thousands_format_and_rates_percent(pair: dict) -> None:
    checked = 0
    for ws in pair["wb"].worksheets:
        heads = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for h, c in zip(heads, row):
                if isinstance(c.value, (int, float)) and AMOUNT_HEADERS.search(h):
                    checked += 1
                    if h in ("달성률", "지금까지 채울 몫"):
                        assert c.number_format == "0.0%"
                    elif ws.title == "요약" and row[2].value == "%":
                        assert c.number_format == "0.0%" and c.value <= 1.5
                    else:
                        assert c.number_format.startswith("#,##0"), (ws.title, h, c.number_format)
        for h in heads:
            if h.endswith("(백만원)"):
                j = heads.index(h)
                vals = [r[j].value for r in ws.iter_rows(min_row=2) if r[j].value is not None]
                assert all(isinstance(v, (int, float)) for v in vals), (ws.title, h)
    assert checked > 300
    # A 천원 card's figure keeps its exact value and shows all its decimals: 126.457 백만원.
    budget = pair["wb"]["투자계획·집행액"]
    cells = [r[9] for r in budget.iter_rows(min_row=2) if r[9].value == 126.457]
    assert cells and cells[0].number_format == "#,##0.000"


def test_no_english_code_in_any_cell(pair: dict) -> None:
    assert english_codes(pair["wb"]) == []
    budget = pair["wb"]["투자계획·집행액"]
    heads = [c.value for c in budget[1]]
    kinds = {r[heads.index("구분")] for r in budget.iter_rows(min_row=2, values_only=True)}
    funds = {r[heads.index("재원")] for r in budget.iter_rows(min_row=2, values_only=True)}
    periods = {r[heads.index("기간")] for r in budget.iter_rows(min_row=2, values_only=True)}
    assert kinds == {"투자계획", "집행액"} and funds == {"국비", "시비", "구비", "기타", "계"}
    assert {"2022년", "2026년 상반기", "계"} <= periods


def test_summary_changes_and_findings_sheets_row_counts_compiled_pair(pair: dict) -> None:
    wb, exp = pair["wb"], pair["expected_diff"]
    # 요약: 공약사업, one row per status present (완료, 정상추진), then the fixed figures, one per fund named.
    summary = [r for r in wb["요약"].iter_rows(min_row=2, values_only=True)]
    statuses = {s for s in pair["tables"]["items"]["status"]}
    funds_named = [f for f in ("national", "city", "district", "other")
                   if pair["tables"]["items"][f"total_{f}_mkrw"].astype(float).any()]
    assert len(summary) == 1 + len(statuses) + 1 + 5 + 1 + len(funds_named) + 3 + 3 + 2 + 1
    assert {r[0] for r in summary} >= {"공약사업", "추진상황 완료", "추진상황 정상추진", "완료율", "재정확보율",
                                       "집행률 (계획 대비)", "총사업비 국비", "고칠 것 (오류·경고)"}
    assert all(r[3] for r in summary)  # every figure with its definition
    # 변경: every difference of the expected diff, the two restated 창업 상담 figures marked.
    n_expected = sum(len(exp[t][c]) for t in ("items", "budget", "plan", "performance")
                     for c in ("added", "removed", "changed"))
    changes = list(wb["변경"].iter_rows(min_row=2, values_only=True))
    assert len(changes) == n_expected == 90
    heads = [c.value for c in wb["변경"][1]]
    restated = [r for r in changes if r[heads.index("지난 기간 수정")] == "예"]
    assert len(restated) == 2 and {r[heads.index("세부과제")] for r in restated} == {"창업 상담"}
    assert {r[heads.index("기간")] for r in restated} == {"2023년 1분기"}
    # 검토의견: the truth adds up, so nothing to fix; 연간목표: the 21 tasks with a 2023 figure target.
    assert wb["검토의견"].max_row == 1 and wb["참고사항"].max_row == 1
    assert wb["연간목표"].max_row - 1 == 21


def test_findings_sheet_lists_what_to_fix_with_file_page_and_korean(corpus: Path, tmp_path: Path) -> None:
    t = tables_from_truth(corpus / "bad/arith-wrong.truth.json", "arith-wrong.lo.pdf")
    t["findings"] = check(t)
    info = t["findings"].iloc[[0]].assign(check="extraction_warning", severity="info", location="p.2", page=2,
                                          message="읽지 못한 칸", expected="", found="")
    t["findings"] = pd.concat([t["findings"], info], ignore_index=True)
    wb = openpyxl.load_workbook(write_xlsx(tmp_path / "a.xlsx", t, quarter="2021Q4"))
    ws = wb["검토의견"]
    heads = [c.value for c in ws[1]]
    rows = [dict(zip(heads, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 4 and {r["수준"] for r in rows} == {"경고"}
    assert {r["원본 파일"] for r in rows} == {"arith-wrong.lo.pdf"} and {r["쪽"] for r in rows} == {"1-2"}
    assert {r["점검 항목"] for r in rows} == {CHECK_NAMES[c] for c in
                                          ("total_budget_sum", "box_fund_vs_plan", "total_column", "total_row")}
    first = next(r for r in rows if r["점검 항목"] == CHECK_NAMES["total_budget_sum"])
    assert (first["계산값"], first["표기값"]) == (2925, 2880) and "2,925" in first["설명"]
    assert ws.cell(2, heads.index("계산값") + 1).number_format == "#,##0"
    notes = list(wb["참고사항"].iter_rows(min_row=2, values_only=True))
    assert len(notes) == 1 and notes[0][heads.index("수준")] == "참고" and notes[0][heads.index("쪽")] == "2"
    assert english_codes(wb) == []


def test_per_row_provenance_columns_when_present_and_item_pages_when_absent(corpus: Path, tmp_path: Path) -> None:
    t = tables_from_truth(corpus / "compiled/hanbit-2023Q2.truth.json", "hanbit-2023Q2.lo.pdf")
    wb = openpyxl.load_workbook(write_xlsx(tmp_path / "a.xlsx", t, quarter="2023Q2"))
    heads = [c.value for c in wb["추진계획"][1]]
    assert heads[-2:] == ["원본 파일", "원본 쪽(사업 범위)"]
    first = next(wb["추진계획"].iter_rows(min_row=2, values_only=True))
    assert first[-2:] == ("hanbit-2023Q2.lo.pdf", "3-4")
    # Rows that carry the contract's source_* columns show them, cell by cell.
    b = t["budget"]
    t["budget"] = b.assign(source_file="hanbit-2023Q2.lo.pdf", source_page=6, source_table=7,
                           source_row=range(len(b)), source_col=3, source_bbox="56.7 300.2 120.4 312.9")
    wb = openpyxl.load_workbook(write_xlsx(tmp_path / "b.xlsx", t, quarter="2023Q2"))
    heads = [c.value for c in wb["투자계획·집행액"][1]]
    assert heads[-6:] == ["원본 파일", "원본 쪽", header("source_table"), header("source_row"),
                          header("source_col"), header("source_bbox")]
    rows = list(wb["투자계획·집행액"].iter_rows(min_row=2, values_only=True))
    assert rows[5][-6:] == ("hanbit-2023Q2.lo.pdf", 6, 7, 5, 3, "56.7 300.2 120.4 312.9")


def test_a_fund_added_to_the_vocabulary_gets_its_korean_heading(monkeypatch: pytest.MonkeyPatch) -> None:
    # Another engineer adds 도비/군비 to vocab; the workbook's headings follow FUND_LABELS, not a list of its own.
    monkeypatch.setitem(vocab.FUND_LABELS, "province", "도비")
    assert header("total_province_mkrw") == "총사업비 도비(백만원)"
    assert header("secured_province_mkrw") == "예산확보액 도비(백만원)"


def test_archived_xlsx_holds_the_same_rows_as_the_csvs(corpus: Path, tmp_path: Path) -> None:
    t = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    r = archive_quarter(tmp_path, "2023Q2", t, [corpus / "compiled/hanbit-2023Q2.lo.pdf"])
    book = read_xlsx(r.path / "2023Q2.xlsx")
    csvs = {name: read_csv(r.path / f"{name}.csv", name) for name in CONTRACT_TABLES}
    for name in CONTRACT_TABLES:
        assert len(book[name]) == len(csvs[name]) == len(t[name])
    # cell for cell (numbers numerically, text exactly; labels read back as codes): no difference
    assert diff_tables(csvs, book).empty
    assert diff_tables(t, book).empty
    assert list(book) == ["items", "budget", "plan", "performance", "findings", "diff"]
    # The archive names no previous quarter here: 변경 is there, with its header only.
    assert book["diff"].empty


def test_injection_hyperlink_cell_stays_a_string_cell(corpus: Path, tmp_path: Path) -> None:
    t = load_truth(corpus / "bad/injection.truth.json")
    assert t["performance"]["text"].str.startswith("=HYPERLINK").any()
    write_xlsx(tmp_path / "q.xlsx", t)
    wb = openpyxl.load_workbook(tmp_path / "q.xlsx")
    ws = wb[SHEET_TITLES["performance"]]
    hits = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert hits, "the =HYPERLINK text was lost"
    assert all(c.data_type == "s" for c in hits)
    # and nowhere in the file is there a formula element
    with zipfile.ZipFile(tmp_path / "q.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_numbers_are_numbers_and_numeric_looking_text_is_text(corpus: Path, tmp_path: Path) -> None:
    t = load_truth(corpus / "cards/seed57-2021Q4.truth.json")
    write_xlsx(tmp_path / "q.xlsx", t)
    wb = openpyxl.load_workbook(tmp_path / "q.xlsx")
    ws = wb[SHEET_TITLES["budget"]]
    head = [c.value for c in ws[1]]
    assert head[0] == header("report_quarter") == "보고분기"
    amount = head.index(header("amount_mkrw"))
    assert all(isinstance(r[amount], (int, float)) for r in ws.iter_rows(min_row=2, values_only=True))
    perf = wb[SHEET_TITLES["performance"]]
    ph = [c.value for c in perf[1]]
    rows = list(perf.iter_rows(min_row=2, values_only=True))
    text_col, value_col = ph.index(header("text")), ph.index(header("value"))
    assert "1,942" in [r[text_col] for r in rows]  # text keeps its comma
    assert 1942 in [r[value_col] for r in rows]


def test_diff_sheet_and_empty_tables(tmp_path: Path) -> None:
    d = pd.DataFrame([{"table": "items", "change": "changed", "item_no": 43, "field": "status",
                       "before": "정상추진", "after": "완료"}])
    write_xlsx(tmp_path / "d.xlsx", {"diff": d, "findings": pd.DataFrame()})
    back = read_xlsx(tmp_path / "d.xlsx")
    assert back["diff"].loc[0, "after"] == "완료" and back["diff"].loc[0, "item_no"] == 43
    assert back["diff"].loc[0, "field"] == "status" and back["diff"].loc[0, "table"] == "items"
    assert back["findings"].empty


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "@SUM(A1)", "-온라인(행복e음)", "038", "1,942", "a\x07b"])
def test_text_cells_are_written_verbatim(tmp_path: Path, text: str) -> None:
    df = pd.DataFrame([{"item_no": 1, "unit": "", "task": "t", "period": "2022", "text": text,
                        "value": None, "measure": ""}])
    write_xlsx(tmp_path / "t.xlsx", {"plan": df})
    got = read_xlsx(tmp_path / "t.xlsx")["plan"].loc[0, "text"]
    assert got == text.replace("\x07", "")  # control characters cannot be stored in XLSX
