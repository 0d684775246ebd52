"""Every line the CLI prints for a user is Korean: checked on the real output of the commands, not on source text.

The commands are run the way a clerk meets them — help, usage errors, a report
with a good card, a password-protected file and a stray .txt, a re-run, a late
quarter, a corrected file, wrong paths, extract and diff — and every line of
stdout and stderr is searched for English words.  What is not the run layer's
own wording is taken out first: file paths, option names, format names, and the
reasons the readers and the normaliser give (they are collected by reading the
same files through the batch; their wording belongs to the readers' engineers).
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from conftest import run_cli

from pipeline.run.batch import process_files

# Names, not prose: formats, units, command and placeholder names, default folder names, the version string.
ALLOWED = {
    "pdf", "hwp", "hwpx", "csv", "json", "html", "xlsx", "mb", "gb", "sha256", "traceback", "python", "pipeline",
    "make", "args", "extract", "tables", "report", "diff", "file", "dir", "old", "new", "input", "output",
    "archive", "pledge", "replaced", "pages", "png", "items", "budget", "plan", "performance", "findings",
    "collect",
}
PATHISH = re.compile(r"'[^']*'|\S*[/\\]\S*|\S+\.(?:pdf|hwp|hwpx|csv|txt|xlsx|html|json)\b|--?[a-z][a-z-]*", re.I)
WORD = re.compile(r"[A-Za-z]{3,}")


def _english(line: str, foreign: list[str]) -> list[str]:
    for text in sorted(foreign, key=len, reverse=True):
        line = line.replace(text, " ")
    line = PATHISH.sub(" ", line)
    return [w for w in WORD.findall(line) if w.lower() not in ALLOWED]


def _reader_words(files: list[Path]) -> list[str]:
    """What the readers and the normaliser say about these files (their reasons and warnings)."""
    out = []
    for r in process_files(files, jobs=2, cache_dir=None, progress=False):
        if r.message:
            out.append(r.message)
        if r.ok:
            out.extend(r.warnings())
    return [w for w in out if w]


def test_what_the_cli_prints_is_korean(corpus: Path, tmp_path: Path) -> None:
    cards, bad = corpus / "cards", corpus / "bad"
    inp, out = tmp_path / "input", tmp_path / "output"
    inp.mkdir()
    shutil.copy(cards / "seed57-2021Q4.hwpx", inp / "복지정책과.hwpx")
    shutil.copy(bad / "pyhwp_password-12345.hwp", inp / "일자리경제과.hwp")
    (inp / "제출 목록.txt").write_text("메모", encoding="utf-8")
    foreign = _reader_words([inp / "복지정책과.hwpx", inp / "일자리경제과.hwp", cards / "seed57-2021Q3.hwpx",
                             cards / "seed57-2021Q4.lo.pdf", bad / "empty.pdf", tmp_path / "없는파일.pdf"])

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
    english = []
    dump = os.environ.get("OFFICE_WORDS_DUMP")
    if dump:
        Path(dump).write_text("\n".join(f"=== {n} (exit {p.returncode})\n{p.stdout}{p.stderr}" for n, p in runs.items()),
                              encoding="utf-8")
    for name, proc in runs.items():
        for line in (proc.stdout + proc.stderr).splitlines():
            words = _english(line, foreign)
            if words:
                english.append(f"[{name}] {line}  → {words}")
    assert not english, "\n".join(english)
    assert sum(len(p.stdout + p.stderr) for p in runs.values()) > 5000  # the commands really printed
