"""Seconds per page of read_pdf against bare pdfplumber ``extract_tables()`` on the same pages.

pdfminer's parsing is most of either number, so the ratio says what our grid
and text work costs on top of it (target: at most 1.5x).  Median of N runs,
each in this one process, timed with time.perf_counter.

    .venv/bin/python bench/pdf_reader.py                 # cards, compiled, variety (Chromium), FDI press release
    .venv/bin/python bench/pdf_reader.py --runs 5 FILE.pdf ...
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.readers.pdf.reader import read_pdf  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT = [
    "cards/seed57-2021Q4.lo.pdf",
    "cards/seed57-2021Q4.chrome.pdf",
    "cards/seed57-2021Q4.rhwp.pdf",
    "compiled/hanbit-2023Q2.lo.pdf",
    "compiled/hanbit-2023Q2.rl.pdf",
    "compiled/hanbit-2023Q1.lo.pdf",
    "variety/gaon-2024Q2.chrome.pdf",  # dotted rules as ~7,000 squares a page, dashed as paths
    "real/pdf/moef_fdi_2025q2_press.pdf",
]


def bare(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        n = 0
        for page in pdf.pages:
            page.extract_tables()
            page.close()
            n += 1
    return n


def ours(path: Path) -> int:
    return read_pdf(path).page_count or 0


def median_time(fn, path: Path, runs: int) -> tuple[float, int]:
    times, pages = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        pages = fn(path)
        times.append(time.perf_counter() - t)
    return statistics.median(times), pages


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    files = args.files or [CORPUS / f for f in DEFAULT]
    print(f"{'file':40} {'pages':>5} {'bare s/p':>9} {'read_pdf s/p':>12} {'ratio':>6}")
    tb = to = tp = 0.0
    for f in files:
        b, n = median_time(bare, f, args.runs)
        o, _ = median_time(ours, f, args.runs)
        tb, to, tp = tb + b, to + o, tp + n
        print(f"{f.name:40} {n:5d} {b / n:9.3f} {o / n:12.3f} {o / b:6.2f}", flush=True)
    if tp:
        print(f"{'total':40} {int(tp):5d} {tb / tp:9.3f} {to / tp:12.3f} {to / tb:6.2f}")


if __name__ == "__main__":
    main()
