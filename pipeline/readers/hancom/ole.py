"""A bounded walk over an OLE compound file's own tables, before olefile parses it (HWP 5.0 is an OLE file).

olefile 0.47 trusts the container: a DIFAT sector naming itself as the next one makes ``loadfat`` go round
as many times as the header claims FAT sectors, copying the growing FAT each time (a 20 KB file held a
core for 600 s); a MiniFAT or mini-stream chain that loops is read until the size the header or the root
entry claims (gigabytes); a directory tree linked as one long chain recurses past Python's limit.  This
module walks the same structures once, iteratively, visiting each sector at most once, and refuses a file
whose tables loop, point outside the file, or need more than the file's own size allows — so every walk
olefile then makes ends within the file.  The data is still read by olefile (tolerant of the small defects
real writers leave); this only decides whether it may start.
"""
from __future__ import annotations

import struct
import sys
from array import array
from typing import BinaryIO, Callable

from olefile import ENDOFCHAIN, FREESECT, NOSTREAM  # the sector markers, as olefile names them

from ...errors import InputError
from .refusals import damaged

HEADER_FAT_SLOTS = 109  # FAT sector numbers held in the header itself
ENTRY = 128  # bytes of a directory entry
UINT32 = "I" if array("I").itemsize == 4 else "L"
# Frames olefile's recursive directory walk may take: a red-black tree of a million entries is at most
# 40 deep (2·log2 n) and HWP nests storages one level, so 256 is far past any real file and far below
# Python's recursion limit of 1000 (the pipeline's own frames sit under it).
MAX_TREE_DEPTH = 256
# Entries olefile may load: it checks each stream against a list of every earlier one, so opening takes
# quadratic time (measured: 20,000 one-byte streams 2.3 s, 60,000 34 s).  An HWP holds a few dozen
# entries plus one per embedded image.
MAX_ENTRIES = 30_000


def _damaged(why: str) -> InputError:
    return InputError(damaged("HWP", why))


