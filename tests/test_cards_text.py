"""Text the readers hand over: control characters become spaces in every reader before anything else sees them;
the report quarter stated on a boxed cover is read, and one stated but unreadable is a finding, never silence."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cards import extract
from pipeline.cards.cover import report_quarter_in_text
from pipeline.model import Cell, Document, Table, TextBlock
from pipeline.readers import read_document
from pipeline.readers.hancom.blocks import clean as hancom_clean
from pipeline.readers.hancom.blocks import compose_text
from pipeline.readers.pdf.text import clean_char

C0 = [chr(c) for c in range(0x20) if c not in (0x0A, 0x0D)]


def test_pdf_glyph_control_characters_are_spaces() -> None:
    assert all(clean_char(c) == " " for c in C0) and clean_char("가") == "가"


def test_hancom_text_control_characters_are_spaces() -> None:
    assert hancom_clean("2023년\x013분기") == "2023년 3분기"
    assert hancom_clean("a\nb\rc") == "a\nb\rc"  # line breaks stay line breaks
    assert all(hancom_clean(c) == " " for c in C0)
    assert compose_text("\x01가") == " 가"  # a 글자 겹치기's raw units reach the same rule


def _texts(path: Path) -> list[str]:
    doc = read_document(path)
    return [b.text for b in doc.blocks if isinstance(b, TextBlock)] + [c.text for t in doc.tables for c in t.cells]


def _corpus_files() -> list[str]:
    from conftest import CORPUS

    if not CORPUS.is_dir():
        return []
    files = [p for d in ("cards", "compiled", "variety", "real/hwp", "real/hwpx") for p in sorted((CORPUS / d).iterdir())
             if p.suffix in (".pdf", ".hwp", ".hwpx")]
    return [str(p.relative_to(CORPUS)) for p in files]


@pytest.mark.parametrize("name", _corpus_files())
def test_no_control_character_reaches_the_model(corpus: Path, name: str) -> None:
    try:
        texts = _texts(corpus / name)
    except Exception as exc:  # an unreadable real file (password, damaged) is another test's business
        pytest.skip(f"not readable: {exc}")
    bad = [t for t in texts if any(c in t for c in C0)]
    assert bad == []


def _card(head: list, perf_quarter: str = "2023년 2분기") -> Document:
    kv = Table(2, 4, [Cell(0, 0, 1, 1, "추진상황"), Cell(0, 1, 1, 1, "정상추진"), Cell(0, 2, 1, 1, "사업구분"),
                      Cell(0, 3, 1, 1, "신규"), Cell(1, 0, 1, 1, "총사업비"), Cell(1, 1, 1, 3, "100백만원")], page=2)
    perf = Table(2, 2, [Cell(0, 0, 1, 1, "구분"), Cell(0, 1, 1, 1, perf_quarter), Cell(1, 0, 1, 1, "회의"),
                        Cell(1, 1, 1, 1, "1회")], page=2)
    blocks = [*head, TextBlock("7 『테스트 사업』", 2), kv, TextBlock("□ 추진실적", 2), perf]
    return Document("x.pdf", "pdf", blocks, [b for b in blocks if isinstance(b, Table)], 2)


def test_quarter_on_a_boxed_cover_is_read() -> None:
    cover = Table(1, 1, [Cell(0, 0, 1, 1, "2023년 3/4분기\n시장 공약사업 추진상황")], page=1)
    d = _card([cover])
    assert report_quarter_in_text(d) == "2023Q3"
    res = extract(d)
    assert set(res.tables["items"]["report_quarter"]) == {"2023Q3"} and res.findings == []


def test_variety_hwp_reads_its_quarter_from_the_cover_box(corpus: Path) -> None:
    assert report_quarter_in_text(read_document(corpus / "variety/gaon-2024Q2.hwp")) == "2024Q2"


@pytest.mark.parametrize("statement", ["2023년\u200b3분기 공약사업 추진상황", "2023년 삼분기 공약사업 추진상황"])
def test_a_stated_quarter_that_cannot_be_read_is_a_finding(statement: str) -> None:
    d = _card([TextBlock(statement, 1)])
    res = extract(d)
    assert set(res.tables["items"]["report_quarter"]) == {"2023Q2"}  # the newest 추진실적 quarter, and it says so
    (f,) = res.findings
    assert (f.check, f.severity, f.page, f.found) == ("report_quarter_unreadable", "warning", 1, statement)
    assert "보고 분기 2023년 2분기는 추진실적의 가장 최근 분기에서 정했습니다" in f.message
