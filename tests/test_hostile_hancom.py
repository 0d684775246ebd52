"""Hostile HWP 5.0 / HWPX input (issue 17): declared table sizes, OLE chain loops, and the smaller cases.

Every probe is built from scratch by tests/hostile_hancom.py (no binary blob in the repository) and must end
in one clear line naming the file, or read correctly, within 60 s and 1 GB peak RSS.  The document model's
grid must stay bounded whatever a table declares.
"""
from __future__ import annotations

import io
import random
import signal
import struct
import tracemalloc
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import hostile_hancom as H
import pytest
from bounded_run import LIMIT_S, assert_bounded, run_cli

from pipeline.cards import NO_ITEM as CARDS_NO_ITEM
from pipeline.errors import InputError
from pipeline.model import Cell, SlotBudget, Table, fit_to_cells
from pipeline.readers.hancom import ole
from pipeline.readers.hancom.hwp import read_hwp
from pipeline.readers.hancom.hwpx import read_hwpx
from pipeline.readers.hancom.limits import zip_directory_size
from pipeline.readers.hancom.refusals import damaged, too_big

# -- the probes --------------------------------------------------------------------------------------------

NO_ITEM = CARDS_NO_ITEM  # a probe that reads correctly is still not a pledge card


@dataclass
class Probe:
    name: str
    build: Callable[[], bytes]
    ext: str
    error: Optional[str] = None  # the reader's InputError, exactly; None when the file reads
    shape: Optional[tuple[int, int]] = None  # when it reads: the first table's rows × cols
    warnings: tuple[str, ...] = ()


