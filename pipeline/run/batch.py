"""Many input files through reader → normaliser → checks, each file in its own worker (``workers``).

Each input is first copied once into a private snapshot and hashed as it is
copied (``snapshot``): the workers parse that copy, so the hash the cache and
the archive record always describes the bytes that were read, whatever happens
to the input meanwhile.

The reader interface (``readers.Backend``) is all this knows of formats: a
backend that reads page ranges (``paged``) and says the file is long gets its
pages spread over workers, and the parts go back to the same backend to be
joined.  The results are identical to a serial run because the normaliser always
sees one whole document.  All the tasks of one file share the file's time budget.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import pandas as pd

from ..errors import InputError, describe_os_error
from ..model import Document
from .cache import Cache
from .progress import Progress
from .snapshot import Snapshot, SnapshotFolder, changed_since, too_big
from .workers import TimeBudget, budget_reason, default_jobs, file_budget, run_tasks

# Limits a file is refused over (each names itself in the message).
MAX_PAGES = 2000
# A long file is split over workers by pages when it has at least this many pages per job.
PAGES_PER_CHUNK_MIN = 8
# No worker reads more pages than this of one file.
MAX_CHUNK_PAGES = 100


@dataclass
class FileResult:
    """What happened to one input: tables on success, one line of reason otherwise."""

    path: Path
    status: str  # "ok" | "error" | "no_items" | "internal"
    tables: Optional[dict[str, pd.DataFrame]] = None
    message: str = ""
    detail: str = ""  # traceback, shown only under --debug
    pages: Optional[int] = None
    cached: bool = False
    sha256: str = ""  # of the bytes that were read (the snapshot), "" when none were
    size: int = 0
    changed: bool = False  # the input is no longer the file that was read (replaced or saved during the run)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def line(self) -> str:
        return f"{self.path}: {self.message}"

    def warnings(self) -> list[str]:
        """The loud findings (errors, warnings) of the file as `경고: message`, for the user's screen."""
        from ..checks import LOUD
        from ..vocab import SEVERITY_LABELS

        f = self.tables.get("findings") if self.tables else None
        if f is None or not len(f):
            return []
        loud = f[f["severity"].isin(LOUD)]
        return [f"{SEVERITY_LABELS.get(sev, sev)}: {msg}" for sev, msg in zip(loud["severity"], loud["message"])]

    def summary(self) -> str:
        """`수치 1,240개 읽음, 6개 못 읽음; 참고 2건 — findings.csv 참고`: the figures of the contract tables read and
        not read (each one not read is named in findings.csv), and the info findings by their count."""
        fig = self.figures()
        n_info = self.info_count()
        parts = [f"수치 {fig[0]:,}개 읽음, {fig[1]:,}개 못 읽음"] if fig is not None else []
        parts += [f"참고 {n_info}건"] if n_info else []
        see = " — findings.csv 참고" if n_info or (fig is not None and fig[1]) else ""
        return "; ".join(parts) + see if parts else ""

    def info_count(self) -> int:
        f = self.tables.get("findings") if self.tables else None
        return int((f["severity"] == "info").sum()) if f is not None and len(f) else 0

    def body(self) -> Optional[str]:
        """The reporting government the document names (the normaliser's ``src_body``), None when it names none."""
        items = self.tables.get("items") if self.tables else None
        if items is None or "src_body" not in items:
            return None
        return next((v.strip() for v in items["src_body"] if isinstance(v, str) and v.strip()), None)

    def figures(self) -> Optional[tuple[int, int]]:
        """(figures read, figures not read) of the file's contract tables; None when not known (old cache)."""
        f = self.tables.get("figures") if self.tables else None
        if f is None or not len(f):
            return None
        return int(f["read"].iloc[0]), int(f["not_read"].iloc[0])


# ----------------------------------------------------------------------------- one file, in a worker

def _check_size(path: Path) -> None:
    if path.is_dir():  # the same words for a folder in every command (not the reader's own)
        raise IsADirectoryError(21, "is a directory", str(path))
    why = too_big(path.stat().st_size)
    if why:
        raise InputError(why)


def read_part(path: Path, pages: Optional[tuple[int, int]]) -> Document:
    """Read a whole file, or pages [a, b] (1-based, inclusive) of a paged format."""
    from ..readers import backend_for

    _check_size(path)
    return backend_for(path).read(path, pages)


def page_count(path: Path) -> Optional[int]:
    """Pages of a paged file (None for the others, or when the backend cannot tell)."""
    from ..readers import backend_for

    try:
        backend = backend_for(path)
    except InputError:
        return None  # the real read will say what is wrong
    return backend.page_count(path) if backend.paged else None


def join_parts(path: Path, parts: list[Document]) -> Document:
    from ..readers import backend_for

    return backend_for(path).join(path, parts)


