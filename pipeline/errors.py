"""Errors that are about an input or the machine, not about our code, and how they read to a clerk.

A reader raises ``InputError`` with a sentence a planning officer can act on;
the CLI prints it as one line ``FILE: message`` and goes on with the batch.
Anything else that escapes a reader is a bug of ours and is reported as an
internal error for that file (traceback only under ``--debug``).

``describe_os_error`` is the one wording of an operating-system error (a
missing file, no permission, a read-only or full disk) for every command, so
the same trouble reads the same everywhere.
"""
from __future__ import annotations

import errno
from pathlib import Path
from typing import Optional


class InputError(Exception):
    """A file we cannot read, with the reason in plain words (no traceback shown)."""

    def __init__(self, message: str, page: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.page = page

    def __str__(self) -> str:  # "3쪽: ..." when the page is known
        return f"{self.page}쪽: {self.message}" if self.page else self.message


class NoPledgeItem(InputError):
    """The file was read but holds no pledge card: not a reading error, but no rows either."""


class OutputError(Exception):
    """Something could not be written (read-only folder, full disk, no permission): one line naming the folder."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        self.folder = Path(folder)
        self.reason = describe_os_error(exc, reading=False)
        super().__init__(f"{self.folder}: {self.reason}")


_WRITE = {
    errno.ENOSPC: "디스크 공간이 부족해 쓰지 못했습니다 — 공간을 비우고 다시 실행하세요 (쓰던 것은 남기지 않았습니다)",
    errno.EDQUOT: "디스크 할당량을 넘어 쓰지 못했습니다 — 공간을 비우고 다시 실행하세요 (쓰던 것은 남기지 않았습니다)",
    errno.EROFS: "읽기 전용 위치라 쓸 수 없습니다 — 쓸 수 있는 폴더를 지정하세요",
    errno.EACCES: "쓰기 권한이 없습니다 — 쓸 수 있는 폴더를 지정하세요",
    errno.EPERM: "쓰기 권한이 없습니다 — 쓸 수 있는 폴더를 지정하세요",
    errno.ENOTDIR: "폴더가 아니라 파일입니다 — 폴더를 지정하세요",
    errno.EEXIST: "같은 이름의 파일이 있어 폴더를 만들 수 없습니다",
    errno.EIO: "입출력 오류로 쓰지 못했습니다 — 디스크를 확인하세요",
}
_READ = {
    errno.ENOENT: "파일이 없습니다",
    errno.EACCES: "파일을 읽을 권한이 없습니다",
    errno.EPERM: "파일을 읽을 권한이 없습니다",
    errno.EISDIR: "파일이 아니라 폴더입니다",
    errno.EIO: "입출력 오류로 읽지 못했습니다 — 디스크를 확인하세요",
    errno.ENOSPC: "임시 폴더의 디스크 공간이 부족합니다",
    errno.EROFS: "읽기 전용 위치라 임시 파일을 쓸 수 없습니다",
}


def describe_os_error(exc: OSError, reading: bool = True) -> str:
    """One Korean line for an OSError (no English strerror), reading a file or writing an output."""
    table = _READ if reading else _WRITE
    code: Optional[int] = exc.errno
    if code in table:
        return table[code]
    if reading and code in _WRITE:
        return _WRITE[code]
    return ("읽지 못했습니다" if reading else "쓰지 못했습니다") + f" (운영체제 오류 {code})"
