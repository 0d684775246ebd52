"""The Dask side of ``collect``: a cluster (local or remote), one task per file, results as they complete.

Why Dask distributed and not our own pool: a watchdog's backfill (~2 million
pages) needs more than one machine, and ``distributed`` gives the same code on a
laptop (``LocalCluster``) and on a cluster (``--scheduler tcp://host:8786``),
with a scheduler that reschedules the tasks of a worker that is lost.  What it
does not give, the file-level isolation (time and memory limits, a crash costing
one file), stays in ``process_files``, run by each worker's reading host
(``host.py``), which forks the per-file child as ``extract`` does.

Choices, each for a reason:
- workers are processes with one thread each: a file is read by one process
  (the host's child), so more threads would only queue behind it;
- a lost worker's task is rescheduled by the scheduler itself, up to
  ``distributed.scheduler.allowed-failures`` times (3 by default); past that
  the file is reported ``retry`` and the next run reads it again;
- at most ``WINDOW_PER_THREAD`` tasks per worker thread are in flight: the
  bytes of a file ride in its task (see ``task.py``), so the client and the
  scheduler hold only a window of files, whatever the size of ROOT.
"""
from __future__ import annotations

import logging
import os
from typing import Callable, Iterable, Iterator, Optional

from .task import Outcome, read_one, worker_info

WINDOW_PER_THREAD = 3
# Seconds to wait for the scheduler of --scheduler, and for its first worker.
CONNECT_TIMEOUT_S = 30


class ClusterProblem(Exception):
    """The cluster cannot run the tasks (no scheduler there, no worker, a worker that cannot read)."""


class Engine:
    """``with Engine(scheduler, workers) as eng: for outcome in eng.run(jobs): …``"""

    def __init__(self, scheduler: Optional[str] = None, workers: Optional[int] = None, quiet: bool = True) -> None:
        self.scheduler, self.workers, self.quiet = scheduler, workers, quiet
        self.client = None
        self.cluster = None

    def __enter__(self) -> "Engine":
        from distributed import Client, LocalCluster

        if self.quiet:  # the user reads one Korean line per file, not the scheduler's log
            for name in ("distributed", "tornado", "asyncio"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout=CONNECT_TIMEOUT_S)
            else:
                self.cluster = LocalCluster(
                    n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.CRITICAL if self.quiet else logging.WARNING,
                )
                self.client = Client(self.cluster)
        except OSError as exc:  # includes TimeoutError: nobody answers at the address
            self.__exit__(None, None, None)
            raise ClusterProblem(f"스케줄러에 연결할 수 없습니다 ({exc})") from None
        return self

    def __exit__(self, *exc: object) -> None:
        for thing in (self.client, self.cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: BLE001 — closing after a failure must not hide it
                    pass
        self.client = self.cluster = None

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def preflight(self, version: str) -> None:
        """Every worker runs the same pipeline as this client, or ClusterProblem says which does not."""
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except TimeoutError:
            raise ClusterProblem(f"스케줄러에 {CONNECT_TIMEOUT_S}초 안에 붙은 작업자가 하나도 없습니다") from None
        info = self.client.run(worker_info, version)
        bad = [f"{addr}: {i['problem']}" for addr, i in sorted(info.items()) if i["problem"]]
        if bad:
            raise ClusterProblem("; ".join(bad))

    def worker_pids(self) -> dict[str, int]:
        """{worker address: pid} (tests kill one)."""
        return {a: i["pid"] for a, i in self.client.run(worker_info, "").items()}

    def run(self, jobs: Iterable[tuple[str, Callable[[], tuple]]],
            failed: Callable[[str, str, str], Outcome]) -> Iterator[Outcome]:
        """Run ``read_one(*args())`` for each (key, args) and yield outcomes as they complete.

        ``args`` is called only when the task is submitted (it loads the file's bytes); an OSError there gives
        ``failed(key, "error", reason)`` without a task.  A task whose workers kept dying gives
        ``failed(key, "retry", reason)``.  A lost scheduler ends the run (ClusterProblem); the outcomes yielded
        before it stand.
        """
        from concurrent.futures import CancelledError

        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        window = self.threads() * WINDOW_PER_THREAD
        todo = iter(jobs)
        ac = as_completed()
        keys: dict[str, str] = {}  # future key → job key
        inflight = 0
        ready: list[Outcome] = []

        def top_up() -> None:
            nonlocal inflight
            while inflight < window:
                try:
                    key, args = next(todo)
                except StopIteration:
                    return
                try:
                    a = args()
                except OSError as exc:
                    ready.append(failed(key, "error", f"파일을 읽을 수 없습니다 ({exc.strerror or exc})"))
                    continue
                fut = self.client.submit(read_one, *a, pure=False, key=f"collect-{len(keys)}-{os.getpid()}")
                keys[fut.key] = key
                ac.add(fut)
                inflight += 1

        top_up()
        while ready or inflight:
            while ready:
                yield ready.pop()
            if not inflight:
                top_up()
                continue
            fut = next(ac)
            inflight -= 1
            try:
                out = fut.result()
            except KilledWorker:
                out = failed(keys[fut.key], "retry", f"이 파일을 읽던 작업자가 {_allowed_failures() + 1}번 사라져 이번에는 "
                                                     "포기합니다 — 다음 실행에서 다시 읽습니다")
            except CancelledError:
                raise ClusterProblem("스케줄러와의 연결이 끊겼습니다 — 다시 실행하면 남은 파일을 읽습니다") from None
            except Exception as exc:  # noqa: BLE001 — read_one never raises; this is the cluster failing the task
                out = failed(keys[fut.key], "retry", f"작업이 클러스터에서 실패했습니다 ({type(exc).__name__}: {exc}) — "
                                                     "다음 실행에서 다시 읽습니다")
            finally:
                fut.release()
            top_up()
            yield out


def _allowed_failures() -> int:
    import dask

    return int(dask.config.get("distributed.scheduler.allowed-failures", 3))
