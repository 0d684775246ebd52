"""The bundled example PDFs (our own rendering of item 57) score 1.000 against the shared truth.

The truth's ``sources`` map names the corpus files, not ours, so a copy of the
truth (in the test's tmp folder, never in ../shared) adds our two file names with
the pages the card occupies.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from scoring import assert_perfect, score

from pipeline.resources import EXAMPLES


@pytest.mark.parametrize("quarter", ["2021Q3", "2021Q4"])
def test_example_pdf_scores_perfect(corpus: Path, tools: Path, tmp_path: Path, extracted, quarter: str) -> None:
    pdf = EXAMPLES / f"seed57-{quarter}.pdf"
    truth = json.loads((corpus / "cards" / f"seed57-{quarter}.truth.json").read_text(encoding="utf-8"))
    truth["sources"] = {pdf.name: {"57": "1-2"}}
    (tmp_path / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    got = extracted(pdf)
    assert got.result.ok, got.result.line()
    assert_perfect(score(tools, tmp_path / "truth.json", got.out, source=pdf.name))
