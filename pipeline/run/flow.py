"""The whole quarterly flow behind ``make report``: input/ → extract → archive → report → diff.

This is orchestration only (I/O at the edge); each step is its own module.  A
bad file costs only itself; a quarter whose files clash (the same item twice) is
not archived.  A quarter whose sources changed (a late file added, a corrected
one, one withdrawn) is re-archived by itself with the previous version kept, and
the diff against that version is written beside the report.  A quarter is
compared only with the archived quarter just before it of the same reporting
body, and the console says so when there is none.  Writing is all or nothing:
a read-only or full disk ends the run with one line naming the folder.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pandas as pd

from ..contract import CONTRACT_TABLES, item_key, same_rows
from ..errors import InputError, OutputError
from ..fsio import atomic_write_bytes, write_file_set
from ..quarter.combine import quarter_of
from ..resources import EXAMPLES, TEMPLATES
from ..vocab import quarter_label
from .batch import FileResult, print_outcomes, process_files
from .cache import code_fingerprint
from .console import err, say
from .inputs import InputScan, UsageError, scan
from .progress import rendering
from .summary import QuarterOutcome, change_counts, print_summary


def load_side(spec: str, archive_root: Path) -> tuple[str, dict[str, pd.DataFrame]]:
    """A diff side: an archived quarter ('2021Q3') or a folder holding the contract CSVs."""
    from ..quarter.archive import load_quarter
    from ..quarter.diff import load_tables, quarter_of_tables

    p = Path(spec)
    if p.is_dir() and (p / "items.csv").exists():
        tables = load_tables(p)
        q = quarter_of_tables(tables) or p.name
        return q, tables
    q = spec.strip().upper()
    if (archive_root / q).is_dir():
        return q, load_quarter(archive_root, q)
    raise FileNotFoundError(f"{spec}: {archive_root}에 보관된 분기도, items.csv가 든 폴더도 아닙니다")


def write_diff(old: dict, new: dict, out: Path, *, before: str, after: str,
               pdf: bool = True, what: str = "",
               labels: Optional[tuple[str, str]] = None,
               title: Optional[str] = None) -> tuple[pd.DataFrame, list[Path]]:
    """diff.csv (contract shape) plus its rendering, swapped into ``out`` together; returns the diff with its
    ``restated`` flags and the files written.  ``labels``, ``title``: the two sides' names and the document's
    when they are not two quarters."""
    from ..outputs.render import render_diff
    from ..quarter.diff import flagged_diff
    from ..quarter.diff import write_diff as write_diff_csv

    d = flagged_diff(old, new, after)
    names = ["diff.csv", "diff.html"] + (["diff.pdf"] if pdf else [])

    def write(tmp: Path) -> None:
        write_diff_csv(tmp / "diff.csv", d.drop(columns=["restated"]))
        with rendering(f"변경 내역 만드는 중 ({what or f'{before} → {after}'}, {len(d)}건)"):
            render_diff(d, tmp, before=before, after=after, tables=new, pdf=pdf, labels=labels, title=title)

    write_file_set(out, write, names)
    return d, [out / n for n in names]


# ----------------------------------------------------------------------------- one quarter

@dataclass
class Run:
    """What a report run knows while it goes: where things are, and what happened to each quarter."""

    args: argparse.Namespace
    out_dir: Path
    scan: InputScan
    results: list[FileResult] = field(default_factory=list)
    outcomes: list[QuarterOutcome] = field(default_factory=list)

    @property
    def archive_root(self) -> Path:
        return self.out_dir / "archive"

    @property
    def pdf(self) -> bool:
        return not self.args.no_pdf


def _stamp(run: Run, quarter: str, prev: Optional[str], version: Optional[Path]) -> str:
    """What a quarter's report depends on: the manifests (its own, the previous quarter's, the version it
    replaced), the code and the templates' bytes."""
    h = hashlib.sha256()
    for p in (run.archive_root / quarter, run.archive_root / prev if prev else None, version):
        m = p / "manifest.json" if p is not None else None
        if m is not None and m.exists():
            h.update(m.read_bytes())
    h.update(f"{prev}|{run.pdf}|{code_fingerprint()}|{_templates_fingerprint()}".encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _templates_fingerprint() -> str:
    h = hashlib.sha256()
    for p in sorted(TEMPLATES.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(TEMPLATES).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _body(parts: list[FileResult]) -> Optional[str]:
    """The reporting government named by the documents themselves (the first file that names one)."""
    return next((b for r in parts if (b := r.body())), None)


def _clash(run: Run, parts: list[FileResult]) -> Optional[str]:
    """The same pledge item in two files of one quarter — usually a corrected file added beside the old one."""
    owner: dict[str, FileResult] = {}
    for r in parts:
        items = r.tables.get("items") if r.tables else None
        for v in (items["item_no"].tolist() if items is not None and "item_no" in items else []):
            key = item_key(v)
            if key and key in owner and owner[key] is not r:
                a, b = run.scan.name(owner[key].path), run.scan.name(r.path)
                return (f"항목 {key}이(가) {a}와 {b} 두 파일에 다 있습니다 — 고친 파일을 넣었다면 이전 파일을 "
                        f"{run.scan.folder}에서 빼고 다시 실행하세요")
            owner.setdefault(key, r)
    return None


def _lost_sources(run: Run, quarter: str) -> list[str]:
    """Files the archived quarter was made from that failed to read this time: re-archiving now would drop
    them, so the quarter is left as it is until they read again (or are taken out of the input folder)."""
    from ..quarter.archive import manifest

    m = manifest(run.archive_root, quarter) or {}
    archived = {str(s.get("name")) for s in m.get("sources", [])}
    return [run.scan.name(r.path) for r in run.results if not r.ok and run.scan.name(r.path) in archived]


def archive_one(run: Run, q: str, parts: list[FileResult]) -> None:
    """Archive one quarter, write the diff against its previous version when it was re-archived, compare it
    with the quarter before, and render its report."""
    from ..quarter.archive import archive_quarter, load_quarter, versions
    from ..quarter.combine import combine

    out = QuarterOutcome(q, run.archive_root / q)
    run.outcomes.append(out)
    lost = _lost_sources(run, q)
    if lost:
        out.refused = (f"이번에 읽지 못한 {', '.join(lost)}이(가) 보관본에 들어 있어 보관본을 그대로 두었습니다 — "
                       "그 파일을 고치거나 입력 폴더에서 빼고 다시 실행하세요")
        err(f"{q}: {out.refused}")
        return
    clash = _clash(run, parts)
    if clash:
        out.refused = f"{clash}; 이 분기는 보관하지 않았습니다"
        err(f"{q}: {out.refused}")
        return
    try:
        tables = combine([(r.path.name, r.tables) for r in parts])
    except InputError as exc:
        out.refused = f"{exc}; 이 분기는 보관하지 않았습니다"
        err(f"{q}: {out.refused}")
        return
    body = _body(parts)
    sources = [{"name": run.scan.name(r.path), "sha256": r.sha256, "size": r.size} for r in parts]
    try:
        res = archive_quarter(run.archive_root, q, tables, sources, replace=run.args.replace, body=body)
    except OSError as exc:
        raise OutputError(run.archive_root, exc) from exc
    out.status, out.message = res.status, res.message
    say(f"{q}: {res.message} — {res.path}")
    archived = load_quarter(run.archive_root, q)
    if res.status == "unchanged" and not all(
            same_rows(t, tables.get(t, archived[t]), archived[t]) for t in CONTRACT_TABLES):
        err(f"{q}: 경고: 같은 파일을 지금 파이프라인은 보관본과 다르게 읽습니다 (파이프라인이 바뀌었습니다) — "
            "다시 보관하려면 --replace를 붙여 실행하세요 (이전 보관본은 남깁니다)")
    out.rows = {t: len(archived[t]) for t in archived}
    out.findings = archived.get("findings")
    kept = versions(run.archive_root, q)
    version = kept[-1] if kept else None
    if version is not None:
        _version_diff(run, q, archived, version, out)
    _report(run, q, archived, body, version, out)


def _version_diff(run: Run, q: str, archived: dict, version: Path, out: QuarterOutcome) -> None:
    """The diff against the version this archive replaced (so a restated figure is visible), written once."""
    from ..quarter.archive import manifest, source_changes
    from ..quarter.diff import load_tables

    folder = run.out_dir / q / f"diff-{version.name}"
    old_m = manifest(version.parent, version.name) or {}
    new_m = manifest(run.archive_root, q) or {}
    changes = source_changes(old_m.get("sources", []), new_m.get("sources", []))
    out.version = version
    out.version_changes = changes.words()
    out.version_note = (f"{q} 보관본을 다시 만들었습니다 ({changes.words() or '같은 원본을 다시 읽음'}); "
                        f"이전 보관본: {version.name}")
    out.version_diff_dir = folder
    if (folder / "diff.csv").is_file() and out.status != "replaced":
        out.version_diff = _read_diff(folder)
        return
    try:
        d, _ = write_diff(load_tables(version), archived, folder, before=q, after=q, pdf=run.pdf,
                          what=f"{q} 이전 보관본 대비", labels=version_labels(version),
                          title=f"{quarter_label(q)} 다시 보관한 내용: 공약사업 변경 내역")
    except OSError as exc:
        raise OutputError(folder, exc) from exc
    out.version_diff = d
    say(f"{q}: 이전 보관본과 비교했습니다 — {change_counts(d)} ({folder})")


def version_labels(version: Path) -> tuple[str, str]:
    """The two sides of a quarter's diff against the archive it replaced: "이전 보관본 (2026-12-04 18:45
    보관)" and "새 보관본"."""
    from ..quarter.archive import archived_at

    when = archived_at(version)
    return ("이전 보관본" + (f" ({when} 보관)" if when else ""), "새 보관본")


def _read_diff(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "diff.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _previous(run: Run, q: str, body: Optional[str], out: QuarterOutcome) -> Optional[str]:
    """The archived quarter just before ``q`` of the same reporting body, or None with the reason said."""
    from ..quarter.archive import comparable_previous

    prev, why = comparable_previous(run.archive_root, q, body)
    if prev is None:
        out.no_diff = why
    return prev


def _report(run: Run, q: str, tables: dict, body: Optional[str], version: Optional[Path],
            out: QuarterOutcome) -> None:
    from ..outputs.render import render_report
    from ..quarter.archive import load_quarter

    prev = _previous(run, q, body, out)
    if out.no_diff:
        say(f"{q}: {out.no_diff}")
    q_out = run.out_dir / q
    out.report = q_out / ("report.pdf" if run.pdf else "report.html")
    stamp_file = q_out / ".report-stamp"
    stamp = _stamp(run, q, prev, version)
    if prev:
        out.diff_dir = q_out / f"diff-{prev}"
        out.previous = prev
    try:
        if stamp_file.exists() and stamp_file.read_text() == stamp and (q_out / "report.html").exists():
            if prev and (out.diff_dir / "diff.csv").is_file():
                out.diff = _read_diff(out.diff_dir)
            say(f"{q}: 보고서가 이미 최신입니다 — {out.report}")
            return
        diff_df = None
        if prev:
            diff_df, _ = write_diff(load_quarter(run.archive_root, prev), tables, out.diff_dir, before=prev,
                                    after=q, pdf=run.pdf)
            out.diff = diff_df
            say(f"{q}: 이전 분기 {prev} 대비 변경 내역을 만들었습니다 — {change_counts(diff_df)}")
        notes = [out.version_note] if out.version_note else []
        n_items = len(tables.get("items", []))

        def write(tmp: Path) -> None:
            with rendering(f"보고서 만드는 중 ({q}, 항목 {n_items}개)"):
                render_report(tables, tmp, quarter=q, body=body, diff=diff_df, previous_quarter=prev,
                              pdf=run.pdf, notes=notes)

        write_file_set(q_out, write, ["report.html"] + (["report.pdf"] if run.pdf else []))
        atomic_write_bytes(stamp_file, stamp.encode())
    except OSError as exc:
        raise OutputError(q_out, exc) from exc
    say(f"{q}: 보고서를 만들었습니다 — {out.report}")


# ----------------------------------------------------------------------------- the run

def _quarters(run: Run) -> dict[str, list[FileResult]]:
    by_q: dict[str, list[FileResult]] = defaultdict(list)
    for r in run.results:
        if not (r.ok and r.tables):
            continue
        try:
            q = quarter_of(r.tables)
        except InputError as exc:
            r.status, r.message = "error", str(exc)
            err(r.line())
            continue
        if q:
            by_q[q].append(r)
        else:
            r.status, r.message = "error", "보고 분기를 찾지 못했습니다 — --quarter 2023Q2처럼 지정해 다시 실행하세요"
            err(r.line())
    return by_q


def run_report(args: argparse.Namespace) -> int:
    in_dir: Path = args.input
    out_dir: Path = args.output
    try:
        found = scan(in_dir)
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"{out_dir}: 출력 폴더 자리에 파일이 있습니다 — 폴더를 지정하세요")
    except UsageError as exc:
        err(str(exc))
        return 2
    for p, why in found.skipped:
        err(f"{p}: {why}")
    if not found.files:
        if found.skipped:
            err(f"{in_dir}: 읽을 보고서 파일(PDF·HWP·HWPX)이 없습니다 — 위의 {len(found.skipped)}개 파일은 건너뛰었습니다")
            return 1
        found = scan(EXAMPLES)
        found.skipped = []  # the example's own sources (.json) are not the clerk's files
        # The example gets its own output folder, so its quarters never block the office's real archive.
        out_dir = out_dir / "example"
        say(f"{in_dir}/ 폴더가 비어 있어 함께 든 예시(사업 57, 2021년 3·4분기)로 실행합니다 — 결과는 {out_dir}/에 씁니다")

    run = Run(args, out_dir, found)
    run.results = process_files(found.files, quarter=args.quarter, jobs=args.jobs, cache_dir=out_dir / ".cache")
    print_outcomes(run.results, args.debug)
    by_q = _quarters(run)
    try:
        for q in sorted(by_q):
            archive_one(run, q, by_q[q])
    except OutputError as exc:
        err(str(exc))
        return 1
    print_summary(run.results, run.outcomes, found)
    bad = [r for r in run.results if not r.ok]
    return 1 if bad or any(o.refused for o in run.outcomes) else 0
