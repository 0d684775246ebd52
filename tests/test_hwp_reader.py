"""HWP 5.0 reader: real documents against the expected tables, HWP = HWPX for the same document,
배포용 decryption, the password/HWP3/non-HWP errors, python-hwpx as an independent oracle, and
damaged input."""
from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest
from test_hwpx_reader import compare_with_expected

from pipeline.errors import InputError
from pipeline.model import Table
from pipeline.readers.hancom.hwp import read_hwp
from pipeline.readers.hancom.hwpx import read_hwpx
from pipeline.readers.hancom.limits import Budget, inflate_raw

PAIRS = [
    "fdi_2024q1_press",
    "fdi_2025q2_press",
    "rhwp_business_overview",
    "rhwp_expense_report",
    "rhwp_table-vpos-01",
    "rhwp_tb-org-02",
]
PASSWORD_MSG = "암호가 걸린 HWP입니다 — 한글에서 암호를 풀고 저장해 다시 제출하세요"


def test_real_hwp_tables_equal_expected(corpus: Path) -> None:
    compare_with_expected(corpus, "hwp", read_hwp)


def _texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if not isinstance(b, Table)]


@pytest.mark.parametrize("name", PAIRS)
def test_same_document_in_both_formats_gives_identical_tables(corpus: Path, name: str) -> None:
    a = read_hwp(corpus / "real/hwp" / f"{name}.hwp")
    b = read_hwpx(corpus / "real/hwpx" / f"{name}.hwpx")
    assert a.tables_json() == b.tables_json()
    assert [t.parent for t in a.tables] == [t.parent for t in b.tables]
    assert _texts(a) == _texts(b)


def test_seed_card_hwp_equals_hwpx(corpus: Path) -> None:
    a = read_hwp(corpus / "cards/seed57-2021Q4.hwp")
    b = read_hwpx(corpus / "cards/seed57-2021Q4.hwpx")
    assert a.format == "hwp" and a.page_count is None
    assert len(a.tables) == 8
    assert a.tables_json() == b.tables_json()
    assert _texts(a) == _texts(b)
    assert [type(x) for x in a.blocks] == [type(x) for x in b.blocks]
    assert a.tables[0].cells[1].text == "『찾아가는 동주민센터』안착화"


def test_hwp_renamed_pdf_is_read_by_content(corpus: Path) -> None:
    assert len(read_hwp(corpus / "bad/hwp-renamed.pdf").tables) == 8


@pytest.mark.parametrize("where", ["real/hwp", "bad"])
def test_distribution_document_is_decrypted(corpus: Path, where: str) -> None:
    doc = read_hwp(corpus / where / "hwplib_distribution.hwp")
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert (t.rows, t.cols) == (2, 3)
    assert [c.text for c in t.cells[:3]] == ["", "계약업체의 안전 및 보건 확보 의무사항(제4조, 제9조)", ""]
    last = t.cells[3]
    assert (last.row, last.col, last.colspan) == (1, 0, 3)
    lines = last.text.split("\n")
    assert len(lines) == 4 and lines[0].strip().startswith("① 재해예방에 필요한 인력･예산･점검등")
    assert any("입찰공고" in x for x in _texts(doc))


@pytest.mark.parametrize("where", ["real/hwp", "bad"])
def test_password_protected_hwp(corpus: Path, where: str) -> None:
    with pytest.raises(InputError) as e:
        read_hwp(corpus / where / "pyhwp_password-12345.hwp")
    assert str(e.value) == PASSWORD_MSG


def test_pdf_renamed_hwp_is_not_hwp(corpus: Path) -> None:
    with pytest.raises(InputError, match="^HWP 5.0 파일이 아닙니다"):
        read_hwp(corpus / "bad/pdf-renamed.hwp")


def test_hwp3_file(tmp_path: Path) -> None:
    p = tmp_path / "old.hwp"
    p.write_bytes(b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\0" * 200)
    with pytest.raises(InputError, match="^HWP 3.x 파일은 읽을 수 없습니다"):
        read_hwp(p)


def test_ole_without_fileheader(corpus: Path, tmp_path: Path) -> None:
    data = (corpus / "cards/seed57-2021Q4.hwp").read_bytes()
    name = "FileHeader".encode("utf-16le")
    assert data.count(name) == 1
    p = tmp_path / "nohdr.hwp"
    p.write_bytes(data.replace(name, "FileHeadeX".encode("utf-16le")))
    with pytest.raises(InputError, match="^HWP 5.0 파일이 아닙니다"):
        read_hwp(p)


def test_inflate_is_bounded_while_streaming() -> None:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = c.compress(b"\0" * 10_000_000) + c.flush()
    assert len(bomb) < 20_000
    with pytest.raises(InputError, match="압축을 풀면 한도 1 MB를 넘습니다"):
        inflate_raw(bomb, Budget(), "BodyText/Section0", limit=1024 * 1024)
    with pytest.raises(InputError, match="문서 전체의 압축 해제 한도 2 MB를 넘었습니다"):
        inflate_raw(bomb, Budget(total=2 * 1024 * 1024), "BodyText/Section0")
    assert len(inflate_raw(bomb, Budget(), "BodyText/Section0")) == 10_000_000


@pytest.mark.parametrize(
    "name",
    ["cards/seed57-2021Q4.hwp", "real/hwp/rhwp_inner-table-01.hwp", "real/hwp/pyhwp_table-caption.hwp",
     "real/hwp/hwplib_merging-cell.hwp", "real/hwp/rhwp_table-complex.hwp"],
)
def test_python_hwpx_oracle_agrees(corpus: Path, tmp_path: Path, name: str) -> None:
    """python-hwpx parses the HWP itself (its own HWP 5.0 code) and writes HWPX; reading that must match."""
    hwpx = pytest.importorskip("hwpx.document")
    doc = hwpx.HwpxDocument.open(str(corpus / name))
    out = tmp_path / "oracle.hwpx"
    out.write_bytes(doc.to_bytes())

    def shape(d):
        return [
            (t.rows, t.cols, sorted((c.row, c.col, c.rowspan, c.colspan, "".join(c.text.split())) for c in t.cells))
            for t in d.tables
        ]

    assert shape(read_hwp(corpus / name)) == shape(read_hwpx(out))


def test_mutated_hwp_gives_document_or_input_error(corpus: Path, tmp_path: Path) -> None:
    rnd = random.Random(5)
    for src in ["cards/seed57-2021Q4.hwp", "real/hwp/hwplib_distribution.hwp"]:
        data = (corpus / src).read_bytes()
        variants = [data[: int(len(data) * k / 10)] for k in range(1, 10)] + [data[:-7]]
        for _ in range(30):
            b = bytearray(data)
            for _ in range(rnd.randint(1, 8)):
                b[rnd.randrange(len(b))] = rnd.randrange(256)
            variants.append(bytes(b))
        for i, v in enumerate(variants):
            path = tmp_path / f"m{i}.hwp"
            path.write_bytes(v)
            try:
                read_hwp(path)
            except InputError as e:
                assert "\n" not in str(e)