def check_container(f: BinaryIO) -> None:
    """Raise InputError unless every table olefile walks in ``f`` (an OLE file) ends within the file.

    Checked, in olefile's order: the FAT sector list (header slots and the DIFAT chain), the FAT itself,
    the directory chain, the directory tree's depth, the MiniFAT chain and the mini stream's chain.
    """
    f.seek(0, 2)
    filesize = f.tell()
    f.seek(0)
    header = f.read(512)
    if len(header) < 512:
        raise _damaged("OLE 머리가 잘렸습니다")
    shift, mini_shift = struct.unpack_from("<HH", header, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise _damaged(f"OLE 섹터 크기(2^{shift}, 2^{mini_shift}바이트)를 지원하지 않습니다")
    ssz = 1 << shift
    per = ssz // 4  # sector numbers in one sector
    nb_sect = (filesize + ssz - 1) // ssz - 1  # sectors after the header, as olefile counts them
    n_fat, dir_start, _, _, minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from("<8I", header, 44)

    def sector(s: int, what: str, short_last: bool = False) -> bytes:
        """Sector ``s`` of the table ``what`` (its name as a refusal says it); olefile reads the directory as a
        stream, which accepts a cut-short last sector."""
        if s >= nb_sect:
            raise _damaged(f"OLE {what}에서 가리키는 {s}번 섹터가 파일에 없습니다 (섹터 {nb_sect}개)")
        f.seek(ssz * (s + 1))
        data = f.read(ssz)
        if len(data) < ssz and not (short_last and s == nb_sect - 1):
            raise _damaged(f"OLE {what}에서 가리키는 {s}번 섹터가 파일 끝에서 잘렸습니다")
        return data

    fat_sectors = _fat_sector_list(header, per, nb_sect, n_fat, difat_start, n_difat, sector)
    fat = array(UINT32)
    for s in fat_sectors:
        fat.frombytes(sector(s, "섹터 목록"))
    if sys.byteorder == "big":
        fat.byteswap()
    del fat[nb_sect:]  # olefile keeps only the entries of sectors that exist

    dir_chain = _chain(fat, dir_start, "디렉터리")
    directory = b"".join(sector(s, "디렉터리", short_last=True) for s in dir_chain)
    root_start, root_size = _tree_check(directory)
    if n_minifat:
        _chain(fat, minifat_start, "MiniFAT")
    if root_size:
        _chain(fat, root_start, "미니 스트림")


def _fat_sector_list(header: bytes, per: int, nb_sect: int, n_fat: int, difat_start: int, n_difat: int,
                     sector: Callable[[int, str], bytes]) -> list[int]:
    """The FAT sectors olefile will load, refusing a DIFAT chain that loops or a list longer than the file needs.

    A FAT sector maps ``per`` sectors, so a file of ``nb_sect`` sectors needs at most ceil(nb_sect / per)
    of them; the 109 header slots are allowed in full (some writers fill unused ones).  olefile copies the
    whole FAT for every FAT sector it adds, so this bound is also what keeps its load time near-linear.
    """
    limit = HEADER_FAT_SLOTS + -(-nb_sect // per)
    out: list[int] = []
    for s in struct.unpack_from(f"<{HEADER_FAT_SLOTS}I", header, 76):
        if s in (ENDOFCHAIN, FREESECT):
            break
        out.append(s)
    if n_difat == 0:
        return out
    if n_fat > limit:
        raise _damaged(f"OLE 머리에 FAT 섹터가 {n_fat}개라고 적혀 있지만 이 크기의 파일에는 많아야 {limit}개면 됩니다")
    # olefile walks as many DIFAT sectors as the FAT sector count implies (and refuses any other count)
    steps = max(0, (n_fat - HEADER_FAT_SLOTS + per - 2) // (per - 1))
    seen: set[int] = set()
    s = difat_start
    for _ in range(steps):
        if s in seen:
            raise _damaged(f"OLE 섹터 목록(DIFAT)이 {s}번 섹터로 되돌아갑니다")
        seen.add(s)
        ids = struct.unpack(f"<{per}I", sector(s, "섹터 목록(DIFAT)"))
        for i in ids[:-1]:
            if i in (ENDOFCHAIN, FREESECT):
                break
            out.append(i)
        if len(out) > limit:
            raise _damaged(f"OLE 섹터 목록(DIFAT)의 FAT 섹터가 {limit}개를 넘습니다 (이 크기의 파일에 필요한 것보다 "
                           "많음)")
        s = ids[-1]
    return out


def _chain(fat: array, start: int, what: str) -> list[int]:
    """The sectors of a chain that starts at ``start``, refusing one that comes back on itself.

    A chain ends at a number past the FAT (ENDOFCHAIN or out of range), where olefile stops too.
    """
    seen = bytearray(len(fat))
    out: list[int] = []
    s = start
    while s < len(fat):
        if seen[s]:
            raise _damaged(f"OLE {what}의 섹터 사슬이 {s}번 섹터로 되돌아갑니다")
        seen[s] = 1
        out.append(s)
        s = fat[s]
    return out


def _tree_check(directory: bytes) -> tuple[int, int]:
    """Walk the directory tree as olefile does, without recursion; the root entry's (start sector, size).

    olefile recurses once per left/right link and twice per storage's child link, and visits an entry
    once; a tree that needs more than MAX_TREE_DEPTH frames is refused here rather than failing there.
    """
    n = len(directory) // ENTRY
    if n == 0:
        raise _damaged("OLE 디렉터리가 비어 있습니다")

    def links(sid: int) -> tuple[int, int, int]:
        return struct.unpack_from("<III", directory, sid * ENTRY + 68)

    root_start, root_size_low, root_size_high = struct.unpack_from("<III", directory, 116)
    seen = bytearray(n)  # olefile marks an entry when it enters it (the root too, if a link names it)
    deepest = count = 0
    stack = [(links(0)[2], 1)]
    while stack:  # olefile's order: an entry, its left subtree, its right subtree, then its children
        sid, depth = stack.pop()
        if sid == NOSTREAM or sid >= n or seen[sid]:
            continue  # olefile skips an out-of-range or repeated entry
        seen[sid] = 1
        count += 1
        if count > MAX_ENTRIES:
            raise _damaged(f"OLE 디렉터리 항목이 {MAX_ENTRIES:,}개를 넘습니다")
        if depth > deepest:
            deepest = depth
            if deepest > MAX_TREE_DEPTH:
                raise _damaged(f"OLE 디렉터리 트리가 {MAX_TREE_DEPTH}단계보다 깊습니다 (항목 {n}개; 균형 잡힌 "
                               f"트리라면 많아야 {2 * n.bit_length()}단계쯤)")
        left, right, child = links(sid)
        stack += [(child, depth + 2), (right, depth + 1), (left, depth + 1)]
    return root_start, root_size_low or root_size_high
