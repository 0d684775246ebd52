"""Run many input files through reader → normaliser → validator, each in its own worker.

Why a worker process per task: a hostile or broken file must cost only itself.
A worker that hangs past the time limit is killed, one that dies (a crash in a
C library, the kernel's OOM killer) is reported, and the batch goes on.  The same
mechanism spreads the pages of one long PDF over the cores, and the results are
identical to a serial run because the normaliser always sees one whole document.
"""
from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import pickle
import re
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Callable, Optional

import pandas as pd

from . import __version__
from .errors import InputError, NoPledgeItem
from .fsio import sha256_file
from .model import Document, TextBlock

# Limits a file is refused over (each names itself in the message).
TIME_LIMIT_S = float(os.environ.get("PIPELINE_TIME_LIMIT", "600"))
MAX_PAGES = 2000
MAX_FILE_BYTES = 200 * 1024 * 1024
# Address-space cap for a worker, so one file cannot take the machine's memory.
WORKER_MEMORY_BYTES = 6 * 1024 ** 3
# A PDF is split over workers by pages when it has at least this many pages per job.
PAGES_PER_CHUNK_MIN = 8
# No worker reads more pages than this of one PDF.
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
        f = self.tables.get("findings") if self.tables else None
        if f is None or not len(f):
            return []
        return [str(m) for m in f.loc[f["check"] == WARNING_CHECK, "message"]]


# ----------------------------------------------------------------------------- one file, in a worker

def _limit_memory() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"file is {size / 1e6:.0f} MB (limit {MAX_FILE_BYTES // 1024 // 1024} MB) — split the report into smaller files"
        )


def read_part(path: Path, pages: Optional[tuple[int, int]]) -> Document:
    """Read a whole file, or pages [a, b] (1-based, inclusive) of a PDF."""
    from .readers import read_document, sniff

    _check_size(path)
    if pages is None:
        return read_document(path)
    if sniff(path) != "pdf":  # only PDFs have pages to split
        return read_document(path)
    from .readers.pdf import read_pdf

    return read_pdf(path, pages=range(pages[0], pages[1] + 1), require_text=False)


def normalise_document(doc: Document, quarter: Optional[str]) -> dict[str, pd.DataFrame]:
    """Document → contract tables plus findings; the one format-blind path after the readers."""
    from .normalise import extract
    from .validate import check

    tables = extract(doc, quarter)
    tables["findings"] = pd.concat([check(tables), warning_findings(tables, doc.warnings)], ignore_index=True)
    return tables


WARNING_CHECK = "extraction_warning"


def warning_findings(tables: dict[str, pd.DataFrame], warnings: list[str]) -> pd.DataFrame:
    """What the reader or normaliser could not read cleanly (a cell that is not an amount, a 목차 line with no
    card…) as ``info`` findings, so it reaches the officer instead of vanishing with the worker."""
    from .contract import FINDINGS

    items = tables.get("items")
    rq = str(items["report_quarter"].iloc[0]) if items is not None and len(items) else ""
    rows = []
    for w in dict.fromkeys(warnings):  # once each, in order
        m = re.match(r"item (\d+): ", w)
        rows.append({"report_quarter": rq, "item_no": int(m.group(1)) if m else None, "check": WARNING_CHECK,
                     "severity": "info", "location": "", "expected": "", "found": "", "message": w})
    return pd.DataFrame(rows, columns=FINDINGS)


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


# ----------------------------------------------------------------------------- cache

def _code_fingerprint() -> str:
    """Pipeline version plus a hash of its code: a changed normaliser must not serve stale rows."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


class Cache:
    """Extraction results keyed by (source sha256, pipeline code, --quarter); a miss just recomputes."""

    def __init__(self, folder: Optional[Path]) -> None:
        self.folder = folder
        self.code = _code_fingerprint() if folder else ""

    def _path(self, digest: str, quarter: Optional[str]) -> Path:
        assert self.folder is not None
        return self.folder / f"{digest}-{self.code}-{quarter or 'auto'}.pkl"

    def _trusted(self, p: Path) -> bool:
        """A pickle runs code when loaded: only load what this user wrote into a folder nobody else can write."""
        try:
            for q in (self.folder, p):
                st = q.stat()
                if st.st_uid != os.getuid() or st.st_mode & 0o022:
                    return False
        except OSError:
            return False
        return True

    def get(self, digest: str, quarter: Optional[str]) -> Optional[dict]:
        if not self.folder:
            return None
        p = self._path(digest, quarter)
        if not self._trusted(p):
            return None
        try:
            with open(p, "rb") as f:
                return pickle.load(f)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return None

    def put(self, digest: str, quarter: Optional[str], value: dict) -> None:
        if not self.folder:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.folder, 0o700)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(digest, quarter))
        except OSError:
            pass  # a cache that cannot be written is only slower


# ----------------------------------------------------------------------------- progress

class Progress:
    """One status line on a terminal (files and pages); silent when stderr is not a terminal."""

    def __init__(self, files: int, pages: int, enabled: Optional[bool] = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.files, self.pages = files, pages
        self.files_done = self.pages_done = 0

    def step(self, files: int = 0, pages: int = 0) -> None:
        self.files_done += files
        self.pages_done += pages
        if self.enabled:
            msg = f"\r읽는 중: 파일 {self.files_done}/{self.files}"
            if self.pages:
                msg += f", 쪽 {self.pages_done}/{self.pages}"
            sys.stderr.write(msg)
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


# ----------------------------------------------------------------------------- the batch

def _pdf_pages(path: Path) -> Optional[int]:
    """Page count of a PDF (already sniffed as one) without parsing its pages; None if unreadable."""
    try:
        import pypdfium2  # ships with pdfplumber; counts pages without pdfminer's cost

        pdf = pypdfium2.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()
    except Exception:  # noqa: BLE001 — the real reader will say what is wrong
        return None


def _page_counts(paths: list[Path], todo: list[int], jobs: int, time_limit: float) -> dict[int, Optional[int]]:
    """Page counts of the PDFs among ``todo``, counted in workers: PDFium is C code, and a hostile file that
    crashed it must cost only itself, never the batch's own process."""
    from .readers import sniff

    def is_pdf(p: Path) -> bool:
        try:
            return sniff(p) == "pdf"
        except InputError:
            return False

    pdfs = [i for i in todo if is_pdf(paths[i])]
    got = run_tasks([(i, _pdf_pages, (paths[i],)) for i in pdfs], jobs, min(time_limit, 60))
    return {i: (got[i][1] if got.get(i, ("",))[0] == "ok" else None) for i in pdfs}


