"""The quarter workbook: same rows as the CSVs, numbers as numbers, text (even `=HYPERLINK`) as text."""
from __future__ import annotations

import openpyxl
import pytest
from truth_tables import load_truth

from pipeline.contract import CONTRACT_TABLES, read_csv
from pipeline.outputs.xlsx import HEADERS, SHEETS, read_xlsx, write_xlsx
from pipeline.quarter.archive import archive_quarter
from pipeline.quarter.diff import diff_tables


def test_injection_hyperlink_cell_stays_a_string_cell(corpus, tmp_path):
    t = load_truth(corpus / "bad/injection.truth.json")
    assert t["performance"]["text"].str.startswith("=HYPERLINK").any()
    write_xlsx(tmp_path / "q.xlsx", t)
    wb = openpyxl.load_workbook(tmp_path / "q.xlsx")
    ws = wb[SHEETS["performance"]]
    hits = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert hits, "the =HYPERLINK text was lost"
    assert all(c.data_type == "s" for c in hits)
    # and nowhere in the file is there a formula element
    import zipfile
    with zipfile.ZipFile(tmp_path / "q.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_numbers_are_numbers_and_numeric_looking_text_is_text(corpus, tmp_path):
    t = load_truth(corpus / "cards/seed57-2021Q4.truth.json")
    write_xlsx(tmp_path / "q.xlsx", t)
    wb = openpyxl.load_workbook(tmp_path / "q.xlsx")
    ws = wb[SHEETS["budget"]]
    header = [c.value for c in ws[1]]
    assert header[0] == HEADERS["report_quarter"] == "보고분기"
    amount = header.index(HEADERS["amount_mkrw"])
    assert all(isinstance(r[amount], (int, float)) for r in ws.iter_rows(min_row=2, values_only=True))
    perf = wb[SHEETS["performance"]]
    ph = [c.value for c in perf[1]]
    rows = list(perf.iter_rows(min_row=2, values_only=True))
    text_col, value_col = ph.index(HEADERS["text"]), ph.index(HEADERS["value"])
    assert "1,942" in [r[text_col] for r in rows]  # text keeps its comma
    assert 1942 in [r[value_col] for r in rows]


def test_archived_xlsx_holds_the_same_rows_as_the_csvs(corpus, tmp_path):
    t = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    r = archive_quarter(tmp_path, "2023Q2", t, [corpus / "compiled/hanbit-2023Q2.lo.pdf"])
    book = read_xlsx(r.path / "2023Q2.xlsx")
    csvs = {name: read_csv(r.path / f"{name}.csv", name) for name in CONTRACT_TABLES}
    for name in CONTRACT_TABLES:
        assert len(book[name]) == len(csvs[name]) == len(t[name])
    # cell for cell (numbers numerically, text exactly): the diff machinery says "no difference"
    assert diff_tables(csvs, book).empty
    assert diff_tables(t, book).empty
    assert list(book) == ["items", "budget", "plan", "performance", "findings"]


def test_diff_sheet_and_empty_tables(tmp_path):
    import pandas as pd
    d = pd.DataFrame([{"table": "items", "change": "changed", "item_no": 43, "field": "status",
                       "before": "정상추진", "after": "완료"}])
    write_xlsx(tmp_path / "d.xlsx", {"diff": d, "findings": pd.DataFrame()})
    back = read_xlsx(tmp_path / "d.xlsx")
    assert back["diff"].loc[0, "after"] == "완료" and back["diff"].loc[0, "item_no"] == 43
    assert back["findings"].empty


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "@SUM(A1)", "-온라인(행복e음)", "038", "1,942", "a\x07b"])
def test_text_cells_are_written_verbatim(tmp_path, text):
    import pandas as pd
    df = pd.DataFrame([{"item_no": 1, "unit": "", "task": "t", "period": "2022", "text": text,
                        "value": None, "measure": ""}])
    write_xlsx(tmp_path / "t.xlsx", {"plan": df})
    got = read_xlsx(tmp_path / "t.xlsx")["plan"].loc[0, "text"]
    assert got == text.replace("\x07", "")  # control characters cannot be stored in XLSX
