"""A normal (non-editable) install renders the bundled example from any folder.

Why: templates, fonts and the example cards are package data read through
importlib.resources; an install that left them out, or code that found them
relative to the repository, would work in a checkout and fail for every user who
installed the package.  The wheel is built as pip builds it and unpacked into a
folder of its own; the report runs from a folder outside the repository.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.mark.slow  # builds a wheel (pip fetches the build backend) and renders two reports
def test_wheel_install_renders_the_example_outside_the_repository(tmp_path: Path) -> None:
    wheels, site, run = tmp_path / "wheels", tmp_path / "site", tmp_path / "run"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(wheels)],
                   check=True, capture_output=True, text=True, timeout=600)
    wheel = next(wheels.glob("pledge_pipeline-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, text=True, timeout=600)
    (run / "input").mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"], cwd=run, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(site), where  # the installed copy, not the checkout
    proc = subprocess.run([sys.executable, "-m", "pipeline", "report"], cwd=run, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for q in ("2021Q3", "2021Q4"):
        assert (run / "output" / "example" / q / "report.pdf").stat().st_size > 10_000
    assert (run / "output" / "example" / "2021Q4" / "diff-2021Q3" / "diff.csv").is_file()
