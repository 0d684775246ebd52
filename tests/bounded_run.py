"""``python -m pipeline …`` in a subprocess with its wall time and peak memory, for the hostile-input tests.

The issue's bound for a hostile file is one clear line within 60 s and 1 GB peak RSS; the peak is taken from
``os.wait4`` so that it covers the CLI process and every worker it reaped.  One copy for the PDF and the
HWP/HWPX probes (tests/test_pdf_hostile.py, tests/test_hostile_hancom.py).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 60  # the bound per file; a probe takes 1-3 s here
LIMIT_RSS = 1024 ** 3  # the bound per file; a probe peaks near 80 MB here (pandas is most of it)


@dataclass
class Run:
    code: int
    lines: list[str]  # stderr lines
    seconds: float
    peak_rss: int  # bytes: the largest of the CLI process and the workers it reaped


def run_cli(*args: str, limit: float = 2 * LIMIT_S) -> Run:
    """``python -m pipeline ARGS`` with its wall time and the peak RSS from wait4 (workers included)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, stdout=out, stderr=err,
                                start_new_session=True)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > limit:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                pytest.fail(f"pipeline {' '.join(args)} still running after {limit:.0f} s")
            time.sleep(0.05)
        seconds = time.monotonic() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").splitlines()
    return Run(proc.returncode, lines, seconds, usage.ru_maxrss * 1024)


def assert_bounded(run: Run, per_file: int = 1) -> None:
    """Within the bounds (``per_file``: how many files the run read), and no traceback or internal error."""
    assert run.seconds < LIMIT_S * per_file, f"took {run.seconds:.1f} s"
    assert run.peak_rss < LIMIT_RSS, f"peak RSS {run.peak_rss / 1e6:.0f} MB"
    assert not any("Traceback" in x or "내부 오류" in x for x in run.lines), run.lines
