"""Bounds on what a reader may inflate, in one place.

HWP streams and HWPX zip members are compressed; a small hostile file can
declare (or silently produce) gigabytes.  Every inflate goes through these
helpers, which check the declared size first and then count the bytes actually
produced, so a lying header cannot get past either check.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from typing import BinaryIO, Optional

from ...errors import InputError
from .refusals import damaged, password, too_big, zip_reason

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one zip member or one HWP stream, inflated
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # everything one document may inflate
CHUNK = 1024 * 1024
# zipfile turns every central-directory entry into an object before anything else (measured: a 46 MB zip of
# 500,000 empty members took 9 s and 270 MB); a real HWPX's directory is a few KB (a dozen parts and one
# entry per image), so 4 MiB (tens of thousands of members) is past any document.
MAX_ZIP_DIRECTORY_BYTES = 4 * 1024 * 1024


def human_size(n: int) -> str:
    """'2.3 GB' / '70 MB' / '512바이트' for messages a planning officer reads."""
    if n >= 1_000_000_000:
        return f"{n / 1_000_000_000:.1f} GB"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.0f} MB"
    return f"{n:,}바이트"


def limit_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"


class Budget:
    """Running total of inflated bytes for one document."""

    def __init__(self, total: int = MAX_TOTAL_BYTES) -> None:
        self.left = total
        self.total = total

    def take(self, n: int, what: str) -> None:
        self.left -= n
        if self.left < 0:
            raise InputError(too_big(f"{what}에서 문서 전체의 압축 해제 한도 {limit_text(self.total)}를 넘었습니다"))


def zip_directory_size(f: BinaryIO) -> Optional[int]:
    """The central-directory size the zip's end record declares, found as zipfile finds it; None without one."""
    f.seek(0, 2)
    size = f.tell()
    tail_len = min(size, 22 + 65535)  # the end record, after at most a 64 KB comment
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        return None
    (dir_size,) = struct.unpack_from("<I", tail, pos + 12)
    end = size - tail_len + pos
    if end >= 20 + 56:  # a zip64 locator just before the end record points zipfile to the zip64 end record
        f.seek(end - 20)
        loc = f.read(20)
        f.seek(end - 20 - 56)
        rec64 = f.read(56)
        if loc[:4] == b"PK\x06\x07" and rec64[:4] == b"PK\x06\x06":
            (dir_size,) = struct.unpack_from("<Q", rec64, 40)
    f.seek(0)
    return dir_size


def check_zip_directory(f: BinaryIO) -> None:
    """Refuse a zip whose central directory is larger than any document's, before zipfile parses it."""
    n = zip_directory_size(f)
    if n is not None and n > MAX_ZIP_DIRECTORY_BYTES:
        raise InputError(damaged("HWPX", f"zip 목록이 {human_size(n)}로 한도 {limit_text(MAX_ZIP_DIRECTORY_BYTES)}를 "
                                          "넘습니다 (문서 하나에 담길 수 없는 수의 파일)"))


def read_zip_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: Budget,
    limit: int = MAX_MEMBER_BYTES,
    label: str = "HWPX 안의",
) -> bytes:
    """The member's bytes, refused before inflating when declared too big, and while streaming when it lies."""
    if info.file_size > limit:
        raise InputError(too_big(f"{label} {info.filename} 파일은 압축을 풀면 {human_size(info.file_size)}로 "
                                 f"한도 {limit_text(limit)}를 넘습니다"))
    if info.flag_bits & 0x1:
        raise InputError(password("HWPX"))
    parts: list[bytes] = []
    got = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                if got > limit:
                    raise InputError(too_big(f"{label} {info.filename} 파일은 압축을 풀면 한도 {limit_text(limit)}를 "
                                             f"넘습니다 (적힌 크기 {human_size(info.file_size)})"))
                budget.take(len(chunk), f"{label} {info.filename} 파일")
                parts.append(chunk)
    except InputError:
        raise
    except Exception as e:  # zipfile: BadZipFile (CRC), zlib.error, EOFError, NotImplementedError (method), ...
        raise InputError(damaged("HWPX", f"{info.filename} 파일: {zip_reason(e)}")) from None
    return b"".join(parts)


def inflate_raw(data: bytes, budget: Budget, what: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
    """Raw-deflate ``data`` (HWP streams), never producing more than ``limit`` bytes."""
    d = zlib.decompressobj(-15)
    parts: list[bytes] = []
    got = 0
    pos = 0
    try:
        while pos < len(data) or d.unconsumed_tail:
            src = d.unconsumed_tail if d.unconsumed_tail else data[pos : pos + CHUNK]
            if not d.unconsumed_tail:
                pos += CHUNK
            out = d.decompress(src, CHUNK)
            got += len(out)
            if got > limit:
                raise InputError(_inflates_past(what, limit))
            budget.take(len(out), f"HWP의 {what} 스트림")
            parts.append(out)
            if d.eof:
                break
        tail = d.flush()
        got += len(tail)
        if got > limit:
            raise InputError(_inflates_past(what, limit))
        parts.append(tail)
    except zlib.error:
        raise InputError(damaged("HWP", f"{what} 스트림의 압축 데이터가 손상되었습니다")) from None
    if not d.eof:
        raise InputError(damaged("HWP", f"{what} 스트림의 압축 데이터가 중간에 끊겼습니다"))
    return b"".join(parts)


def _inflates_past(what: str, limit: int) -> str:
    return too_big(f"HWP의 {what} 스트림은 압축을 풀면 한도 {limit_text(limit)}를 넘습니다")
