"""Every file of ../shared/corpus/bad gets the behaviour its README names, run through the CLI as a user would.

The command line runs in-process (conftest.run_cli; the zip bomb and the cache in a real
subprocess): exit status, one line on stderr naming the file and the problem, no
traceback, and the good files of a batch still written.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from scoring import assert_perfect, score

SEED_TRUTH = "cards/seed57-2021Q4.truth.json"


def _extract(tmp_path: Path, *files: Path, extra: tuple[str, ...] = ()) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / "out"
    env_args = ("extract", *map(str, files), "--out", str(out), "--no-cache", *extra)
    return run_cli(*env_args), out


def _rows(out: Path, table: str) -> list[dict]:
    with open(out / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _one_clear_line(proc: subprocess.CompletedProcess, name: str, *words: str) -> None:
    err = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(err) == len(set(err)), f"a line said twice: {err}"
    assert "Traceback" not in proc.stderr, proc.stderr
    mine = [l for l in err if name in l]
    assert len(mine) == 1, f"expected one line about {name}, got: {err}"
    for w in words:
        assert w.lower() in mine[0].lower(), f"{w!r} not in {mine[0]!r}"


@pytest.mark.parametrize(
    "name, words",
    [
        ("encrypted-userpw.pdf", ["암호가 걸린 PDF", "암호를 풀고"]),
        ("truncated-60pct.pdf", ["손상"]),
        ("empty.pdf", ["빈 파일"]),
        ("scanned-image-only.pdf", ["글자를 꺼낼 수 없는 PDF", "OCR"]),
        pytest.param("unrelated-busan-workplan.pdf", ["공약 사업 카드를 찾지 못했습니다"],
                     marks=pytest.mark.slow),  # 30 pages read to find no card (~5 s); the HWP below is the quick case
        ("pyhwp_password-12345.hwp", ["암호가 걸린 HWP", "암호를 풀고"]),
        ("hwplib_distribution.hwp", ["공약 사업 카드를 찾지 못했습니다"]),
    ],
)
def test_bad_file_is_refused_with_one_line(corpus: Path, tmp_path: Path, name: str, words: list[str]) -> None:
    proc, out = _extract(tmp_path, corpus / "bad" / name)
    assert proc.returncode == 1, proc.stderr
    _one_clear_line(proc, name, *words)
    # nothing was read, so nothing is written: no set of empty CSVs that looks like a result
    assert not out.exists() or not list(out.iterdir()), list(out.iterdir())
    assert "CSV를 쓰지 않았습니다" in proc.stdout


@pytest.mark.parametrize("name", ["encrypted-owner-only.pdf", "hwp-renamed.pdf", "pdf-renamed.hwp", "path-traversal.hwpx"])
def test_readable_bad_file_gives_the_seed_rows(corpus: Path, tools: Path, tmp_path: Path, name: str) -> None:
    cwd_before = set(os.listdir(ROOT))
    proc, out = _extract(tmp_path, corpus / "bad" / name)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert_perfect(score(tools, corpus / SEED_TRUTH, out))
    # the stray ../../evil.txt member is never written anywhere
    assert not list(tmp_path.rglob("evil.txt"))
    assert not (ROOT.parent / "evil.txt").exists() and not (ROOT.parent.parent / "evil.txt").exists()
    assert set(os.listdir(ROOT)) == cwd_before


def test_injection_card_keeps_hostile_strings_verbatim(corpus: Path, extracted) -> None:
    """(Its score is test_card_scores'.)"""
    got = extracted(corpus / "bad" / "injection.lo.pdf")
    assert got.result.ok, got.result.line()
    out = got.out
    # the narrow cell wraps the formula; a line break becomes one space (CONTRACT.md), nothing else changes
    texts = {"".join(r["text"].split()) for r in _rows(out, "performance")}
    assert '=HYPERLINK("http://127.0.0.1:9/leak","클릭")' in texts
    assert "<script>alert(1)</script>" in texts


def test_formula_text_is_verbatim_in_csv_and_a_string_in_the_workbook(corpus: Path, extracted, tmp_path: Path) -> None:
    """README's decision (OWASP CSV injection): the CSVs keep card text verbatim for programs; Excel users open
    the workbook, where a cell starting with = + - @ is a string, never a formula."""
    from openpyxl import load_workbook

    from pipeline.outputs.xlsx import write_xlsx

    got = extracted(corpus / "bad" / "injection.lo.pdf")
    raw = (got.out / "performance.csv").read_text(encoding="utf-8-sig")
    assert '=HYPERLINK(' in raw and "'=HYPERLINK" not in raw
    book = tmp_path / "q.xlsx"
    write_xlsx(book, got.tables)
    risky = [c for ws in load_workbook(book).worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert any(c.value.startswith("=HYPERLINK") for c in risky)
    assert all(c.data_type == "s" for c in risky), [(c.coordinate, c.data_type) for c in risky if c.data_type != "s"]


def test_arith_wrong_rows_as_printed_plus_four_findings(corpus: Path, extracted) -> None:
    """Rows as printed (test_card_scores scores them) plus exactly the four findings of the wrong sums."""
    got = extracted(corpus / "bad" / "arith-wrong.lo.pdf")
    assert got.result.ok, got.result.line()
    findings = _rows(got.out, "findings")
    assert len(findings) == 4, findings


def test_zip_bomb_refused_fast_and_small(corpus: Path, tmp_path: Path) -> None:
    """Measured in a subprocess: wall time and the peak RSS of the CLI and its workers."""
    script = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run([sys.executable, '-m', 'pipeline', 'extract', sys.argv[1], '--out', sys.argv[2],"
        " '--no-cache', '--jobs', '1'], capture_output=True, text=True)\n"
        "dt = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(p.returncode, round(dt, 2), rss)\n"
        "sys.stderr.write(p.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(corpus / "bad" / "zipbomb-section0-2GB.hwpx"), str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    code, seconds, rss_kb = proc.stdout.split()
    assert code == "1", proc.stderr
    assert float(seconds) < 5, f"took {seconds} s"
    assert int(rss_kb) < 300 * 1024, f"peak RSS {int(rss_kb) // 1024} MB"
    _one_clear_line(proc, "zipbomb-section0-2GB.hwpx", "Contents/section0.xml", "한도")


def test_batch_goes_on_past_bad_files(corpus: Path, tools: Path, tmp_path: Path) -> None:
    """All bad files plus a good card in one run: exit 1, one line per bad file, the good card's rows written."""
    bad = corpus / "bad"
    inputs = [bad / "empty.pdf", bad / "truncated-60pct.pdf", bad / "encrypted-userpw.pdf",
              corpus / "cards" / "seed57-2021Q4.lo.pdf", bad / "scanned-image-only.pdf"]
    proc, out = _extract(tmp_path, *inputs)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 4, lines
    assert_perfect(score(tools, corpus / SEED_TRUTH, out, source="seed57-2021Q4.lo.pdf"))


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("extract", "--out", str(tmp_path)).returncode == 2
    assert run_cli("extract", "x.pdf").returncode == 2
    assert run_cli("extract", "x.pdf", "--out", str(tmp_path), "--quarter", "2021-5").returncode == 2
    assert run_cli("nonsense").returncode == 2


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    proc = run_cli("extract", str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 1
    _one_clear_line(proc, "nope.pdf", "파일이 없습니다")
    assert not (tmp_path / "o").exists()


def test_a_file_where_the_out_folder_should_be_is_usage_exit_2(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    proc = run_cli("extract", str(corpus / "cards" / "seed57-2021Q4.hwpx"), "--out", str(blocker), "--no-cache")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "폴더 자리에 파일이 있습니다" in proc.stderr
    assert blocker.read_text() == "x"


def test_tables_on_a_missing_file_is_not_an_internal_error(tmp_path: Path) -> None:
    proc = run_cli("tables", str(tmp_path / "nope.pdf"))
    assert proc.returncode == 1
    _one_clear_line(proc, "nope.pdf", "파일이 없습니다")
    assert "내부 오류" not in proc.stderr


def test_cached_result_takes_the_new_file_name(corpus: Path, tmp_path: Path) -> None:
    """The cache is keyed by content; the same bytes under another name must report that name."""
    import subprocess

    env = dict(os.environ, PIPELINE_CACHE=str(tmp_path / "cache"))
    first, second = tmp_path / "first.hwpx", tmp_path / "second-name.hwpx"
    shutil.copy(corpus / "cards" / "seed57-2021Q4.hwpx", first)
    shutil.copy(first, second)
    for f, out in ((first, "a"), (second, "b")):
        p = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(f), "--out", str(tmp_path / out)],
                           cwd=ROOT, env=env, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
    assert "이전 결과 재사용" in p.stdout
    assert {r["source_file"] for r in _rows(tmp_path / "b", "items")} == {"second-name.hwpx"}
