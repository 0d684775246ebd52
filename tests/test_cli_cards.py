"""The seed cards and the compiled reports as ``extract`` writes them, scored with ../shared/tools/score.py.

These are the product's acceptance figures: 1.000 precision and recall, numeric
and text, in all four contract tables, for every format of the same card.  Each
file is read once per session (the ``extracted`` fixture: the batch and CSV
writer behind ``extract``); the command line itself is run for ``tables``.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import run_cli
from scoring import assert_perfect, score

from pipeline.contract import PROVENANCE

CARDS = [
    ("seed57-2021Q4.lo.pdf", "seed57-2021Q4.truth.json", ""),
    ("seed57-2021Q4.chrome.pdf", "seed57-2021Q4.truth.json", ""),
    ("seed57-2021Q4.rhwp.pdf", "seed57-2021Q4.truth.json", "·"),
    ("seed57-2021Q4.hwpx", "seed57-2021Q4.truth.json", ""),
    ("seed57-2021Q4.hwp", "seed57-2021Q4.truth.json", ""),
    ("seed57-2021Q3.lo.pdf", "seed57-2021Q3.truth.json", ""),
    ("seed57-2021Q3.hwpx", "seed57-2021Q3.truth.json", ""),
]


def _extract(extracted, path: Path) -> Path:
    got = extracted(path)
    assert got.result.ok, got.result.line()
    return got.out


@pytest.mark.parametrize("name, truth, drop", CARDS, ids=[c[0] for c in CARDS])
def test_seed_card_scores_perfect(corpus: Path, tools: Path, extracted, name: str, truth: str, drop: str) -> None:
    out = _extract(extracted, corpus / "cards" / name)
    assert_perfect(score(tools, corpus / "cards" / truth, out, source=name, drop=drop))


def _rows(folder: Path, table: str) -> list[tuple]:
    with open(folder / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    drop = {"source_file", "source_pages", *PROVENANCE}  # where a figure was printed differs by format
    return sorted(tuple((k, v) for k, v in r.items() if k not in drop) for r in rows)


@pytest.mark.parametrize("other", ["seed57-2021Q4.hwpx", "seed57-2021Q4.hwp"])
def test_hwp_csvs_equal_pdf_csvs_row_for_row(corpus: Path, extracted, other: str) -> None:
    pdf = _extract(extracted, corpus / "cards" / "seed57-2021Q4.lo.pdf")
    hwp = _extract(extracted, corpus / "cards" / other)
    for table in ("items", "budget", "plan", "performance", "findings"):
        assert _rows(pdf, table) == _rows(hwp, table), table


COMPILED = [
    ("hanbit-2023Q2.lo.pdf", "hanbit-2023Q2.truth.json"),
    ("hanbit-2023Q2.rl.pdf", "hanbit-2023Q2.truth.json"),
    ("hanbit-2023Q1.lo.pdf", "hanbit-2023Q1.truth.json"),
]


@pytest.mark.parametrize("name, truth", COMPILED, ids=[c[0] for c in COMPILED])
def test_compiled_report_scores(corpus: Path, tools: Path, extracted, name: str, truth: str) -> None:
    out = _extract(extracted, corpus / "compiled" / name)
    assert_perfect(score(tools, corpus / "compiled" / truth, out, source=name), text_min=0.995)
    with open(out / "findings.csv", encoding="utf-8-sig") as f:
        assert list(csv.DictReader(f)) == [], "a correct report gives no finding"


@pytest.mark.parametrize("name", [c[0] for c in CARDS])
def test_seed_cards_give_no_findings(corpus: Path, extracted, name: str) -> None:
    out = _extract(extracted, corpus / "cards" / name)
    with open(out / "findings.csv", encoding="utf-8-sig") as f:
        assert list(csv.DictReader(f)) == []


def test_tables_json_shape(corpus: Path) -> None:
    proc = run_cli("tables", str(corpus / "cards" / "seed57-2021Q4.lo.pdf"), "--json")
    assert proc.returncode == 0, proc.stderr
    tables = json.loads(proc.stdout)
    assert isinstance(tables, list) and tables
    for t in tables:
        assert set(t) == {"page", "bbox", "rows", "cols", "continues", "continued_by", "cells"}
        assert t["page"] >= 1 and len(t["bbox"]) == 4
        covered = set()
        for c in t["cells"]:
            assert set(c) == {"row", "col", "rowspan", "colspan", "text", "bbox"}
            for r in range(c["row"], c["row"] + c["rowspan"]):
                for k in range(c["col"], c["col"] + c["colspan"]):
                    assert (r, k) not in covered
                    covered.add((r, k))
        assert len(covered) == t["rows"] * t["cols"]


def test_tables_json_hwpx_has_null_page(corpus: Path) -> None:
    proc = run_cli("tables", str(corpus / "cards" / "seed57-2021Q4.hwpx"), "--json")
    assert proc.returncode == 0, proc.stderr
    tables = json.loads(proc.stdout)
    assert tables and all(t["page"] is None and t["bbox"] is None for t in tables)


def test_tables_text_listing(corpus: Path) -> None:
    proc = run_cli("tables", str(corpus / "cards" / "seed57-2021Q4.chrome.pdf"))
    assert proc.returncode == 0, proc.stderr
    assert "== 표 1:" in proc.stdout and "1쪽" in proc.stdout
