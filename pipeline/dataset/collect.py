"""``collect``: every report file under ROOT → one Parquet dataset, read on a Dask cluster, incrementally.

The steps of a run, all under the dataset's lock:
1. finish or drop what a killed run left (``commit.recover``);
2. walk ROOT (any depth), hash every file, and compare with the manifest: only new
   files, changed files, files read by another pipeline version and passing
   failures are read (``manifest.up_to_date``); files whose bytes are no
   PDF/HWP/HWPX (``readers.sniff``) are recorded as ``not_report`` without a task;
3. send one task per file to the cluster and take the outcomes as they complete,
   staging each and committing in batches (``writer``), with a progress line.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional, TextIO

from ..errors import InputError
from ..fsio import sha256_file
from .commit import Lock, recover
from .engine import Engine
from .layout import from_folders
from .manifest import RETRY_STATUSES, read_manifest, up_to_date
from .task import Outcome, pipeline_version
from .writer import Writer, place

# A file over this is not sent to a worker (the batch refuses files far smaller; this bounds what a task carries).
MAX_SEND_BYTES = 512 * 1024 * 1024


@dataclass
class Source:
    """A file under ROOT as the client saw it when planning."""

    file: str  # path under ROOT, '/'-separated
    path: Path
    size: int
    sha256: str
    folder_body: Optional[str]
    folder_quarter: Optional[str]


@dataclass
class Summary:
    """What one run did, for the closing line and the exit status."""

    seen: int = 0
    up_to_date: int = 0
    read: int = 0
    ok: int = 0
    failed: list[str] = field(default_factory=list)  # this run's lines `FILE: reason`
    not_report: int = 0
    retry: int = 0
    warnings: int = 0
    items: int = 0
    recorded_failures: int = 0  # failures of earlier runs, still in the manifest
    missing: int = 0  # in the manifest but no longer under ROOT
    pruned: int = 0
    replayed: int = 0
    commits: int = 0
    seconds: float = 0.0


def walk(root: Path, skip: Optional[Path] = None) -> Iterator[Path]:
    """Every regular file under ``root``, in a stable order, leaving out ``skip`` (the dataset, when it lies
    inside ROOT) and hidden files and folders (`.git`, `.DS_Store`, editors' lock files)."""
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith(".") and (skip is None or Path(d, x) != skip))
        for f in sorted(files):
            if not f.startswith("."):
                p = Path(d, f)
                if p.is_file():
                    yield p


def _sniff(path: Path) -> Optional[str]:
    """None when the bytes are a format we read, else the reader's one-line reason."""
    from ..readers import sniff

    try:
        sniff(path)
    except InputError as exc:
        return str(exc)
    return None


