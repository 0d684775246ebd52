"""Real Korean public-sector PDFs (../shared/corpus/real/pdf): none is a pledge card, none may crash.

Each file goes through the whole pipeline in the batch's own workers: the outcome
is rows, "공약 사업 카드를 찾지 못했습니다" (no_items), or one of our own clear errors — never an
internal error or a hang.  On the way, every table the reader built must cover
its grid exactly once (the reader's structural promise; a blank form is a table too).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.model import Document
from pipeline.run.batch import normalise_document, read_part
from pipeline.run.workers import run_tasks


def _check_and_normalise(path: Path) -> str:
    doc: Document = read_part(path, None)
    for t in doc.tables:
        covered: set[tuple[int, int]] = set()
        for c in t.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    assert (r, k) not in covered, f"{path.name}: slot {(r, k)} covered twice"
                    covered.add((r, k))
        assert len(covered) == t.rows * t.cols, f"{path.name}: table on page {t.page} leaves slots uncovered"
    normalise_document(doc, None)
    return "rows"


@pytest.mark.slow  # every page of 25 real documents (~900 pages): CI runs it, `make test` does not
def test_every_real_pdf_reads_or_is_refused_clearly(corpus: Path) -> None:
    files = sorted((corpus / "real" / "pdf").glob("*.pdf"))
    assert len(files) >= 20
    results = run_tasks([(p.name, _check_and_normalise, (p,)) for p in files], jobs=2, time_limit=600)
    problems = []
    for name, (status, value, detail) in sorted(results.items()):
        if status == "internal" or (status == "error" and "time limit" in value):
            problems.append(f"{name}: {value}\n{detail}")
        elif status not in ("ok", "no_items", "error"):
            problems.append(f"{name}: unexpected status {status}")
        elif status != "ok":
            assert value and "\n" not in value, f"{name}: {value!r}"
    assert not problems, "\n".join(problems)
