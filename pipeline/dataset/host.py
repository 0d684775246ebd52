"""A lean reading process beside each Dask worker: where ``process_files`` actually runs.

Why not call ``process_files`` in the Dask worker itself: the batch forks a child
per file and caps that child's address space (``run.workers``), a cap sized for
a child of the lean ``extract`` command.  A Dask worker is not lean — the event
loop, the scheduler protocol, pyarrow and their thread arenas are already
mapped — and a child forked from it starts with all of that, so the same cap
leaves it too little to load a PDF library.  Forking from a Dask worker is also
forbidden when the worker is a daemonic process (Dask's default).

So each Dask worker thread starts one host with ``subprocess`` (not
``multiprocessing``, which a daemonic process may not use to start children):
``python -m pipeline.dataset.host``, which imports only the batch, reads
requests (a file path and the folder's quarter) from one pipe and answers each
with the ``FileResult`` that ``process_files([path], …)`` returned, on another.
It forks the per-file children exactly as ``extract`` does, from a process of
the same size.  It ends when its Dask worker closes the pipe or dies (Linux:
``PR_SET_PDEATHSIG``).
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Optional


class HostLost(Exception):
    """The reading process ended in the middle of a file (killed from outside)."""


class Host:
    """The parent's end: start the process on first use, send one file, wait for its result."""

    def __init__(self) -> None:
        self.proc: Optional[subprocess.Popen] = None
        self.out: Optional[Connection] = None
        self.inp: Optional[Connection] = None

    def _start(self) -> None:
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.dataset.host", str(req_r), str(rep_w)],
            pass_fds=(req_r, rep_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )
        os.close(req_r)
        os.close(rep_w)
        self.out, self.inp = Connection(req_w, readable=False), Connection(rep_r, writable=False)

    def read(self, path: Path, quarter: Optional[str]) -> Any:
        """``process_files([path], quarter=quarter, jobs=1, cache_dir=None, progress=False)[0]``, in the host."""
        if self.proc is None or self.proc.poll() is not None:
            self.close()
            self._start()
        try:
            self.out.send((str(path), quarter))
            return self.inp.recv()
        except (EOFError, OSError) as exc:
            self.close()
            raise HostLost(str(exc)) from None

    def close(self) -> None:
        for c in (self.out, self.inp):
            if c is not None:
                c.close()
        self.out = self.inp = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)  # it ends by itself once its request pipe is closed
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


_local = threading.local()


def host() -> Host:
    """This thread's host (a Dask worker may run several task threads; each gets its own)."""
    h = getattr(_local, "host", None)
    if h is None:
        h = _local.host = Host()
    return h


def main(argv: list[str]) -> int:
    from ..run.workers import arm_parent_death

    arm_parent_death()
    inp, out = Connection(int(argv[0]), writable=False), Connection(int(argv[1]), readable=False)
    from ..run.batch import process_files

    while True:
        try:
            path, quarter = inp.recv()
        except (EOFError, OSError):
            return 0
        result = process_files([Path(path)], quarter=quarter, jobs=1, cache_dir=None, progress=False)[0]
        out.send(result)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
