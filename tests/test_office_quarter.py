"""The office's quarter as a clerk lives it, through the entry point `make report` runs, in a temp folder.

Q1 arrives and is archived; Q2 arrives from two departments, one file
password-protected — Q2 is archived without it and the console names the file
and why; the fixed file arrives (in a department's sub-folder) — Q2 is
re-archived by itself, the old version kept, and the diff against that version
lists exactly the department's rows as added.  Then the wrong --input, and a
folder with nothing but a .txt.
"""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from conftest import run_cli

from pipeline.contract import CONTRACT_TABLES, item_key
from pipeline.quarter.archive import manifest, versions
from pipeline.quarter.diff import load_tables


def _make_report(office: Path, *extra: str):
    """`make report` is `python -m pipeline report $(ARGS)` run in the clone: default input/ and output/."""
    return run_cli("report", "--no-pdf", "--jobs", "2", *extra, cwd=office, timeout=900)


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_the_clerks_quarter(corpus: Path, compiled_pdf, tmp_path: Path) -> None:
    office = tmp_path / "office"
    inp, out = office / "input", office / "output"
    inp.mkdir(parents=True)

    # Q1: one file → archived; no earlier quarter, and the console says so
    shutil.copy(corpus / "compiled" / "hanbit-2023Q1.lo.pdf", inp / "한빛구-1분기.pdf")
    q1 = _make_report(office)
    assert q1.returncode == 0, q1.stdout + q1.stderr
    assert (out / "archive" / "2023Q1" / "manifest.json").is_file()
    assert "이전 분기 2022Q4의 보관본이 없어" in q1.stdout

    # Q2: two departments, one file password-protected → archived without it, the file named with the reason
    shutil.copy(corpus / "compiled" / "hanbit-2023Q2.lo.pdf", inp / "일자리경제과.pdf")
    shutil.copy(corpus / "bad" / "pyhwp_password-12345.hwp", inp / "복지정책과.hwp")
    q2 = _make_report(office)
    assert q2.returncode == 1, q2.stdout + q2.stderr
    about = [l for l in q2.stderr.splitlines() if "복지정책과.hwp" in l]
    assert len(about) == 1 and "암호가 걸린 HWP" in about[0], q2.stderr
    assert [s["name"] for s in manifest(out / "archive", "2023Q2")["sources"]] == ["일자리경제과.pdf"]
    summary_row = [l for l in q2.stdout.splitlines() if l.strip().startswith("복지정책과.hwp")]
    assert summary_row and "못 읽음" in summary_row[0], q2.stdout
    assert (out / "2023Q2" / "diff-2023Q1" / "diff.csv").is_file()
    first_q2 = load_tables(out / "archive" / "2023Q2")

    # the fixed file arrives in the department's own folder: Q2 re-archived by itself, old version kept
    (inp / "복지정책과.hwp").unlink()
    (inp / "복지정책과").mkdir()
    fixed = compiled_pdf(3)  # items 1–3 of 한빛구, 2023Q2
    shutil.copy(fixed.path, inp / "복지정책과" / "카드.pdf")
    q2b = _make_report(office)
    assert q2b.returncode == 0, q2b.stdout + q2b.stderr
    assert "2023Q2: 원본이 바뀌어 다시 보관했습니다 — 추가 복지정책과/카드.pdf" in q2b.stdout
    kept = versions(out / "archive", "2023Q2")
    assert len(kept) == 1 and kept[0].name in q2b.stdout
    assert all(load_tables(kept[0])[t].equals(first_q2[t]) for t in CONTRACT_TABLES)  # the old version, untouched
    names = sorted(s["name"] for s in manifest(out / "archive", "2023Q2")["sources"])
    assert names == ["복지정책과/카드.pdf", "일자리경제과.pdf"]  # the sub-folder was read

    # the diff against the previous version: exactly the department's rows, all added
    vdiff = _rows(out / "2023Q2" / f"diff-{kept[0].name}" / "diff.csv")
    new = load_tables(out / "archive" / "2023Q2")
    theirs = {str(i.item_no) for i in fixed.items}
    expected = sum(int(new[t]["item_no"].map(item_key).isin(theirs).sum()) for t in CONTRACT_TABLES)
    assert {r["change"] for r in vdiff} == {"added"}
    assert {item_key(r["item_no"]) for r in vdiff} == theirs
    assert len(vdiff) == expected
    # its title names the two versions, not "2023년 2분기 → 2023년 2분기"
    vhtml = (out / "2023Q2" / f"diff-{kept[0].name}" / "diff.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", vhtml).group(1)
    assert title == "2023년 2분기 다시 보관한 내용: 공약사업 변경 내역", title
    lead = re.search(r'<p class="lead">(.*?)</p>', vhtml).group(1)
    assert re.match(r"이전 보관본 \(\d{4}-\d\d-\d\d \d\d:\d\d 보관\) 보고 대비 새 보관본 보고에서", lead), lead
    # and the report says what changed in the sources
    html = (out / "2023Q2" / "report.html").read_text(encoding="utf-8")
    assert "복지정책과/카드.pdf" in html and kept[0].name in html

    # nothing changed: nothing is re-archived again
    q2c = _make_report(office)
    assert q2c.returncode == 0 and len(versions(out / "archive", "2023Q2")) == 1
    assert "바꾸지 않았습니다" in q2c.stdout

    # a wrong --input: one line, exit 2, no example run
    wrong = _make_report(office, "--input", str(office / "inptu"))
    assert wrong.returncode == 2
    assert len([l for l in wrong.stderr.splitlines() if l.strip()]) == 1 and "inptu" in wrong.stderr
    a_file = _make_report(office, "--input", str(inp / "일자리경제과.pdf"))
    assert a_file.returncode == 2 and "폴더가 아니라 파일입니다" in a_file.stderr

    # a folder with only a .txt: the file is named, exit 1, and the bundled example is not run
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "메모.txt").write_text("제출 목록", encoding="utf-8")
    txt = _make_report(office, "--input", str(notes))
    assert txt.returncode == 1
    assert "메모.txt" in txt.stderr and not (out / "example").exists()
    assert "예시" not in txt.stdout
