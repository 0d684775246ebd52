"""The seed card in every format scores 1.000 with the shared scorer, and bad/ cards come out as printed.

Each case scores the CSVs ``extract`` writes (the session's ``extracted`` fixture) with
``../shared/tools/score.py`` in a subprocess, exactly as a user's output would be judged.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from scoring import score as run_score

from pipeline.cards import extract
from pipeline.contract import CONTRACT_TABLES, PROVENANCE, to_contract
from pipeline.readers import read_document


def score(tools: Path, truth: Path, csv_dir: Path, source: str, *extra: str) -> dict[str, tuple[float, ...]]:
    """Per table (numeric P, numeric R, text P, text R) as score.py prints them for the CSVs in ``csv_dir``."""
    assert extra == () or (len(extra) == 2 and extra[0] == "--drop-chars"), extra
    drop = extra[1] if extra else ""
    got = run_score(tools, truth, csv_dir, source=source, drop=drop)
    return {t: got[t] for t in CONTRACT_TABLES}


SEED = [
    ("cards/seed57-2021Q4.hwpx", "cards/seed57-2021Q4.truth.json", ()),
    ("cards/seed57-2021Q4.hwp", "cards/seed57-2021Q4.truth.json", ()),
    ("cards/seed57-2021Q3.hwpx", "cards/seed57-2021Q3.truth.json", ()),
    ("cards/seed57-2021Q4.lo.pdf", "cards/seed57-2021Q4.truth.json", ()),
    ("cards/seed57-2021Q4.chrome.pdf", "cards/seed57-2021Q4.truth.json", ()),
    ("cards/seed57-2021Q3.lo.pdf", "cards/seed57-2021Q3.truth.json", ()),
    ("cards/seed57-2021Q4.rhwp.pdf", "cards/seed57-2021Q4.truth.json", ("--drop-chars", "·")),
    # Printing errors stay as printed; hostile strings stay verbatim.
    ("bad/arith-wrong.lo.pdf", "bad/arith-wrong.truth.json", ()),
    ("bad/injection.lo.pdf", "bad/injection.truth.json", ()),
]


@pytest.mark.parametrize("src, truth, extra", SEED, ids=[s for s, _, _ in SEED])
def test_seed_scores_exactly(corpus: Path, tools: Path, extracted, src: str, truth: str,
                             extra: tuple[str, ...]) -> None:
    got = score(tools, corpus / truth, extracted(corpus / src).out, Path(src).name, *extra)
    assert got == {t: (1.0, 1.0, 1.0, 1.0) for t in CONTRACT_TABLES}


def _rows(path: Path) -> dict[str, list[list[str]]]:
    """The library path (reader → normaliser), without the batch: the rows must equal across formats."""
    tables = extract(read_document(path)).tables
    out = {}
    for name in CONTRACT_TABLES:
        # Where a figure was printed (file, page, table, cell) differs by format; what was printed may not.
        df = to_contract(name, tables[name]).drop(columns=["source_file", "source_pages", *PROVENANCE],
                                                  errors="ignore")
        out[name] = df.astype(str).values.tolist()
    return out


def test_hwpx_and_hwp_rows_equal_the_pdf_rows(corpus: Path) -> None:
    pdf = _rows(corpus / "cards/seed57-2021Q4.lo.pdf")
    assert _rows(corpus / "cards/seed57-2021Q4.hwpx") == pdf
    assert _rows(corpus / "cards/seed57-2021Q4.hwp") == pdf


def test_hwp_has_no_pages_pdf_has_them(corpus: Path) -> None:
    hwpx = extract(read_document(corpus / "cards/seed57-2021Q4.hwpx")).tables
    pdf = extract(read_document(corpus / "cards/seed57-2021Q4.lo.pdf")).tables
    assert hwpx["items"].loc[0, "source_pages"] == ""
    assert pdf["items"].loc[0, "source_pages"] == "1-2"
    assert pdf["items"].loc[0, "source_file"] == "seed57-2021Q4.lo.pdf"
    assert set(pdf["budget"]["src_page"]) <= {1, 2} and hwpx["budget"]["src_page"].isna().all()
    assert set(pdf["plan"]["src_table"]) == {"연차별 추진계획"}
