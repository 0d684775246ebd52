"""Every period spelling of CONTRACT.md → one code with ISO bounds."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cards.periods import make, parse, parse_quarter_code, quarters_in_line


@pytest.mark.parametrize(
    "text, parent, code",
    [
        ("‘18(하반기)", None, "2018H2"),
        ("’22(상반기)", None, "2022H1"),
        ("2022(상)", None, "2022H1"),
        ("’19", None, "2019"),
        ("2019년", None, "2019"),
        ("‘19년", None, "2019"),
        ("19년", None, "2019"),
        ("'19", None, "2019"),  # ASCII apostrophe
        ("2022", None, "2022"),
        ("1분기", "’21", "2021Q1"),
        ("1/4분기", "2021년", "2021Q1"),
        ("Ⅰ분기", "‘21년", "2021Q1"),
        ("1/4", "‘23년", "2023Q1"),
        ("4/4", "‘23년", "2023Q4"),
        ("1Q", "2023", "2023Q1"),
        ("Q1", "2023", "2023Q1"),
        ("’21.1분기", None, "2021Q1"),
        ("’21년 1분기", None, "2021Q1"),
        ("2021. 1/4", None, "2021Q1"),
        ("’22.3분기", None, "2022Q3"),
        ("상반기", "2022년", "2022H1"),
        ("하반기", "’22", "2022H2"),
        ("’22\n하반기", None, "2022H2"),
        ("‘22\n(하반기)", None, "2022H2"),
        ("계", None, "total"),
        ("합 계", None, "total"),
        ("총계", None, "total"),
    ],
)
def test_spellings(text: str, parent: str | None, code: str) -> None:
    p = parse(text, parent)
    assert p is not None and p.code == code


@pytest.mark.parametrize("text", ["단위사업", "구분", "세부과제", "19", "1분기", "", "국비"])
def test_not_a_period(text: str) -> None:
    assert parse(text) is None


def test_bounds() -> None:
    assert (make(2018, half=2).start, make(2018, half=2).end) == ("2018-07-01", "2018-12-31")
    assert (make(2021, quarter=1).start, make(2021, quarter=1).end) == ("2021-01-01", "2021-03-31")
    assert (make(2024, quarter=1).end, make(2023).end) == ("2024-03-31", "2023-12-31")
    assert parse("계").start == "" and parse("계").end == ""


@given(st.integers(2000, 2099), st.integers(1, 4), st.sampled_from(["{q}분기", "{q}/4분기", "{q}/4", "{q}Q", "Q{q}"]),
       st.sampled_from(["’{yy}", "‘{yy}", "'{yy}", "{y}", "{y}년", "{yy}년", "’{yy}년"]))
def test_quarter_under_any_year_spelling(y: int, q: int, qfmt: str, yfmt: str) -> None:
    parent = yfmt.format(y=y, yy=f"{y % 100:02d}")
    assert parse(qfmt.format(q=q), parent).code == f"{y}Q{q}"


def test_quarter_argument() -> None:
    assert parse_quarter_code("2021Q4") == "2021Q4"
    assert parse_quarter_code("2021-q4") == "2021Q4"
    assert parse_quarter_code("2021") is None


# ---- review findings: inputs outside the corpus -------------------------------------------------

@pytest.mark.parametrize("text, code", [("２０２１", "2021"), ("2021년도", "2021"), ("’21년도", "2021"),
                                        ("２０２１년 ３분기", "2021Q3"), ("´21", "2021")])
def test_full_width_digits_and_nyeondo(text: str, code: str) -> None:
    p = parse(text)
    assert p is not None and p.code == code


def test_cumulative_is_not_total_but_subtotal_is() -> None:
    assert parse("누계") is None and parse("누 계") is None
    assert parse("소계") is not None and parse("소계").code == "total"


@pytest.mark.parametrize("line, codes", [
    ("2021. 4/4분기 공약사업 추진상황", ["2021Q4"]), ("’21년 4분기 공약 추진상황", ["2021Q4"]),
    ("2021년도 4분기", ["2021Q4"]), ("2021년 제4분기 공약사업", ["2021Q4"]),
    ("２０２１년 ４분기", ["2021Q4"]), ("2021년 Ⅳ분기", ["2021Q4"]), ("12021년 1분기", []),
])
def test_quarters_in_a_running_line(line: str, codes: list[str]) -> None:
    assert quarters_in_line(line) == codes
