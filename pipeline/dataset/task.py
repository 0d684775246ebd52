"""The one task a Dask worker runs: one file's bytes → its contract tables, by the same path as ``extract``.

Why bytes and not a path: the client hashes every file anyway to decide what to
read, so it sends the very bytes it hashed — the sha256 in the manifest always
describes what was read, and workers need no view of ROOT (a cluster without a
shared file system works the same).  The bytes are written under the file's own
name into a private temporary folder and read by
``pipeline.run.batch.process_files`` — reader → model → normaliser → checks,
in a forked child with the batch's time and memory limits — so a row here is
exactly the row ``extract`` writes for that file (``source_file`` included).
The call runs in this worker's reading host (``host.py`` says why not in the
Dask worker itself).

The folder's quarter is passed as ``quarter``: the normaliser uses it only when
the document states no quarter of its own (its rule: cover or header line, then
the newest 추진실적 quarter, then the caller's), which is exactly "from the
document, else from the folders".
"""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Optional

import pyarrow as pa

from ..contract import ALL_TABLES


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """The package version plus a hash of its code: a changed normaliser must read every file again."""
    from .. import __version__
    from ..run.cache import code_fingerprint

    return f"{__version__}+{code_fingerprint()}"


@dataclass
class Outcome:
    """What became of one file on a worker (small and picklable: Arrow tables, not frames)."""

    file: str
    sha256: str
    size: int
    status: str
    reason: str = ""
    detail: str = ""  # traceback, for --debug
    body: Optional[str] = None  # the reporting body the document names (None when it names none)
    quarter: Optional[str] = None  # the report quarter of the rows
    tables: dict[str, pa.Table] = field(default_factory=dict)
    items: int = 0
    warnings: list[str] = field(default_factory=list)
    worker: str = ""
    seconds: float = 0.0


def worker_problem(version: str) -> Optional[str]:
    """Why this worker cannot read files for a client at ``version`` (None when it can)."""
    mine = pipeline_version()
    if mine != version:
        return f"작업자의 파이프라인 버전({mine})이 collect를 실행한 쪽({version})과 다릅니다 — 같은 버전을 설치하세요"
    return None


def worker_info(version: str) -> dict:
    """What the client's preflight asks each worker (``Client.run``)."""
    return {"pid": os.getpid(), "host": socket.gethostname(), "problem": worker_problem(version)}


def read_one(file: str, data: bytes, folder_quarter: Optional[str], version: str) -> Outcome:
    """Read one file (``file`` is its path under ROOT, for names and provenance; ``data`` its bytes)."""
    from ..contract import COLUMNS
    from .host import HostLost, host
    from .schema import NotANumber, to_arrow

    started = time.monotonic()
    sha = hashlib.sha256(data).hexdigest()
    out = Outcome(file=file, sha256=sha, size=len(data), status="retry", worker=f"{socket.gethostname()}:{os.getpid()}")
    problem = worker_problem(version)
    if problem:
        out.reason = problem
        return out
    folder = Path(tempfile.mkdtemp(prefix="pledge-collect-"))
    try:
        path = folder / PurePosixPath(file).name
        path.write_bytes(data)
        try:
            r = host().read(path, folder_quarter)
        except HostLost:
            out.reason = "이 파일을 읽던 프로세스가 밖에서 끝났습니다 — 다음 실행에서 다시 읽습니다"
            return out
        out.status, out.reason, out.detail = r.status, r.message, r.detail
        if r.ok and r.tables is not None:
            items = r.tables["items"]
            out.body = r.body()
            quarters = [q for q in items["report_quarter"] if isinstance(q, str) and q]
            out.quarter = quarters[0] if quarters else folder_quarter
            out.items = len(items)
            out.warnings = r.warnings()
            try:
                out.tables = {t: to_arrow(t, r.tables[t].reindex(columns=COLUMNS[t]), file)
                              for t in ALL_TABLES if t in r.tables and len(r.tables[t])}
            except NotANumber as exc:
                out.status, out.reason, out.tables = "internal", f"내부 오류: {exc} — 파이프라인 팀에 이 파일을 알려 주세요", {}
    except Exception as exc:  # noqa: BLE001 — the task itself must always return an outcome, never raise
        out.status = "internal"
        out.reason = f"내부 오류 ({type(exc).__name__}: {exc}) — 파이프라인 팀에 이 파일을 알려 주세요"
        out.detail = traceback.format_exc()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        out.seconds = time.monotonic() - started
    return out
