"""The few file operations every output shares: atomic writes, sets of files swapped in together, hashes.

An interrupted run must leave either the old file or the new one, never a
truncated CSV or report, so every output goes through a temp file in the same
folder, fsync, then rename; a set of files that belong together (extract's five
CSVs) is written whole into a temporary folder first and then swapped in under a
journal (``write_file_set``), so a full disk never leaves new files beside stale ones.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Sequence


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide outputs from colleagues
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_frame(path: Path, df) -> None:
    """A DataFrame as CSV, UTF-8 with BOM (Excel opens Korean correctly), atomically."""
    text = df.to_csv(index=False, lineterminator="\n")
    atomic_write_bytes(path, ("\ufeff" + text).encode("utf-8"))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------- a set of files, all or nothing

SET_TMP_PREFIX = ".tmp-set-"
SET_JOURNAL = ".set-journal.json"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file_set(folder: Path, write: Callable[[Path], None], names: Sequence[str]) -> None:
    """Put the files ``names`` into ``folder`` together, or none of them.

    ``write(tmp)`` fills a private temporary folder inside ``folder``; a failure
    there (a full disk, no permission) removes it and leaves ``folder`` as it was.
    Then a journal is written and each file renamed into place; renames need no
    space, and a run killed among them is finished by the next call on the folder
    (``finish_file_set``), so the folder never holds a mix of two runs' files.
    Other files in ``folder`` are left alone.  OSError propagates.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    finish_file_set(folder)
    tmp = Path(tempfile.mkdtemp(prefix=SET_TMP_PREFIX, dir=folder))
    try:
        write(tmp)
        missing = [n for n in names if not (tmp / n).is_file()]
        if missing:
            raise FileNotFoundError(f"not written: {', '.join(missing)}")
        fsync_dir(tmp)
        journal = folder / SET_JOURNAL
        atomic_write_bytes(journal, json.dumps({"tmp": tmp.name, "names": list(names)}).encode("utf-8"))
        fsync_dir(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finish_file_set(folder)


def finish_file_set(folder: Path) -> None:
    """Finish a swap a killed run left half done (its journal names the files), and remove stale temporaries."""
    folder = Path(folder)
    journal = folder / SET_JOURNAL
    if journal.is_file():
        try:
            j = json.loads(journal.read_text(encoding="utf-8"))
            tmp, names = folder / str(j["tmp"]), [str(n) for n in j["names"]]
        except (ValueError, KeyError, TypeError, OSError):
            tmp, names = None, []
        if tmp is not None and tmp.name.startswith(SET_TMP_PREFIX) and "/" not in tmp.name:
            for name in names:
                src = tmp / Path(name).name
                if src.is_file():
                    os.replace(src, folder / Path(name).name)
            fsync_dir(folder)
        journal.unlink()
        fsync_dir(folder)
    for stale in folder.glob(SET_TMP_PREFIX + "*"):
        shutil.rmtree(stale, ignore_errors=True)
