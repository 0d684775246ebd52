"""Builders for hostile HWP 5.0 / HWPX inputs, made from scratch so that no binary blob is committed.

``cfb`` writes a small OLE compound file (version 3, 512-byte sectors, mini stream for streams under 4 KB),
``hwp`` wraps record bytes into an HWP 5.0 file, ``hwpx`` zips section XML into an HWPX.  The probe
functions at the bottom each return the bytes of one input of issue 17; tests/test_hostile_hancom.py
writes them to a temporary folder and runs the reader and the command line on them.

Longer than the usual 400 lines because it holds one builder per probe of issue 17 beside the three writers
they share; split, each half would need the other's writers.
"""
from __future__ import annotations

import struct
import warnings
import zipfile
import zlib
from io import BytesIO
from typing import Optional, Sequence

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, DIFSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF
MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# -- OLE compound file ---------------------------------------------------------------------------


def _cfb_order(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def _balanced(sids: list[int]) -> tuple[int, dict[int, tuple[int, int]]]:
    """Root of a balanced binary tree over ``sids`` (already in CFB order) and each node's (left, right)."""
    links: dict[int, tuple[int, int]] = {}

    def build(lo: int, hi: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        links[sids[mid]] = (build(lo, mid), build(mid + 1, hi))
        return sids[mid]

    return build(0, len(sids)), links


def _chain(sids: list[int]) -> tuple[int, dict[int, tuple[int, int]]]:
    """Each entry the right sibling of the one before: a tree as deep as it has entries."""
    links = {s: (NOSTREAM, sids[i + 1] if i + 1 < len(sids) else NOSTREAM) for i, s in enumerate(sids)}
    return (sids[0] if sids else NOSTREAM), links


def cfb(streams: dict[str, bytes], chain_tree: bool = False) -> bytes:
    """An OLE compound file holding ``streams`` ({"Storage/Name": bytes}); storages are made from the paths.

    ``chain_tree`` links each storage's children as a right-leaning chain instead of a balanced tree.
    """
    # directory entries: (name, type, data); type 5 root, 1 storage, 2 stream
    names = ["Root Entry"]
    types = [5]
    datas: list[bytes] = [b""]
    children: dict[int, list[int]] = {0: []}
    storages: dict[str, int] = {"": 0}
    for path, data in streams.items():
        parts = path.split("/")
        parent = 0
        for depth in range(len(parts) - 1):
            key = "/".join(parts[: depth + 1])
            if key not in storages:
                storages[key] = len(names)
                names.append(parts[depth])
                types.append(1)
                datas.append(b"")
                children[parent].append(storages[key])
                children[storages[key]] = []
            parent = storages[key]
        children[parent].append(len(names))
        names.append(parts[-1])
        types.append(2)
        datas.append(data)
    n = len(names)
    left = [NOSTREAM] * n
    right = [NOSTREAM] * n
    child = [NOSTREAM] * n
    for parent, kids in children.items():
        kids = sorted(kids, key=lambda s: _cfb_order(names[s]))
        root, links = (_chain if chain_tree else _balanced)(kids)
        child[parent] = root
        for s, (lft, rgt) in links.items():
            left[s], right[s] = lft, rgt

    # mini stream for small streams, regular sectors for the rest
    mini = bytearray()
    minifat: list[int] = []
    start = [ENDOFCHAIN] * n
    big: list[int] = []
    for sid in range(1, n):
        d = datas[sid]
        if types[sid] != 2 or not d:
            continue
        if len(d) < CUTOFF:
            first = len(minifat)
            count = -(-len(d) // MINI)
            minifat.extend(range(first + 1, first + count))
            minifat.append(ENDOFCHAIN)
            start[sid] = first
            mini += d + b"\0" * (count * MINI - len(d))
        else:
            big.append(sid)
    n_dir = -(-n * 128 // SECTOR)
    n_minifat = -(-len(minifat) * 4 // SECTOR) if minifat else 0
    n_mini = -(-len(mini) // SECTOR) if mini else 0
    n_big = [-(-len(datas[s]) // SECTOR) for s in big]
    payload = n_dir + n_minifat + n_mini + sum(n_big)
    n_fat = 1
    while n_fat * (SECTOR // 4) < payload + n_fat + max(0, -(-(n_fat - 109) // 127)):
        n_fat += 1
    n_difat = max(0, -(-(n_fat - 109) // 127))
    fat = [FREESECT] * (n_fat * SECTOR // 4)
    fat_secs = list(range(n_fat))
    for s in fat_secs:
        fat[s] = FATSECT
    difat_secs = list(range(n_fat, n_fat + n_difat))
    for s in difat_secs:
        fat[s] = DIFSECT
    pos = n_fat + n_difat

    def alloc(count: int) -> int:
        nonlocal pos
        if count == 0:
            return ENDOFCHAIN
        first = pos
        for k in range(count - 1):
            fat[first + k] = first + k + 1
        fat[first + count - 1] = ENDOFCHAIN
        pos += count
        return first

    dir_start = alloc(n_dir)
    minifat_start = alloc(n_minifat)
    mini_start = alloc(n_mini)
    for sid, count in zip(big, n_big):
        start[sid] = alloc(count)
    start[0] = mini_start
    sizes = [len(d) for d in datas]
    sizes[0] = len(mini)

    sectors = [b""] * pos
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    for k, s in enumerate(fat_secs):
        sectors[s] = fat_bytes[k * SECTOR : (k + 1) * SECTOR]
    rest = fat_secs[109:]
    for k, s in enumerate(difat_secs):
        ids = rest[k * 127 : (k + 1) * 127]
        nxt = difat_secs[k + 1] if k + 1 < len(difat_secs) else ENDOFCHAIN
        sectors[s] = struct.pack("<128I", *(ids + [FREESECT] * (127 - len(ids)) + [nxt]))
    directory = b"".join(
        _dir_entry(names[s], types[s], left[s], right[s], child[s], start[s] if sizes[s] or s == 0 else ENDOFCHAIN, sizes[s])
        for s in range(n)
    )
    _fill(sectors, dir_start, directory)
    if minifat:
        _fill(sectors, minifat_start, struct.pack(f"<{len(minifat)}I", *minifat))
    if mini:
        _fill(sectors, mini_start, bytes(mini))
    for sid in big:
        _fill(sectors, start[sid], datas[sid])
    head_difat = fat_secs[:109] + [FREESECT] * (109 - min(109, n_fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        MAGIC, b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, n_fat, dir_start, 0, CUTOFF,
        minifat_start if minifat else ENDOFCHAIN, n_minifat, difat_secs[0] if difat_secs else ENDOFCHAIN, n_difat,
    ) + struct.pack("<109I", *head_difat)
    return header + b"".join(s.ljust(SECTOR, b"\0") for s in sectors)


def _fill(sectors: list[bytes], first: int, data: bytes) -> None:
    for k in range(-(-len(data) // SECTOR)):
        sectors[first + k] = data[k * SECTOR : (k + 1) * SECTOR]


def _dir_entry(name: str, typ: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    raw = name.encode("utf-16le")
    return struct.pack(
        "<64sHBBIII16sIQQIII", raw.ljust(64, b"\0"), len(raw) + 2, typ, 1, left, right, child, b"\0" * 16, 0, 0, 0,
        start, size, 0,
    )


def sector_offset(sect: int) -> int:
    return (sect + 1) * SECTOR


def header_fields(data: bytes) -> dict[str, int]:
    keys = ("n_fat", "dir_start", "minifat_start", "n_minifat", "difat_start", "n_difat")
    vals = struct.unpack_from("<IIxxxxxxxxIIII", data, 44)
    return dict(zip(keys, vals))


def fat_of(data: bytes) -> list[int]:
    """The FAT of a file written by ``cfb`` (its FAT sectors are listed in the header)."""
    n_fat = struct.unpack_from("<I", data, 44)[0]
    secs = struct.unpack_from(f"<{min(n_fat, 109)}I", data, 76)
    out: list[int] = []
    for s in secs:
        out += struct.unpack_from("<128I", data, sector_offset(s))
    return out


def set_fat(data: bytearray, index: int, value: int) -> None:
    """Overwrite FAT entry ``index`` of a file written by ``cfb`` (FAT sectors come first, in order)."""
    secs = struct.unpack_from("<109I", data, 76)
    struct.pack_into("<I", data, sector_offset(secs[index // 128]) + 4 * (index % 128), value)


# -- HWP 5.0 -------------------------------------------------------------------------------------

TAG_PARA_HEADER, TAG_PARA_TEXT, TAG_CTRL_HEADER, TAG_LIST_HEADER, TAG_TABLE = 66, 67, 71, 72, 77
Cell = tuple[int, int, int, int, str]  # row, col, rowspan, colspan, text


def record(tag: int, level: int, payload: bytes = b"") -> bytes:
    if len(payload) >= 0xFFF:
        return struct.pack("<II", tag | level << 10 | 0xFFF << 20, len(payload)) + payload
    return struct.pack("<I", tag | level << 10 | len(payload) << 20) + payload


def hwp_paragraph(text: str, level: int = 0) -> bytes:
    return record(TAG_PARA_HEADER, level, b"\0" * 22) + record(TAG_PARA_TEXT, level + 1, (text + "\r").encode("utf-16le"))


def hwp_table(rows: int, cols: int, cells: Sequence[Cell], level: int = 0) -> bytes:
    """A body paragraph holding one table: TABLE declares rows × cols, one LIST_HEADER per cell."""
    ctrl_char = struct.pack("<8H", 11, 0x6C74, 0x2062, 0, 0, 0, 0, 11)  # extended control 11 ('tbl ')
    out = record(TAG_PARA_HEADER, level, b"\0" * 22)
    out += record(TAG_PARA_TEXT, level + 1, ctrl_char + "\r".encode("utf-16le"))
    out += record(TAG_CTRL_HEADER, level + 1, b" lbt" + b"\0" * 40)
    out += record(TAG_TABLE, level + 2, struct.pack("<IHHH4H", 0, rows, cols, 0, 0, 0, 0, 0))
    for row, col, rowspan, colspan, text in cells:
        hdr = struct.pack("<HHI4HII4HH", 1, 0, 0, col, row, colspan, rowspan, 1000, 1000, 0, 0, 0, 0, 1)
        out += record(TAG_LIST_HEADER, level + 2, hdr) + hwp_paragraph(text, level + 2)
    return out


def file_header(compressed: bool = True) -> bytes:
    return b"HWP Document File".ljust(32, b"\0") + struct.pack("<II", 0x05000300, int(compressed)) + b"\0" * 216


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def hwp(section: bytes, extra: Optional[dict[str, bytes]] = None, chain_tree: bool = False) -> bytes:
    """An HWP 5.0 file whose BodyText/Section0 holds ``section`` (records, deflated)."""
    streams = {"FileHeader": file_header(), "DocInfo": deflate(b""), "BodyText/Section0": deflate(section)}
    streams.update(extra or {})
    return cfb(streams, chain_tree=chain_tree)


def seed_cells(rows: int = 2, cols: int = 2) -> list[Cell]:
    return [(r, c, 1, 1, f"칸{r}{c}") for r in range(rows) for c in range(cols)]


# -- HWPX ----------------------------------------------------------------------------------------

NS = ('xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
      'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"')


def hwpx_cell(row: object, col: object, rowspan: object, colspan: object, text: str) -> str:
    return (f'<hp:tc><hp:subList><hp:p><hp:run><hp:t>{text}</hp:t></hp:run></hp:p></hp:subList>'
            f'<hp:cellAddr colAddr="{col}" rowAddr="{row}"/><hp:cellSpan colSpan="{colspan}" rowSpan="{rowspan}"/></hp:tc>')


def hwpx_table(rows: object, cols: object, cells: Sequence[tuple]) -> str:
    by_row: dict[object, list[str]] = {}
    for c in cells:
        by_row.setdefault(c[0], []).append(hwpx_cell(*c))
    trs = "".join(f"<hp:tr>{''.join(tcs)}</hp:tr>" for tcs in by_row.values())
    return f'<hp:p><hp:run><hp:tbl rowCnt="{rows}" colCnt="{cols}">{trs}</hp:tbl></hp:run></hp:p>'


def hwpx_section(body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<hs:sec {NS}>'
            f'<hp:p><hp:run><hp:t>제목</hp:t></hp:run></hp:p>{body}</hs:sec>').encode("utf-8")


HPF = (b'<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/">'
       b'<opf:manifest><opf:item id="section0" href="Contents/section0.xml" media-type="application/xml"/>'
       b'</opf:manifest><opf:spine><opf:itemref idref="section0"/></opf:spine></opf:package>')


def hwpx(members: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip with a mimetype, content.hpf naming section0, and ``members`` (names may repeat)."""
    buf = BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on a duplicate name, which a probe wants
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("mimetype", b"application/hwp+zip", compress_type=zipfile.ZIP_STORED)
            z.writestr("Contents/content.hpf", HPF)
            for name, data in members:
                z.writestr(name, data)
    return buf.getvalue()


def hwpx_with(body: str, prolog: str = "") -> bytes:
    return hwpx([("Contents/section0.xml", hwpx_section(body, prolog))])


# -- the probes of issue 17 ----------------------------------------------------------------------
# Each returns the bytes of one hostile input; the names say what is wrong with it.

BIG = 100_000  # an HWPX number far past any table 한글 makes


def hwp_table_declares_65535() -> bytes:
    """TABLE record says 65535 × 65535; four 1 × 1 cells exist."""
    return hwp(hwp_paragraph("제목") + hwp_table(65535, 65535, seed_cells()))


def hwp_cell_spans_65535() -> bytes:
    """A 2 × 2 table whose first cell's LIST_HEADER spans 65535 rows and 65535 columns."""
    cells = seed_cells()
    cells[0] = (0, 0, 65535, 65535, "넓은 칸")
    return hwp(hwp_paragraph("제목") + hwp_table(2, 2, cells))


def hwp_cell_at_65534() -> bytes:
    """A 2 × 2 table with a fifth cell addressed at row 65534, column 65534."""
    return hwp(hwp_table(2, 2, seed_cells() + [(65534, 65534, 1, 1, "먼 칸")]))


def hwp_many_wide_tables(n: int = 300) -> bytes:
    """``n`` one-cell tables, each cell spanning 1000 × 1000: small each, 300 M slots together."""
    return hwp(b"".join(hwp_table(1000, 1000, [(0, 0, 1000, 1000, f"{i}")]) for i in range(n)))


def hwp_difat_self_loop() -> bytes:
    """The header claims 2^32-1 FAT sectors behind a DIFAT whose one sector names itself as the next."""
    data = bytearray(hwp(hwp_table(2, 2, seed_cells())))
    sect = len(data) // SECTOR - 1  # the new last sector
    fat0 = struct.unpack_from("<I", data, 76)[0]
    data += struct.pack("<128I", *([fat0] * 127 + [sect]))
    n_fat = 0xFFFFFFFF
    struct.pack_into("<I", data, 44, n_fat)
    struct.pack_into("<II", data, 68, sect, -(-(n_fat - 109) // 127))
    return bytes(data)


def hwp_difat_two_cycle() -> bytes:
    """Two DIFAT sectors that name each other as the next one."""
    data = bytearray(hwp(hwp_table(2, 2, seed_cells())))
    a = len(data) // SECTOR - 1
    fat0 = struct.unpack_from("<I", data, 76)[0]
    data += struct.pack("<128I", *([fat0] * 127 + [a + 1])) + struct.pack("<128I", *([fat0] * 127 + [a]))
    n_fat = 109 + 127 * 1000
    struct.pack_into("<I", data, 44, n_fat)
    struct.pack_into("<II", data, 68, a, 1000)
    return bytes(data)


def hwp_difat_loop_in_8mb() -> bytes:
    """An 8 MB file (large enough to need two DIFAT sectors) whose one DIFAT sector names itself as the next."""
    data = bytearray(hwp(hwp_table(2, 2, seed_cells())))
    nb_sect = 16_400
    data += b"\0" * (SECTOR * nb_sect - (len(data) - SECTOR))  # zero sectors up to nb_sect, then the DIFAT one
    a = nb_sect
    data += struct.pack("<128I", *([FREESECT] * 127 + [a]))
    n_fat = 109 + -(-(nb_sect + 1) // 128)  # as many FAT sectors as a file this size may have: two DIFAT steps
    struct.pack_into("<I", data, 44, n_fat)
    struct.pack_into("<II", data, 68, a, -(-(n_fat - 109) // 127))
    return bytes(data)


def hwp_fat_sector_past_end() -> bytes:
    """The header's second FAT slot names a sector far past the end of a 3 KB file."""
    data = bytearray(hwp(hwp_table(2, 2, seed_cells())))
    struct.pack_into("<I", data, 80, 0x00FFFFF0)
    return bytes(data)


def hwp_fat_lists_one_sector_109_times() -> bytes:
    """The header's 109 FAT slots all name the one real FAT sector."""
    data = bytearray(hwp(hwp_table(2, 2, seed_cells())))
    fat0 = struct.unpack_from("<I", data, 76)[0]
    struct.pack_into("<I", data, 44, 109)
    struct.pack_into("<109I", data, 76, *([fat0] * 109))
    return bytes(data)


def hwp_directory_loops() -> bytes:
    """The directory's sector chain comes back to its own first sector."""
    data = bytearray(hwp(hwp_table(2, 2, seed_cells()), extra={f"BinData/B{i}": b"x" for i in range(20)}))
    first = header_fields(bytes(data))["dir_start"]
    fat = fat_of(bytes(data))
    last = first
    while fat[last] != ENDOFCHAIN:
        last = fat[last]
    set_fat(data, last, first)
    return bytes(data)


def hwp_ministream_loops() -> bytes:
    """The mini stream's chain loops and the root entry claims a 4 GB mini stream."""
    data = bytearray(hwp(hwp_table(2, 2, seed_cells())))
    h = header_fields(bytes(data))
    dir_off = sector_offset(h["dir_start"])
    root_start = struct.unpack_from("<I", data, dir_off + 116)[0]
    set_fat(data, root_start, root_start)
    struct.pack_into("<I", data, dir_off + 120, 0xFFFFFF00)
    return bytes(data)


def hwp_minifat_loops() -> bytes:
    """The MiniFAT's chain loops and the header claims 2^24 MiniFAT sectors."""
    data = bytearray(hwp(hwp_table(2, 2, seed_cells())))
    h = header_fields(bytes(data))
    set_fat(data, h["minifat_start"], h["minifat_start"])
    struct.pack_into("<I", data, 64, 1 << 24)
    return bytes(data)


def hwp_directory_entries(n: int = 20_000, chain: bool = True) -> bytes:
    """An HWP with ``n`` empty BinData streams, linked as one chain (or a balanced tree)."""
    return hwp(hwp_table(2, 2, seed_cells()), extra={f"BinData/BIN{i:05d}.png": b"" for i in range(n)}, chain_tree=chain)


def hwpx_table_declares(rows: int = BIG, cols: int = BIG) -> bytes:
    """rowCnt/colCnt of 100000 on a table whose four cells make 2 × 2."""
    return hwpx_with(hwpx_table(rows, cols, seed_cells()))


def hwpx_cell_spans(n: int = BIG) -> bytes:
    """A 2 × 2 table whose first cell spans 100000 rows and columns."""
    cells: list[tuple] = list(seed_cells())
    cells[0] = (0, 0, n, n, "넓은 칸")
    return hwpx_with(hwpx_table(2, 2, cells))


def hwpx_cell_at(row: object = BIG, col: object = BIG) -> bytes:
    """A 2 × 2 table with a fifth cell at the given address."""
    return hwpx_with(hwpx_table(2, 2, [*seed_cells(), (row, col, 1, 1, "먼 칸")]))


def hwpx_many_wide_tables(n: int = 300) -> bytes:
    return hwpx_with("".join(hwpx_table(1000, 1000, [(0, 0, 1000, 1000, str(i))]) for i in range(n)))


def hwpx_two_section0() -> bytes:
    """Two members named Contents/section0.xml: the second one says something else."""
    return hwpx([("Contents/section0.xml", hwpx_section(hwpx_table(2, 2, seed_cells()))),
                 ("Contents/section0.xml", hwpx_section(hwpx_table(1, 1, [(0, 0, 1, 1, "다른 내용")])))])


def hwpx_entity_in_text() -> bytes:
    """An internal DTD declares &e; and a cell's text uses it."""
    cells: list[tuple] = list(seed_cells())
    cells[0] = (0, 0, 1, 1, "예산 &e; 집행")
    return hwpx_with(hwpx_table(2, 2, cells), prolog='<!DOCTYPE hs:sec [<!ENTITY e "1,000">]>')


def hwpx_nested(depth: int = 300) -> bytes:
    """A paragraph run wrapped in ``depth`` unknown elements: over libxml2's 256 levels."""
    return hwpx_with("<hp:p><hp:run>" + "<hp:x>" * depth + "</hp:x>" * depth + "</hp:run></hp:p>")


# -- probes made from a real card (the corpus's seed), so that a correct read can be compared ------


def records(section: bytes) -> list[tuple[int, int, int, int]]:
    """(payload offset, tag, level, size) of each record of an inflated HWP section."""
    out = []
    pos = 0
    while pos < len(section):
        (h,) = struct.unpack_from("<I", section, pos)
        pos += 4
        tag, level, size = h & 0x3FF, (h >> 10) & 0x3FF, h >> 20
        if size == 0xFFF:
            (size,) = struct.unpack_from("<I", section, pos)
            pos += 4
        out.append((pos, tag, level, size))
        pos += size
    return out


def hwp_with_section(seed: bytes, edit) -> bytes:
    """``seed`` (an HWP 5.0 file, compressed, one section) rewritten with ``edit(bytearray)`` applied to its section."""
    import olefile

    with olefile.OleFileIO(seed) as ole:
        streams = {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()}
    section = bytearray(zlib.decompress(streams["BodyText/Section0"], -15))
    edit(section)
    streams["BodyText/Section0"] = deflate(bytes(section))
    return cfb(streams)


def nth_table(section: bytes, n: int) -> tuple[int, list[int]]:
    """Payload offset of the ``n``-th TABLE record and the payload offsets of its cells' LIST_HEADERs."""
    recs = records(section)
    tables = [i for i, r in enumerate(recs) if r[1] == TAG_TABLE]
    i = tables[n]
    level = recs[i][2]
    cells = []
    for off, tag, lvl, _ in recs[i + 1 :]:
        if lvl < level:
            break
        if tag == TAG_LIST_HEADER and lvl == level:
            cells.append(off)
    return recs[i][0], cells


def seed_hwp_table_declares(seed: bytes, n: int = 2, rows: int = 65535, cols: int = 65535) -> bytes:
    def edit(sec: bytearray) -> None:
        off, _ = nth_table(sec, n)
        struct.pack_into("<HH", sec, off + 4, rows, cols)

    return hwp_with_section(seed, edit)


def seed_hwp_last_cell_spans(seed: bytes, n: int = 2, span: int = 65535) -> bytes:
    def edit(sec: bytearray) -> None:
        _, cells = nth_table(sec, n)
        struct.pack_into("<HH", sec, cells[-1] + 12, span, span)  # colspan, rowspan

    return hwp_with_section(seed, edit)


def seed_hwpx_with_section(seed: bytes, edit) -> bytes:
    """``seed`` (an HWPX) with ``edit(str) -> str`` applied to Contents/section0.xml, other members as they were."""
    src = zipfile.ZipFile(BytesIO(seed))
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "Contents/section0.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            z.writestr(info.filename, data)
    return buf.getvalue()


def _nth(text: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(n + 1):
        pos = text.index(needle, pos + 1)
    return pos


def seed_hwpx_table_declares(seed: bytes, n: int = 2, rows: int = BIG, cols: int = BIG) -> bytes:
    import re

    def edit(sec: str) -> str:
        i = _nth(sec, "<hp:tbl ", n)
        j = sec.index(">", i)
        head = re.sub(r'rowCnt="\d+"', f'rowCnt="{rows}"', sec[i:j])
        head = re.sub(r'colCnt="\d+"', f'colCnt="{cols}"', head)
        return sec[:i] + head + sec[j:]

    return seed_hwpx_with_section(seed, edit)


def seed_hwpx_last_cell_spans(seed: bytes, n: int = 2, span: int = BIG) -> bytes:
    import re

    def edit(sec: str) -> str:
        i = _nth(sec, "<hp:tbl ", n)
        end = sec.index("</hp:tbl>", i)
        assert sec.find("<hp:tbl ", i + 1, end) < 0, "pick a table without nested tables"
        k = sec.rindex("<hp:cellSpan ", i, end)
        j = sec.index("/>", k)
        span_el = re.sub(r'(colSpan|rowSpan)="\d+"', lambda m: f'{m.group(1)}="{span}"', sec[k:j])
        return sec[:k] + span_el + sec[j:]

    return seed_hwpx_with_section(seed, edit)


def hwpx_many_members(n: int = 100_000) -> bytes:
    """A zip of ``n`` empty stored members (a 5 MB central directory), written by hand: zipfile would be slow."""
    local, central = [], []
    off = 0
    for i in range(n):
        name = b"m%07d" % i
        head = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0, off)
                       + name)
        local.append(head)
        off += len(head)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF), len(directory), off, 0)
    return b"".join(local) + directory + end


def hwpx_text_over_10mb() -> bytes:
    """One cell holding 12 MB of text in one piece: past libxml2's text-node limit without XML_PARSE_HUGE."""
    return hwpx_with(hwpx_table(1, 1, [(0, 0, 1, 1, "가" * 4_000_000)]))
