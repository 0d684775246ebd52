"""Run ../shared/tools/score.py the way a user would and read its SUMMARY lines."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

LINE = re.compile(r"^\s*(items|budget|plan|performance)\s+num ([\d.]+)/([\d.]+)\s+text ([\d.]+)/([\d.]+)")


def score(tools: Path, truth: Path, csv_dir: Path, source: str | None = None, drop: str = "") -> dict:
    """{table: (num P, num R, text P, text R)} plus the full output under "_out"."""
    cmd = [sys.executable, str(tools / "score.py"), str(truth), str(csv_dir)]
    if source:
        cmd += ["--source", source]
    if drop:
        cmd += ["--drop-chars", drop]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    res: dict = {"_out": out}
    on = False
    for line in out.splitlines():
        if line.startswith("SUMMARY"):
            on = True
            continue
        m = LINE.match(line) if on else None
        if m:
            res[m.group(1)] = tuple(float(m.group(i)) for i in range(2, 6))
    assert set(res) >= {"items", "budget", "plan", "performance"}, out
    return res


def assert_perfect(res: dict, text_min: float = 1.0) -> None:
    bad = {t: v for t, v in res.items() if t != "_out" and (v[0] < 1 or v[1] < 1 or v[2] < text_min or v[3] < text_min)}
    assert not bad, f"not perfect: {bad}\n{res['_out'][-6000:]}"
