"""Run tasks in forked worker processes, each file within a time budget and every worker within a memory limit.

Why a worker process per task: a hostile or broken file must cost only itself.
A worker that runs past its file's time budget is killed, one that dies (a crash
in a C library, the kernel's OOM killer) is reported, and the batch goes on.
Every failure becomes (status, one Korean line for the user, traceback for --debug).

Time is budgeted per *file*, not per task: the tasks of one file (its page
count, its page ranges, the join and normalise) share one budget, so a
2000-page file split into 20 ranges cannot take 20 times the limit, and a file
queued behind others is not charged for waiting.  A task is charged the CPU time
its worker used (from /proc), or half its wall time if that is more: a
busy office PC (or a test suite on two cores) slows a legitimate read without
refusing it, a spinning parser is stopped after its budget of CPU, and a worker
that hangs without working (or starves on a crowded machine) is still stopped,
after at most twice its budget in wall time.
Where /proc is missing, wall time is charged.

A worker dies with its parent: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux, and
a watchdog thread polling the parent's pid elsewhere, so a ``kill -9`` of the
command never leaves a worker spinning.
"""
from __future__ import annotations

import math
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Hashable, Optional

from ..errors import InputError, NoPledgeItem, describe_os_error

# A fixed budget per file in seconds, for tests and for an office that wants one (unset: scaled to the file).
FIXED_BUDGET_ENV = "PIPELINE_TIME_LIMIT"
# The budget of a file in CPU seconds: a base plus time per page and per megabyte.  Measured reads take ~0.12 s of
# CPU a page and ~1.5 ms for a card-sized HWP on the 2-core test machine; the budget allows ~8x that for an old
# office PC, so a 4-page card gets ~24 s, a 200-page report ~4 min and a 2000-page one ~34 min.
BUDGET_BASE_S = 20.0
BUDGET_PER_PAGE_S = 1.0
BUDGET_PER_MB_S = 2.0
# A task is charged at least its wall time divided by this (a worker blocked, or starved of CPU).
WALL_FACTOR = 2.0
# Kept for callers that run loose tasks (tests, `tables`): the budget of a task that belongs to no file.
TIME_LIMIT_S = float(os.environ.get(FIXED_BUDGET_ENV) or 600)

# What one worker may add to the address space it was forked with.  1 GiB: the largest worker seen on real and
# generated reports peaks near 150 MB of RSS (bench/README), and `--jobs` x 1 GiB must fit an 8 GB office PC
# beside the report renderer (~1.3 GB for 150 items); default_jobs() keeps to that.
WORKER_MEMORY_BYTES = 1024 ** 3
# The share of the machine's memory that all workers together may take (see default_jobs).
WORKERS_MEMORY_SHARE = 0.5


