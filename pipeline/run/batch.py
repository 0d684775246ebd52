"""Many input files through reader → normaliser → checks, each file in its own worker (``workers``).

The reader interface (``readers.Backend``) is all this knows of formats: a
backend that reads page ranges (``paged``) and says the file is long gets its
pages spread over workers, and the parts go back to the same backend to be
joined.  The results are identical to a serial run because the normaliser always
sees one whole document.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import pandas as pd

from ..errors import InputError
from ..fsio import sha256_file
from ..model import Document
from .cache import Cache
from .progress import Progress
from .workers import TIME_LIMIT_S, run_tasks

# Limits a file is refused over (each names itself in the message).
MAX_PAGES = 2000
MAX_FILE_BYTES = 200 * 1024 * 1024
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

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def line(self) -> str:
        return f"{self.path}: {self.message}"

    def warnings(self) -> list[str]:
        """What was read but not cleanly (the ``extraction_warning`` findings), for the user's screen."""
        from ..checks import WARNING_CHECK

        f = self.tables.get("findings") if self.tables else None
        if f is None or not len(f):
            return []
        return [str(m) for m in f.loc[f["check"] == WARNING_CHECK, "message"]]


# ----------------------------------------------------------------------------- one file, in a worker

def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"file is {size / 1e6:.0f} MB (limit {MAX_FILE_BYTES // 1024 // 1024} MB) — split the report into smaller files"
        )


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
    from ..checks import check, warning_findings

    result = extract(doc, quarter)
    tables = result.tables
    warnings = doc.warnings + result.warnings
    tables["findings"] = pd.concat([check(tables), warning_findings(tables, warnings)], ignore_index=True)
    return tables


def _read_and_normalise(path: Path, quarter: Optional[str]) -> dict[str, pd.DataFrame]:
    return normalise_document(read_part(path, None), quarter)


# ----------------------------------------------------------------------------- the batch

def _page_counts(paths: list[Path], todo: list[int], jobs: int, time_limit: float) -> dict[int, Optional[int]]:
    """Page counts of the paged files among ``todo``, counted in workers: a page counter may be C code
    (PDFium), and a hostile file that crashed it must cost only itself, never the batch's own process."""
    from ..readers import backend_for

    def paged(p: Path) -> bool:
        try:
            return backend_for(p).paged
        except InputError:
            return False

    candidates = [i for i in todo if paged(paths[i])]
    got = run_tasks([(i, page_count, (paths[i],)) for i in candidates], jobs, min(time_limit, 60))
    return {i: (got[i][1] if got.get(i, ("",))[0] == "ok" else None) for i in candidates}