PROBES = [
    # declared sizes: read by the cells that exist, or refused; never allocated
    Probe("hwp-table-declares-65535", H.hwp_table_declares_65535, "hwp", shape=(2, 2),
          warnings=("표 1: 적힌 크기는 65535 × 65535이지만 칸은 2 × 2만큼만 채워져 있어 2 × 2 크기로 읽었습니다",)),
    Probe("hwp-cell-spans-65535", H.hwp_cell_spans_65535, "hwp", shape=(2, 2),
          warnings=("표 1: 1행 1열 칸이 65535 × 65535칸으로 합쳐져 표(2 × 2) 밖으로 나가므로 표 가장자리에서 잘랐습니다",)),
    Probe("hwp-cell-at-65534", H.hwp_cell_at_65534, "hwp",
          error=damaged("HWP", "BodyText/Section0, 표 1: 65535행 65535열의 칸이 표(2 × 2) 밖에 있습니다")),
    Probe("hwp-300-tables-of-1000x1000", H.hwp_many_wide_tables, "hwp",
          error=too_big("HWP의 BodyText/Section0, 표 2: 1,000 × 1,000칸이라 한 문서의 표가 담을 수 있는 1,000,000칸을 "
                        "넘습니다")),
    Probe("hwpx-table-declares-100000", H.hwpx_table_declares, "hwpx", shape=(2, 2),
          warnings=("표 1: 적힌 크기는 100000 × 100000이지만 칸은 2 × 2만큼만 채워져 있어 2 × 2 크기로 읽었습니다",)),
    Probe("hwpx-cell-spans-100000", H.hwpx_cell_spans, "hwpx", shape=(2, 2),
          warnings=("표 1: 1행 1열 칸이 100000 × 100000칸으로 합쳐져 표(2 × 2) 밖으로 나가므로 표 가장자리에서 잘랐습니다",)),
    Probe("hwpx-cell-at-100000", H.hwpx_cell_at, "hwpx",
          error=damaged("HWPX", "Contents/section0.xml, 표 1: 100001행 100001열의 칸이 표(2 × 2) 밖에 있습니다")),
    Probe("hwpx-row-addr-minus-3", lambda: H.hwpx_cell_at(-3, 0), "hwpx",
          error=damaged("HWPX", "Contents/section0.xml, 표 1: -2행 1열의 칸이 표(2 × 2) 밖에 있습니다")),
    Probe("hwpx-negative-span", lambda: H.hwpx_with(H.hwpx_table(2, 2, [(0, 0, -1, 1, "x")])), "hwpx",
          error=damaged("HWPX", "Contents/section0.xml, 표 1: 1행 1열 칸의 병합 크기가 -1 × 1입니다 (1보다 작음)")),
    Probe("hwpx-300-tables-of-1000x1000", H.hwpx_many_wide_tables, "hwpx",
          error=too_big("HWPX의 Contents/section0.xml, 표 2: 1,000 × 1,000칸이라 한 문서의 표가 담을 수 있는 "
                        "1,000,000칸을 넘습니다")),
    # OLE container: loops and absurd counts refused before olefile walks them
    Probe("hwp-difat-self-loop", H.hwp_difat_self_loop, "hwp",
          error=damaged("HWP", "OLE 머리에 FAT 섹터가 4294967295개라고 적혀 있지만 이 크기의 파일에는 많아야 110개면 "
                               "됩니다")),
    Probe("hwp-difat-two-cycle", H.hwp_difat_two_cycle, "hwp",
          error=damaged("HWP", "OLE 머리에 FAT 섹터가 127109개라고 적혀 있지만 이 크기의 파일에는 많아야 110개면 됩니다")),
    Probe("hwp-difat-loop-8mb", H.hwp_difat_loop_in_8mb, "hwp",
          error=damaged("HWP", "OLE 섹터 목록(DIFAT)이 16400번 섹터로 되돌아갑니다")),
    Probe("hwp-fat-sector-past-end", H.hwp_fat_sector_past_end, "hwp",
          error=damaged("HWP", "OLE 섹터 목록에서 가리키는 16777200번 섹터가 파일에 없습니다 (섹터 5개)")),
    Probe("hwp-fat-listed-109-times", H.hwp_fat_lists_one_sector_109_times, "hwp", shape=(2, 2)),
    Probe("hwp-directory-chain-loops", H.hwp_directory_loops, "hwp",
          error=damaged("HWP", "OLE 디렉터리의 섹터 사슬이 1번 섹터로 되돌아갑니다")),
    Probe("hwp-mini-stream-loops", H.hwp_ministream_loops, "hwp",
          error=damaged("HWP", "OLE 미니 스트림의 섹터 사슬이 4번 섹터로 되돌아갑니다")),
    Probe("hwp-minifat-loops", H.hwp_minifat_loops, "hwp",
          error=damaged("HWP", "OLE MiniFAT의 섹터 사슬이 3번 섹터로 되돌아갑니다")),
    Probe("hwp-20k-entries-chained", H.hwp_directory_entries, "hwp",
          error=damaged("HWP", "OLE 디렉터리 트리가 256단계보다 깊습니다 (항목 20008개; 균형 잡힌 트리라면 많아야 "
                               "30단계쯤)")),
    Probe("hwp-20k-entries-balanced", lambda: H.hwp_directory_entries(20_000, chain=False), "hwp", shape=(2, 2)),
    Probe("hwp-30001-entries", lambda: H.hwp_directory_entries(30_001, chain=False), "hwp",
          error=damaged("HWP", "OLE 디렉터리 항목이 30,000개를 넘습니다")),
    # HWPX: members, entities, depth
    Probe("hwpx-100000-members", H.hwpx_many_members, "hwpx",
          error=damaged("HWPX", "zip 목록이 5 MB로 한도 4 MB를 넘습니다 (문서 하나에 담길 수 없는 수의 파일)")),
    Probe("hwpx-two-section0", H.hwpx_two_section0, "hwpx",
          error=damaged("HWPX", "zip 안에 Contents/section0.xml 파일이 두 개 있습니다")),
    Probe("hwpx-entity-in-text", H.hwpx_entity_in_text, "hwpx",
          error=damaged("HWPX", "Contents/section0.xml에 한글이 쓰지 않는 DOCTYPE이 있습니다 (그 안의 엔티티 참조는 "
                                "버리거나 짐작할 수밖에 없음)")),
    Probe("hwpx-undefined-entity", lambda: H.hwpx_with(H.hwpx_table(1, 1, [(0, 0, 1, 1, "예산 &e;")])), "hwpx",
          error=damaged("HWPX", "Contents/section0.xml에 정의되지 않은 엔티티 참조가 있습니다 (&e;)")),
    Probe("hwpx-nested-300", H.hwpx_nested, "hwpx",
          error=damaged("HWPX", "Contents/section0.xml의 요소가 256단계보다 깊게 겹쳐 있습니다")),
    Probe("hwpx-text-over-10mb", H.hwpx_text_over_10mb, "hwpx",
          error=damaged("HWPX", "Contents/section0.xml에 XML 해석기의 한도(한 덩어리 10 MB)를 넘는 글자나 이름이 "
                                "있습니다")),
]


def _write(probe: Probe, folder: Path) -> Path:
    path = folder / f"{probe.name}.{probe.ext}"
    path.write_bytes(probe.build())
    return path