def normalise_document(doc: Document, quarter: Optional[str]) -> dict[str, pd.DataFrame]:
    """Document → contract tables plus findings; the one format-blind path after the readers."""
    from ..cards import extract
    from ..checks import check, findings_frame

    result = extract(doc, quarter)
    tables = result.tables
    parts = [f for f in (check(tables), findings_frame(tables, result.findings, doc.warnings, doc.source)) if len(f)]
    tables["findings"] = pd.concat(parts, ignore_index=True) if parts else findings_frame(tables, [], [], doc.source)
    tables["figures"] = pd.DataFrame([{"read": result.figures_read, "not_read": result.figures_unread}])
    return tables


def _read_and_normalise(path: Path, quarter: Optional[str]) -> dict[str, pd.DataFrame]:
    return normalise_document(read_part(path, None), quarter)


# ----------------------------------------------------------------------------- the batch

def _paged(p: Path) -> bool:
    from ..readers import backend_for

    try:
        return backend_for(p).paged
    except InputError:
        return False


def _chunks(n_pages: int, jobs: int) -> list[tuple[int, int]]:
    parts = max(min(jobs * 2, max(1, n_pages // PAGES_PER_CHUNK_MIN)), -(-n_pages // MAX_CHUNK_PAGES))
    size = -(-n_pages // parts)
    return [(a, min(a + size - 1, n_pages)) for a in range(1, n_pages + 1, size)]


def _snapshots(paths: list[Path], folder: SnapshotFolder, results: dict[int, FileResult]) -> dict[int, Snapshot]:
    snaps: dict[int, Snapshot] = {}
    for i, p in enumerate(paths):
        try:
            snaps[i] = folder.take(p)
        except InputError as exc:
            results[i] = FileResult(p, "error", message=str(exc))
        except OSError as exc:
            results[i] = FileResult(p, "error", message=describe_os_error(exc, reading=True))
    return snaps


def process_files(
    paths: list[Path],
    quarter: Optional[str] = None,
    jobs: Optional[int] = None,
    cache_dir: Optional[Path] = None,
    progress: Optional[bool] = None,
    time_limit: Optional[float] = None,
) -> list[FileResult]:
    """Every file to contract tables (or one line of reason), in input order.

    ``time_limit`` fixes every file's budget in seconds (default: scaled to the file, ``workers.file_budget``);
    ``progress``: None = a bar on a terminal and lines when piped, False = silent.
    """
    jobs = jobs or default_jobs()
    paths = [Path(p) for p in paths]
    cache = Cache(cache_dir)
    results: dict[int, FileResult] = {}
    with SnapshotFolder() as folder:
        snaps = _snapshots(paths, folder, results)
        todo: list[int] = []
        for i, snap in snaps.items():
            hit = cache.get(snap.sha256, quarter)
            if hit is not None:
                for df in hit.values():  # the same bytes may arrive under another name
                    if isinstance(df, pd.DataFrame) and "source_file" in df.columns:
                        df["source_file"] = paths[i].name
                results[i] = FileResult(paths[i], "ok", tables=hit, cached=True)
            else:
                todo.append(i)
        budget = TimeBudget()
        for i in todo:
            limit = time_limit or file_budget(None, snaps[i].size)
            budget.set(i, limit, budget_reason(limit, None, snaps[i].size))
        _read_todo(paths, snaps, todo, results, budget, jobs, quarter, cache, progress, time_limit)
        for i, snap in snaps.items():
            r = results[i]
            r.sha256, r.size = snap.sha256, snap.size
            r.changed = changed_since(snap)
    return [results[i] for i in range(len(paths))]


def _read_todo(paths: list[Path], snaps: dict[int, Snapshot], todo: list[int], results: dict[int, FileResult],
               budget: TimeBudget, jobs: int, quarter: Optional[str], cache: Cache, progress: Optional[bool],
               time_limit: Optional[float]) -> None:
    """Read the files not served from the cache: page counts, then whole files or page ranges, then joins."""
    copy = {i: snaps[i].copy for i in todo}

    # Page counts, in workers: a page counter may be C code (PDFium), and a hostile file that crashed it must
    # cost only itself; the time is charged to the file's budget.
    counted = run_tasks([(i, page_count, (copy[i],)) for i in todo if _paged(copy[i])], jobs,
                        budget=budget, group=lambda i: i)
    pages: dict[int, Optional[int]] = {}
    for i, res in counted.items():
        pages[i] = res[1] if res[0] == "ok" else None
        if res[0] == "error" and budget.left(i) <= 0:
            results[i] = FileResult(paths[i], "error", message=res[1])
    todo = [i for i in todo if i not in results]
    for i in todo:
        n = pages.get(i)
        if n and n > MAX_PAGES:
            results[i] = FileResult(paths[i], "error",
                                    message=f"{n}쪽으로 한도 {MAX_PAGES}쪽을 넘습니다 — 보고서를 나누어 내세요", pages=n)
            continue
        limit = time_limit or file_budget(n, snaps[i].size)
        budget.set(i, limit, budget_reason(limit, n, snaps[i].size))
    todo = [i for i in todo if i not in results]
    bar = Progress("읽는 중", [("파일", len(paths)), ("쪽", sum(pages.get(i) or 0 for i in todo))], progress)
    bar.add("파일", len(paths) - len(todo))

    # Long files are read in page ranges, each in its own short-lived worker: spread over the cores when there
    # are more cores than files, and always for a very long file, so that what the parser leaves behind after
    # a page dies with its worker instead of growing with the page count.
    split = {
        i: _chunks(n, jobs)
        for i in todo if (n := pages.get(i))
        and n >= 2 * PAGES_PER_CHUNK_MIN and (len(todo) < jobs or n > MAX_CHUNK_PAGES)
    }

    # Stage 1: read (whole files, or page ranges of split files) in workers; whole files also normalise there.
    tasks: list[tuple[Any, Callable[..., Any], tuple]] = []
    for i in todo:
        if i in split:
            tasks += [((i, rng), read_part, (copy[i], rng)) for rng in split[i]]
        else:
            tasks.append(((i, None), _read_and_normalise, (copy[i], quarter)))

    def done(key: Any, res: tuple) -> None:
        i, rng = key
        if rng is None:
            bar.add("쪽", pages.get(i) or 0)
            bar.add("파일")
        else:
            bar.add("쪽", rng[1] - rng[0] + 1)

    raw = run_tasks(tasks, jobs, on_done=done, budget=budget, group=lambda k: k[0], on_tick=bar.poll)

    joins: list[tuple[Any, Callable[..., Any], tuple]] = []
    for i in todo:
        p = paths[i]
        if i not in split:
            status, value, detail = raw[(i, None)]
            if status == "ok":
                results[i] = FileResult(p, "ok", tables=value, pages=pages.get(i))
                cache.put(snaps[i].sha256, quarter, value)
            else:
                results[i] = FileResult(p, status, message=value, detail=detail, pages=pages.get(i))
            continue
        parts = [raw[(i, rng)] for rng in split[i]]
        bad = next((r for r in parts if r[0] != "ok"), None)
        if bad is not None:  # a failed page range fails the whole file: no partial rows
            results[i] = FileResult(p, bad[0], message=bad[1], detail=bad[2], pages=pages.get(i))
            bar.add("파일")
            continue
        joins.append(((i, None), _join_and_normalise, (copy[i], [r[1] for r in parts], quarter)))

    # Stage 2: the parts of each split file joined by their backend, then normalised, in a worker.
    def joined(key: Any, res: tuple) -> None:
        bar.add("파일")

    for (i, _), res in run_tasks(joins, jobs, on_done=joined, budget=budget, group=lambda k: k[0],
                                 on_tick=bar.poll).items():
        if res[0] == "ok":
            results[i] = FileResult(paths[i], "ok", tables=res[1], pages=pages.get(i))
            cache.put(snaps[i].sha256, quarter, res[1])
        else:
            results[i] = FileResult(paths[i], res[0], message=res[1], detail=res[2], pages=pages.get(i))
    bar.close()


def _join_and_normalise(path: Path, parts: list[Document], quarter: Optional[str]) -> dict[str, pd.DataFrame]:
    return normalise_document(join_parts(path, parts), quarter)


def print_outcomes(results: list[FileResult], debug: bool = False) -> int:
    """One stderr line per failed file (traceback only under --debug); for each file read, each error and
    warning finding by its message (stderr), a line for a file that changed after it was read, then one summary
    line (stdout): the figures read and not read, and the info findings by their count; returns how many files
    failed."""
    failed = 0
    for r in results:
        if not r.ok:
            failed += 1
            print(r.line(), file=sys.stderr, flush=True)
            if debug and r.detail:
                print(r.detail, file=sys.stderr, flush=True)
        else:
            for w in r.warnings():
                print(f"{r.path}: {w}", file=sys.stderr, flush=True)
        if r.changed and r.sha256:
            print(f"{r.path}: 읽은 뒤에 파일이 바뀌었습니다 — 이번 결과는 읽은 때의 내용(sha256 {r.sha256[:12]}…)입니다; "
                  "다시 실행하면 바뀐 내용을 읽습니다", file=sys.stderr, flush=True)
        if r.ok:
            # The file's summary line (stdout: it is not an error): figures read and not read, info by count.
            summary = r.summary()
            if summary:
                print(f"{r.path}: {summary}", flush=True)
    return failed


def write_csvs(results: list[FileResult], out: Path) -> None:
    """The five contract CSVs of the files read into ``out`` (what ``extract`` writes), all or nothing: written
    into a temporary folder and swapped in together (``fsio.write_file_set``); OSError propagates."""
    from ..contract import ALL_TABLES, write_csv
    from ..fsio import write_file_set

    def write(folder: Path) -> None:
        for table in ALL_TABLES:
            write_csv(folder / f"{table}.csv", table, concat(results, table))

    write_file_set(out, write, [f"{t}.csv" for t in ALL_TABLES])


def concat(results: list[FileResult], table: str) -> pd.DataFrame:
    from ..contract import COLUMNS

    frames = [r.tables[table] for r in results if r.ok and r.tables and table in r.tables and len(r.tables[table])]
    if not frames:
        return pd.DataFrame(columns=COLUMNS[table])
    return pd.concat(frames, ignore_index=True)
