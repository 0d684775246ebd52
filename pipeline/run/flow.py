"""The whole quarterly flow behind ``make report``: input/ → extract → archive → report → diff.

This is orchestration only (I/O at the edge); each step is its own module.  A
bad file costs only itself, a quarter whose files clash (the same item twice) is
not archived, and a quarter already archived is never silently rewritten.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import sys
from collections import defaultdict
from pathlib import Path
from typing import Optional

import pandas as pd

from ..contract import CONTRACT_TABLES, same_rows
from ..errors import InputError
from ..quarter.combine import quarter_of
from ..resources import EXAMPLES, TEMPLATES
from .batch import FileResult, print_outcomes, process_files
from .cache import code_fingerprint

INPUT_SUFFIXES = {".pdf", ".hwp", ".hwpx"}


def _say(line: str = "") -> None:
    print(line, flush=True)


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def input_files(folder: Path) -> list[Path]:
    """Every report file in the folder (not hidden files, not sub-folders), in name order."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in INPUT_SUFFIXES
    )


def ignored_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in INPUT_SUFFIXES
    )


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
    raise FileNotFoundError(f"{spec}: neither a quarter in {archive_root} nor a folder with items.csv")


def write_diff(old: dict, new: dict, out: Path, *, before: str, after: str,
               pdf: bool = True) -> tuple[pd.DataFrame, list[Path]]:
    """diff.csv (contract shape) plus its rendering; returns the diff with its ``restated`` flags."""
    from ..outputs.render import render_diff
    from ..quarter.diff import diff_tables, restatements
    from ..quarter.diff import write_diff as write_diff_csv

    d = diff_tables(old, new)
    write_diff_csv(out / "diff.csv", d)
    d["restated"] = restatements(d, after) if len(d) else pd.Series([], dtype=bool)
    html, pdf_path = render_diff(d, out, before=before, after=after, tables=new, pdf=pdf)
    return d, [out / "diff.csv", html] + ([pdf_path] if pdf_path else [])