def _chunks(n_pages: int, jobs: int) -> list[tuple[int, int]]:
    parts = max(min(jobs * 2, max(1, n_pages // PAGES_PER_CHUNK_MIN)), -(-n_pages // MAX_CHUNK_PAGES))
    size = -(-n_pages // parts)
    return [(a, min(a + size - 1, n_pages)) for a in range(1, n_pages + 1, size)]


def process_files(
    paths: list[Path],
    quarter: Optional[str] = None,
    jobs: Optional[int] = None,
    cache_dir: Optional[Path] = None,
    progress: Optional[bool] = None,
    time_limit: float = TIME_LIMIT_S,
) -> list[FileResult]:
    """Every file to contract tables (or one line of reason), in input order."""
    jobs = jobs or os.cpu_count() or 1
    cache = Cache(cache_dir)
    results: dict[int, FileResult] = {}
    todo: list[int] = []
    digests: dict[int, str] = {}
    for i, p in enumerate(paths):
        try:
            digests[i] = sha256_file(p)
        except OSError as exc:
            reason = "file not found" if isinstance(exc, FileNotFoundError) else f"cannot read the file ({exc.strerror})"
            results[i] = FileResult(p, "error", message=reason)
            continue
        hit = cache.get(digests[i], quarter)
        if hit is not None:
            hit["items"]["source_file"] = p.name  # the same bytes may arrive under another name
            results[i] = FileResult(p, "ok", tables=hit, cached=True)
        else:
            todo.append(i)

    # Long files are read in page ranges, each in its own short-lived worker: spread over the cores when there
    # are more cores than files, and always for a very long file, so that what the parser leaves behind after
    # a page dies with its worker instead of growing with the page count.
    page_counts = _page_counts(paths, todo, jobs, time_limit)
    split = {
        i: _chunks(n, jobs)
        for i, n in page_counts.items()
        if n and n <= MAX_PAGES and n >= 2 * PAGES_PER_CHUNK_MIN and (len(todo) < jobs or n > MAX_CHUNK_PAGES)
    }
    for i, n in page_counts.items():
        if n and n > MAX_PAGES:
            results[i] = FileResult(paths[i], "error", message=f"file has {n} pages (limit {MAX_PAGES}) — split the report")
            todo.remove(i)

    bar = Progress(len(paths), sum(n or 0 for n in page_counts.values()), progress)
    bar.step(files=len(paths) - len(todo))

    # Stage 1: read (whole files, or page ranges of split files) in workers; whole files also normalise there.
    tasks: list[tuple[Any, Callable[..., Any], tuple]] = []
    for i in todo:
        if i in split:
            tasks += [((i, rng), read_part, (paths[i], rng)) for rng in split[i]]
        else:
            tasks.append(((i, None), _read_and_normalise, (paths[i], quarter)))

    def done(key: Any, res: tuple) -> None:
        i, rng = key
        if rng is None:
            bar.step(files=1, pages=page_counts.get(i) or 0)
        else:
            bar.step(pages=rng[1] - rng[0] + 1)

    raw = run_tasks(tasks, jobs, time_limit, on_done=done)

    for i in todo:
        p = paths[i]
        if i not in split:
            status, value, detail = raw[(i, None)]
            if status == "ok":
                results[i] = FileResult(p, "ok", tables=value)
                cache.put(digests[i], quarter, value)
            else:
                results[i] = FileResult(p, status, message=value, detail=detail)
            continue
        parts = [raw[(i, rng)] for rng in split[i]]
        bad = next((r for r in parts if r[0] != "ok"), None)
        if bad is not None:  # a failed page range fails the whole file: no partial rows
            results[i] = FileResult(p, bad[0], message=bad[1], detail=bad[2])
            continue
        # Stage 2: the parts joined by their backend, then normalised, in one worker.
        norm = run_tasks([("n", _join_and_normalise, (p, [r[1] for r in parts], quarter))], 1, time_limit)["n"]
        bar.step(files=1)
        if norm[0] == "ok":
            results[i] = FileResult(p, "ok", tables=norm[1])
            cache.put(digests[i], quarter, norm[1])
        else:
            results[i] = FileResult(p, norm[0], message=norm[1], detail=norm[2])
    bar.close()
    return [results[i] for i in range(len(paths))]


def _join_and_normalise(path: Path, parts: list[Document], quarter: Optional[str]) -> dict[str, pd.DataFrame]:
    return normalise_document(join_parts(path, parts), quarter)


def print_outcomes(results: list[FileResult], debug: bool = False) -> int:
    """One stderr line per failed file (traceback only under --debug), and each warning of the files read;
    returns how many files failed."""
    failed = 0
    for r in results:
        if not r.ok:
            failed += 1
            print(r.line(), file=sys.stderr, flush=True)
            if debug and r.detail:
                print(r.detail, file=sys.stderr, flush=True)
        else:
            for w in r.warnings():
                print(f"{r.path}: warning: {w}", file=sys.stderr, flush=True)
    return failed


def write_csvs(results: list[FileResult], out: Path) -> None:
    """The five contract CSVs of the files read into ``out`` (what ``extract`` writes); OSError propagates."""
    from ..contract import ALL_TABLES, write_csv

    out.mkdir(parents=True, exist_ok=True)
    for table in ALL_TABLES:
        write_csv(out / f"{table}.csv", table, concat(results, table))


def concat(results: list[FileResult], table: str) -> pd.DataFrame:
    from ..contract import COLUMNS

    frames = [r.tables[table] for r in results if r.ok and r.tables and table in r.tables and len(r.tables[table])]
    if not frames:
        return pd.DataFrame(columns=COLUMNS[table])
    return pd.concat(frames, ignore_index=True)
