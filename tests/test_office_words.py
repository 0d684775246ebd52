"""Every line the CLI prints for a user is Korean: checked on the real output of the commands, not on source text.

The commands are run the way a clerk meets them — help, usage errors, a report
with a good card, a password-protected file and a stray .txt, a re-run, a late
quarter, a corrected file, wrong paths, extract and diff — and every line of
stdout and stderr is searched for English words (``korean_words.english``: file
paths, option names, format names and quoted card text are names or data, not
prose).  Nothing is exempt: the reasons the readers and the normaliser give are
checked like the run layer's own words (test_messages_korean checks every one of
them over the corpus and the hostile inputs).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import run_cli
from korean_words import english

from pipeline.errors import InputError
from pipeline.readers.hancom.refusals import damaged


def test_the_checker_catches_an_english_reason_and_passes_a_korean_one() -> None:
    """The checker is what keeps English out: the readers' old English reasons must trip it, their Korean pass."""
    for old in ("x.hwp: HWP is damaged: BodyText/Section0 ends inside a record header",
                "x.pdf: PDF is password-protected (user password required)",
                "x.pdf: 경고: 공약 7번: 연차별 투자수요, p.2, 3행 4열: '90' was not read",
                "x.hwpx: no pledge item found", "3쪽: PDF를 해석하다 만난 문제를 넘기고 읽었습니다: Cannot set gray level"):
        assert english(old), old
    new = str(InputError(damaged("HWP", "BodyText/Section0 스트림이 레코드 머리 중간에서 끊깁니다"), page=3))
    assert english(f"x.hwp: {new}") == []
    assert english("x.pdf: 1쪽: 용지 크기(MediaBox)가 없어 US Letter 크기로 보았습니다") == []
    assert english("x.pdf: 연차별 투자수요, p.1: 기간이 아닌 열: 'Total amount'") == []  # quoted card text is data


def test_what_the_cli_prints_is_korean(corpus: Path, tmp_path: Path) -> None:
    cards, bad = corpus / "cards", corpus / "bad"
    inp, out = tmp_path / "input", tmp_path / "output"
    inp.mkdir()
    shutil.copy(cards / "seed57-2021Q4.hwpx", inp / "복지정책과.hwpx")
    shutil.copy(bad / "pyhwp_password-12345.hwp", inp / "일자리경제과.hwp")
    (inp / "제출 목록.txt").write_text("메모", encoding="utf-8")
    def report(*extra: str):
        return run_cli("report", "--input", str(inp), "--output", str(out), "--no-pdf", "--jobs", "2", *extra)

    runs = {
        "help": run_cli("--help"), "version": run_cli("--version"),
        **{f"help {c}": run_cli(c, "--help") for c in ("extract", "tables", "report", "diff")},
        "unknown command": run_cli("nonsense"), "missing args": run_cli("extract"),
        "bad quarter": run_cli("extract", "x.pdf", "--out", str(tmp_path / "o"), "--quarter", "2021-5"),
        "bad jobs": run_cli("report", "--jobs", "0"), "unknown option": run_cli("report", "--replce"),
        "first report": report(),
        "re-run": report(),
    }
    shutil.copy(cards / "seed57-2021Q3.hwpx", inp / "복지정책과-3분기.hwpx")  # a late quarter
    runs["late quarter"] = report()
    (inp / "복지정책과.hwpx").unlink()
    shutil.copy(cards / "seed57-2021Q4.lo.pdf", inp / "복지정책과-수정.pdf")  # a corrected file
    runs["corrected file"] = report()
    runs["replace"] = report("--replace")
    runs["missing input"] = run_cli("report", "--input", str(tmp_path / "없음"), "--output", str(out))
    runs["file as input"] = run_cli("report", "--input", str(inp / "복지정책과-수정.pdf"), "--output", str(out))
    txt_only = tmp_path / "txt"
    txt_only.mkdir()
    (txt_only / "a.txt").write_text("x")
    runs["txt only"] = run_cli("report", "--input", str(txt_only), "--output", str(out))
    runs["extract missing"] = run_cli("extract", str(tmp_path / "없는파일.pdf"), "--out", str(tmp_path / "e1"))
    runs["extract all fail"] = run_cli("extract", str(bad / "empty.pdf"), "--out", str(tmp_path / "e2"), "--no-cache")
    runs["extract"] = run_cli("extract", str(cards / "seed57-2021Q3.hwpx"), "--out", str(tmp_path / "e3"), "--no-cache")
    runs["extract cached"] = run_cli("extract", str(cards / "seed57-2021Q3.hwpx"), "--out", str(tmp_path / "e4"))
    runs["extract out is a file"] = run_cli("extract", str(cards / "seed57-2021Q3.hwpx"), "--out",
                                            str(inp / "복지정책과-수정.pdf"))
    runs["diff"] = run_cli("diff", "2021Q3", "2021Q4", "--archive", str(out / "archive"), "--out",
                           str(tmp_path / "d"), "--no-pdf")
    runs["diff unknown"] = run_cli("diff", "2019Q1", "2021Q4", "--archive", str(out / "archive"), "--out",
                                   str(tmp_path / "d2"))
    runs["tables missing"] = run_cli("tables", str(tmp_path / "없는파일.pdf"))

    assert runs["first report"].returncode == 1  # the password-protected file
    assert "다시 보관했습니다" in runs["corrected file"].stdout
    found = []
    dump = os.environ.get("OFFICE_WORDS_DUMP")
    if dump:
        Path(dump).write_text("\n".join(f"=== {n} (exit {p.returncode})\n{p.stdout}{p.stderr}" for n, p in runs.items()),
                              encoding="utf-8")
    for name, proc in runs.items():
        for line in (proc.stdout + proc.stderr).splitlines():
            words = english(line)
            if words:
                found.append(f"[{name}] {line}  → {words}")
    assert not found, "\n".join(found)
    assert sum(len(p.stdout + p.stderr) for p in runs.values()) > 5000  # the commands really printed


def test_make_report_says_in_korean_what_makes_english_error_line_means(tmp_path: Path) -> None:
    """make adds its own English "make: *** … Error 1" when the pipeline ends with 1; the Makefile's Korean line
    before it says what it means, and the exit status still says the run failed.  (A stand-in for the venv's
    python ends with 1, as a run with an unreadable file does.)"""
    import subprocess

    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho '카드.hwp: 암호가 걸린 HWP입니다' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(["make", "-s", "-C", str(root), "report", f"PY={fake}", f"STAMP={stamp}"],
                          capture_output=True, text=True, env={**os.environ, "LANGUAGE": "C"})
    assert proc.returncode != 0
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert lines[0] == "카드.hwp: 암호가 걸린 HWP입니다"
    assert lines[1].startswith("make report: 종료 코드 1로 끝났습니다") and "'Error 1'" in lines[1], lines
    assert "Error 1" in lines[2] and len(lines) == 3, lines
