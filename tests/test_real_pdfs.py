"""Real Korean public-sector PDFs (../shared/corpus/real/pdf): none is a pledge card, none may crash.

Each is read through the whole pipeline; the outcome is rows, "no pledge item
found", or one of our own clear errors — never an internal error or a hang.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.batch import process_files


def test_every_real_pdf_reads_or_is_refused_clearly(corpus: Path) -> None:
    files = sorted((corpus / "real" / "pdf").glob("*.pdf"))
    assert len(files) >= 20
    results = process_files(files, jobs=2, cache_dir=None, progress=False)
    internal = [r.line() for r in results if r.status == "internal"]
    assert not internal, "\n".join(internal)
    for r in results:
        assert r.status in ("ok", "no_items", "error"), r.line()
        if not r.ok:
            assert r.message and "\n" not in r.message, r.line()