def _chunks(n_pages: int, jobs: int) -> list[tuple[int, int]]:
    parts = max(min(jobs * 2, max(1, n_pages // PAGES_PER_CHUNK_MIN)), -(-n_pages // MAX_CHUNK_PAGES))
    size = -(-n_pages // parts)
    return [(a, min(a + size - 1, n_pages)) for a in range(1, n_pages + 1, size)]


def has_text(doc: Document) -> bool:
    return any(b.text.strip() for b in doc.blocks if isinstance(b, TextBlock)) or any(
        c.text.strip() for t in doc.tables for c in t.cells)


def merge_documents(parts: list[Document]) -> Document:
    """Page-range reads of one PDF back into one document (tables' parent indexes shifted)."""
    first = parts[0]
    doc = Document(source=first.source, format=first.format, page_count=first.page_count)
    for part in parts:
        offset = len(doc.tables)
        for t in part.tables:
            if t.parent is not None:
                t.parent += offset
        doc.tables.extend(part.tables)
        doc.blocks.extend(part.blocks)
        doc.warnings.extend(part.warnings)
    return doc


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

    # Long PDFs are split by pages when there are more cores than files to keep them busy.
    # Long PDFs are read in page ranges, each in its own short-lived worker: spread over the cores when there are
    # more cores than files, and always for a very long PDF, so that what pdfminer leaves behind after parsing
    # a page dies with its worker instead of growing with the page count.
    page_counts = _page_counts(paths, todo, jobs, time_limit)
    split = {
        i: _chunks(n, jobs)
        for i, n in page_counts.items()
        if n and n <= MAX_PAGES and n >= 2 * PAGES_PER_CHUNK_MIN and (len(todo) < jobs or n > MAX_CHUNK_PAGES)
    }
    for i, n in page_counts.items():
        if n and n > MAX_PAGES:
            results[i] = FileResult(paths[i], "error", message=f"PDF has {n} pages (limit {MAX_PAGES}) — split the report")
            todo.remove(i)

    bar = Progress(len(paths), sum(n or 0 for n in page_counts.values()), progress)
    bar.step(files=len(paths) - len(todo))

    # Stage 1: read (whole files, or page ranges of split PDFs) in workers; whole files also normalise there.
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
        doc = merge_documents([r[1] for r in parts])
        if not has_text(doc):
            from .readers.pdf import MSG_NO_TEXT

            results[i] = FileResult(p, "error", message=MSG_NO_TEXT)
            bar.step(files=1)
            continue
        norm = run_tasks([("n", normalise_document, (doc, quarter))], 1, time_limit)["n"]
        bar.step(files=1)
        if norm[0] == "ok":
            results[i] = FileResult(p, "ok", tables=norm[1])
            cache.put(digests[i], quarter, norm[1])
        else:
            results[i] = FileResult(p, norm[0], message=norm[1], detail=norm[2])
    bar.close()
    return [results[i] for i in range(len(paths))]


def _read_and_normalise(path: Path, quarter: Optional[str]) -> dict[str, pd.DataFrame]:
    return normalise_document(read_part(path, None), quarter)


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


def concat(results: list[FileResult], table: str) -> pd.DataFrame:
    from .contract import COLUMNS

    frames = [r.tables[table] for r in results if r.ok and r.tables and table in r.tables and len(r.tables[table])]
    if not frames:
        return pd.DataFrame(columns=COLUMNS[table])
    return pd.concat(frames, ignore_index=True)
