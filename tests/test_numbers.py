"""Figures and money as printed: whole-cell numbers only, dashes are nothing, △ is minus."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cards.numbers import amount_with_unit, money_scale, parse_measure, parse_money, prints_nothing


@pytest.mark.parametrize(
    "text, value, measure",
    [
        ("6회", 6, "회"),
        ("1,381", 1381, ""),
        ("38.5%", 38.5, "%"),
        ("85.5%", 85.5, "%"),
        ("120면", 120, "면"),
        ("0.8㎞", 0.8, "㎞"),
        ("15개사", 15, "개사"),
        ("12,480명", 12480, "명"),
        ("0", 0, ""),
        ("시구합동 모니터링 1회", None, ""),
        ("온라인 : 3,369건", None, ""),
        ("1개소 개관", None, ""),
        ("성과조사 1회", None, ""),
        ("지속운영", None, ""),
    ],
)
def test_measure(text: str, value: object, measure: str) -> None:
    assert parse_measure(text) == (value, measure)


@pytest.mark.parametrize("text", ["-", "–", "—", "", "  ", None])
def test_dash_and_blank_are_nothing(text: str | None) -> None:
    assert prints_nothing(text) and parse_money(text) is None


def test_money() -> None:
    assert parse_money("2,880") == 2880
    assert parse_money("0") == 0
    assert parse_money("△35") == -35 and parse_money("▲1,200") == -1200
    assert parse_money("126,457", Decimal("0.001")) == 126.457
    assert parse_money("1,284,650", Decimal("0.001")) == 1284.65
    assert parse_money("12.5", Decimal(100)) == 1250
    with pytest.raises(ValueError):
        parse_money("국비")


def test_units() -> None:
    assert money_scale("(단위: 천원)") == Decimal("0.001")
    assert money_scale("(단위 : 백만원)") == 1
    assert money_scale("(단위: 억원)") == 100
    assert money_scale("단위사업") is None
    assert amount_with_unit("2,880백만원/ 비예산") == 2880
    assert amount_with_unit("1,284,650천원") == 1284.65


@given(st.integers(0, 10**12))
def test_commas_round_trip(n: int) -> None:
    assert parse_money(f"{n:,}") == n
    assert parse_measure(f"{n:,}") == (n, "")


@given(st.integers(0, 10**6), st.sampled_from(["회", "건", "개소", "개사", "%", "㎞", "명", "대"]))
def test_counters(n: int, unit: str) -> None:
    assert parse_measure(f"{n:,}{unit}") == (n, unit)


# ---- review findings: inputs outside the corpus -------------------------------------------------

@pytest.mark.parametrize("text", ["100\n200", "1 234", "1,000\n2,000"])
def test_two_numbers_in_one_money_cell_are_not_joined(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text, Decimal(100))


def test_money_cell_broken_at_a_comma_or_sign_is_one_number() -> None:
    assert parse_money("1,234,\n567") == 1234567
    assert parse_money("△ 1,234") == -1234
    assert parse_money("1,000 천원") == 1


def test_cell_unit_overrides_the_table_unit_note() -> None:
    assert parse_money("1,000천원", Decimal(100)) == 1  # 천원 cell in an 억원 table
    assert parse_money("1.5억원") == 150
    assert parse_money("5백만원", Decimal("0.001")) == 5


def test_more_unit_notes() -> None:
    assert money_scale("(단위: 십억원)") == 1000
    assert money_scale("(단위: 만원)") == Decimal("0.01")
    assert money_scale("(단위: 백만 원)") == 1
    assert money_scale("(단위 : 원)") == Decimal("0.000001")
    assert money_scale("지원 사업") is None  # 원 alone only after 단위
    assert amount_with_unit("1.5억원") == 150


def test_hangul_eu_used_as_a_dash_is_blank() -> None:
    assert prints_nothing("ㅡ") and parse_money("ㅡ") is None


@pytest.mark.parametrize("text", ["3만명", "1만", "1억", "2천명"])
def test_number_with_a_multiplier_is_not_a_counter(text: str) -> None:
    assert parse_measure(text) == (None, "")
