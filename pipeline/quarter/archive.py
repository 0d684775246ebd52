"""The quarter archive: `ARCHIVE/<quarter>/` holds what a quarter's report said, for diffs and audits.

An archived quarter is the record the next quarter is compared with, so it must
never be half-written, silently overwritten or lost:
- it is built in a temporary folder beside the target (every file fsynced) and
  renamed into place, so a crash or SIGKILL at any moment leaves the previous
  archive byte-identical;
- re-running on the same source files (same set of sha256) changes nothing and
  says so;
- other sources for an archived quarter are refused unless the caller asks to
  replace it, and a replaced quarter is kept beside it as
  `<quarter>.replaced-<UTC time>`, never deleted;
- a replacement needs two renames (old aside, new in); a journal written before
  them lets the next run finish or undo an interrupted swap, and leftover
  temporary folders of killed runs are removed then.

Tests interrupt a write with ``PIPELINE_ARCHIVE_PAUSE=<point>:<seconds>`` (points
``half``: half the files are in the temporary folder; ``swap``: between the two
renames of a replacement); the process prints ``PAUSED <point>`` and sleeps.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Mapping, Optional, Sequence

import pandas as pd

from .. import __version__
from ..contract import ALL_TABLES, CONTRACT_TABLES, same_rows, write_csv
from ..errors import InputError
from ..fsio import sha256_file
from ..outputs.summary import write_summary_csv
from ..outputs.xlsx import write_xlsx
from ..vocab import QUARTER_CODE, is_quarter, quarter_key
from .combine import quarter_of
from .diff import load_tables

TMP_PREFIX = ".tmp-"
JOURNAL_PREFIX = ".journal-"
LOCK_NAME = ".lock"
MANIFEST = "manifest.json"


class ArchiveRefused(InputError):
    """A quarter is already archived from other sources and replacing it was not asked for."""


@dataclass(frozen=True)
class ArchiveResult:
    status: str  # "written" | "unchanged" | "replaced"
    path: Path
    message: str
    replaced: Optional[Path] = None  # where the previous archive was kept, for "replaced"


# ----------------------------------------------------------------------------- small I/O helpers

def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json(path: Path, data: object) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())


def _pause(point: str) -> None:
    """Test hook: stop at a named point of the write so a test can SIGKILL the process there."""
    spec = os.environ.get("PIPELINE_ARCHIVE_PAUSE", "")
    name, _, seconds = spec.partition(":")
    if name == point:
        print(f"PAUSED {point}", flush=True)
        sys.stdout.flush()
        time.sleep(float(seconds or 60))


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer per archive folder at a time, so any temporary folder found is a dead run's."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_NAME, "a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _utc_stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


# ----------------------------------------------------------------------------- recovery

def _recover(root: Path) -> list[str]:
    """Finish or undo an interrupted replacement, then remove leftover temporary folders (under the lock)."""
    notes: list[str] = []
    for journal in sorted(root.glob(JOURNAL_PREFIX + "*.json")):
        try:
            j = json.loads(journal.read_text(encoding="utf-8"))
            live, tmp, old = root / j["quarter"], root / j["tmp"], root / j["old"]
        except (ValueError, KeyError, OSError):
            journal.unlink()
            continue
        if not live.exists() and tmp.exists():
            os.rename(tmp, live)  # the old one is already aside: finish the replacement
            notes.append(f"finished the interrupted replacement of {live.name}")
        elif not live.exists() and old.exists():
            os.rename(old, live)  # nothing to put in place: put the old one back
            notes.append(f"restored {live.name} from {old.name}")
        _fsync_dir(root)
        journal.unlink()
        _fsync_dir(root)
    for leftover in root.glob(TMP_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
        notes.append(f"removed leftover {leftover.name}")
    return notes


def _needs_recovery(root: Path) -> bool:
    return root.is_dir() and (any(root.glob(JOURNAL_PREFIX + "*.json")) or any(root.glob(TMP_PREFIX + "*")))


# ----------------------------------------------------------------------------- reading

def _read_manifest(folder: Path) -> Optional[dict]:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def list_quarters(root: Path) -> list[str]:
    """Archived quarters, oldest first (replaced copies and temporary folders are not quarters)."""
    root = Path(root)
    if _needs_recovery(root):
        with _locked(root):
            _recover(root)
    if not root.is_dir():
        return []
    qs = [p.name for p in root.iterdir() if p.is_dir() and QUARTER_CODE.match(p.name) and (p / MANIFEST).is_file()]
    return sorted(qs, key=quarter_key)


def load_quarter(root: Path, quarter: str) -> dict[str, pd.DataFrame]:
    """An archived quarter's tables (contract CSVs read back as strings)."""
    root = Path(root)
    if quarter not in list_quarters(root):
        raise InputError(f"quarter {quarter} is not archived in {root}")
    return load_tables(root / quarter)


