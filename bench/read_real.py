"""Time the HWP/HWPX readers on the whole real/ set: median ms per file and total seconds per pass.

Targets (docs/hwp-readers.md): median < 20 ms per file, whole set < 2 s.
Usage: python bench/read_real.py [--passes N] [--corpus DIR]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.errors import InputError  # noqa: E402
from pipeline.readers.hancom.hwp import read_hwp  # noqa: E402
from pipeline.readers.hancom.hwpx import read_hwpx  # noqa: E402


def real_files(corpus: Path) -> list[Path]:
    real = corpus / "real"
    return sorted((real / "hwp").glob("*.hwp")) + sorted((real / "hwpx").glob("*.hwpx"))


def time_files(files: list[Path], passes: int) -> tuple[dict[Path, float], list[float]]:
    """Median ms per file over the passes, and the seconds of each whole pass."""
    per_file: dict[Path, list[float]] = {f: [] for f in files}
    totals: list[float] = []
    for _ in range(passes):
        t_pass = time.perf_counter()
        for f in files:
            reader = read_hwp if f.suffix == ".hwp" else read_hwpx
            t0 = time.perf_counter()
            try:
                reader(f)
            except InputError:
                pass  # the password fixture: refusing it is part of the work timed
            per_file[f].append(time.perf_counter() - t0)
        totals.append(time.perf_counter() - t_pass)
    return {f: statistics.median(v) * 1000 for f, v in per_file.items()}, totals


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args()
    files = real_files(args.corpus)
    if not files:
        print(f"no files under {args.corpus / 'real'}", file=sys.stderr)
        return 2
    medians, totals = time_files(files, args.passes)
    for f, ms in sorted(medians.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {ms:8.1f} ms  {f.parent.name}/{f.name} ({f.stat().st_size // 1024} KB)")
    print(f"files: {len(files)}  passes: {args.passes}")
    print(f"median per file: {statistics.median(medians.values()):.1f} ms  (max {max(medians.values()):.1f} ms)")
    print(f"whole set: median {statistics.median(totals):.2f} s per pass (min {min(totals):.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
