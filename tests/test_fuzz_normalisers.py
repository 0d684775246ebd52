"""Fuzzing the normalisers with hypothesis: any text in, a result or our own documented error out.

Fixed seed (derandomize) and bounded examples, so a run is repeatable and short.
Round-trip properties where a rule has one: a period code parses back to itself,
a formatted number or counter parses back to its value.
"""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cards import numbers, periods, textclean

FUZZ = settings(max_examples=400, deadline=None, derandomize=True)
# Text like a card's: Hangul, digits, the quotes and brackets of period headings, dashes, bullets, spaces.
card_text = st.text(
    alphabet=st.sampled_from(list("0123456789,./-–—()·∘○□%년월분기상하반계합총소ⅠⅡⅢⅣQHq‘’' \n\t백만천억원회건개소")
                             + ["\u3000", "\u00a0", "가", "힣", "Ａ", "１"]),
    max_size=24,
)
any_text = st.one_of(card_text, st.text(max_size=24))


@FUZZ
@given(any_text, st.one_of(st.none(), any_text))
def test_period_parse_never_raises(text: str, parent: str | None) -> None:
    p = periods.parse(text, parent)
    if p is not None:
        assert p.code == "total" or p.code[:4].isdigit()
        if p.code != "total":
            assert p.start <= p.end


@FUZZ
@given(st.integers(1990, 2099), st.sampled_from([None, 1, 2]), st.sampled_from([None, 1, 2, 3, 4]))
def test_period_code_round_trips(year: int, half: int | None, quarter: int | None) -> None:
    p = periods.make(year, half=None if quarter else half, quarter=quarter)
    assert periods.parse_quarter_code(p.code) in (None, p.code)
    back = periods.parse(p.code.replace("H1", "(상반기)").replace("H2", "(하반기)").replace("Q", "년 ") + ("분기" if quarter else ""))
    assert back is not None and back.code == p.code


@FUZZ
@given(any_text)
def test_number_parsers_never_raise_other_than_value_error(text: str) -> None:
    numbers.prints_nothing(text)
    value, measure = numbers.parse_measure(text)
    assert (value is None and measure == "") or isinstance(value, (int, float))
    numbers.money_scale(text)
    numbers.amount_with_unit(text)
    try:
        numbers.parse_money(text, Decimal("0.001"))
    except ValueError:
        pass  # documented: a cell that is neither an amount nor blank


@FUZZ
@given(st.integers(0, 10**9), st.sampled_from(["", "회", "건", "개소", "%", "㎞", "명"]))
def test_counter_round_trip_with_commas(n: int, unit: str) -> None:
    assert numbers.parse_measure(f"{n:,}{unit}") == (n, unit)
    assert numbers.parse_money(f"{n:,}") == n
    assert numbers.parse_money(f"△{n:,}") == -n


@FUZZ
@given(any_text)
def test_label_cleaning_never_raises_and_is_idempotent(text: str) -> None:
    once = textclean.clean(text)
    assert "\n" not in once and "  " not in once
    assert textclean.clean(once) == once
    textclean.fold(text)
