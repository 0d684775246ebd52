"""A 300-page quarter end to end: speed, parallel speed-up, cached re-run, memory, HWP/HWPX, rendering.

Why a separate bench: a quarter is one or a few compiled reports of ~150 items
(~300 pages), and the costs that matter there — worker start-up, pickling big
documents between processes, memory held per page, the cached re-run of
``make report`` — do not show on the 2–20 page corpus files.

Every CLI figure is a whole process (interpreter start, imports, workers),
run from a small wrapper process that reports wall time and the peak RSS of
the largest process below it (``getrusage(RUSAGE_CHILDREN)``: the CLI and its
forked workers).  Bare pdfplumber runs the same way, so start-up is paid by
both sides.  Figures are medians of ``--runs`` runs (time.perf_counter).

    .venv/bin/python bench/big.py                 # everything, 3 runs each
    .venv/bin/python bench/big.py --runs 1 --only extract,jobs,rss

Inputs are built once with scripts/make_compiled.py into /tmp/bench-data
(outside the repository) and rebuilt when missing: 150 items ≈ 305 pages,
15 items ≈ 32 pages.  Building 150 items takes a minute or two.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DATA = Path(os.environ.get("BENCH_DATA", "/tmp/bench-data"))
CORPUS = ROOT.parent / "shared" / "corpus"
MB = 1024 * 1024

BARE = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_tables()
        page.close()
"""

