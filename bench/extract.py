"""Seconds per page of our extraction vs bare pdfplumber ``extract_tables()`` on the same PDF pages.

Run by hand (not by `make test`):  .venv/bin/python bench/extract.py [PDF ...]
Default inputs: the seed cards, the compiled reports and the Chromium variety report (dotted and dashed rules)
in ../shared/corpus, and the FDI press release.
Each figure is the median of RUNS runs (time.perf_counter), in this process, no cache.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.errors import InputError  # noqa: E402
from pipeline.readers import read_document  # noqa: E402
from pipeline.run.batch import normalise_document  # noqa: E402

RUNS = 3
CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT = [
    CORPUS / "cards" / "seed57-2021Q4.lo.pdf",
    CORPUS / "cards" / "seed57-2021Q4.chrome.pdf",
    CORPUS / "cards" / "seed57-2021Q4.rhwp.pdf",
    CORPUS / "compiled" / "hanbit-2023Q2.lo.pdf",
    CORPUS / "compiled" / "hanbit-2023Q2.rl.pdf",
    CORPUS / "variety" / "gaon-2024Q2.chrome.pdf",  # dotted rules as ~7,000 squares a page, dashed as paths
    CORPUS / "real" / "pdf" / "moef_fdi_2025q2_press.pdf",
]


def bare(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()
        return len(pdf.pages)


def ours(path: Path) -> None:
    doc = read_document(path)
    try:
        normalise_document(doc, None)
    except InputError:
        pass  # not a card (e.g. the press release): the reading is what is timed


def median_time(fn, path: Path) -> float:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str]) -> None:
    files = [Path(a) for a in argv] or [p for p in DEFAULT if p.exists()]
    print(f"{'file':<34} {'pages':>5} {'bare s/page':>12} {'ours s/page':>12} {'ratio':>6}")
    tb = to = tp = 0.0
    for f in files:
        pages = bare(f)
        b = median_time(bare, f)
        o = median_time(ours, f)
        tb, to, tp = tb + b, to + o, tp + pages
        print(f"{f.name:<34} {pages:>5} {b / pages:>12.4f} {o / pages:>12.4f} {o / b:>6.2f}")
    print(f"{'all':<34} {int(tp):>5} {tb / tp:>12.4f} {to / tp:>12.4f} {to / tb:>6.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
