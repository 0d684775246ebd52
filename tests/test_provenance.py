"""Every budget, plan and performance row names the cell it was printed in, for every format.

The check is against what a user can see: the table at ``source_table`` of
``python -m pipeline tables FILE --json`` (the reader's document, here read the
same way), the cell at ``source_row``/``source_col`` of it, its page and box.
That cell must hold the row's figure (money: the amount in the table's unit) or
its text (a row cut at a page break and joined holds a part of it in each cell).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.cards.numbers import parse_money
from pipeline.cards.textclean import clean
from pipeline.contract import PROVENANCE
from pipeline.readers import read_document

FILES = [
    "cards/seed57-2021Q4.lo.pdf", "cards/seed57-2021Q4.chrome.pdf", "cards/seed57-2021Q4.rhwp.pdf",
    "cards/seed57-2021Q4.hwpx", "cards/seed57-2021Q4.hwp", "cards/seed57-2021Q3.lo.pdf",
    "cards/seed57-2021Q3.hwpx", "compiled/hanbit-2023Q2.lo.pdf", "compiled/hanbit-2023Q2.rl.pdf",
    "compiled/hanbit-2023Q1.lo.pdf", "variety/gaon-2024Q2.lo.pdf", "variety/gaon-2024Q2.hwpx",
]
# A money cell prints the amount in its table's unit: 백만원, 천원 (÷1000) or 억원 (×100).
SCALES = (Decimal(1), Decimal("0.001"), Decimal(100))


def _cell(tables: list[dict], row: dict) -> dict:
    t = tables[int(row["source_table"])]
    r, c = int(row["source_row"]), int(row["source_col"])
    cell = next((x for x in t["cells"] if x["row"] == r and x["col"] == c), None)
    assert cell is not None, f"no cell at table {row['source_table']} ({r}, {c})"
    return {**cell, "page": t["page"]}


@pytest.mark.parametrize("name", FILES)
def test_every_row_names_the_cell_that_prints_it(corpus: Path, extracted, name: str) -> None:
    path = corpus / name
    got = extracted(path)
    assert got.result.ok, got.result.line()
    tables = read_document(path).tables_json()
    pdf = path.suffix == ".pdf"
    joined: set[tuple] = set()  # rows (not cells) whose text was joined across a page break
    for table in ("budget", "plan", "performance"):
        df = got.tables[table]
        assert set(PROVENANCE) <= set(df.columns)
        for row in df.to_dict("records"):
            assert row["source_file"] == path.name
            cell = _cell(tables, row)
            if pdf:
                assert row["source_page"] == cell["page"]
                assert row["source_bbox"] == " ".join(f"{v:g}" for v in cell["bbox"])
            else:
                assert row["source_page"] is None and row["source_bbox"] is None
            if table == "budget":
                printed = parse_money(cell["text"])
                assert printed is not None, (name, row, cell["text"])
                assert any(abs(Decimal(str(printed)) * s - Decimal(str(row["amount_mkrw"]))) < Decimal("0.0005")
                           for s in SCALES), (name, row, cell["text"])
            else:
                text = clean(cell["text"])
                assert text and text in row["text"], (name, row["text"], cell["text"])
                if text != row["text"]:
                    joined.add((table, row["item_no"], row["unit"], row["task"]))
    # Only a row cut by a page break is joined from two cells (each of its period cells): at most one such row
    # an item's table in these files, never the rule.
    assert len(joined) <= 2, joined