def default_jobs() -> int:
    """Worker processes when --jobs is not given: the cores, but never more than half the memory allows."""
    cores = os.cpu_count() or 1
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return cores
    return max(1, min(cores, int(total * WORKERS_MEMORY_SHARE // WORKER_MEMORY_BYTES)))


def file_budget(pages: Optional[int], size: int) -> float:
    """Seconds a file may take to read, scaled to what it is (pages when known, bytes always)."""
    fixed = os.environ.get(FIXED_BUDGET_ENV)
    if fixed:
        return float(fixed)
    return BUDGET_BASE_S + BUDGET_PER_PAGE_S * (pages or 0) + BUDGET_PER_MB_S * size / 1e6


def budget_reason(seconds: float, pages: Optional[int], size: int) -> str:
    """The user's line for a file that ran out of time, saying what the budget was made of."""
    if os.environ.get(FIXED_BUDGET_ENV):
        basis = "고정 한도"
    else:
        basis = (f"{pages}쪽, " if pages else "") + f"{size / 1e6:.1f} MB 기준"
    return (f"읽는 데 쓴 시간이 이 파일의 한도 {seconds:.0f}초({basis})를 넘어 중단했습니다 — "
            "손상되었거나 비정상적인 파일일 수 있습니다")


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> Optional[float]:
    """CPU time (user + system) a live or not yet reaped process has used; None where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime (fields 14 and 15 of stat)
    except (OSError, IndexError, ValueError):
        return None


def memory_reason() -> str:
    return (f"읽는 데 작업 프로세스 하나의 메모리 한도({WORKER_MEMORY_BYTES / 1024 ** 3:.0f} GB)보다 많이 필요합니다 — "
            "실제 공약 보고서인지 확인하세요")


# ----------------------------------------------------------------------------- inside a worker

def _address_space() -> int:
    """Bytes of address space this process maps now (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory() -> None:
    """Cap what reading one file may add to the address space the worker was forked with.

    Why relative: a forked worker inherits every mapping of its parent, and a parent that has loaded more
    libraries (a test run, a Dask worker, a program embedding the pipeline) would otherwise leave the worker no
    room at all under a fixed cap, while a small parent would get the same file more room.  The file's own
    growth is what the limit is about.
    """
    try:
        import resource

        cap = _address_space() + WORKER_MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass


PR_SET_PDEATHSIG = 1


def arm_parent_death() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends (prctl PR_SET_PDEATHSIG); False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _die_with_parent(parent: int) -> None:
    """Make sure this worker ends when the process that started it does (even by SIGKILL)."""
    armed = arm_parent_death()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()


def describe(exc: BaseException) -> tuple[str, str]:
    """(status, one Korean line) for what ended a task."""
    if isinstance(exc, NoPledgeItem):
        return "no_items", str(exc) or "공약 사업 카드를 찾지 못했습니다"
    if isinstance(exc, InputError):
        return "error", str(exc)
    if isinstance(exc, OSError):
        return "error", describe_os_error(exc, reading=True)
    if isinstance(exc, MemoryError):
        return "error", memory_reason()
    if isinstance(exc, RecursionError):
        return "error", "구조가 너무 깊게 중첩되어 읽을 수 없습니다 — 손상된 파일일 수 있습니다"
    return "internal", "내부 오류로 읽지 못했습니다 — 이 파일을 파이프라인 담당자에게 보내 주세요 (자세한 내용은 --debug)"


def _worker(conn: Connection, parent: int, fn: Callable[..., Any], args: tuple) -> None:
    _die_with_parent(parent)
    _limit_memory()
    try:
        result = ("ok", fn(*args), "")
    except BaseException as exc:  # noqa: BLE001 — every failure becomes one line for the user
        status, message = describe(exc)
        result = (status, message, traceback.format_exc())
    try:
        conn.send(result)
    except Exception:  # noqa: BLE001 — e.g. an unpicklable result
        conn.send(("internal", "내부 오류: 읽은 결과를 넘겨받지 못했습니다 — 파이프라인 담당자에게 알려 주세요",
                   traceback.format_exc()))
    finally:
        conn.close()


# ----------------------------------------------------------------------------- the parent's side

@dataclass
class TimeBudget:
    """Seconds each file (a group of tasks) may use in all, and what its finished tasks have used."""

    limits: dict[Hashable, float] = field(default_factory=dict)
    spent: dict[Hashable, float] = field(default_factory=dict)
    reasons: dict[Hashable, str] = field(default_factory=dict)

    def set(self, group: Hashable, seconds: float, reason: str) -> None:
        self.limits[group] = seconds
        self.reasons[group] = reason

    def left(self, group: Hashable) -> float:
        return self.limits.get(group, math.inf) - self.spent.get(group, 0.0)

    def charge(self, group: Hashable, seconds: float) -> None:
        self.spent[group] = self.spent.get(group, 0.0) + seconds

    def reason(self, group: Hashable) -> str:
        return self.reasons.get(group) or budget_reason(self.limits.get(group, TIME_LIMIT_S), None, 0)


@dataclass
class _Task:
    key: Any
    group: Hashable
    fn: Callable[..., Any]
    args: tuple
    proc: Optional[Any] = None
    conn: Optional[Connection] = None
    started: float = 0.0


def run_tasks(
    tasks: list[tuple[Any, Callable[..., Any], tuple]],
    jobs: int,
    time_limit: Optional[float] = None,
    on_done: Optional[Callable[[Any, tuple], None]] = None,
    budget: Optional[TimeBudget] = None,
    group: Optional[Callable[[Any], Hashable]] = None,
    on_tick: Optional[Callable[[], None]] = None,
) -> dict[Any, tuple[str, Any, str]]:
    """Run (key, fn, args) in at most ``jobs`` forked workers; each ends in (status, value, detail).

    With a ``budget``, tasks are grouped by ``group(key)`` (a file) and a group whose tasks together ran longer
    than its budget has its running tasks killed and its pending ones not started, all ending in the budget's
    line.  Without one, each task alone gets ``time_limit`` (default TIME_LIMIT_S).  ``on_tick`` is called at
    least once a second while tasks run (progress lines).
    """
    ctx = mp.get_context("fork")
    if budget is None:
        budget = TimeBudget()
        limit = TIME_LIMIT_S if time_limit is None else time_limit
        group = None
        for k, _, _ in tasks:
            budget.set(("task", k), limit, budget_reason(limit, None, 0) if time_limit is None else
                       f"읽는 시간이 한도 {limit:.0f}초를 넘어 중단했습니다")
    grp: Callable[[Any], Hashable] = group or (lambda k: ("task", k))
    pending = [_Task(k, grp(k), f, a) for k, f, a in tasks]
    pending.reverse()
    running: list[_Task] = []
    results: dict[Any, tuple[str, Any, str]] = {}
    parent = os.getpid()

    def finish(t: _Task, res: tuple) -> None:
        results[t.key] = res
        if on_done:
            on_done(t.key, res)

    def used(t: _Task, now: float) -> float:
        wall = now - t.started
        cpu = cpu_seconds(t.proc.pid) if t.proc is not None else None
        return wall if cpu is None else max(cpu, wall / WALL_FACTOR)

    def expired(g: Hashable, now: float) -> bool:
        return sum(used(t, now) for t in running if t.group == g) >= budget.left(g)

    while pending or running:
        while pending and len(running) < max(1, jobs):
            t = pending.pop()
            if budget.left(t.group) <= 0:
                finish(t, ("error", budget.reason(t.group), ""))
                continue
            recv, send = ctx.Pipe(duplex=False)
            t.proc = ctx.Process(target=_worker, args=(send, parent, t.fn, t.args), daemon=True)
            t.proc.start()
            send.close()
            t.conn, t.started = recv, time.monotonic()
            running.append(t)
        if not running:
            continue
        now = time.monotonic()
        by_group: dict[Hashable, list[_Task]] = {}
        for t in running:
            by_group.setdefault(t.group, []).append(t)
        # CPU accrues at most a second a second per task: waking at (left - used) / tasks is never late
        timeout = max(0.01, min(
            (budget.left(g) - sum(used(t, now) for t in ts)) / len(ts) for g, ts in by_group.items()))
        ready = wait([t.conn for t in running], timeout=min(timeout, 1.0 if on_tick else 5.0))
        if on_tick:
            on_tick()
        now = time.monotonic()
        for t in list(running):
            res = None
            if t.conn in ready:
                try:
                    res = t.conn.recv()
                except (EOFError, OSError):
                    t.proc.join(5)
                    code = t.proc.exitcode
                    why = ("메모리 부족으로 강제 종료되었을 수 있습니다" if code == -signal.SIGKILL
                           else f"종료 코드 {code}")
                    res = ("internal", f"읽는 작업 프로세스가 비정상 종료했습니다 ({why}) — 이 파일을 파이프라인 담당자에게 "
                           "보내 주세요", "")
            if res is not None:
                charged = used(t, now)  # before the join: a reaped worker's /proc entry is gone
                t.conn.close()
                t.proc.join(5)
                running.remove(t)
                budget.charge(t.group, charged)
                finish(t, res)
        for g in {t.group for t in running}:
            if expired(g, now):
                for t in [t for t in running if t.group == g]:
                    charged = used(t, now)
                    t.proc.kill()
                    t.proc.join(5)
                    t.conn.close()
                    running.remove(t)
                    budget.charge(g, charged)
                    finish(t, ("error", budget.reason(g), ""))
                for t in [t for t in pending if t.group == g]:
                    pending.remove(t)
                    finish(t, ("error", budget.reason(g), ""))
    return results
