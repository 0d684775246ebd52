"""`make report`'s flow end to end: input/ → extract → archive → report → diff, as a user runs it."""
from __future__ import annotations

import csv
from pathlib import Path

from conftest import run_cli


def _report(input_dir: Path, output_dir: Path, *extra: str):
    return run_cli("report", "--input", str(input_dir), "--output", str(output_dir), "--jobs", "2", *extra, timeout=900)


def test_empty_input_runs_the_bundled_example(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    proc = _report(tmp_path / "in", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "폴더가 비어 있어 함께 든 예시" in proc.stdout
    assert not proc.stderr.strip(), proc.stderr  # the example's own .json sources are not named as skipped
    ex = tmp_path / "out" / "example"  # never the office's own archive
    archive = ex / "archive"
    assert not (tmp_path / "out" / "archive").exists()
    assert (archive / "2021Q3" / "items.csv").exists()
    assert (archive / "2021Q4" / "manifest.json").exists()
    for q in ("2021Q3", "2021Q4"):
        assert (ex / q / "report.html").exists()
        assert (ex / q / "report.pdf").exists()
        assert str(ex / q / "report.pdf") in proc.stdout  # says where they are
    diff = ex / "2021Q4" / "diff-2021Q3" / "diff.csv"
    assert diff.exists()
    with open(diff, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows, "the example's two quarters differ"
    # a second run changes nothing and says so
    again = _report(tmp_path / "in", tmp_path / "out")
    assert again.returncode == 0, again.stderr
    assert "바꾸지 않았습니다" in again.stdout and "보고서가 이미 최신입니다" in again.stdout


def test_same_files_rearchived_only_when_rows_differ_and_replace_is_asked(corpus: Path, tmp_path: Path) -> None:
    """An updated pipeline reading the same files differently: warned about, re-archived with --replace."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.pdf").symlink_to(corpus / "cards" / "seed57-2021Q4.lo.pdf")
    out = tmp_path / "out"
    assert _report(inp, out, "--no-pdf").returncode == 0
    perf = out / "archive" / "2021Q4" / "performance.csv"
    # simulate an archive written by an older pipeline: one figure read differently
    text = perf.read_text(encoding="utf-8-sig").replace(",1,942,", ",1,943,", 1).replace(",1942,", ",1943,", 1)
    perf.write_text(text, encoding="utf-8-sig")
    warned = _report(inp, out, "--no-pdf")
    assert warned.returncode == 0
    assert "보관본과 다르게 읽습니다" in warned.stderr and "--replace" in warned.stderr
    redone = _report(inp, out, "--no-pdf", "--replace")
    assert redone.returncode == 0, redone.stderr
    assert "다시 읽어 보관했습니다" in redone.stdout
    assert ",1942," in perf.read_text(encoding="utf-8-sig")
    assert [p for p in (out / "archive").iterdir() if p.name.startswith("2021Q4.replaced")]


def test_seed_pair_through_report_gives_the_expected_diff(corpus: Path, tools: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    inp = tmp_path / "in"
    inp.mkdir()
    for name in ("seed57-2021Q3.lo.pdf", "seed57-2021Q4.lo.pdf"):
        (inp / name).symlink_to(corpus / "cards" / name)
    proc = _report(inp, tmp_path / "out", "--no-pdf")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    diff = tmp_path / "out" / "2021Q4" / "diff-2021Q3" / "diff.csv"
    check = subprocess.run(
        [sys.executable, str(tools / "diffcheck.py"), str(corpus / "cards" / "seed57-2021Q3_to_2021Q4.expected_diff.json"),
         str(diff), "--strict"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    # The archived workbook's 변경 sheet holds the same diff as diff.csv, row for row; the first quarter's none.
    import pandas as pd

    from pipeline.outputs.xlsx import read_xlsx

    archive = tmp_path / "out" / "archive"
    sheet = read_xlsx(archive / "2021Q4" / "2021Q4.xlsx")["diff"]
    written = pd.read_csv(diff, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    key = ["table", "change", "item_no", "field", "period"]

    def rows(df: pd.DataFrame) -> list[tuple]:
        return sorted(tuple("" if v is None else str(v) for v in r) for r in df[key].itertuples(index=False))

    assert len(written) > 0 and rows(sheet) == rows(written)
    assert read_xlsx(archive / "2021Q3" / "2021Q3.xlsx")["diff"].empty


def test_cli_diff_of_compiled_pair(corpus: Path, tools: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    for name, sub in (("hanbit-2023Q1.lo.pdf", "q1"), ("hanbit-2023Q2.lo.pdf", "q2")):
        proc = run_cli("extract", str(corpus / "compiled" / name), "--out", str(tmp_path / sub), "--no-cache")
        assert proc.returncode == 0, proc.stderr
    proc = run_cli("diff", str(tmp_path / "q1"), str(tmp_path / "q2"), "--out", str(tmp_path / "d"), "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    check = subprocess.run(
        [sys.executable, str(tools / "diffcheck.py"),
         str(corpus / "compiled" / "hanbit-2023Q1_to_2023Q2.expected_diff.json"), str(tmp_path / "d" / "diff.csv"),
         "--strict"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_a_replaced_file_re_archives_its_quarter_by_itself(corpus: Path, tmp_path: Path) -> None:
    """Another version of a quarter's file needs no flag: re-archived, the old version kept, the change named."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.pdf").symlink_to(corpus / "cards" / "seed57-2021Q4.lo.pdf")
    assert _report(inp, tmp_path / "out", "--no-pdf").returncode == 0
    (inp / "a.pdf").unlink()
    (inp / "b.pdf").symlink_to(corpus / "cards" / "seed57-2021Q4.chrome.pdf")
    again = _report(inp, tmp_path / "out", "--no-pdf")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "다시 보관했습니다 — 추가 b.pdf; 제외 a.pdf" in again.stdout
    kept = [p for p in (tmp_path / "out" / "archive").iterdir() if p.name.startswith("2021Q4.replaced")]
    assert len(kept) == 1
    # the diff against the previous version is written and counted on the console
    with open(tmp_path / "out" / "2021Q4" / f"diff-{kept[0].name}" / "diff.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    said = [l for l in again.stdout.splitlines() if "이전 판 대비" in l]
    assert said and (f"변경 {len(rows)}건" in said[0] if rows else "변경 없음" in said[0]), said


def test_a_previously_archived_file_that_fails_now_leaves_the_archive_alone(corpus: Path, compiled_pdf,
                                                                          tmp_path: Path) -> None:
    """Re-archiving without a file that merely failed to read this time would drop a department's rows."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.pdf").symlink_to(corpus / "compiled" / "hanbit-2023Q2.lo.pdf")
    (inp / "b.pdf").symlink_to(compiled_pdf(3).path)
    assert _report(inp, tmp_path / "out", "--no-pdf").returncode == 0
    (inp / "b.pdf").unlink()
    (inp / "b.pdf").write_bytes(b"%PDF-1.4 broken")  # the department's file is damaged this time
    again = _report(inp, tmp_path / "out", "--no-pdf")
    assert again.returncode == 1
    assert not [p for p in (tmp_path / "out" / "archive").iterdir() if ".replaced-" in p.name]
    line = [l for l in again.stderr.splitlines() if l.startswith("2023Q2:")]
    assert line and "b.pdf" in line[0] and "그대로 두었습니다" in line[0], again.stderr


def test_same_item_in_two_files_of_a_quarter_is_an_error_naming_both(corpus: Path, tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "dept-a.pdf").symlink_to(corpus / "cards" / "seed57-2021Q4.lo.pdf")
    (inp / "dept-b.hwpx").symlink_to(corpus / "cards" / "seed57-2021Q4.hwpx")
    proc = _report(inp, tmp_path / "out", "--no-pdf")
    assert proc.returncode == 1
    line = [l for l in proc.stderr.splitlines() if "dept-a.pdf" in l and "dept-b.hwpx" in l]
    assert line, proc.stderr
    assert not (tmp_path / "out" / "archive" / "2021Q4").exists()