def _read(path: Path):
    return (read_hwp if path.suffix == ".hwp" else read_hwpx)(path)


@contextmanager
def time_limit(seconds: int):
    """Fail (not hang) when the code inside runs past ``seconds``: the probes' old symptom was a 600 s loop."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.name)
def test_probe_reader_outcome(probe: Probe, tmp_path: Path) -> None:
    """The reader refuses with exactly this line, or reads the cells that exist with these warnings."""
    path = _write(probe, tmp_path)
    with time_limit(LIMIT_S):
        if probe.error is not None:
            with pytest.raises(InputError) as e:
                _read(path)
            assert str(e.value) == probe.error
        else:
            doc = _read(path)
            t = doc.tables[0]
            assert (t.rows, t.cols) == probe.shape
            assert all(c.row + c.rowspan <= t.rows and c.col + c.colspan <= t.cols for c in t.cells)
            assert tuple(doc.warnings) == probe.warnings


def test_every_probe_via_the_command_line_is_one_line_within_bounds(tmp_path: Path) -> None:
    """All probes in one `extract` run (a worker per file): each file gets one line naming it; the whole run,
    so every file in it, stays under the time and memory bounds."""
    paths = [_write(p, tmp_path) for p in PROBES]
    run = run_cli("extract", *map(str, paths), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "1")
    assert_bounded(run)
    assert run.code == 1
    assert len(run.lines) == len(PROBES), run.lines
    assert run.lines == [f"{path}: {p.error or NO_ITEM}" for p, path in zip(PROBES, paths)]  # input order


# Every probe also runs alone (the exit code and the only line are that file's); in `make test` only those whose
# symptom in the issue was a whole run gone wrong (600 s of CPU, gigabytes, "internal error", a recursion
# failure), the rest in the slow sweep.
ALONE = ["hwp-difat-self-loop", "hwp-table-declares-65535", "hwp-20k-entries-chained", "hwpx-row-addr-minus-3",
         "hwpx-table-declares-100000"]


@pytest.mark.parametrize("probe", [pytest.param(p, marks=() if p.name in ALONE else pytest.mark.slow) for p in PROBES],
                         ids=lambda p: p.name)
def test_probe_alone_via_the_command_line(probe: Probe, tmp_path: Path) -> None:
    """One probe per run: exit 1 and one line naming the file, within 60 s and 1 GB peak RSS."""
    path = _write(probe, tmp_path)
    run = run_cli("extract", str(path), "--out", str(tmp_path / "out"), "--no-cache")
    assert_bounded(run)
    assert run.code == 1
    assert run.lines == [f"{path}: {probe.error or NO_ITEM}"]


# -- a real card with a hostile table reads exactly like the clean card -------------------------------------

SEED_VARIANTS = {
    "hwp-declares-65535": ("seed57-2021Q4.hwp", H.seed_hwp_table_declares,
                           "표 3: 적힌 크기는 65535 × 65535이지만 칸은 11 × 9만큼만 채워져 있어 11 × 9 크기로 읽었습니다"),
    "hwp-last-cell-spans-65535": ("seed57-2021Q4.hwp", H.seed_hwp_last_cell_spans,
                                  "표 3: 11행 9열 칸이 65535 × 65535칸으로 합쳐져 표(11 × 9) 밖으로 나가므로 표 "
                                  "가장자리에서 잘랐습니다"),
    "hwpx-declares-100000": ("seed57-2021Q4.hwpx", H.seed_hwpx_table_declares,
                             "표 3: 적힌 크기는 100000 × 100000이지만 칸은 11 × 9만큼만 채워져 있어 11 × 9 크기로 "
                             "읽었습니다"),
    "hwpx-last-cell-spans-100000": ("seed57-2021Q4.hwpx", H.seed_hwpx_last_cell_spans,
                                    "표 3: 11행 9열 칸이 100000 × 100000칸으로 합쳐져 표(11 × 9) 밖으로 나가므로 "
                                    "표 가장자리에서 잘랐습니다"),
}


@pytest.mark.parametrize("variant", sorted(SEED_VARIANTS))
def test_seed_card_with_a_hostile_table_reads_like_the_clean_card(corpus: Path, tmp_path: Path, variant: str) -> None:
    name, build, warning = SEED_VARIANTS[variant]
    seed = (corpus / "cards" / name).read_bytes()
    (tmp_path / "clean").mkdir()
    (tmp_path / "hostile").mkdir()
    clean, hostile = tmp_path / "clean" / name, tmp_path / "hostile" / name
    # the clean copy goes through the same rewriting, so the only difference is the hostile number
    clean.write_bytes(H.hwp_with_section(seed, lambda s: None) if name.endswith(".hwp")
                      else H.seed_hwpx_with_section(seed, lambda s: s))
    hostile.write_bytes(build(seed))
    assert _read(hostile).tables_json() == _read(clean).tables_json()

    outs = {}
    for which, path in (("clean", clean), ("hostile", hostile)):
        run = run_cli("extract", str(path), "--out", str(tmp_path / f"out-{which}"), "--no-cache")
        assert_bounded(run)
        assert run.code == 0
        outs[which] = run
    assert outs["clean"].lines == []
    assert outs["hostile"].lines == [f"{hostile}: 경고: {warning}"]
    for csv in ("items", "budget", "plan", "performance"):
        a = (tmp_path / "out-clean" / f"{csv}.csv").read_bytes()
        assert (tmp_path / "out-hostile" / f"{csv}.csv").read_bytes() == a, csv
    findings = (tmp_path / "out-hostile" / "findings.csv").read_text("utf-8-sig")
    assert warning in findings and "extraction_warning" in findings


# -- the OLE guard on real files -----------------------------------------------------------------------------


def test_every_corpus_hwp_passes_the_ole_guard(corpus: Path) -> None:
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".hwp", ".pdf") and p.open("rb").read(8) == H.MAGIC)
    assert len(files) >= 25
    for p in files:
        with open(p, "rb") as f:
            ole.check_container(f)


def test_large_valid_container_with_difat_passes_the_guard(tmp_path: Path) -> None:
    """A 9 MB file needs more than 109 FAT sectors, so a DIFAT sector: a valid one must read."""
    data = H.hwp(H.hwp_table(2, 2, H.seed_cells()), extra={"BinData/BIN0001.bmp": bytes(range(256)) * 36_000})
    assert H.header_fields(data)["n_difat"] == 1
    path = tmp_path / "big.hwp"
    path.write_bytes(data)
    assert (read_hwp(path).tables[0].rows, read_hwp(path).tables[0].cols) == (2, 2)


# -- HWPX text: XML's own entities are text, kept -------------------------------------------------------------


def test_predefined_entities_and_character_references_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "amp.hwpx"
    path.write_bytes(H.hwpx_with(H.hwpx_table(1, 1, [(0, 0, 1, 1, "R&amp;D &lt;계획&gt; &#44032;&#x00B7;")])))
    assert read_hwpx(path).tables[0].cells[0].text == "R&D <계획> 가·"


def test_doctype_without_entities_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "dt.hwpx"
    path.write_bytes(H.hwpx_with(H.hwpx_table(1, 1, [(0, 0, 1, 1, "x")]), prolog="<!DOCTYPE hs:sec>"))
    with pytest.raises(InputError, match=r"^HWPX 파일이 손상되었습니다: Contents/section0.xml에 한글이 쓰지 않는 DOCTYPE"):
        read_hwpx(path)


# -- the document model: grid() and cell_at() whatever the table says ---------------------------------------


def _naive_grid(t: Table) -> list[list[Optional[Cell]]]:
    """The layout rule spelled out slot by slot: every slot a cell covers is that cell, a later cell wins."""
    g: list[list[Optional[Cell]]] = [[None] * max(t.cols, 0) for _ in range(max(t.rows, 0))]
    for c in t.cells:
        for r in range(max(c.row, 0), min(c.row + c.rowspan, t.rows)):
            for k in range(max(c.col, 0), min(c.col + c.colspan, t.cols)):
                g[r][k] = c
    return g


def _random_table(rnd: random.Random) -> Table:
    rows, cols = rnd.randint(0, 7), rnd.randint(0, 7)
    cells = [Cell(rnd.randint(-2, 8), rnd.randint(-2, 8), rnd.randint(1, 4), rnd.randint(1, 4), str(i))
             for i in range(rnd.randint(0, 12))]
    return Table(rows, cols, cells)


def test_grid_lays_out_any_table_like_the_slot_rule() -> None:
    rnd = random.Random(17)
    for _ in range(2000):
        t = _random_table(rnd)
        assert t.grid() == _naive_grid(t)


def test_sparse_grid_answers_like_the_dense_grid(monkeypatch) -> None:
    import pipeline.model as model

    rnd = random.Random(71)
    tables = [_random_table(rnd) for _ in range(500)]
    dense = [t.grid() for t in tables]
    monkeypatch.setattr(model, "DENSE_GRID_SLOTS", 0)
    for t, d in zip(tables, dense):
        s = t.grid()
        assert isinstance(s, model.SparseGrid) or t.rows * t.cols <= 0
        assert [list(row) for row in s] == d
        if t.rows and t.cols:
            assert s[-1][-1] is d[-1][-1] and s[t.rows - 1][0] is d[t.rows - 1][0]


def test_grid_of_a_huge_declared_table_allocates_nothing_per_slot() -> None:
    cells = [Cell(0, 0, 1, 1, "a"), Cell(0, 1, 1, 1, "b"), Cell(99_998, 5, 2, 99_990, "far")]
    t = Table(100_000, 100_000, cells)
    tracemalloc.start()
    try:
        g = t.grid()
        got = (g[0][0], g[0][1], g[0][2], g[99_999][99_994], g[99_999][4], len(g), len(g[12_345]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == (cells[0], cells[1], None, cells[2], None, 100_000, 100_000)
    assert peak < 1_000_000
    assert t.cell_at(99_999, 99_994) is cells[2] and t.cell_at(50_000, 50_000) is None
    with pytest.raises(IndexError):
        g[100_000]


def test_fit_to_cells_keeps_a_well_formed_table() -> None:
    t = Table(0, 0, [Cell(0, 0, 1, 2, "a"), Cell(1, 0, 1, 1, "b"), Cell(1, 1, 1, 1, "c")])
    assert fit_to_cells(t, 2, 2) == [] and (t.rows, t.cols) == (2, 2)
    assert [(c.rowspan, c.colspan) for c in t.cells] == [(1, 2), (1, 1), (1, 1)]


def test_fit_to_cells_sizes_by_the_cells_and_cuts_spans_at_the_declared_edge() -> None:
    t = Table(0, 0, [Cell(0, 0, 1, 1, "a"), Cell(0, 1, 9, 9, "b")])
    notes = fit_to_cells(t, 3, 2)
    assert notes == ["1행 2열 칸이 9 × 9칸으로 합쳐져 표(3 × 2) 밖으로 나가므로 표 가장자리에서 잘랐습니다"]
    assert (t.rows, t.cols, t.cells[1].rowspan, t.cells[1].colspan) == (3, 2, 3, 1)
    empty = Table(0, 0, [])
    assert fit_to_cells(empty, 5, 5) == ["적힌 크기는 5 × 5이지만 칸은 0 × 0만큼만 채워져 있어 0 × 0 크기로 읽었습니다"]


@pytest.mark.parametrize("cell, why", [
    (Cell(-1, 0, 1, 1, ""), "0행 1열의 칸이 표(2 × 2) 밖에 있습니다"),
    (Cell(0, 2, 1, 1, ""), "1행 3열의 칸이 표(2 × 2) 밖에 있습니다"),
    (Cell(0, 0, 0, 1, ""), "1행 1열 칸의 병합 크기가 0 × 1입니다 (1보다 작음)"),
])
def test_fit_to_cells_refuses_a_cell_it_cannot_place(cell: Cell, why: str) -> None:
    with pytest.raises(ValueError) as e:
        fit_to_cells(Table(0, 0, [cell]), 2, 2)
    assert str(e.value) == why


def test_slot_budget_counts_the_document() -> None:
    budget = SlotBudget(limit=100)
    budget.take(Table(5, 10, []))
    budget.take(Table(5, 10, []))
    with pytest.raises(ValueError, match=r"^1 × 1칸이라 한 문서의 표가 담을 수 있는 100칸을 넘습니다$"):
        budget.take(Table(1, 1, []))


# -- the zip's central directory is measured where zipfile will look for it ---------------------------------


def test_zip_directory_size_is_read_from_the_end_record_and_its_zip64_form() -> None:
    plain = H.hwpx_with(H.hwpx_table(1, 1, [(0, 0, 1, 1, "x")]))
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        expected = sum(46 + len(i.filename.encode()) + len(i.extra) + len(i.comment) for i in z.infolist())
    assert zip_directory_size(io.BytesIO(plain)) == expected
    assert zip_directory_size(io.BytesIO(b"not a zip")) is None
    # a zip64 end record and locator before the end record: zipfile takes the directory size from them
    end = plain.rindex(b"PK\x05\x06")
    rec64 = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1, 1, 1 << 40, 0)
    loc = struct.pack("<IIQI", 0x07064B50, 0, end, 1)
    forged = plain[:end] + rec64 + loc + plain[end:]
    assert zip_directory_size(io.BytesIO(forged)) == 1 << 40
