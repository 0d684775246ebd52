"""The quarter archive: `ARCHIVE/<quarter>/` holds what a quarter's report said, for diffs and audits.

An archived quarter is the record the next quarter is compared with, so it must
never be half-written, silently overwritten or lost:
- it is built in a temporary folder beside the target (every file fsynced) and
  renamed into place, so a crash or SIGKILL at any moment leaves the previous
  archive byte-identical;
- re-running on the same source files (same set of sha256) changes nothing and
  says so (``replace`` re-archives them when an updated pipeline reads them
  differently);
- other sources for an archived quarter (a late department's file added, a
  corrected file, a file withdrawn) re-archive it, and the previous archive is
  kept beside it as the dated version `<quarter>.replaced-<UTC time>`, never
  deleted; ``source_changes`` says what changed in the sources;
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
from typing import Iterator, Mapping, Optional, Sequence, Union

import pandas as pd

from .. import __version__
from ..contract import ALL_TABLES, CONTRACT_TABLES, same_rows, write_csv
from ..errors import InputError
from ..fsio import fsync_dir, sha256_file
from ..outputs.summary import write_summary_csv
from ..outputs.xlsx import write_xlsx
from ..vocab import QUARTER_CODE, is_quarter, quarter_key
from .combine import quarter_of
from .diff import flagged_diff, load_tables

TMP_PREFIX = ".tmp-"
JOURNAL_PREFIX = ".journal-"
LOCK_NAME = ".lock"
MANIFEST = "manifest.json"
VERSION_MARK = ".replaced-"

# A source as the archive records it: {"name", "sha256", "size"}; a Path is hashed here.
Source = Union[Path, Mapping[str, object]]


@dataclass(frozen=True)
class SourceChanges:
    """What differs between the sources of two versions of a quarter (names as recorded)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()  # same name, other bytes

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.replaced)

    def words(self) -> str:
        """``추가 a.pdf; 교체 b.pdf; 제외 c.pdf`` — for the console and the report."""
        parts = []
        for label, names in (("추가", self.added), ("교체", self.replaced), ("제외", self.removed)):
            if names:
                parts.append(f"{label} " + ", ".join(names))
        return "; ".join(parts)


@dataclass(frozen=True)
class ArchiveResult:
    status: str  # "written" | "unchanged" | "replaced"
    path: Path
    message: str
    replaced: Optional[Path] = None  # where the previous archive was kept, for "replaced"
    changes: Optional[SourceChanges] = None  # what changed in the sources, for "replaced"


# ----------------------------------------------------------------------------- small I/O helpers


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
            notes.append(f"{live.name}: 중단되었던 교체를 마쳤습니다")
        elif not live.exists() and old.exists():
            os.rename(old, live)  # nothing to put in place: put the old one back
            notes.append(f"{live.name}: 중단되었던 교체를 되돌려 {old.name}에서 복원했습니다")
        fsync_dir(root)
        journal.unlink()
        fsync_dir(root)
    for leftover in root.glob(TMP_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
        notes.append(f"{leftover.name}: 중단된 실행이 남긴 임시 폴더를 지웠습니다")
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
        raise InputError(f"{quarter} 분기는 {root}에 보관되어 있지 않습니다")
    return load_tables(root / quarter)


def quarter_before(quarter: str) -> str:
    """The quarter just before: 2023Q1 → 2022Q4."""
    if not is_quarter(quarter):
        raise InputError(f"분기 표기가 아닙니다: {quarter!r} (예: 2021Q4)")
    year, q = quarter_key(quarter)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def previous_quarter(root: Path, quarter: str) -> Optional[str]:
    """The quarter just before ``quarter`` when it is archived, else None: a diff against an older quarter
    would mix several quarters' changes (see ``comparable``)."""
    before = quarter_before(quarter)
    return before if before in list_quarters(root) else None


def comparable_previous(root: Path, quarter: str, body: Optional[str]) -> tuple[Optional[str], str]:
    """The archived quarter just before ``quarter`` that its diff is made against, or None and why not (in the
    clerk's words): none archived, or archived for another reporting body."""
    prev = quarter_before(quarter)
    if prev not in list_quarters(root):
        return None, f"이전 분기 {prev}의 보관본이 없어 변경 내역을 만들지 않았습니다"
    other = body_of(root, prev)
    if body and other and body != other:
        return None, f"이전 분기 {prev} 보관본은 다른 기관({other})의 것이라 {body} 자료와 비교하지 않았습니다"
    return prev, ""


def body_of(root: Path, quarter: str) -> Optional[str]:
    """The reporting body (한빛구) the archived quarter's documents named, None when unknown."""
    m = _read_manifest(Path(root) / quarter) or {}
    body = m.get("body")
    return body if isinstance(body, str) and body else None


def versions(root: Path, quarter: str) -> list[Path]:
    """Earlier versions of an archived quarter kept beside it, oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    kept = [p for p in root.iterdir() if p.is_dir() and p.name.startswith(quarter + VERSION_MARK)
            and (p / MANIFEST).is_file()]
    return sorted(kept, key=lambda p: p.name)


def archived_at(folder: Path) -> Optional[str]:
    """When an archived quarter (or a kept earlier version) was written, in this machine's local time as a clerk
    reads it ("2026-12-04 18:45"); None when its manifest does not say."""
    m = _read_manifest(Path(folder)) or {}
    try:
        when = datetime.fromisoformat(str(m.get("created_utc")))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def source_changes(old: Sequence[Mapping], new: Sequence[Mapping]) -> SourceChanges:
    """Sources added, removed or replaced (same name, other bytes) between two manifests' source lists."""
    a = {str(s.get("name")): s.get("sha256") for s in old}
    b = {str(s.get("name")): s.get("sha256") for s in new}
    moved = {h for h in a.values()} & {h for h in b.values()}  # same bytes under a new name: a rename
    added = tuple(sorted(n for n in b if n not in a and b[n] not in moved))
    removed = tuple(sorted(n for n in a if n not in b and a[n] not in moved))
    replaced = tuple(sorted(n for n in b if n in a and a[n] != b[n]))
    return SourceChanges(added, removed, replaced)


def manifest(root: Path, quarter: str) -> Optional[dict]:
    return _read_manifest(Path(root) / quarter)


# ----------------------------------------------------------------------------- writing

def _sources(sources: Sequence[Source]) -> list[dict]:
    """The manifest's source list: given identities as they are (the run layer hashes what it read), paths
    hashed here."""
    out = []
    for s in sources:
        if isinstance(s, Mapping):
            out.append({"name": str(s["name"]), "sha256": str(s["sha256"]), "size": int(s["size"])})  # type: ignore[call-overload]
            continue
        p = Path(s)
        if not p.is_file():
            raise InputError(f"원본 파일이 없습니다: {p}")
        out.append({"name": p.name, "sha256": sha256_file(p), "size": p.stat().st_size})
    return sorted(out, key=lambda d: (d["name"], d["sha256"]))


def _build(folder: Path, quarter: str, tables: Mapping[str, pd.DataFrame], sources: list[dict],
           body: Optional[str], previous: Optional[Mapping[str, pd.DataFrame]] = None) -> None:
    """Every archive file into `folder`, each fsynced; manifest last, so a manifest means complete.
    ``previous``: the comparable previous quarter's tables, whose diff fills the workbook's 변경 sheet."""
    from ..checks import check  # late: the checks are only needed when findings are not given

    full = dict(tables)
    if full.get("findings") is None:
        full["findings"] = check(full)
    diff = None
    if previous is not None:
        diff = flagged_diff(previous, full, quarter)
    files: list[tuple[str, object]] = ([(f"{t}.csv", t) for t in ALL_TABLES] + [(f"{quarter}.xlsx", "xlsx")]
                                       + [("summary.csv", "summary")])
    half = len(files) // 2
    for i, (name, what) in enumerate(files):
        if i == half:
            _pause("half")
        if what == "xlsx":
            write_xlsx(folder / name, full, quarter=quarter, diff=diff)
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
        "body": body,
        "rows": rows,
        "files": {name: sha256_file(folder / name) for name, _ in files},
    })
    fsync_dir(folder)


