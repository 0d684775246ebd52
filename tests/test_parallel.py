"""Compiled reports built from our own card template: segmentation at scale, and --jobs giving identical rows.

The reports are rendered by scripts/make_compiled.py, which also records where
each item landed, so "100 items in → exactly 100 items out, each on its pages"
is checked against the rendered layout, not a guess.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli


def _read(folder: Path, table: str) -> list[dict]:
    with open(folder / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _expected(pdf: Path) -> dict:
    return json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))


@pytest.mark.slow  # renders and reads a 204-page report (~1 min)
def test_hundred_items_split_into_exactly_hundred(compiled_pdf, tmp_path: Path) -> None:
    pdf = compiled_pdf(100).path
    proc = run_cli("extract", str(pdf), "--out", str(tmp_path), "--no-cache", "--jobs", "2", timeout=1200)
    assert proc.returncode == 0, proc.stderr
    exp = _expected(pdf)
    items = _read(tmp_path, "items")
    assert len(items) == 100
    got = {int(r["item_no"]): r["source_pages"] for r in items}
    assert got == {i["item_no"]: i["pages"] for i in exp["items"]}
    for table in ("budget", "plan", "performance"):
        assert len(_read(tmp_path, table)) == exp["rows"][table], table
    assert {r["report_quarter"] for r in items} == {"2023Q2"}


def test_jobs_1_and_jobs_2_give_identical_csvs(compiled_pdf, tmp_path: Path) -> None:
    """22 pages, one file: --jobs 2 splits it by pages over two workers; the rows must not change."""
    pdf = compiled_pdf(10).path
    for jobs in ("1", "2"):
        proc = run_cli("extract", str(pdf), "--out", str(tmp_path / jobs), "--no-cache", "--jobs", jobs, timeout=600)
        assert proc.returncode == 0, proc.stderr
    for table in ("items", "budget", "plan", "performance", "findings"):
        a = (tmp_path / "1" / f"{table}.csv").read_bytes()
        b = (tmp_path / "2" / f"{table}.csv").read_bytes()
        assert a == b, table
    assert len(_read(tmp_path / "1", "items")) == 10


def test_second_run_is_served_from_the_cache(compiled_pdf, tmp_path: Path) -> None:
    import os
    import subprocess

    env = dict(os.environ, PIPELINE_CACHE=str(tmp_path / "cache"))
    args = [sys.executable, "-m", "pipeline", "extract", str(compiled_pdf(10).path), "--jobs", "1"]
    first = subprocess.run(args + ["--out", str(tmp_path / "a")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert list((tmp_path / "cache").glob("*.pkl"))
    second = subprocess.run(args + ["--out", str(tmp_path / "b")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert "1개는 이전 결과 재사용" in second.stdout and "재사용" not in first.stdout
    for table in ("items", "budget", "plan", "performance", "findings"):
        assert (tmp_path / "a" / f"{table}.csv").read_bytes() == (tmp_path / "b" / f"{table}.csv").read_bytes()


def test_page_split_reads_equal_whole_reads(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the page split on 2-page cards: same rows as one whole read; a scan still says it has no text."""
    from pipeline.run import batch

    cards = [corpus / "cards" / "seed57-2021Q4.lo.pdf", corpus / "cards" / "seed57-2021Q4.chrome.pdf"]
    whole = [batch.process_files([c], jobs=1, cache_dir=None, progress=False)[0] for c in cards]
    monkeypatch.setattr(batch, "PAGES_PER_CHUNK_MIN", 1)
    split = [batch.process_files([c], jobs=2, cache_dir=None, progress=False)[0] for c in cards]
    for w, s in zip(whole, split):
        assert w.ok and s.ok, (w.line(), s.line())
        for table in ("items", "budget", "plan", "performance"):
            a = w.tables[table].drop(columns=[c for c in w.tables[table] if c.startswith("src_")])
            b = s.tables[table].drop(columns=[c for c in s.tables[table] if c.startswith("src_")])
            assert a.equals(b), table
    scan = batch.process_files([corpus / "bad" / "scanned-image-only.pdf"], jobs=2, cache_dir=None, progress=False)[0]
    assert scan.status == "error" and "글자를 꺼낼 수 없는 PDF" in scan.message
