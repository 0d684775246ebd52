"""Numbers as the cards print them: money amounts, and figures with a counter word.

A plan/performance cell is a figure only when the *whole* cell is one number
with an optional counter (`6회`, `1,381`, `38.5%`, `0.8㎞`); anything more
(`시구합동 모니터링 1회`, `온라인 : 3,369건`) is text, because guessing which of
several numbers is "the" value would put a wrong figure in a CSV that people
sum.  Money cells use `△`/`▲` for minus and `-`/blank for "nothing printed".
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Optional, Union

Number = Union[int, float]

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# Counter words: a short Hangul word (회, 건, 개소, 개사 …) or a unit sign.
_COUNTER = r"(?:%|％|[\uac00-\ud7a3]{1,3}|[㎞㎡㎢㎥㎏㎎㎖ℓ]|km|m|kg|t|톤)"
_MEASURE = re.compile(rf"^(?P<num>{_NUM})\s*(?P<unit>{_COUNTER})?$", re.IGNORECASE)
_MONEY = re.compile(rf"^(?P<neg>[△▲-]|−)?(?P<num>{_NUM})$")
# `ㅡ` is the Hangul letter EU, typed for a dash on Korean keyboards.
_NOTHING = {"", "-", "–", "—", "―", "－", "‐", "ㅡ"}
# Money unit words, longest first so `백만원` is not read as `만원`; factor to 백만원.
_MONEY_UNITS: dict[str, Decimal] = {
    "십억원": Decimal(1000), "천만원": Decimal(10), "백만원": Decimal(1), "억원": Decimal(100),
    "천원": Decimal("0.001"), "만원": Decimal("0.01"), "원": Decimal("0.000001"),
}
MONEY_UNIT_RE = "(?:" + "|".join(_MONEY_UNITS) + ")"
# A number with a 만/억/천/조 multiplier (`3만명`) is a sentence figure, not a count with a counter word.
_MULTIPLIER = re.compile(r"^(?:[만억천조]|백만|십억)")


def _to_number(d: Decimal) -> Number:
    return int(d) if d == d.to_integral_value() else float(d)


def add_amounts(a: Number, b: Number) -> Number:
    """a + b exactly (decimal, not binary: 0.1 + 0.2 is 0.3), whole sums as int."""
    return _to_number(Decimal(str(a)) + Decimal(str(b)))


def prints_nothing(text: str | None) -> bool:
    """A cell that prints nothing (`-`, dashes, blank): it gives no row."""
    return re.sub(r"\s+", "", text or "") in _NOTHING


def parse_measure(text: str | None) -> tuple[Optional[Number], str]:
    """(value, measure) when the whole cell is a figure with an optional counter, else (None, "")."""
    s = (text or "").strip()
    m = _MEASURE.match(s)
    if not m:
        return None, ""
    unit = m.group("unit") or ""
    if _MULTIPLIER.match(unit):
        return None, ""
    value = _to_number(Decimal(m.group("num").replace(",", "")))
    return value, unit


def _squeeze_money(text: str) -> str:
    """Whitespace a layout can add inside an amount, removed; any other whitespace kept.

    A break may sit next to a thousands comma (`1,234,⏎567`), after a sign
    (`△ 1,234`) or before a unit word; two digit groups separated only by
    whitespace (`100⏎200`, `1 234`) are two numbers, so they stay apart and fail.
    """
    s = unicodedata.normalize("NFKC", text).strip()
    s = re.sub(r"\s*,\s*", ",", s)
    s = re.sub(r"^([△▲\-−])\s+", r"\1", s)
    s = re.sub(rf"\s+({MONEY_UNIT_RE})$", r"\1", s)
    return s


def parse_money(text: str | None, scale: Decimal = Decimal(1)) -> Optional[Number]:
    """An amount in 백만원 (scale converts 천원/억원), None for a cell that prints nothing.

    A unit word printed in the cell itself (`1,000천원`) overrides the table's
    unit note, because it is the more specific statement.  Raises ValueError
    for a cell that is neither one number nor blank, so a caller never mistakes
    text, or two numbers, for an amount.
    """
    if prints_nothing(text) or prints_nothing(unicodedata.normalize("NFKC", text or "")):
        return None
    s = _squeeze_money(text or "")
    u = re.search(rf"{MONEY_UNIT_RE}$", s)
    if u:
        scale = _MONEY_UNITS[u.group(0)]
        s = s[: u.start()]
    m = _MONEY.match(s)
    if not m:
        raise ValueError(f"not an amount: {text!r}")
    d = Decimal(m.group("num").replace(",", "")) * scale
    if m.group("neg"):
        d = -d
    return _to_number(d)


def money_scale(text: str | None) -> Optional[Decimal]:
    """The factor to 백만원 named by a unit note (`(단위: 천원)`, `억원`), None when none is named.

    `단위: X` wins over a unit word elsewhere in the line; otherwise the first
    unit word counts.  A bare `원` counts only after `단위`, since `원` ends
    many ordinary words (지원, 위원).
    """
    s = re.sub(r"\s+", "", text or "")
    m = re.search(rf"단위[:：]?({MONEY_UNIT_RE})", s)
    if m:
        return _MONEY_UNITS[m.group(1)]
    m = re.search(r"(?:" + "|".join(u for u in _MONEY_UNITS if u != "원") + ")", s)
    return _MONEY_UNITS[m.group(0)] if m else None


def amount_with_unit(text: str) -> Optional[Number]:
    """`2,880백만원`, `126,457천원`, `12.5억원` → 백만원; None when the text has no such amount."""
    m = re.search(rf"([△▲-]?)\s*({_NUM})\s*({MONEY_UNIT_RE})", text or "")
    if not m:
        return None
    scale = _MONEY_UNITS[m.group(3)]
    d = Decimal(m.group(2).replace(",", "")) * scale
    return _to_number(-d if m.group(1) else d)
