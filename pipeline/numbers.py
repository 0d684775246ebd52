"""Numbers as the cards print them: money amounts, and figures with a counter word.

A plan/performance cell is a figure only when the *whole* cell is one number
with an optional counter (`6회`, `1,381`, `38.5%`, `0.8㎞`); anything more
(`시구합동 모니터링 1회`, `온라인 : 3,369건`) is text, because guessing which of
several numbers is "the" value would put a wrong figure in a CSV that people
sum.  Money cells use `△`/`▲` for minus and `-`/blank for "nothing printed".
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional, Union

Number = Union[int, float]

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# Counter words: a short Hangul word (회, 건, 개소, 개사 …) or a unit sign.
_COUNTER = r"(?:%|％|[\uac00-\ud7a3]{1,3}|[㎞㎡㎢㎥㎏㎎㎖ℓ]|km|m|kg|t|톤)"
_MEASURE = re.compile(rf"^(?P<num>{_NUM})\s*(?P<unit>{_COUNTER})?$", re.IGNORECASE)
_MONEY = re.compile(rf"^(?P<neg>[△▲-]|−)?\s*(?P<num>{_NUM})$")
_NOTHING = {"", "-", "–", "—", "―", "－", "‐"}


def _to_number(d: Decimal) -> Number:
    return int(d) if d == d.to_integral_value() else float(d)


def is_blank(text: str | None) -> bool:
    """A cell that prints nothing (`-`, dashes, blank): it gives no row."""
    return re.sub(r"\s+", "", text or "") in _NOTHING


def parse_measure(text: str | None) -> tuple[Optional[Number], str]:
    """(value, measure) when the whole cell is a figure with an optional counter, else (None, "")."""
    s = (text or "").strip()
    m = _MEASURE.match(s)
    if not m:
        return None, ""
    value = _to_number(Decimal(m.group("num").replace(",", "")))
    return value, m.group("unit") or ""


def parse_money(text: str | None, scale: Decimal = Decimal(1)) -> Optional[Number]:
    """An amount in 백만원 (scale converts 천원/억원), None for a cell that prints nothing.

    Raises ValueError for a cell that is neither a number nor blank, so a caller
    never mistakes text for an amount.
    """
    s = re.sub(r"\s+", "", text or "")
    if s in _NOTHING:
        return None
    s = re.sub(r"(백만원|천원|억원|원)$", "", s)
    m = _MONEY.match(s)
    if not m:
        raise ValueError(f"not an amount: {text!r}")
    d = Decimal(m.group("num").replace(",", "")) * scale
    if m.group("neg"):
        d = -d
    return _to_number(d)


def money_scale(text: str | None) -> Optional[Decimal]:
    """The factor to 백만원 named by a unit note (`(단위: 천원)`, `억원`), None when none is named."""
    s = re.sub(r"\s+", "", text or "")
    if "백만원" in s:
        return Decimal(1)
    if "천원" in s:
        return Decimal("0.001")
    if "억원" in s:
        return Decimal(100)
    if re.search(r"단위:?원", s):
        return Decimal("0.000001")
    return None


def amount_with_unit(text: str) -> Optional[Number]:
    """`2,880백만원`, `126,457천원`, `12.5억원` → 백만원; None when the text has no such amount."""
    m = re.search(rf"([△▲-]?)\s*({_NUM})\s*(백만원|천원|억원)", text or "")
    if not m:
        return None
    scale = money_scale(m.group(3)) or Decimal(1)
    d = Decimal(m.group(2).replace(",", "")) * scale
    return _to_number(-d if m.group(1) else d)
