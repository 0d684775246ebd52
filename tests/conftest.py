"""Shared test fixtures: where the corpus is, and a visible skip when it is not there.

The third-party corpus lives in ../shared beside the repo (CI has it); a user's
own clone may not, and then corpus tests skip saying why.  In CI (CI=true) a
missing corpus is a failure, not a skip.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
TOOLS = SHARED / "tools"


def _need_corpus() -> Path:
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI run without the corpus at {CORPUS}")
        pytest.skip(f"corpus not found at {CORPUS} (clone with ../shared beside it to run this test)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus() -> Path:
    return _need_corpus()


@pytest.fixture(scope="session")
def tools() -> Path:
    _need_corpus()
    return TOOLS


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``python -m pipeline ARGS`` as a user would, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