def _stamp(archive_root: Path, quarter: str, prev: Optional[str], pdf: bool) -> str:
    """What a quarter's report depends on: both archives' manifests, the code and the templates' bytes."""
    h = hashlib.sha256()
    for q in (quarter, prev):
        p = archive_root / q / "manifest.json" if q else None
        if p is not None and p.exists():
            h.update(p.read_bytes())
    h.update(f"{prev}|{pdf}|{code_fingerprint()}|{_templates_fingerprint()}".encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _templates_fingerprint() -> str:
    h = hashlib.sha256()
    for p in sorted(TEMPLATES.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(TEMPLATES).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def run_report(args: argparse.Namespace) -> int:
    from ..outputs.render import render_report
    from ..quarter.archive import ArchiveRefused, archive_quarter, load_quarter, previous_quarter
    from ..quarter.combine import combine

    in_dir: Path = args.input
    out_dir: Path = args.output
    files = input_files(in_dir)
    for p in ignored_files(in_dir):
        _err(f"{p}: not a PDF, HWP or HWPX file name — skipped")
    if not files:
        files = input_files(EXAMPLES)
        if not files:
            _err(f"{in_dir} holds no report and the bundled example is missing ({EXAMPLES})")
            return 1
        # The example gets its own output folder, so its quarters never block the office's real archive.
        out_dir = out_dir / "example"
        _say(f"{in_dir}/ holds no report: running on the bundled example "
             f"(item 57, 2021 Q3 and Q4) into {out_dir}/")

    results = process_files(files, quarter=args.quarter, jobs=args.jobs, cache_dir=out_dir / ".cache")
    print_outcomes(results, args.debug)

    by_q: dict[str, list[FileResult]] = defaultdict(list)
    for r in results:
        if r.ok and r.tables:
            try:
                q = quarter_of(r.tables)
            except InputError as exc:
                r.status, r.message = "error", str(exc)
                _err(r.line())
                continue
            if q:
                by_q[q].append(r)

    archive_root = out_dir / "archive"
    failed_quarters: dict[str, str] = {}
    written: list[tuple[str, list[Path]]] = []
    for q in sorted(by_q):
        parts = by_q[q]
        try:
            tables = combine([(r.path.name, r.tables) for r in parts])
        except InputError as exc:
            failed_quarters[q] = str(exc)
            _err(f"{q}: {exc} — quarter not archived")
            continue
        try:
            res = archive_quarter(archive_root, q, tables, [r.path for r in parts], replace=args.replace)
        except ArchiveRefused as exc:
            failed_quarters[q] = str(exc)
            _err(f"{q}: {exc}")
            continue
        _say(f"{q}: archive {res.status} — {res.path}" + (f" ({res.message})" if res.message else ""))
        archived = load_quarter(archive_root, q)
        if res.status == "unchanged" and not all(
                same_rows(t, tables.get(t, archived[t]), archived[t]) for t in CONTRACT_TABLES):
            _err(f"{q}: warning: the archive holds rows this pipeline no longer reads from the same files "
                 "(the pipeline was updated) — run again with --replace to re-archive (the old one is kept)")
        tables = archived  # report exactly what the archive holds
        prev = previous_quarter(archive_root, q)
        q_out = out_dir / q
        q_out.mkdir(parents=True, exist_ok=True)
        stamp_file = q_out / ".report-stamp"
        stamp = _stamp(archive_root, q, prev, not args.no_pdf)
        outputs: list[Path] = []
        if stamp_file.exists() and stamp_file.read_text() == stamp and (q_out / "report.html").exists():
            _say(f"{q}: report up to date — {q_out / 'report.html'}")
            written.append((q, []))
            continue
        diff_df = None
        if prev:
            old = load_quarter(archive_root, prev)
            diff_df, diff_paths = write_diff(old, tables, q_out / f"diff-{prev}", before=prev, after=q,
                                             pdf=not args.no_pdf)
            outputs += diff_paths
        body = _body(parts)
        html, pdf = render_report(
            tables, q_out, quarter=q, body=body, diff=diff_df, previous_quarter=prev, pdf=not args.no_pdf
        )
        outputs = [html] + ([pdf] if pdf else []) + outputs
        stamp_file.write_text(stamp)
        written.append((q, outputs))

    _summary(results, by_q, failed_quarters, written, archive_root)
    bad = [r for r in results if not r.ok]
    return 1 if bad or failed_quarters else 0


def _body(parts: list[FileResult]) -> Optional[str]:
    """The reporting government named by the documents themselves (normaliser's ``src_body``), if any."""
    for r in parts:
        items = r.tables.get("items") if r.tables else None
        if items is not None and "src_body" in items and len(items):
            for v in items["src_body"]:
                if isinstance(v, str) and v.strip():
                    return v.strip()
    return None


def _quarter_or_blank(tables: dict) -> str:
    try:
        return quarter_of(tables) or ""
    except InputError:
        return ""


def _summary(results, by_q, failed_quarters, written, archive_root: Path) -> None:
    _say()
    _say("요약 (summary)")
    _say(f"  {'file':<40} {'status':<8} {'quarter':<8} {'items':>5} {'findings':>8}  reason")
    for r in results:
        if r.ok:
            items = len(r.tables.get("items", [])) if r.tables else 0
            findings = len(r.tables.get("findings", [])) if r.tables else 0
            _say(f"  {r.path.name:<40} {'read':<8} {_quarter_or_blank(r.tables):<8} {items:>5} {findings:>8}"
                 + ("  (cached)" if r.cached else ""))
        else:
            status = {"no_items": "no item", "internal": "internal"}.get(r.status, "failed")
            _say(f"  {r.path.name:<40} {status:<8} {'':<8} {'':>5} {'':>8}  {r.message}")
    n_ok = sum(1 for r in results if r.ok)
    n_items = sum(len(r.tables.get("items", [])) for r in results if r.ok and r.tables)
    n_find = sum(len(r.tables.get("findings", [])) for r in results if r.ok and r.tables)
    _say(f"  files read {n_ok}/{len(results)}, items {n_items}, findings {n_find}, "
         f"files failed {len(results) - n_ok}")
    for q, why in failed_quarters.items():
        _say(f"  quarter {q} not archived: {why}")
    for q, outs in written:
        _say(f"  {q}: archive {archive_root / q}")
        for p in outs:
            _say(f"        {p}")
