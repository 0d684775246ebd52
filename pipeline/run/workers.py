"""Run tasks in forked worker processes, each with a time and memory limit, and say how each ended.

Why a worker process per task: a hostile or broken file must cost only itself.
A worker that hangs past the time limit is killed, one that dies (a crash in a
C library, the kernel's OOM killer) is reported, and the batch goes on.
Every failure becomes (status, one line for the user, traceback for --debug).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Optional

from ..errors import InputError, NoPledgeItem

# Limits a file is refused over (each names itself in the message).
TIME_LIMIT_S = float(os.environ.get("PIPELINE_TIME_LIMIT", "600"))
# Address-space cap for a worker, so one file cannot take the machine's memory.
WORKER_MEMORY_BYTES = 6 * 1024 ** 3

def _limit_memory() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass


def _describe(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, NoPledgeItem):
        return "no_items", str(exc) or "no pledge item found"
    if isinstance(exc, InputError):
        return "error", str(exc)
    if isinstance(exc, FileNotFoundError):
        return "error", "file not found"
    if isinstance(exc, PermissionError):
        return "error", "cannot read the file (permission denied)"
    if isinstance(exc, IsADirectoryError):
        return "error", "is a folder, not a file"
    if isinstance(exc, OSError) and exc.strerror:
        return "error", f"cannot read the file ({exc.strerror})"
    if isinstance(exc, MemoryError):
        return "error", (
            f"file needs more than the memory limit ({WORKER_MEMORY_BYTES // 1024 ** 3} GB) to read — "
            "check that it is a real pledge report"
        )
    if isinstance(exc, RecursionError):
        return "error", "file is nested too deeply to read — it is probably damaged"
    return "internal", f"internal error ({type(exc).__name__}: {exc}) — please report this file to the pipeline team"


def _worker(conn: Connection, fn: Callable[..., Any], args: tuple) -> None:
    _limit_memory()
    try:
        result = ("ok", fn(*args), "")
    except BaseException as exc:  # noqa: BLE001 — every failure becomes one line for the user
        status, message = _describe(exc)
        result = (status, message, traceback.format_exc())
    try:
        conn.send(result)
    except Exception as exc:  # noqa: BLE001 — e.g. an unpicklable result
        conn.send(("internal", f"internal error (result not transferable: {exc})", traceback.format_exc()))
    finally:
        conn.close()


@dataclass
class _Task:
    key: Any
    fn: Callable[..., Any]
    args: tuple
    proc: Optional[Any] = None
    conn: Optional[Connection] = None
    started: float = 0.0


def run_tasks(
    tasks: list[tuple[Any, Callable[..., Any], tuple]],
    jobs: int,
    time_limit: float = TIME_LIMIT_S,
    on_done: Optional[Callable[[Any, tuple], None]] = None,
) -> dict[Any, tuple[str, Any, str]]:
    """Run (key, fn, args) in at most ``jobs`` forked workers; each ends in (status, value, detail)."""
    ctx = mp.get_context("fork")
    pending = [_Task(k, f, a) for k, f, a in tasks]
    pending.reverse()
    running: list[_Task] = []
    results: dict[Any, tuple[str, Any, str]] = {}
    while pending or running:
        while pending and len(running) < max(1, jobs):
            t = pending.pop()
            recv, send = ctx.Pipe(duplex=False)
            t.proc = ctx.Process(target=_worker, args=(send, t.fn, t.args), daemon=True)
            t.proc.start()
            send.close()
            t.conn, t.started = recv, time.monotonic()
            running.append(t)
        now = time.monotonic()
        timeout = max(0.01, min(t.started + time_limit for t in running) - now)
        ready = wait([t.conn for t in running], timeout=timeout)
        for t in list(running):
            res = None
            if t.conn in ready:
                try:
                    res = t.conn.recv()
                except (EOFError, OSError):
                    t.proc.join(5)
                    code = t.proc.exitcode
                    why = "killed (out of memory?)" if code == -9 else f"exit code {code}"
                    res = ("internal", f"internal error: the reader process died ({why})", "")
            elif time.monotonic() - t.started > time_limit:
                t.proc.kill()
                res = ("error", f"reading took longer than the time limit ({time_limit:.0f} s) — file refused", "")
            if res is not None:
                t.conn.close()
                t.proc.join(5)
                running.remove(t)
                results[t.key] = res
                if on_done:
                    on_done(t.key, res)
    return results
