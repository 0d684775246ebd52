"""One pledge item → its items.csv row: the key-value box, the 기간 line, the 최종목표, the departments.

The key-value box is read as label → the cell to its right; amounts in the
총사업비 and 예산확보액 boxes are split by fund word.  Nothing here reads the
contract tables (``rows`` does).
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional

from ..model import Table, TextBlock
from ..vocab import BOX_FIELDS, BOX_FUND_WORDS, FUND_WORDS, SECURED_FIELDS
from .numbers import MONEY_UNIT_RE, add_amounts, amount_with_unit, money_scale, parse_money
from .segment import ItemSpan, source_pages
from .textclean import clean, fold

# A fund and its amount in a 총사업비 box: a word standing alone (`시·구비` names two funds, so it is not 구비)
# right before an amount, and not a share (`국비 50%`).  A known fund word maps to its code; any other word
# inside the box's brackets (민자, 기금, 특별교부세 …) is a named source, fund ``other``.
_AMOUNT = (r"\s*[:：]?\s*([△▲-]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?!\d|[.,]\d)(?!\s*[%％년~∼〜])\s*("
           + MONEY_UNIT_RE + ")?")
_FUND_AMOUNT = re.compile(r"(?<![\uac00-\ud7a3·])(" + "|".join(BOX_FUND_WORDS) + ")" + _AMOUNT)
_SOURCE_AMOUNT = re.compile(r"(?<![\uac00-\ud7a3·])([\uac00-\ud7a3]{2,6})" + _AMOUNT)
# A bare amount: not a share (`50%`) and not a year of a range (`2019~2022`).
_NUMBER = re.compile(
    r"(?<![\d.,~∼〜])[△▲-]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d|[.,]\d)(?!\s*[%％년~∼〜])"
)
# `기 간 : 2018. 7월 ~ 2022. 6월`, `기간: ’18. 7. ~ ’22. 6.` (two-digit years after a quote).
_YEAR_IN_LINE = r"((?:19|20)\d{2}|[‘’'`´]\d{2})"
_PERIOD_LINE = re.compile(
    r"기\s*간\s*[:：]?\s*" + _YEAR_IN_LINE + r"\s*[.년]\s*(\d{1,2})\s*월?\s*\.?\s*[~∼〜-]\s*"
    + _YEAR_IN_LINE + r"\s*[.년]\s*(\d{1,2})(?!\d)"
)
_DEPT = re.compile(r"([\uac00-\ud7a3·]+?(?:과|담당관|센터|사업소|보건소))(?=장|\s|[:：(]|$)")


def _kv_pairs(tables: list[Table]) -> list[tuple[str, str]]:
    """(label, value) pairs of key-value boxes: each cell and the next cell to its right."""
    out = []
    for t in tables:
        g = t.grid()
        for c in sorted(t.cells, key=lambda c: (c.row, c.col)):
            nxt = c.col + c.colspan
            if nxt < t.cols and g[c.row][nxt] is not None:
                out.append((clean(c.text), g[c.row][nxt].text))
    return out


def box_amounts(text: str) -> tuple[Optional[float], dict[str, float]]:
    """Total and per-fund amounts of a 총사업비 / 예산확보액 box, in 백만원.

    The total is the first amount outside brackets: a bracket holds the fund
    split or the years (`(2019~2022) 1,000`), never the total.
    """
    outside = re.sub(r"[(（][^)）]*[)）]", " ", text)
    total = amount_with_unit(outside)
    unit_m = re.search(MONEY_UNIT_RE, text)
    default_scale = money_scale(unit_m.group(0)) if unit_m else Decimal(1)
    if total is None:
        m = _NUMBER.search(outside)
        total = parse_money(m.group(0), default_scale) if m else None
    funds: dict[str, float] = {}
    for m in _FUND_AMOUNT.finditer(text):
        sc = money_scale(m.group(3)) if m.group(3) else default_scale
        code = FUND_WORDS[m.group(1)]
        amount = parse_money(m.group(2), sc)
        if amount is not None and (code not in funds or code == "other"):
            funds[code] = _plus(funds.get(code), amount)
    for inside in re.findall(r"[(（]([^)）]*)[)）]", text):
        for m in _SOURCE_AMOUNT.finditer(inside):
            code = FUND_WORDS.get(m.group(1), "other")
            if m.group(1) in BOX_FUND_WORDS or code != "other":
                continue  # read above, or a total
            sc = money_scale(m.group(3)) if m.group(3) else default_scale
            amount = parse_money(m.group(2), sc)
            if amount is not None:
                funds["other"] = _plus(funds.get("other"), amount)
    return total, funds


def _plus(a: Optional[float], b: float) -> float:
    return b if a is None else add_amounts(a, b)


def _year(text: str) -> int:
    """`2018` or a quoted two-digit year (`’18`) as a four-digit year."""
    digits = re.sub(r"\D", "", text)
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def project_period(text: str) -> Optional[tuple[str, str]]:
    """(`YYYY-MM`, `YYYY-MM`) from a 기간 line; None when there is none or a month is not 1–12."""
    m = _PERIOD_LINE.search(re.sub(r"\s+", " ", text))
    if not m:
        return None
    y0, m0, y1, m1 = _year(m.group(1)), int(m.group(2)), _year(m.group(3)), int(m.group(4))
    if not (1 <= m0 <= 12 and 1 <= m1 <= 12):
        return None
    return f"{y0:04d}-{m0:02d}", f"{y1:04d}-{m1:02d}"


def item_row(item: ItemSpan, source_file: str, fmt: str) -> dict[str, Any]:
    row: dict[str, Any] = {"item_no": item.item_no, "title": item.title}
    tables = [b for b in item.blocks if isinstance(b, Table)]
    pairs = _kv_pairs(item.kv_tables)
    for label, value in pairs:
        f = fold(label)
        if f.startswith("추진상황") and "status" not in row:
            row["status"] = clean(value)
        elif f.startswith("사업구분") and "category" not in row:
            row["category"] = clean(value)
        elif f.startswith("총사업비") and "total_budget_mkrw" not in row:
            total, funds = box_amounts(value)
            row["total_budget_mkrw"] = total
            for fund, col in BOX_FIELDS.items():
                row[col] = funds.get(fund, 0)
        elif "예산확보액" in f and "secured_budget_mkrw" not in row:
            y = re.search(r"((?:19|20)\d{2})", label)
            row["secured_year"] = int(y.group(1)) if y else None
            total, funds = box_amounts(value)
            row["secured_budget_mkrw"] = total
            for fund, col in SECURED_FIELDS.items():
                row[col] = funds.get(fund, 0 if total is not None else None)
        elif f.startswith("최종목표") and "final_goal" not in row:
            row["final_goal"] = clean(value)
    texts = [b.text for b in item.blocks if isinstance(b, TextBlock)]
    if "final_goal" not in row:
        row["final_goal"] = _final_goal(texts)
    for t in texts + [c.text for tb in tables for c in tb.cells]:
        se = project_period(t)
        if se:
            row["start"], row["end"] = se
            break
    row["lead_department"] = _department(item, "주관부서")
    row["support_department"] = _department(item, "협조부서")
    row["source_file"] = source_file
    row["source_pages"] = source_pages(item) if fmt == "pdf" else ""
    row["src_pages"] = sorted(set(item.pages)) or None
    return row


def _final_goal(texts: list[str]) -> str:
    out: list[str] = []
    on = False
    for t in texts:
        f = fold(t)
        if "최종목표" in f:
            on = True
            rest = re.split(r"최\s*종\s*목\s*표\s*[:：]?", t, maxsplit=1)[-1]
            if clean(rest):
                out.append(clean(rest))
            continue
        if on:
            if re.match(r"^\s*[□■▣◎]", t) or "사업개요" in f:
                break
            out.append(clean(t))
    return " ".join(x for x in out if x)


def _department(item: ItemSpan, label: str) -> str:
    candidates: list[str] = []
    for b in item.blocks:
        if isinstance(b, TextBlock):
            if label in fold(b.text):
                candidates.append(re.split(label[0] + r"\s*" + r"\s*".join(label[1:]), b.text, maxsplit=1)[-1])
        else:
            g = b.grid()
            for c in b.cells:
                if fold(c.text) == label or fold(c.text).startswith(label):
                    rest = clean(c.text)[len(label):] if len(fold(c.text)) > len(label) else ""
                    nxt = c.col + c.colspan
                    if nxt < b.cols and g[c.row][nxt] is not None:
                        rest = rest + " " + g[c.row][nxt].text
                    candidates.append(rest)
    for cand in candidates:
        m = _DEPT.search(clean(cand))
        if m:
            return m.group(1)
    return ""
