"""Command line: ``python -m pipeline extract | tables | report | diff``.

Exit status everywhere: 0 when every input was read, 1 when any input failed
(each failure one line ``FILE: reason`` on stderr, the rest still written), 2 for
bad usage.  No traceback reaches the user for a bad input; ``--debug`` shows one
for our own internal errors.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from ..dataset import cli as collect_cli

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _quarter(value: str) -> str:
    from ..vocab import is_quarter

    v = value.strip().upper().replace("-", "")
    if not is_quarter(v):
        raise argparse.ArgumentTypeError(f"quarter must look like 2021Q4, not {value!r}")
    return v


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("--jobs takes a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return n


def _pages(value: str) -> list[int]:
    """``3``, ``2-5``, ``1,4`` or ``1,3-5`` → sorted distinct page numbers."""
    out: set[int] = set()
    try:
        for part in value.split(","):
            a, _, b = part.strip().partition("-")
            lo, hi = int(a), int(b) if b else int(a)
            if lo < 1 or hi < lo or hi - lo > 100_000:
                raise ValueError
            out.update(range(lo, hi + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--pages takes pages like 3, 2-5 or 1,4, not {value!r}") from None
    return sorted(out)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Pledge-progress cards (공약사업 추진상황; PDF, HWP, HWPX) → contract CSVs, archive, diff, report.",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    e = sub.add_parser("extract", help="read cards into items/budget/plan/performance/findings CSVs")
    e.add_argument("files", nargs="+", type=Path, metavar="FILE")
    e.add_argument("--out", required=True, type=Path, metavar="DIR")
    e.add_argument("--quarter", type=_quarter, help="report quarter (e.g. 2021Q4) when the document does not say")
    e.add_argument("--jobs", type=_jobs, default=None, help="worker processes (default: the machine's cores)")
    e.add_argument("--no-cache", action="store_true", help="do not reuse earlier results for unchanged files")
    e.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of internal errors")

    t = sub.add_parser("tables", help="print every table the reader found, cell by cell")
    t.add_argument("file", type=Path, metavar="FILE")
    t.add_argument("--json", action="store_true", help="one JSON array, a table per element")
    t.add_argument("--pages", type=_pages, metavar="PAGES", help="only these pages of a PDF: 3, 2-5 or 1,4")
    t.add_argument("--debug", nargs="?", const=True, default=argparse.SUPPRESS, metavar="DIR",
                   help="show tracebacks; with DIR (after FILE), also write a PNG per page of a PDF there with the "
                        "rules, cells and their row/col the reader found")

    r = sub.add_parser("report", help="input/ → extract → archive → report → diff (what `make report` runs)")
    r.add_argument("--input", type=Path, default=Path("input"), metavar="DIR")
    r.add_argument("--output", type=Path, default=Path("output"), metavar="DIR")
    r.add_argument("--quarter", type=_quarter, help="report quarter when a document does not say")
    r.add_argument("--replace", action="store_true", help="replace a quarter already archived (the old one is kept)")
    r.add_argument("--jobs", type=_jobs, default=None)
    r.add_argument("--no-pdf", action="store_true", help="write report.html only (faster)")
    r.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)

    d = sub.add_parser("diff", help="compare two quarters (archived quarters or CSV folders)")
    d.add_argument("old", metavar="OLD", help="a quarter in the archive (2021Q3) or a folder of contract CSVs")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--out", required=True, type=Path, metavar="DIR")
    d.add_argument("--archive", type=Path, default=Path("output/archive"), metavar="DIR")
    d.add_argument("--no-pdf", action="store_true", help="write diff.csv and diff.html only")
    d.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    collect_cli.add_parser(sub)
    return p


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- extract

def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import print_outcomes, process_files, write_csvs

    cache_dir = None if args.no_cache else _cache_dir()
    results = process_files(args.files, quarter=args.quarter, jobs=args.jobs, cache_dir=cache_dir)
    failed = print_outcomes(results, args.debug)
    try:
        write_csvs(results, args.out)
    except OSError as exc:
        _err(f"{args.out}: cannot write the CSVs there ({exc.strerror or exc})")
        return EXIT_USAGE
    ok = len(results) - failed
    cached = sum(1 for r in results if r.cached)
    print(f"{ok} of {len(results)} file(s) read" + (f" ({cached} from cache)" if cached else "")
          + f"; CSVs in {args.out}")
    return EXIT_FAILED if failed else EXIT_OK


def _cache_dir() -> Optional[Path]:
    env = os.environ.get("PIPELINE_CACHE")
    if env == "off":
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pledge-pipeline"


# ----------------------------------------------------------------------------- tables

def _ranges(pages: list[int]) -> list[tuple[int, int]]:
    """Sorted pages as contiguous (first, last) ranges."""
    out: list[tuple[int, int]] = []
    for p in pages:
        if out and p == out[-1][1] + 1:
            out[-1] = (out[-1][0], p)
        else:
            out.append((p, p))
    return out


def cmd_tables(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..readers import backend_for
    from .batch import join_parts, read_part
    from .workers import run_tasks

    debug_dir = Path(args.debug) if isinstance(args.debug, str) else None
    ranges: list[Optional[tuple[int, int]]] = [None]
    if args.pages or debug_dir:
        try:
            paged = backend_for(args.file).paged
        except (InputError, OSError) as exc:
            _err(f"{args.file}: {exc}")
            return EXIT_FAILED
        if not paged:
            _err(f"{args.file}: --pages and --debug DIR need a PDF (this format has no fixed pages)")
            return EXIT_USAGE
        if args.pages:
            ranges = list(_ranges(args.pages))
    tasks = [(i, read_part, (args.file, r)) for i, r in enumerate(ranges)]
    if debug_dir:
        from ..readers.pdf.debug import write_debug_pages

        tasks.append(("png", write_debug_pages, (args.file, args.pages, debug_dir)))
    results = run_tasks(tasks, 1)
    for key in sorted(results, key=str):
        status, value, detail = results[key]
        if status != "ok":
            _err(f"{args.file}: {value}")
            if args.debug and detail:
                _err(detail)
            return EXIT_FAILED
    parts = [results[i][1] for i in range(len(ranges))]
    doc = parts[0] if len(parts) == 1 else join_parts(args.file, parts)
    if debug_dir:
        _err(f"{args.file}: {len(results['png'][1])} page picture(s) in {debug_dir}")
    if args.json:
        json.dump(doc.tables_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    print(f"{args.file}: {doc.format}, {len(doc.tables)} table(s)"
          + (f", {doc.page_count} page(s)" if doc.page_count else ""))
    for i, t in enumerate(doc.tables):
        where = f"page {t.page}" if t.page else "no fixed page"
        box = f" bbox {tuple(round(v, 1) for v in t.bbox)}" if t.bbox else ""
        parent = f" (inside table {t.parent + 1})" if t.parent is not None else ""
        links = "".join([f" (continues table {t.continues + 1})" if t.continues is not None else "",
                         f" (continued by table {t.continued_by + 1})" if t.continued_by is not None else ""])
        print(f"\n== table {i + 1}: {t.rows} x {t.cols}, {where}{box}{parent}{links}")
        for c in sorted(t.cells, key=lambda c: (c.row, c.col)):
            span = ""
            if c.rowspan > 1 or c.colspan > 1:
                span = f" span {c.rowspan}x{c.colspan}"
            text = c.text.replace("\n", "⏎")
            print(f"  [{c.row},{c.col}]{span}: {text}")
    return EXIT_OK


# ----------------------------------------------------------------------------- diff

def cmd_diff(args: argparse.Namespace) -> int:
    from .flow import load_side, write_diff

    try:
        old_q, old = load_side(args.old, args.archive)
        new_q, new = load_side(args.new, args.archive)
    except (FileNotFoundError, ValueError) as exc:
        _err(str(exc))
        return EXIT_USAGE
    try:
        _, paths = write_diff(old, new, args.out, before=old_q, after=new_q, pdf=not args.no_pdf)
    except OSError as exc:
        _err(f"{args.out}: cannot write the diff there ({exc.strerror or exc})")
        return EXIT_USAGE
    print(f"diff {old_q} → {new_q}: " + ", ".join(str(p) for p in paths))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from .flow import run_report

    return run_report(args)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "debug"):
        args.debug = False
    handlers = {"extract": cmd_extract, "tables": cmd_tables, "report": cmd_report, "diff": cmd_diff, "collect": collect_cli.run}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
