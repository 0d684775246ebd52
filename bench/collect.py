"""Files per minute of ``collect`` with 1 and 2 Dask workers on the same 40-file tree, and the ratio.

Run by hand (not by `make test`):  .venv/bin/python bench/collect.py [--files 40] [--workers 1 2]

The tree is the corpus's card, compiled and variety reports (15 files, PDF, HWP and HWPX) copied round-robin
under ``<body>/<quarter>/`` until it holds ``--files`` files.  Each run writes a fresh dataset with its own
LocalCluster; the figure is files ÷ minutes from the moment the cluster is ready to the last commit (the
cluster's start-up, printed apart, is a fixed cost that does not grow with the tree).  The machine's load
average is printed before and after each run: on a machine shared with other work, a ratio below 2 may be the
neighbours, not the engine.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.dataset.collect import collect  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SOURCES = ("cards", "compiled", "variety")
BODIES = ("한빛구", "가온시", "시범구", "나래군")
QUARTERS = ("2023Q1", "2023Q2", "2023Q3", "2023Q4")


def build_tree(root: Path, n: int) -> list[Path]:
    corpus = sorted(p for d in SOURCES for p in (CORPUS / d).iterdir() if p.suffix in (".pdf", ".hwp", ".hwpx"))
    if not corpus:
        sys.exit(f"corpus not found at {CORPUS}")
    out = []
    for i in range(n):
        src = corpus[i % len(corpus)]
        dst = root / BODIES[i % len(BODIES)] / QUARTERS[(i // len(BODIES)) % len(QUARTERS)] / f"{i:03d}-{src.name}"
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        out.append(dst)
    return out


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(root: Path, dataset: Path, workers: int) -> tuple[float, float, int]:
    """(seconds reading, seconds starting the cluster, files read) of one fresh run."""
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    s = collect(root, dataset, workers=workers, progress=False, err=io.StringIO(),
                on_start=lambda eng: marks.setdefault("ready", time.perf_counter()))
    t1 = time.perf_counter()
    if s.ok != s.read:
        sys.exit(f"{s.read - s.ok} file(s) failed: {s.failed[:3]}")
    return t1 - marks["ready"], marks["ready"] - t0, s.read


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-collect-") as tmp:
        root = Path(tmp) / "root"
        build_tree(root, args.files)
        print(f"tree: {args.files} files under {len(BODIES)} bodies x {len(QUARTERS)} quarters; cores: {os.cpu_count()}")
        rates = {}
        for w in args.workers:
            before = load()
            secs, startup, n = run(root, Path(tmp) / f"ds-{w}", w)
            rates[w] = n / (secs / 60)
            print(f"workers={w}: {n} files in {secs:.1f} s = {rates[w]:.1f} files/min "
                  f"(cluster start-up {startup:.1f} s; load average before {before}, after {load()})")
        if 1 in rates:
            for w in args.workers:
                if w != 1:
                    print(f"ratio {w} workers / 1 worker: {rates[w] / rates[1]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