def archive_quarter(root: Path, quarter: str, tables: Mapping[str, pd.DataFrame], sources: Sequence[Source],
                    replace: bool = False, body: Optional[str] = None) -> ArchiveResult:
    """Archive one quarter's tables and the identity of its source files (see the module docstring).

    Other sources than the archived ones re-archive the quarter (the old version kept); the same sources leave
    it as it is, unless ``replace`` asks to re-archive rows an updated pipeline reads differently.
    """
    root = Path(root)
    if not is_quarter(quarter):
        raise InputError(f"분기 표기가 아닙니다: {quarter!r} (예: 2021Q4)")
    named = quarter_of(dict(tables))
    if named is not None and named != quarter:
        raise InputError(f"표가 {quarter} 분기가 아니라 {named} 분기의 것입니다")
    src = _sources(sources)
    changes: Optional[SourceChanges] = None
    with _locked(root):
        _recover(root)
        target = root / quarter
        if target.exists():
            old = _read_manifest(target) or {}
            old_src = list(old.get("sources", []))
            if old and {s.get("sha256") for s in old_src} == {s["sha256"] for s in src}:
                # Same files: nothing to do — unless --replace asks to re-archive what an updated pipeline reads.
                archived = load_tables(target)
                if not replace or all(same_rows(t, tables.get(t, archived[t]), archived[t])
                                      for t in CONTRACT_TABLES):
                    return ArchiveResult("unchanged", target, f"같은 원본 파일 {len(src)}개로 이미 보관되어 있어 바꾸지 않았습니다")
            else:
                changes = source_changes(old_src, src)
        prev, _ = comparable_previous(root, quarter, body)
        tmp = root / f"{TMP_PREFIX}{quarter}-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            _build(tmp, quarter, tables, src, body, load_tables(root / prev) if prev else None)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if not target.exists():
            os.rename(tmp, target)
            fsync_dir(root)
            return ArchiveResult("written", target, f"원본 파일 {len(src)}개로 보관했습니다")
        aside = root / f"{quarter}{VERSION_MARK}{_utc_stamp()}"
        journal = root / f"{JOURNAL_PREFIX}{quarter}.json"
        _write_json(journal, {"quarter": quarter, "tmp": tmp.name, "old": aside.name})
        fsync_dir(root)
        os.rename(target, aside)
        fsync_dir(root)
        _pause("swap")
        os.rename(tmp, target)
        fsync_dir(root)
        journal.unlink()
        fsync_dir(root)
        if changes is None:
            why = "같은 원본을 새 파이프라인으로 다시 읽어 보관했습니다"
        else:
            why = "원본이 바뀌어 다시 보관했습니다" + (f" — {changes.words()}" if changes else "")
        return ArchiveResult("replaced", target, f"{why}; 이전 보관본은 {aside.name}에 남겼습니다",
                             replaced=aside, changes=changes)
