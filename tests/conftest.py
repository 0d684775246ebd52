"""Shared test fixtures: where the corpus is, the command line run in-process, and extractions made once.

The third-party corpus lives in ../shared beside the repo (CI has it); a user's
own clone may not, and then corpus tests skip saying why.  In CI (CI=true) a
missing corpus is a failure, not a skip.

Why in-process and once per session: the same corpus files feed many tests, and
a fresh ``python -m pipeline`` costs a second of imports each time.  The CLI's
``main`` is run in this process with its output captured (the same code path as
a user's command, forked workers included); a few end-to-end tests still start a
real subprocess (``run_cli(..., subprocess=True)``).  ``extracted`` reads a file
through the batch once per session and writes the CSVs ``extract`` would write.
"""
from __future__ import annotations

import contextlib
import io
import os
import subprocess as sp
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Property tests are derandomized (a failure reproduces) and keep no example database: nothing is written into
# the working tree, which tests running in parallel (pytest-xdist) check stays untouched.
settings.register_profile("pipeline", derandomize=True, database=None)
settings.load_profile("pipeline")
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


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300, env: Optional[dict] = None,
            subprocess: bool = False) -> sp.CompletedProcess:
    """``python -m pipeline ARGS`` as a user runs it, capturing text output.

    In-process (``pipeline.run.cli.main`` with stdout/stderr captured) unless
    ``subprocess`` is asked for or an environment is given; ``cwd`` is honoured
    either way.
    """
    cmd = [sys.executable, "-m", "pipeline", *args]
    if subprocess or env is not None:
        return sp.run(cmd, cwd=cwd or ROOT, capture_output=True, text=True, timeout=timeout,
                      env=None if env is None else {**os.environ, **env})
    from pipeline.run.cli import main

    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    try:
        os.chdir(cwd or ROOT)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                rc = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(before)
    return sp.CompletedProcess(cmd, rc, out.getvalue(), err.getvalue())


@dataclass(frozen=True)
class Extracted:
    """One file read once for the session: the CSV folder ``extract`` would write, and the batch's result."""

    out: Path
    result: object  # pipeline.run.batch.FileResult

    @property
    def tables(self) -> dict:
        return self.result.tables  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Extracted]:
    """``extracted(path, quarter=None)``: the file read through the batch (no cache), CSVs written once."""
    from pipeline.run.batch import process_files, write_csvs

    base = tmp_path_factory.mktemp("extracted")
    done: dict[tuple[str, Optional[str]], Extracted] = {}

    def get(path: Path, quarter: Optional[str] = None) -> Extracted:
        key = (str(path), quarter)
        if key not in done:
            out = base / f"{len(done):03d}-{Path(path).name}"
            result = process_files([Path(path)], quarter=quarter, jobs=1, cache_dir=None, progress=False)[0]
            write_csvs([result], out)
            done[key] = Extracted(out, result)
        return done[key]

    return get


@pytest.fixture(scope="session")
def compiled_pdf(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], object]:
    """``compiled_pdf(n)``: an n-item compiled report from our own card template (scripts/make_compiled.py),
    rendered once per session by two render processes; returns its ``CompiledReport`` (``.path`` is the PDF,
    with its ``.expected.json`` beside it)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_compiled import make_compiled

    folder = tmp_path_factory.mktemp("compiled")
    made: dict[int, object] = {}

    def get(n: int) -> object:
        if n not in made:
            made[n] = make_compiled(n, folder / f"compiled-{n}.pdf", quarter="2023Q2", workers=2)
        return made[n]

    return get
