"""One file, one set of bytes: every input is copied once into a private folder and hashed as it is copied.

Why: the hash the archive's manifest and the cache record must describe exactly
the bytes that were parsed.  Reading a path twice (once to hash, again in each
worker, page ranges of one PDF at different moments) lets a file that is being
replaced or saved during the run give an archive mixed from two files.  So the
run reads each input once, into a snapshot nobody else can write, and every
worker parses the snapshot.

A file that changes *while* it is copied (its size, time or identity differ
before and after) is copied again, up to ``COPY_TRIES`` times, then refused by
name.  A file that changes *after* it was copied is named at the end of the run
(``changed_since``): what was archived is the copy, whose hash the manifest names.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import InputError, OutputError

COPY_TRIES = 3
CHUNK = 1 << 20
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Snapshot:
    """A private, unchanging copy of an input and the identity of the bytes in it."""

    source: Path
    copy: Path
    sha256: str
    size: int
    stamp: tuple  # (device, inode, size, mtime_ns) of the source when it was copied


def _stamp(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def too_big(size: int) -> Optional[str]:
    if size > MAX_FILE_BYTES:
        return (f"파일이 {size / 1e6:.0f} MB로 한도 {MAX_FILE_BYTES // 1024 // 1024} MB를 넘습니다 — "
                "보고서를 더 작은 파일로 나누어 내세요")
    return None


class SnapshotFolder:
    """A private temporary folder (mode 0700) holding the run's copies; removed by ``close``."""

    def __init__(self) -> None:
        try:
            self.root = Path(tempfile.mkdtemp(prefix="pledge-inputs-"))
        except OSError as exc:
            raise OutputError(Path(tempfile.gettempdir()), exc) from exc
        self._n = 0

    def take(self, source: Path) -> Snapshot:
        """Copy ``source`` in, hashing the bytes copied; InputError (one line) when it cannot be had whole."""
        source = Path(source)
        self._n += 1
        folder = self.root / f"{self._n:05d}"
        folder.mkdir()
        copy = folder / source.name  # the reader sees the file's own name
        for _ in range(COPY_TRIES):
            got = _copy_once(source, copy)
            if got is not None:
                digest, size, stamp = got
                return Snapshot(source, copy, digest, size, stamp)
        copy.unlink(missing_ok=True)
        raise InputError("읽는 동안 파일이 계속 바뀌어 읽지 않았습니다 — 파일 저장이 끝난 뒤 다시 실행하세요")

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "SnapshotFolder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _copy_once(source: Path, copy: Path) -> Optional[tuple[str, int, tuple]]:
    """(sha256, size, stamp) of one whole copy, or None when the file changed while it was copied."""
    with open(source, "rb") as src:
        before = os.fstat(src.fileno())
        why = too_big(before.st_size)
        if why:
            raise InputError(why)
        h = hashlib.sha256()
        size = 0
        with open(copy, "wb") as dst:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise InputError(too_big(size) or "")
                h.update(chunk)
                dst.write(chunk)
        after = os.fstat(src.fileno())
    try:
        now = os.stat(source)
    except FileNotFoundError:
        now = None
    same = _stamp(before) == _stamp(after) and size == after.st_size
    # replaced by another file (a rename over it) while we read: what we read is whole, but no longer the file
    if not same or now is None or _stamp(now) != _stamp(after):
        return None
    return h.hexdigest(), size, _stamp(after)


def changed_since(snap: Snapshot) -> bool:
    """Whether the input is no longer the file that was copied (replaced, rewritten or removed)."""
    try:
        return _stamp(os.stat(snap.source)) != snap.stamp
    except OSError:
        return True
