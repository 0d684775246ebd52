"""HWP 5.0 record stream → a level tree, and the 배포용 (distribution) ViewText decryption.

The body of an HWP 5.0 section is a flat list of tagged records whose 10-bit
level gives the nesting; turning it into a tree once makes the reader a plain
recursive walk.  Kept apart from hwp.py because both parts are pure byte
work, testable without any file.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ...errors import InputError
from .refusals import damaged

TAG_DISTRIBUTE_DOC_DATA = 28
TAG_PARA_HEADER = 66
TAG_PARA_TEXT = 67
TAG_CTRL_HEADER = 71
TAG_LIST_HEADER = 72
TAG_TABLE = 77

MAX_RECORDS = 2_000_000  # a 64 MB stream of empty records; beyond this the file is hostile


@dataclass
class Record:
    tag: int
    level: int
    payload: bytes
    children: list["Record"] = field(default_factory=list)


def parse_records(data: bytes, what: str) -> list[Record]:
    """Flat records of a stream; a record running past the end means a damaged file."""
    out: list[Record] = []
    pos = 0
    n = len(data)
    unpack = struct.unpack_from
    while pos < n:
        if pos + 4 > n:
            raise InputError(damaged("HWP", f"{what} 스트림이 레코드 머리 중간에서 끊깁니다"))
        (h,) = unpack("<I", data, pos)
        pos += 4
        tag, level, size = h & 0x3FF, (h >> 10) & 0x3FF, h >> 20
        if size == 0xFFF:
            if pos + 4 > n:
                raise InputError(damaged("HWP", f"{what} 스트림이 레코드 머리 중간에서 끊깁니다"))
            (size,) = unpack("<I", data, pos)
            pos += 4
        if pos + size > n:
            raise InputError(damaged("HWP", f"{what} 스트림이 잘렸습니다 (태그 {tag} 레코드가 스트림 끝을 넘음)"))
        out.append(Record(tag, level, data[pos : pos + size]))
        pos += size
        if len(out) > MAX_RECORDS:
            raise InputError(damaged("HWP", f"{what} 스트림의 레코드가 {MAX_RECORDS:,}개를 넘습니다"))
    return out


def build_tree(records: list[Record]) -> list[Record]:
    """Roots of the level tree: each record's children are the following records of a deeper level."""
    roots: list[Record] = []
    stack: list[Record] = []
    for r in records:
        while stack and stack[-1].level >= r.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(r)
        stack.append(r)
    return roots


# -- 배포용 (distribution) documents -------------------------------------------------------

def distribution_key(payload: bytes) -> bytes:
    """AES-128 key hidden in a DISTRIBUTE_DOC_DATA record (256 bytes scrambled with MSVC rand())."""
    if len(payload) != 256:
        raise InputError(damaged("HWP", "배포용 문서의 열쇠 레코드가 256바이트가 아닙니다"))
    data = bytearray(payload)
    state = int.from_bytes(payload[:4], "little")

    def rand() -> int:
        nonlocal state
        state = (state * 214013 + 2531011) & 0xFFFFFFFF
        return (state >> 16) & 0x7FFF

    n = 0
    key = 0
    for i in range(256):
        if n == 0:
            key = rand() & 0xFF
            n = (rand() & 0xF) + 1
        if i >= 4:
            data[i] ^= key
        n -= 1
    off = 4 + (data[0] & 0xF)
    return bytes(data[off : off + 16])


def decrypt_view_text(stream: bytes, what: str) -> bytes:
    """ViewText/SectionN → the (still compressed) section bytes: key record, then AES-128-ECB."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    recs = parse_records(stream[:4 + 256], what) if len(stream) >= 260 else []
    if not recs or recs[0].tag != TAG_DISTRIBUTE_DOC_DATA or len(recs[0].payload) != 256:
        raise InputError(damaged("HWP", f"{what} 스트림에 배포용 문서의 열쇠 레코드가 없습니다"))
    key = distribution_key(recs[0].payload)
    body = stream[260:]
    body = body[: len(body) - len(body) % 16]
    dec = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    return dec.update(body) + dec.finalize()
