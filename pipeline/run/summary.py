"""The summary ``make report`` ends with: each file and what became of it, the findings worth reading, and
where everything is (workbook, CSV folder, findings, report, diffs) with counts.

``error`` and ``warning`` findings are listed by message (a clerk must look at
them); ``info`` findings (what was read but not cleanly) only counted, with the
file that holds them.  Columns are aligned by display width (``console``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pandas as pd

from ..vocab import CHANGE_LABELS, SEVERITIES_TO_FIX, SEVERITY_LABELS
from .batch import FileResult
from .console import say, table
from .inputs import InputScan

STATUS_WORDS = {"ok": "읽음", "error": "못 읽음", "no_items": "카드 없음", "internal": "내부 오류"}
MAX_LISTED = 20
CHANGE_ORDER = ("added", "changed", "removed")  # how the console counts a diff's changes (words: vocab)
TABLE_WORDS = {"items": "사업", "budget": "예산", "plan": "계획", "performance": "실적", "findings": "검토 의견"}


@dataclass
class QuarterOutcome:
    """What happened to one quarter in this run."""

    quarter: str
    archive: Path
    status: str = ""  # "written" | "unchanged" | "replaced"; "" when not archived
    message: str = ""
    refused: str = ""  # why the quarter was not archived (or left as it was)
    rows: dict[str, int] = field(default_factory=dict)
    findings: Optional[pd.DataFrame] = None
    report: Optional[Path] = None
    previous: Optional[str] = None
    diff: Optional[pd.DataFrame] = None
    diff_dir: Optional[Path] = None
    no_diff: str = ""
    version: Optional[Path] = None
    version_note: str = ""  # for the report: what changed in the sources, and where the old version is
    version_changes: str = ""  # ``추가 a.pdf; 제외 b.pdf``
    version_diff: Optional[pd.DataFrame] = None
    version_diff_dir: Optional[Path] = None


def change_counts(d: Optional[pd.DataFrame]) -> str:
    """``변경 91건: 추가 3, 변경 80, 삭제 8``."""
    if d is None:
        return ""
    n = len(d)
    if not n:
        return "변경 없음"
    counts = d["change"].value_counts()
    parts = [f"{CHANGE_LABELS[c]} {int(counts[c])}" for c in CHANGE_ORDER if c in counts]
    return f"변경 {n}건: " + ", ".join(parts)


def _quarter_of(r: FileResult) -> str:
    from ..errors import InputError
    from ..quarter.combine import quarter_of

    try:
        return quarter_of(r.tables) or "" if r.tables else ""
    except InputError:
        return ""


def _files(results: list[FileResult], found: InputScan) -> None:
    rows = []
    for r in results:
        items = len(r.tables.get("items", [])) if r.ok and r.tables else 0
        findings = len(r.tables.get("findings", [])) if r.ok and r.tables else 0
        status = STATUS_WORDS.get(r.status, r.status) + (" (재사용)" if r.cached else "")
        rows.append([found.name(r.path), status, _quarter_of(r) if r.ok else "",
                     str(items) if r.ok else "", str(findings) if r.ok else "", "" if r.ok else r.message])
    for line in table(["파일", "상태", "분기", "항목", "검토 의견", "사유"], rows,
                      [False, False, False, True, True, False]):
        say(line)
    n_ok = sum(1 for r in results if r.ok)
    cached = sum(1 for r in results if r.cached)
    n_items = sum(len(r.tables.get("items", [])) for r in results if r.ok and r.tables)
    say(f"  파일 {len(results)}개 중 {n_ok}개 읽음" + (f" ({cached}개는 이전 결과 재사용)" if cached else "")
        + f", 항목 {n_items}개, 못 읽은 파일 {len(results) - n_ok}개")
    if found.skipped:
        say(f"  건너뛴 파일 {len(found.skipped)}개 (PDF·HWP·HWPX가 아님)")


def _findings_lines(q: str, f: Optional[pd.DataFrame]) -> list[str]:
    if f is None or not len(f):
        return []
    out = []
    listed = f[f["severity"].isin(SEVERITIES_TO_FIX)]
    for row in listed.head(MAX_LISTED).to_dict("records"):
        where = [f"항목 {row.get('item_no')}"] if str(row.get("item_no", "")).strip() else []
        for col, fmt in (("source_file", "{}"), ("page", "{}쪽")):
            v = str(row.get(col, "") or "").strip()
            if v:
                where.append(fmt.format(v))
        out.append(f"    [{SEVERITY_LABELS.get(str(row['severity']), row['severity'])}] {q} {' '.join(where)}: "
                   f"{row.get('message', '')}")
    if len(listed) > MAX_LISTED:
        out.append(f"    … 외 {len(listed) - MAX_LISTED}건")
    info = int((f["severity"] == "info").sum())
    if info:
        out.append(f"    [정보] {q} {info}건 (읽으며 남긴 메모) — findings.csv에 있습니다")
    return out


def _where(o: QuarterOutcome) -> list[str]:
    if o.refused:
        return [f"  {o.quarter} — 보관하지 않음: {o.refused}"]
    state = {"written": "새로 보관함", "unchanged": "보관본 그대로", "replaced": "다시 보관함"}.get(o.status, o.status)
    head = f"  {o.quarter} — {state}"
    if o.status == "replaced" and o.version is not None:
        head += f": {o.version_changes or '같은 원본을 다시 읽음'} (이전 보관본 {o.version.name})"
    lines = [head]
    rows = " · ".join(f"{TABLE_WORDS.get(t, t)} {n}" for t, n in o.rows.items())
    n_find = len(o.findings) if o.findings is not None else 0
    entries = [
        ("통합문서", f"{o.archive / (o.quarter + '.xlsx')}"),
        ("CSV 폴더", f"{o.archive}/ ({rows}행)"),
        ("검토 의견", f"{n_find}건 — {o.archive / 'findings.csv'}"),
    ]
    if o.report is not None:
        entries.append(("보고서", str(o.report)))
    if o.previous and o.diff_dir is not None:
        entries.append(("변경 내역", f"{o.previous} 대비 {change_counts(o.diff)} — {o.diff_dir}/"))
    elif o.no_diff:
        entries.append(("변경 내역", o.no_diff))
    if o.version_diff_dir is not None and o.version is not None:
        entries.append(("이전 판 대비", f"{change_counts(o.version_diff)} — {o.version_diff_dir}/"))
    lines += table(["", ""], [[k, v] for k, v in entries], [False, False], indent="    ")[1:]
    return lines


def print_summary(results: list[FileResult], outcomes: list[QuarterOutcome], found: InputScan) -> None:
    say()
    say("요약")
    _files(results, found)
    notes = [line for o in outcomes for line in _findings_lines(o.quarter, o.findings)]
    if notes:
        say()
        say("  검토 의견")
        for line in notes:
            say(line)
    if outcomes:
        say()
        say("  결과")
        for o in outcomes:
            for line in _where(o):
                say(line)
        say()
        say("  엑셀에서 볼 때는 통합문서(.xlsx)를 여세요 — CSV는 프로그램이 읽는 원자료라 글자를 그대로 둡니다.")