# Run CMD... as a child; print {"wall": s, "rc": n, "maxrss": bytes} of it and everything it waited for.
WRAP = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "rc": rc, "maxrss": ru.ru_maxrss * 1024}))
"""


@dataclass
class Run:
    wall: float
    maxrss: int


def wrapped(cmd: list[str], cwd: Path = ROOT) -> Run:
    out = subprocess.run([PY, "-c", WRAP, *cmd], cwd=cwd, capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    if r["rc"] not in (0,):
        raise SystemExit(f"command failed (exit {r['rc']}): {' '.join(cmd)}")
    return Run(r["wall"], r["maxrss"])


def median_run(cmd: list[str], runs: int, before=None) -> Run:
    got = []
    for _ in range(runs):
        if before:
            before()
        got.append(wrapped(cmd))
    return Run(statistics.median(r.wall for r in got), max(r.maxrss for r in got))


def compiled(n_items: int) -> tuple[Path, int]:
    """The n-item compiled report (built when missing) and its page count."""
    pdf = DATA / f"compiled-{n_items}.pdf"
    exp = pdf.with_suffix(".expected.json")
    if not pdf.exists() or not exp.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        print(f"building {pdf} ({n_items} items) …", file=sys.stderr, flush=True)
        subprocess.run([PY, str(ROOT / "scripts" / "make_compiled.py"), str(n_items), str(pdf)], cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
    return pdf, int(json.loads(exp.read_text(encoding="utf-8"))["page_count"])


def extract_cmd(pdf: Path, out: Path, jobs: int) -> list[str]:
    return [PY, "-m", "pipeline", "extract", str(pdf), "--out", str(out), "--jobs", str(jobs), "--no-cache"]


# ----------------------------------------------------------------------------- rows of the table

@dataclass
class Row:
    name: str
    pages: Optional[int]
    seconds: Optional[float]
    rss: Optional[int] = None
    ratio: Optional[float] = None  # against bare pdfplumber, same pages
    figure: str = ""  # the figure the target is about
    target: str = ""
    ok: Optional[bool] = None


def fmt(rows: list[Row]) -> str:
    head = f"{'bench':<34} {'pages':>5} {'wall s':>8} {'s/page':>7} {'pages/s':>8} {'peak RSS':>9} " \
           f"{'x bare':>6}  {'figure':<22} {'target':<14} ok"
    lines = [head, "-" * len(head)]
    for r in rows:
        sp = f"{r.seconds / r.pages:.4f}" if r.seconds and r.pages else ""
        ps = f"{r.pages / r.seconds:.1f}" if r.seconds and r.pages else ""
        lines.append(
            f"{r.name:<34} {r.pages or '':>5} {f'{r.seconds:.2f}' if r.seconds is not None else '':>8} {sp:>7} "
            f"{ps:>8} {f'{r.rss / MB:.0f} MB' if r.rss else '':>9} {f'{r.ratio:.2f}' if r.ratio else '':>6}  "
            f"{r.figure:<22} {r.target:<14} {'' if r.ok is None else ('yes' if r.ok else 'NO')}")
    return "\n".join(lines)


def bench_extract(runs: int, only: set[str]) -> list[Row]:
    rows: list[Row] = []
    big, n_big = compiled(150)
    small, n_small = compiled(15)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        bare = median_run([PY, "-c", BARE, str(big)], runs)
        rows.append(Row(f"bare pdfplumber, {big.name}", n_big, bare.wall, bare.maxrss, 1.0))
        j1 = median_run(extract_cmd(big, out / "j1", 1), runs)
        rows.append(Row("extract --jobs 1", n_big, j1.wall, j1.maxrss, j1.wall / bare.wall,
                        f"{j1.wall / bare.wall:.2f}x bare", "<= 1.5x bare", j1.wall / bare.wall <= 1.5))
        if "jobs" in only:
            j2 = median_run(extract_cmd(big, out / "j2", 2), runs)
            rows.append(Row("extract --jobs 2", n_big, j2.wall, j2.maxrss, j2.wall / bare.wall,
                            f"{j1.wall / j2.wall:.2f}x faster than j1", ">= 1.7x", j1.wall / j2.wall >= 1.7))
            same = all((out / "j1" / f).read_bytes() == (out / "j2" / f).read_bytes()
                       for f in ("items.csv", "budget.csv", "plan.csv", "performance.csv", "findings.csv"))
            rows.append(Row("  j1 and j2 CSVs identical", None, None, figure=str(same), target="True", ok=same))
        if "rss" in only:
            bs = median_run([PY, "-c", BARE, str(small)], runs)
            rows.append(Row(f"bare pdfplumber, {small.name}", n_small, bs.wall, bs.maxrss, 1.0))
            s1 = median_run(extract_cmd(small, out / "s1", 1), runs)
            rows.append(Row("extract --jobs 1 (small)", n_small, s1.wall, s1.maxrss, s1.wall / bs.wall,
                            f"{s1.wall / bs.wall:.2f}x bare", "", None))
            rows.append(Row("  peak RSS, 300-page extract j1", None, None, j1.maxrss,
                            figure=f"{j1.maxrss / MB:.0f} MB", target="< 500 MB", ok=j1.maxrss < 500 * MB))
            grow = j1.maxrss / s1.maxrss
            rows.append(Row("  peak RSS 300 p / 30 p", None, None,
                            figure=f"{grow:.2f}", target="<= 1.20", ok=grow <= 1.2))
    return rows


def bench_report(runs: int) -> list[Row]:
    big, n_big = compiled(150)
    with tempfile.TemporaryDirectory() as tmp:
        inp, outp = Path(tmp) / "input", Path(tmp) / "output"
        inp.mkdir()
        os.symlink(big, inp / big.name)
        cmd = [PY, "-m", "pipeline", "report", "--input", str(inp), "--output", str(outp)]
        first = wrapped(cmd)
        again = median_run(cmd, runs)
    return [
        Row("make report, first run", n_big, first.wall, first.maxrss),
        Row("make report, re-run unchanged", n_big, again.wall, again.maxrss,
            figure=f"{again.wall:.2f} s", target="< 2 s", ok=again.wall < 2.0),
    ]


def bench_real(runs: int) -> list[Row]:
    sys.path.insert(0, str(ROOT / "bench"))
    import read_real

    files = read_real.real_files(CORPUS)
    if not files:
        return [Row("HWP/HWPX real set", None, None, figure=f"no files under {CORPUS / 'real'}")]
    medians, totals = read_real.time_files(files, max(runs, 3))
    med = statistics.median(medians.values())
    return [Row(f"HWP/HWPX real set ({len(files)} files)", None, statistics.median(totals),
                figure=f"{med:.1f} ms/file median", target="< 20 ms", ok=med < 20)]


def bench_render(n_items: int) -> list[Row]:
    sys.path.insert(0, str(ROOT / "bench"))
    import render

    wall, _cpu, pages = render.time_render(n_items)
    return [Row(f"render report, {n_items} items", pages, wall,
                figure=f"{wall / pages:.3f} s/page", target="< 0.3 s/page", ok=wall / pages < 0.3)]


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="extract,jobs,rss,report,real,render",
                    help="comma list of: extract, jobs, rss, report, real, render")
    ap.add_argument("--render-items", type=int, default=100)
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    sys.path.insert(0, str(ROOT))
    rows: list[Row] = []
    if only & {"extract", "jobs", "rss"}:
        rows += bench_extract(args.runs, only)
    if "report" in only:
        rows += bench_report(args.runs)
    if "real" in only:
        rows += bench_real(args.runs)
    if "render" in only:
        rows += bench_render(args.render_items)
    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  cores {os.cpu_count()}  load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
          f"  runs {args.runs} (median wall; RSS = max over runs)")
    print(fmt(rows))
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
