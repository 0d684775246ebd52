"""Cards we have never seen: the variety set (five producers of one 시 report) scores exactly, and no figure of
variety/, cards/ or compiled/ is lost silently (../shared/tools/silent_loss.py)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from scoring import score

TRUTH = "variety/gaon-2024Q2.truth.json"
VARIETY = [
    pytest.param("gaon-2024Q2.lo.pdf", "", id="lo"),
    pytest.param("gaon-2024Q2.hwpx", "", id="hwpx"),
    pytest.param("gaon-2024Q2.hwp", "", id="hwp"),
    pytest.param("gaon-2024Q2.rhwp.pdf", "·", id="rhwp"),  # its text layer draws `·` as a shape
    pytest.param("gaon-2024Q2.chrome.pdf", "", id="chrome"),  # dotted rules drawn as squares: the PDF grid reads them
]


def silent(tools: Path, truth: Path, out: Path) -> tuple[int, int]:
    text = subprocess.run([sys.executable, str(tools / "silent_loss.py"), str(truth), str(out)],
                          capture_output=True, text=True, check=True).stdout
    m = re.search(r"silent (\d+) of (\d+) figures", text)
    assert m, text
    return int(m.group(1)), int(m.group(2))


@pytest.mark.parametrize("name, drop", VARIETY)
def test_variety_scores_exactly_with_pages(corpus: Path, tools: Path, extracted, name: str, drop: str) -> None:
    e = extracted(corpus / "variety" / name)
    tables = e.tables
    got = score(tools, corpus / TRUTH, e.out, source=name, drop=drop)
    assert "contract columns missing" not in got["_out"]
    for table in ("items", "budget", "plan", "performance"):
        num_p, num_r, text_p, text_r = got[table]
        assert (num_p, num_r) == (1.0, 1.0), (table, got["_out"][-3000:])
        assert text_p >= 0.995 and text_r >= 0.995, table
    want = json.loads((corpus / TRUTH).read_text(encoding="utf-8"))["sources"][name]
    assert {str(r.item_no): r.source_pages for r in tables["items"].itertuples()} == want
    assert set(tables["items"]["report_quarter"]) == {"2024Q2"}
    assert tables["findings"].empty, tables["findings"]["message"].tolist()
    assert tables["figures"].iloc[0].tolist() == [276, 0]


def _cases(corpus_dir: str) -> list:
    from conftest import CORPUS

    out = []
    for truth in sorted((CORPUS / corpus_dir).glob("*.truth.json")):
        for name in json.loads(truth.read_text(encoding="utf-8"))["sources"]:
            out.append(pytest.param(f"{corpus_dir}/{name}", f"{corpus_dir}/{truth.name}", id=name))
    return out


SILENT_CASES = _cases("variety") + _cases("cards") + _cases("compiled") if Path(
    __file__).resolve().parent.parent.parent.joinpath("shared", "corpus").is_dir() else []


@pytest.mark.parametrize("src, truth", SILENT_CASES)
def test_no_figure_is_lost_silently(corpus: Path, tools: Path, extracted, src: str, truth: str) -> None:
    n, total = silent(tools, corpus / truth, extracted(corpus / src).out)
    if "rhwp" in src:
        # silent_loss.py has no --drop-chars: the figures keyed by a label with `·` (drawn as a shape by rhwp)
        # cannot match their truth key.  Nothing else may be silent.
        data = json.loads((corpus / truth).read_text(encoding="utf-8"))
        dotted = sum(1 for t, f in (("budget", "amount_mkrw"), ("plan", "value"), ("performance", "value"))
                     for r in data[t] if r.get(f) not in ("", None) and "·" in f"{r.get('unit')}{r.get('task')}")
        assert n == dotted, (n, dotted)
    else:
        assert n == 0, f"{n} of {total} figures lost silently"
