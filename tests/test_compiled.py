"""The compiled multi-item reports: every item found on its pages, the 목차 agreeing (scores: test_cli_cards)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.cards import extract
from pipeline.readers import read_document

CASES = [
    ("compiled/hanbit-2023Q2.lo.pdf", "compiled/hanbit-2023Q2.truth.json"),
    ("compiled/hanbit-2023Q2.rl.pdf", "compiled/hanbit-2023Q2.truth.json"),
    ("compiled/hanbit-2023Q1.lo.pdf", "compiled/hanbit-2023Q1.truth.json"),
]


@pytest.mark.parametrize("src, truth", CASES, ids=[s for s, _ in CASES])
def test_compiled_items_and_pages(corpus: Path, extracted, src: str, truth: str) -> None:
    want = json.loads((corpus / truth).read_text(encoding="utf-8"))
    items = extracted(corpus / src).tables["items"]
    pages = {str(r.item_no): r.source_pages for r in items.itertuples()}
    assert pages == want["sources"][Path(src).name]
    assert set(items["report_quarter"]) == {want["report_quarter"]}


@pytest.mark.parametrize("src, truth", CASES, ids=[s for s, _ in CASES])
def test_compiled_toc_agrees_with_items(corpus: Path, src: str, truth: str) -> None:
    doc = read_document(corpus / src)
    assert not [w for w in extract(doc).warnings if "목차" in w]


@pytest.mark.slow
def test_hundred_item_report_gives_zero_findings(compiled_pdf, tmp_path: Path) -> None:
    """A 204-page report of our own template, its 목차 over three pages: every item found, every figure read,
    and not one finding (no false 'not in the 목차', no unread cell)."""
    from conftest import run_cli

    rep = compiled_pdf(100)
    assert rep.toc_pages == "2-4"
    proc = run_cli("extract", str(rep.path), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "2", timeout=1800)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == ""
    with open(tmp_path / "out" / "findings.csv", encoding="utf-8-sig") as f:
        assert f.read().strip().count("\n") == 0  # the header only
    assert re.search(r"수치 8,700개 읽음, 0개 못 읽음", proc.stdout), proc.stdout
