"""Item titles by the contract's pattern (number bare or in any brackets, after a marker or a word, on a line or
in a box whose cells hold number and name apart), and the lines that must never be taken for one."""
from __future__ import annotations

from typing import Optional

import pytest

from pipeline.cards.titles import number_cell, title_in_box, title_in_line
from pipeline.model import Cell, Table


@pytest.mark.parametrize("line, no, name", [
    ("57 『찾아가는 동주민센터』안착화", 57, "찾아가는 동주민센터 안착화"),
    ("57.『테스트』", 57, "테스트"),
    ("57『테스트』", 57, "테스트"),
    ("[7] 가온천 수변 야간경관 조성", 7, "가온천 수변 야간경관 조성"),
    ("◈ 14. 시민 안전체험관 건립", 14, "시민 안전체험관 건립"),
    ("공약사업 22 청년 스마트팜 창업 지원", 22, "청년 스마트팜 창업 지원"),
    ("[35] 가온역 환승주차장 확충", 35, "가온역 환승주차장 확충"),
    ("【57】 테스트 사업", 57, "테스트 사업"),
    ("〔57〕 테스트 사업", 57, "테스트 사업"),
    ("<57> 테스트 사업", 57, "테스트 사업"),
    ("57) 테스트 사업", 57, "테스트 사업"),
    ("No.57 테스트 사업", 57, "테스트 사업"),
    ("과제 3. 청년 일자리", 3, "청년 일자리"),
    ("■ 공약 12 : 『푸른 하천길』 조성", 12, "푸른 하천길 조성"),
    ("★★ 101. 어르신 돌봄", 101, "어르신 돌봄"),
    ("５７．『테스트』", 57, "테스트"),  # full-width digits and stop (NFKC)
    ("㉗ 테스트 사업", 27, "테스트 사업"),  # a circled number is a number in brackets
])
def test_title_lines(line: str, no: int, name: str) -> None:
    assert title_in_line(line) == (no, name)


@pytest.mark.parametrize("line", [
    "57-1 테스트 사업",  # a sub-item: its key is not defined by the contract, so it is not guessed
    "57.1 테스트 사업",
    "1.5억원 증액",
    "2024년 2/4분기 공약사업 추진상황",
    "2/4분기 추진실적",
    "- 4 -",
    "□ 1. 사업개요",
    "2. 추진실적",
    "제57호 『테스트』",
    "가온시 정책기획담당관",
    "57 NEW PROJECT",  # a name has Hangul
    "1234 테스트",
])
def test_not_title_lines(line: str) -> None:
    assert title_in_line(line) is None


def box(*texts: Optional[str]) -> Table:
    cells = [Cell(0, c, 1, 1, t) for c, t in enumerate(texts) if t is not None]
    return Table(1, len(texts), cells)


@pytest.mark.parametrize("cells, expected", [
    (("29", "어르신 무장애 보행환경 개선"), (29, "어르신 무장애 보행환경 개선")),
    (("【57】", "『찾아가는 동주민센터』안착화"), (57, "찾아가는 동주민센터 안착화")),
    (("No.57", "찾아가는 동주민센터"), (57, "찾아가는 동주민센터")),
    (("◈ 7.", "가온천 수변 야간경관"), (7, "가온천 수변 야간경관")),
    (("[7] 가온천 수변 야간경관",), (7, "가온천 수변 야간경관")),
    (("주관부서", "도시디자인과장"), None),
    (("2024", "공약사업 추진상황"), None),
    (("57", "추진상황"), None),  # a name that is a card heading is not a name
])
def test_title_boxes(cells: tuple, expected: Optional[tuple]) -> None:
    assert title_in_box(box(*cells)) == expected


def test_number_cell_forms() -> None:
    assert [number_cell(t) for t in ("29", "【57】", "(57)", "No.57", "◈ 7.", "57-1", "2024", "계")] == [
        29, 57, 57, 57, 7, None, None, None]