def previous_quarter(root: Path, quarter: str) -> Optional[str]:
    """The latest archived quarter before `quarter`, None when there is none."""
    if not is_quarter(quarter):
        raise InputError(f"not a quarter: {quarter!r} (expected e.g. 2021Q4)")
    earlier = [q for q in list_quarters(root) if quarter_key(q) < quarter_key(quarter)]
    return earlier[-1] if earlier else None


def manifest(root: Path, quarter: str) -> Optional[dict]:
    return _read_manifest(Path(root) / quarter)


# ----------------------------------------------------------------------------- writing

def _sources(sources: Sequence[Path]) -> list[dict]:
    out = []
    for s in sources:
        p = Path(s)
        if not p.is_file():
            raise InputError(f"source file not found: {p}")
        out.append({"name": p.name, "sha256": sha256_file(p), "size": p.stat().st_size})
    return sorted(out, key=lambda d: (d["name"], d["sha256"]))


def _build(folder: Path, quarter: str, tables: Mapping[str, pd.DataFrame], sources: list[dict]) -> None:
    """Every archive file into `folder`, each fsynced; manifest last, so a manifest means complete."""
    from ..checks import check  # late: the checks are only needed when findings are not given

    full = dict(tables)
    if full.get("findings") is None:
        full["findings"] = check(full)
    files: list[tuple[str, object]] = ([(f"{t}.csv", t) for t in ALL_TABLES] + [(f"{quarter}.xlsx", "xlsx")]
                                       + [("summary.csv", "summary")])
    half = len(files) // 2
    for i, (name, what) in enumerate(files):
        if i == half:
            _pause("half")
        if what == "xlsx":
            write_xlsx(folder / name, full)
        elif what == "summary":
            write_summary_csv(folder / name, full, quarter)
        else:
            df = full.get(str(what))
            write_csv(folder / name, str(what), df if df is not None else pd.DataFrame())
    rows = {t: int(len(full[t])) if full.get(t) is not None else 0 for t in ALL_TABLES}
    _write_json(folder / MANIFEST, {
        "quarter": quarter,
        "pipeline_version": __version__,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "sources": sources,
        "rows": rows,
        "files": {name: sha256_file(folder / name) for name, _ in files},
    })
    _fsync_dir(folder)


def archive_quarter(root: Path, quarter: str, tables: Mapping[str, pd.DataFrame], sources: Sequence[Path],
                    replace: bool = False) -> ArchiveResult:
    """Archive one quarter's tables and the identity of its source files (see the module docstring)."""
    root = Path(root)
    if not is_quarter(quarter):
        raise InputError(f"not a quarter: {quarter!r} (expected e.g. 2021Q4)")
    named = quarter_of(dict(tables))
    if named is not None and named != quarter:
        raise InputError(f"the tables describe {named}, not {quarter}")
    src = _sources(sources)
    with _locked(root):
        _recover(root)
        target = root / quarter
        if target.exists():
            old = _read_manifest(target)
            old_hashes = {s.get("sha256") for s in (old or {}).get("sources", [])}
            if old is not None and old_hashes == {s["sha256"] for s in src}:
                # Same files: nothing to do — unless --replace asks to re-archive what an updated pipeline reads.
                archived = load_tables(target)
                if not replace or all(same_rows(t, tables.get(t, archived[t]), archived[t])
                                      for t in CONTRACT_TABLES):
                    return ArchiveResult("unchanged", target, f"{quarter} is already archived from the same "
                                         f"{len(src)} source file(s); nothing changed")
            if not replace:
                names = ", ".join(s.get("name", "?") for s in (old or {}).get("sources", [])) or "unknown sources"
                raise ArchiveRefused(f"{quarter} is already archived from other sources ({names}); "
                                     f"run again with --replace to archive the new ones (the old archive is kept)")
        tmp = root / f"{TMP_PREFIX}{quarter}-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            _build(tmp, quarter, tables, src)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if not target.exists():
            os.rename(tmp, target)
            _fsync_dir(root)
            return ArchiveResult("written", target, f"{quarter} archived from {len(src)} source file(s)")
        aside = root / f"{quarter}.replaced-{_utc_stamp()}"
        journal = root / f"{JOURNAL_PREFIX}{quarter}.json"
        _write_json(journal, {"quarter": quarter, "tmp": tmp.name, "old": aside.name})
        _fsync_dir(root)
        os.rename(target, aside)
        _fsync_dir(root)
        _pause("swap")
        os.rename(tmp, target)
        _fsync_dir(root)
        journal.unlink()
        _fsync_dir(root)
        return ArchiveResult("replaced", target, f"{quarter} replaced; the previous archive is kept as {aside.name}",
                             replaced=aside)
