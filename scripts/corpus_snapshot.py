"""Extract every corpus document into CSVs, one folder per file: the before/after check of a refactor.

    python scripts/corpus_snapshot.py OUT_DIR [--corpus ../shared/corpus]

Run it on the code before a change and after it, then ``diff -r`` the two folders: a change that is meant to
be structure only must leave every CSV byte-equal.  Each file is extracted on its own with ``--no-cache`` by
the command line a user runs, so the snapshot measures exactly what a user gets; the exit status and the
last line of stderr are kept in ``status.txt`` beside the CSVs (a refused file is part of the behaviour too).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = {".pdf", ".hwp", ".hwpx"}


def corpus_files(corpus: Path) -> list[Path]:
    """Every report-like document of the corpus (cards, compiled, variety, bad; the real documents too)."""
    out = []
    for sub in ("cards", "compiled", "variety", "bad", "real/hwp", "real/hwpx", "real/pdf"):
        folder = corpus / sub
        if folder.is_dir():
            out += sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--tables", action="store_true", help="also keep `tables --json` of each file")
    ap.add_argument("--only", default="", help="substring a file's corpus path must contain")
    args = ap.parse_args()
    files = [p for p in corpus_files(args.corpus) if args.only in str(p.relative_to(args.corpus))]
    for p in files:
        rel = p.relative_to(args.corpus)
        dest = args.out / rel
        dest.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [sys.executable, "-m", "pipeline", "extract", str(p), "--out", str(dest), "--no-cache", "--jobs", "1"],
            cwd=ROOT, capture_output=True, text=True, timeout=1800,
        )
        last = (proc.stderr.strip().splitlines() or [""])[-1].replace(str(p), p.name)
        (dest / "status.txt").write_text(f"{proc.returncode}\n{last}\n", encoding="utf-8")
        if args.tables:  # what the reader built, for a change to the readers
            tab = subprocess.run([sys.executable, "-m", "pipeline", "tables", str(p), "--json"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=1800)
            (dest / "tables.json").write_text(tab.stdout + f"\nexit {tab.returncode}\n", encoding="utf-8")
        print(f"{rel}: exit {proc.returncode}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
