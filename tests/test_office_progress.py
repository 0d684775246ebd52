"""Long work is never silent: a 100-item report run piped (a log, CI) prints progress lines while it reads (files
and pages) and while it renders the report and the diff (pages laid out), and a closing line for each phase.
What the lines say is checked, not when they come."""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import run_cli


@pytest.mark.slow  # renders a 100-item report (~1 min) and runs it through `report` (~3 min)
def test_a_hundred_item_report_shows_progress_when_piped(compiled_pdf, corpus: Path, tmp_path: Path) -> None:
    made = compiled_pdf(100)
    inp, out = tmp_path / "input", tmp_path / "output"
    inp.mkdir()
    (inp / "2분기.pdf").symlink_to(made.path)
    (inp / "1분기.pdf").symlink_to(corpus / "compiled" / "hanbit-2023Q1.lo.pdf")  # so a diff is rendered too
    proc = run_cli("report", "--input", str(inp), "--output", str(out), "--jobs", "2",
                   env={"PIPELINE_PROGRESS_EVERY": "2"}, timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()  # piped: progress goes to stdout, stderr holds only problems
    reading = [l for l in lines if l.startswith("읽는 중: ")]
    assert reading, proc.stdout
    for l in reading:
        m = re.fullmatch(r"읽는 중: 파일 (\d+)/2, 쪽 (\d+)/(\d+) \((\d+)%\), \d+초", l)
        assert m, l
        assert int(m.group(3)) >= made.page_count
    assert any(0 < int(re.search(r"쪽 (\d+)/", l).group(1)) for l in reading), reading
    assert any(l.startswith("읽는 중 끝: 파일 2/2, 쪽 ") for l in lines), proc.stdout

    report = [l for l in lines if l.startswith("보고서 만드는 중 (2023Q2, 항목 100개): 쪽 ")]
    assert report and any(int(re.search(r"쪽 (\d+)", l).group(1)) > 0 for l in report), proc.stdout
    done = [l for l in lines if l.startswith("보고서 만드는 중 (2023Q2, 항목 100개) 끝: 쪽 ")]
    pages = len(pdfium.PdfDocument(str(out / "2023Q2" / "report.pdf")))
    assert done and f"쪽 {pages} " in done[0], (done, pages)
    diff = [l for l in lines if l.startswith("변경 내역 만드는 중 (2023Q1 → 2023Q2")]
    assert diff, proc.stdout
