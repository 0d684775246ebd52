"""Render a 100-item quarter and print seconds per PDF page (target < 0.3 s/page).

The items are the compiled 한빛구 2023Q2 truth's five items repeated with
distinct item numbers (item n*1000 + original), so every page type of the
report (header box, plan-vs-actual, budget table and chart, 추진실적) occurs
20 times.  Run: .venv/bin/python bench/render.py [N_ITEMS]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from truth_tables import tables_from_truth  # noqa: E402

from pipeline.outputs.render import render_report  # noqa: E402

TRUTH = ROOT.parent / "shared" / "corpus" / "compiled" / "hanbit-2023Q2.truth.json"


def big_quarter(n_items: int) -> dict[str, pd.DataFrame]:
    base = tables_from_truth(TRUTH, "hanbit-2023Q2.lo.pdf")
    per = len(base["items"])
    copies = -(-n_items // per)
    out = {}
    for name, df in base.items():
        parts = []
        for k in range(copies):
            d = df.copy()
            if "item_no" in d and len(d):
                d["item_no"] = d["item_no"].astype(int) + 1000 * (k + 1)
            parts.append(d)
        out[name] = pd.concat(parts, ignore_index=True)
    keep = set(out["items"]["item_no"].iloc[:n_items])
    return {k: v[v["item_no"].isin(keep)] if len(v) else v for k, v in out.items()}


def _render_timed(tables: dict, folder: Path) -> tuple[float, float, int, Path]:
    t0, c0 = time.perf_counter(), time.process_time()
    _, pdf_path = render_report(tables, folder, quarter="2023Q2", body="한빛구")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    with pdfplumber.open(pdf_path) as pdf:
        pages = len(pdf.pages)
    return wall, cpu, pages, pdf_path


def time_render(n: int) -> tuple[float, float, int]:
    """Wall and CPU seconds to render an n-item quarter to HTML and PDF, and the PDF's page count."""
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu, pages, _ = _render_timed(big_quarter(n), Path(tmp))
    return wall, cpu, pages


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    tables = big_quarter(n)
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu, pages, pdf_path = _render_timed(tables, Path(tmp))
        size = pdf_path.stat().st_size
        html_size = (Path(tmp) / "report.html").stat().st_size
    print(f"items={len(tables['items'])} pages={pages} wall={wall:.1f}s cpu={cpu:.1f}s "
          f"s/page={wall / pages:.3f} (cpu {cpu / pages:.3f}) pdf={size / 1e6:.2f}MB html={html_size / 1e6:.2f}MB")


if __name__ == "__main__":
    main()