class Progress:
    """`수집 중: 파일 12/40 · 실패 1 · 분당 31.5개`: redrawn on stderr when it is a terminal; otherwise one line on
    stdout per commit (a log keeps the pace, and stderr keeps one line per problem)."""

    def __init__(self, total: int, stream: TextIO, enabled: Optional[bool] = None) -> None:
        """``enabled``: None = redrawn on a terminal, a line per commit otherwise; True = redrawn; False = silent."""
        self.total, self.stream = total, stream
        self.tty = stream.isatty() if enabled is None else enabled
        self.lines = enabled is None and not self.tty
        self.done = self.failed = 0
        self.start = time.monotonic()

    def text(self) -> str:
        mins = max(time.monotonic() - self.start, 1e-6) / 60
        t = f"수집 중: 파일 {self.done}/{self.total}"
        if self.failed:
            t += f" · 실패 {self.failed}"
        return t + f" · 분당 {self.done / mins:.1f}개"

    def step(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        if self.tty:
            self.stream.write("\r" + self.text())
            self.stream.flush()

    def say(self, line: str) -> None:
        """A line of its own (a failure, a note), above the status line."""
        if self.tty and self.done:
            self.stream.write("\r\033[K")
        print(line, file=self.stream, flush=True)

    def committed(self) -> None:
        if self.lines:
            print(self.text() + " (저장함)", flush=True)

    def close(self) -> None:
        if self.tty and self.done:
            self.stream.write("\n")
            self.stream.flush()


def _scan(root: Path, dataset: Path, err: TextIO) -> list[Source]:
    out = []
    for p in walk(root, skip=dataset):
        rel = p.relative_to(root).as_posix()
        try:
            size, sha = p.stat().st_size, sha256_file(p)
        except OSError as exc:
            print(f"{p}: 파일을 읽을 수 없습니다 ({exc.strerror or exc}) — 건너뜁니다", file=err, flush=True)
            continue
        body, quarter = from_folders(rel)
        out.append(Source(rel, p, size, sha, body, quarter))
    return out


def collect(
    root: Path,
    dataset: Path,
    *,
    scheduler: Optional[str] = None,
    workers: Optional[int] = None,
    every_files: int = 200,
    every_seconds: float = 60.0,
    retry_failed: bool = False,
    prune: bool = False,
    progress: Optional[bool] = None,
    debug: bool = False,
    err: TextIO = sys.stderr,
    on_start: Optional[Callable[[Engine], None]] = None,
    on_outcome: Optional[Callable[[Engine, Outcome], None]] = None,
) -> Summary:
    """Bring ``dataset`` up to date with the report files under ``root``; see the module's docstring.

    ``on_start``/``on_outcome`` let a test act on the cluster during a run (kill a worker)."""
    started = time.monotonic()
    root, dataset = Path(root).resolve(), Path(dataset).resolve()
    s = Summary()
    with Lock(dataset):
        s.replayed, _ = recover(dataset)
        entries = read_manifest(dataset)
        version = pipeline_version()
        sources = _scan(root, dataset, err)
        s.seen = len(sources)
        by_file = {src.file: src for src in sources}
        writer = Writer(dataset, entries, version, every_files=every_files, every_seconds=every_seconds)
        todo: list[Source] = []
        for src in sources:
            entry = entries.get(src.file)
            if up_to_date(entry, src.sha256, version, retry_failed):
                s.up_to_date += 1
                continue
            why = _sniff(src.path)
            if why is not None:
                s.not_report += 1
                print(f"{src.path}: 보고서 파일이 아니라 건너뜁니다 ({why})", file=err, flush=True)
                skipped = Outcome(src.file, src.sha256, src.size, "not_report", reason=why)
                writer.add(skipped, place(skipped, None, None), src.folder_body, src.folder_quarter)
                continue
            todo.append(src)
        gone = sorted(f for f in entries if f not in by_file)
        if prune:
            writer.remove(gone)
            s.pruned = len(gone)
        else:
            s.missing = len(gone)
        try:
            if todo:
                _read(todo, root, writer, s, scheduler, workers, progress, debug, err, on_start, on_outcome)
            writer.commit()
            _notes(writer, lambda line: print(line, file=err, flush=True))
        except BaseException:
            # Outcomes already received are good: publish them, then let the error through.  (A kill -9 skips
            # this; the staged batch is then dropped by the next run and those files are read again.)
            try:
                writer.commit()
            except Exception:  # noqa: BLE001 — the first error is the one to show
                writer.abandon()
            raise
        finally:
            s.commits = writer.commits
        read_now = {src.file for src in todo}
        s.recorded_failures = sum(1 for f, e in writer.entries.items()
                                  if f in by_file and f not in read_now and e.status not in ("ok", "not_report"))
        s.items = sum(e.items for e in writer.entries.values() if e.status == "ok")
    s.seconds = time.monotonic() - started
    return s


def _read(todo: list[Source], root: Path, writer: Writer, s: Summary, scheduler: Optional[str],
          workers: Optional[int], progress: Optional[bool], debug: bool, err: TextIO,
          on_start: Optional[Callable[[Engine], None]], on_outcome: Optional[Callable[[Engine, Outcome], None]]) -> None:
    by_file = {src.file: src for src in todo}
    version = pipeline_version()

    def args_of(src: Source) -> Callable[[], tuple]:
        def load() -> tuple:
            size = src.path.stat().st_size
            if size > MAX_SEND_BYTES:
                raise OSError(f"파일이 {size / 1e6:.0f} MB로 한도 {MAX_SEND_BYTES // 1024 ** 2} MB를 넘습니다")
            return (src.file, src.path.read_bytes(), src.folder_quarter, version)
        return load

    def failed(file: str, status: str, reason: str) -> Outcome:
        src = by_file[file]
        return Outcome(file, src.sha256, src.size, status, reason=reason)

    bar = Progress(len(todo), err, progress)
    with Engine(scheduler, workers) as eng:
        eng.preflight(version)
        if on_start:
            on_start(eng)
        for out in eng.run(((src.file, args_of(src)) for src in todo), failed):
            src = by_file[out.file]
            placed = place(out, src.folder_body, src.folder_quarter)
            writer.add(out, placed, src.folder_body, src.folder_quarter)
            s.read += 1
            bad = placed.status != "ok"
            if placed.status == "ok":
                s.ok += 1
                s.warnings += len(out.warnings)
            elif placed.status in RETRY_STATUSES:
                s.retry += 1
            for note in placed.notes:
                bar.say(f"{src.path}: {note}")
            if bad:
                line = f"{src.path}: {placed.reason}"
                s.failed.append(line)
                bar.say(line)
                if debug and out.detail:
                    bar.say(out.detail)
            bar.step(bad)
            if on_outcome:
                on_outcome(eng, out)
            if writer.due() and writer.commit():
                bar.committed()
                _notes(writer, bar.say)
    bar.close()


def _notes(writer: Writer, say: Callable[[str], object]) -> None:
    """The writer's lines for the user (summaries that could not be made), once each."""
    for line in writer.notes:
        say(line)
    writer.notes.clear()

