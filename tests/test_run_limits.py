"""Each file within a time budget (per file, not per page range, scaled to the file), each worker within a memory
limit that `--jobs` x limit fits an 8 GB office PC, and no worker outliving its parent."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from pipeline.run import workers
from pipeline.run.workers import TimeBudget, default_jobs, file_budget, run_tasks

GIB = 1024 ** 3


def _burn(seconds: float) -> float:
    """Spin for this much CPU time (a parser at work, however loaded the machine is)."""
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return seconds


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _spin() -> None:
    while True:
        pass


def test_budget_is_per_file_not_per_task(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three tasks of one file, each needing 1 s of CPU, with a 1.5 s budget: the first ends, the second is stopped
    when the file's time is used up, the third never starts; another file's task is not affected.

    Only CPU time is charged here (the wall-time floor is what `test_a_worker_waiting_without_working_is_stopped_too`
    checks), so a machine crowded by other work cannot make the first task look slow."""
    monkeypatch.setattr(workers, "WALL_FACTOR", 1e9)
    budget = TimeBudget()
    budget.set("a", 1.5, "budget of a")
    budget.set("b", 30, "budget of b")
    tasks = [(("a", i), _burn, (1.0,)) for i in range(3)] + [(("b", 0), _burn, (0.2,))]
    res = run_tasks(tasks, 1, budget=budget, group=lambda k: k[0])
    assert res[("a", 0)][0] == "ok"
    assert res[("a", 1)] == ("error", "budget of a", "")
    assert res[("a", 2)] == ("error", "budget of a", "")
    assert res[("b", 0)][0] == "ok"
    assert budget.spent["a"] < 2.5  # stopped near its budget, not after three whole tasks


def test_a_worker_waiting_without_working_is_stopped_too() -> None:
    """CPU is what is charged, but a hung worker (no CPU) still ends: its wall time counts half."""
    t0 = time.monotonic()
    res = run_tasks([("x", _sleep, (60,))], 1, time_limit=0.5)["x"]
    assert res[0] == "error" and time.monotonic() - t0 < 10


def test_budget_scales_with_the_file_and_says_what_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(workers.FIXED_BUDGET_ENV, raising=False)
    card = file_budget(4, 150_000)
    assert card < 30  # well under a minute for a card-sized file
    assert file_budget(200, 3_000_000) > card * 3
    assert file_budget(None, 50_000) < 25  # an HWP card: bytes only
    line = workers.budget_reason(card, 4, 150_000)
    assert f"{card:.0f}초" in line and "4쪽" in line and "0.1 MB" in line
    monkeypatch.setenv(workers.FIXED_BUDGET_ENV, "7")
    assert file_budget(2000, 10 ** 8) == 7 and "고정 한도" in workers.budget_reason(7, 2000, 10 ** 8)


def test_a_split_file_shares_one_budget(compiled_pdf, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 22-page report read in page ranges by two workers: a budget too short for it ends the *file* once, with
    the budget's line, instead of each range running to its own limit."""
    from pipeline.run.batch import process_files

    pdf = compiled_pdf(10).path
    t0 = time.monotonic()
    r = process_files([pdf], jobs=2, cache_dir=None, progress=False, time_limit=1.0)[0]
    wall = time.monotonic() - t0
    assert r.status == "error" and "한도 1초" in r.message, r.message
    assert wall < 15, wall


def test_memory_limit_per_worker_fits_an_office_pc(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workers.WORKER_MEMORY_BYTES <= GIB
    phys = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 8 * GIB // 4096}
    monkeypatch.setattr(os, "sysconf", lambda name: phys[name])
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    jobs = default_jobs()
    assert jobs * workers.WORKER_MEMORY_BYTES <= 4 * GIB  # half of 8 GB for the workers, the rest for the rest
    assert jobs >= 2


def _allocate(n: int) -> int:
    return len(bytearray(n))


def test_a_worker_over_the_memory_limit_ends_in_one_line() -> None:
    res = run_tasks([("big", _allocate, (2 * GIB,))], 1, time_limit=60)["big"]
    assert res[0] == "error" and "메모리 한도" in res[1], res
    assert run_tasks([("small", _allocate, (50 * 1024 ** 2,))], 1, time_limit=60)["small"][0] == "ok"


def test_a_worker_forked_from_a_large_program_still_has_its_room() -> None:
    """The limit is on what reading a file adds: a parent that maps 2 GB (a test run, a Dask worker, a program
    embedding the pipeline) must not leave its workers unable to allocate anything."""
    import mmap

    reserved = mmap.mmap(-1, 2 * GIB)  # address space only: untouched pages take no memory
    try:
        assert run_tasks([("mid", _allocate, (300 * 1024 ** 2,))], 1, time_limit=60)["mid"][0] == "ok"
        res = run_tasks([("big", _allocate, (2 * GIB,))], 1, time_limit=60)["big"]
        assert res[0] == "error" and "메모리 한도" in res[1], res
    finally:
        reserved.close()


_ORPHAN_SCRIPT = r"""
import sys, time
sys.path.insert(0, {root!r})
from pipeline.run.workers import run_tasks

def spin(path):
    import os
    open(path, "w").write(str(os.getpid()))
    while True:
        pass

run_tasks([("x", spin, ({pidfile!r},))], 1, time_limit=600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_dies_with_its_parent(tmp_path: Path) -> None:
    """kill -9 of the command alone (not its process group) must not leave a worker spinning."""
    pidfile = tmp_path / "worker.pid"
    script = _ORPHAN_SCRIPT.format(root=str(ROOT), pidfile=str(pidfile))
    parent = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not (pidfile.exists() and pidfile.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        worker = int(pidfile.read_text())
        assert _alive(worker)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker), "the worker outlived its parent"
    finally:
        for pid in (parent.pid,):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def cycle_pdf() -> bytes:
    """A 280-byte PDF whose page tree resolves a reference to itself (pdfminer's resolve1 loops on it)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"3 0 R"]
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@pytest.mark.slow  # waits out the default budget of a tiny file (~20 s) unless the reader refuses the cycle
def test_a_pdf_reference_cycle_ends_within_a_minute_with_one_line(tmp_path: Path) -> None:
    f = tmp_path / "cycle.pdf"
    f.write_bytes(cycle_pdf())
    env = {k: v for k, v in os.environ.items() if k != workers.FIXED_BUDGET_ENV}
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(f), "--out", str(tmp_path / "o"),
                           "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert time.monotonic() - t0 < 60
    assert proc.returncode == 1
    lines = [l for l in proc.stderr.splitlines() if "cycle.pdf" in l]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr


def test_the_budget_line_reaches_the_user(compiled_pdf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A legal file that needs more than its budget (a 22-page report against a fixed budget of 1 s): the
    command line prints one line naming the file and the budget, and no traceback."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(compiled_pdf(10).path.read_bytes())
    monkeypatch.setenv(workers.FIXED_BUDGET_ENV, "1")
    proc = run_cli("extract", str(pdf), "--out", str(tmp_path / "o"), "--no-cache")
    assert proc.returncode == 1
    mine = [l for l in proc.stderr.splitlines() if "report.pdf" in l]
    assert len(mine) == 1 and "한도 1초" in mine[0] and "고정 한도" in mine[0], proc.stderr
    assert "Traceback" not in proc.stderr
