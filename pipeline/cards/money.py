"""A stitched 투자수요 / 집행액 grid → budget rows: (unit, fund, period) → amount in 백만원.

Each fund label has its code (vocab.FUND_WORDS); any other named source in the fund column is ``other``, and two
sources meeting in one key are summed with an ``info`` finding.  A total column is known by its heading or, when
the heading is unknown, by arithmetic: its figures are, row by row, the sum of the period figures.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional

from ..checks.findings import TOL  # two amounts are the same within this: the checks' tolerance
from ..checks.matrix import overlapping  # the checks' rule for periods that contain one another
from ..vocab import BOX_FUND_WORDS, FUND_LABELS, FUND_WORDS, period_label
from .columns import (
    by_role,
    column_heading,
    grid_page,
    heading_year,
    no_periods,
    period_columns,
    src,
    unplaced_columns,
    where,
)
from .grid import Slot, SlotGrid, distinct, stitch
from .ledger import Ledger
from .numbers import add_amounts, money_scale, parse_money, prints_nothing
from .periods import TOTAL, Period, is_total
from .periods import parse as parse_period
from .segment import Section
from .textclean import clean, fold

# Words that mark a column as the fund column of a money table (a 소계 row names no fund but is one).
FUND_COLUMN_WORDS = (*BOX_FUND_WORDS, "소계")


def _scale(section: Section, grid_rows: list[list[Slot]]) -> Decimal:
    notes = [n for n in section.notes if "단위" in n] + [
        s.text for row in grid_rows[:2] for s in row if "단위" in s.text
    ]
    for n in notes:
        sc = money_scale(n)
        if sc is not None:
            return sc
    return Decimal(1)


def _fund_col(g: SlotGrid) -> Optional[int]:
    L = g.nlabels
    for c in range(L - 1, -1, -1):
        vals = [fold(clean(row[c].text)) for row in g.rows[g.header:]]
        if any(v in FUND_COLUMN_WORDS for v in vals):
            return c
    return None


def _amount(s: Slot, scale: Decimal, section: Section, ledger: Ledger, warned: set) -> Optional[float]:
    """The cell's amount, None when it prints nothing or is not an amount.

    A cell with a figure that is not one amount (`100⏎200`) is left to the ledger, which reports it; a word
    in an amount column (`지속`) is an ``info`` finding, once however many period columns it spans.
    """
    try:
        return parse_money(s.text, scale)
    except ValueError:
        if re.search(r"\d", s.text):
            ledger.reject(section, s, "한 칸에 금액이 하나가 아닙니다")
        elif s.key not in warned:
            warned.add(s.key)
            ledger.add("not_an_amount", f"{where(section, s.page)}: 금액 칸의 글자는 금액이 아니라 읽지 않았습니다 — "
                       f"{clean(s.text)!r}", s.page,
                       where(section, s.page), clean(s.text), severity="info")
        return None


def _number(s: Slot, scale: Decimal) -> Optional[float]:
    """An amount for arithmetic: blank or a dash is 0, anything unreadable None."""
    try:
        v = parse_money(s.text, scale)
    except ValueError:
        return None
    return 0.0 if v is None else float(v)


def _total_by_arithmetic(g: SlotGrid, c: int, columns: list[tuple[int, Period]], scale: Decimal) -> bool:
    """Whether column ``c`` is, row by row, the sum of the period columns (CONTRACT.md: then it is the total
    column whatever its heading says).  Needs periods that do not overlap, and two rows with a non-zero sum or
    one that sums two figures or more (a single figure equal to itself proves nothing)."""
    periods = [(pc, p) for pc, p in columns if p.code != "total"]
    if not periods or overlapping(p.code for _, p in periods):
        return False
    rows_summed = terms = 0
    for row in g.rows[g.header:]:
        if prints_nothing(clean(row[c].text)):
            continue
        total = _number(row[c], scale)
        parts = [_number(row[pc], scale) for pc, _ in periods if row[pc].key != row[c].key]
        if total is None or any(v is None for v in parts):
            return False
        s = sum(v for v in parts if v is not None)
        if abs(total - s) > max(TOL, abs(s) * 1e-9):
            return False
        rows_summed += 1 if s else 0
        terms = max(terms, sum(1 for v in parts if v))
    # Evidence: two rows that add up, or one row that adds up two figures or more.
    return rows_summed >= 2 or (rows_summed == 1 and terms >= 2)


def _row_fund(row: list[Slot], fcol: Optional[int], g: SlotGrid) -> tuple[str, Optional[str], str]:
    """(unit, fund, the fund label as printed) of a body row; fund None when the row names none."""
    if fcol is None:
        unit_slots = distinct(row[: g.nlabels])
        fund: Optional[str] = "total"
        label = ""
    else:
        fs = row[fcol]
        unit_slots = [s for s in distinct(row[:fcol]) if s.key != fs.key]
        label = clean(fs.text)
        word = fold(label)
        if is_total(label):
            fund = "total"
        elif word in FUND_WORDS:
            fund = FUND_WORDS[word]
        elif not word:
            fund = None
        elif fs.key == row[0].key:
            # A label across the unit and fund columns: a unit printed without a fund breakdown.
            unit_slots, fund, label = [fs], "total", ""
        else:
            fund = "other"  # any other named source (민자, 기금, 특별교부세 …)
    unit = " > ".join(t for t in (clean(s.text) for s in unit_slots) if t)
    if is_total(unit):
        unit, fund = "", "total"
    return unit, fund, label


def money_rows(section: Section, kind: str, ledger: Ledger) -> list[dict[str, Any]]:
    """Budget rows (투자수요 kind=plan, 집행액 kind=executed): (unit, fund, period) → amount in 백만원."""
    out: list[dict[str, Any]] = []
    warned: set = set()
    for g in stitch(section.parts, heading_year(section), money=True):
        scale = _scale(section, g.rows)
        readable = bool(g.periods and g.nlabels)
        columns, why = period_columns(g, section) if readable else ([], {})
        ledger.register(section, g, section.heading, money=True, body_only=readable, skip=by_role(why))
        if not readable:
            rows = _transposed_rows(g, section, kind, scale, ledger, warned)
            if rows is None:
                no_periods(section, g, ledger)
            out.extend(rows or [])
            continue
        for c in range(g.nlabels, g.ncols):
            if c not in g.periods and c not in g.value_words and _total_by_arithmetic(g, c, columns, scale):
                columns.append((c, TOTAL))
                ledger.add("total_by_arithmetic", f"{where(section, grid_page(g))}: {c + 1}번째 열은 행마다 기간별 "
                           f"수치의 합이라 합계(계)로 읽었습니다 — 열 제목 {column_heading(g, c)!r}",
                           grid_page(g), where(section, grid_page(g)), column_heading(g, c), severity="info")
        columns.sort()
        unplaced_columns(g, section, columns, why, ledger, money=True)
        fcol = _fund_col(g)
        table_rows: list[dict[str, Any]] = []
        for row in g.rows[g.header:]:
            unit, fund, label = _row_fund(row, fcol, g)
            label_keys = {s.key for s in row[: g.nlabels]}
            if fund is None:
                values = [row[c] for c, _ in columns if not prints_nothing(clean(row[c].text))]
                for s in values:
                    ledger.reject(section, s, "행에 재원이 적혀 있지 않습니다")
                if values:
                    page = values[0].page
                    ledger.add("unread_row", f"{where(section, page)}: 단위사업 {unit!r} 행에 재원이 적혀 있지 않아 "
                               "읽지 않았습니다", page, where(section, page))
                continue
            done = set()
            for c, p in columns:
                s = row[c]
                if s.key in label_keys or p.code in done:
                    continue
                amount = _amount(s, scale, section, ledger, warned)
                if amount is None:
                    continue
                done.add(p.code)
                table_rows.append({
                    "unit": unit, "kind": kind, "fund": fund, "period": p.code,
                    "period_start": p.start, "period_end": p.end, "amount_mkrw": amount,
                    "_label": label, "_slot": s, **src(s, section.heading),
                })
        out.extend(_merge_keys(table_rows, section, ledger))
    return out


def _merge_keys(rows: list[dict[str, Any]], section: Section, ledger: Ledger) -> list[dict[str, Any]]:
    """One row per (unit, fund, period) of a table.

    Two different sources that both map to ``other`` (기타 and 민자) are summed, with an ``info`` finding
    naming them (CONTRACT.md); any other repeated key keeps the first row, and the later cell is reported.
    """
    by_key: dict[tuple, dict[str, Any]] = {}
    labels: dict[tuple, list[str]] = {}
    summed: dict[tuple, list[str]] = {}
    out: list[dict[str, Any]] = []
    for r in rows:
        key = (r["unit"], r["fund"], r["period"])
        first = by_key.get(key)
        s = r.pop("_slot")
        label = r.pop("_label")
        if first is None:
            by_key[key] = r
            labels[key] = [label]
            ledger.use(section, s)
            out.append(r)
        elif r["fund"] == "other" and label not in labels[key]:
            first["amount_mkrw"] = add_amounts(first["amount_mkrw"], r["amount_mkrw"])
            labels[key].append(label)
            summed.setdefault((r["unit"],), labels[key])
            ledger.use(section, s)
        else:
            fund = FUND_LABELS.get(r["fund"], r["fund"])
            ledger.reject(section, s, f"앞 행({label or fund})과 단위사업·재원·기간이 같습니다")
            ledger.add("duplicate_key", f"{where(section, s.page)}: 단위사업 {r['unit']!r}, 재원 {fund}, 기간 "
                       f"{period_label(r['period'])}의 수치가 두 번 있어 두 번째 수치는 읽지 않았습니다", s.page,
                       where(section, s.page), clean(s.text))
    for (unit,), names in summed.items():
        what = f"단위사업 {unit!r}" if unit else "계 행"
        ledger.add("other_funds_summed", f"{section.heading}: {what}의 기타 재원을 하나로 합쳤습니다 — "
                   f"{' + '.join(names)}", None, section.heading, ", ".join(names), severity="info")
    return out


def _transposed_rows(g: SlotGrid, section: Section, kind: str, scale: Decimal,
                     ledger: Ledger, warned: set) -> Optional[list[dict[str, Any]]]:
    """Years as rows, funds as columns (unit empty); None when the table is not laid out that way."""
    rows = g.rows
    if not rows:
        return None
    # The header row names funds.
    for h in range(min(3, len(rows))):
        funds = {c: ("total" if is_total(s.text) else FUND_WORDS.get(fold(clean(s.text)))) for c, s in enumerate(rows[h])}
        funds = {c: f for c, f in funds.items() if f}
        if len(funds) >= 2:
            break
    else:
        return None
    out = []
    first = min(funds)
    years = 0
    for row in rows[h + 1:]:
        label = " ".join(clean(s.text) for s in distinct(row[:first]))
        p = parse_period(label)
        if p is None:
            continue
        years += 1
        for c, fund in funds.items():
            amount = _amount(row[c], scale, section, ledger, warned)
            if amount is None:
                continue
            ledger.use(section, row[c])
            out.append({"unit": "", "kind": kind, "fund": fund, "period": p.code, "period_start": p.start,
                        "period_end": p.end, "amount_mkrw": amount, **src(row[c], section.heading)})
    return out if years else None


