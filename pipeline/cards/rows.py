"""A stitched grid → contract rows: plan/performance observations and budget amounts.

Every non-blank value cell becomes one row keyed by its labels (unit, task or
fund) and its column's period; a cell that is not what its table holds (an
amount that is not a number) is reported, never guessed.  Each row carries the
``src_*`` provenance of the cell it came from.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Optional

from ..vocab import BOX_FUND_WORDS, FUND_WORDS, TOTAL_WORDS
from .grid import Slot, SlotGrid, distinct, stitch
from .numbers import money_scale, parse_measure, parse_money, prints_nothing
from .periods import Period
from .periods import parse as parse_period
from .segment import ItemSpan, Section, sections
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


def _src(s: Slot, name: str) -> dict[str, Any]:
    return {"src_page": s.page, "src_table": name, "src_row": s.row, "src_col": s.col}


def _heading_year(section: Section) -> Optional[str]:
    """The one year a section heading names (`□ 2021년 추진실적`), for quarters printed without a year."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", section.heading))
    return years.pop() if len(years) == 1 else None


def _no_periods(section: Section, g: SlotGrid, warnings: list[str]) -> None:
    page = g.rows[0][0].page if g.rows and g.rows[0] else None
    warnings.append(f"{section.heading}: a table on page {page} has no period columns; none of it was read")


def _period_columns(g: SlotGrid, section: Section, warnings: list[str]) -> list[tuple[int, Period]]:
    """The columns to read, in order: one printed column per period.

    Two printed columns naming the same period (`2021년` over `계획 | 실적`)
    are told apart by their sub-heading: a 추진실적 table reports the 실적
    column, a 추진계획 table the 계획/목표 column.  Anything else is ambiguous:
    the first column is read and a warning says the other was not.
    """
    want = {"perf": "result", "plan": "plan"}.get(section.kind)
    by_code: dict[str, list[int]] = {}
    for c, p in sorted(g.periods.items()):
        by_code.setdefault(p.code, []).append(c)
    keep: set[int] = set()
    for code, cols in by_code.items():
        printed: dict[tuple, list[int]] = {}
        for c in cols:
            printed.setdefault((g.source.get(c), g.roles.get(c), g.rows[g.header - 1][c].key), []).append(c)
        if len(printed) == 1:
            keep.update(cols)
            continue
        chosen = [k for k in printed if k[1] == want] if want else []
        if len(chosen) != 1:
            chosen = [next(iter(printed))]
            dropped = [clean(g.rows[g.header - 1][printed[k][0]].text) for k in printed if k != chosen[0]]
            warnings.append(f"{section.heading}: period {code} heads {len(printed)} columns; only the first "
                            f"is read ({', '.join(repr(d) for d in dropped)} not)")
        keep.update(printed[chosen[0]])
    return [(c, g.periods[c]) for c in sorted(keep)]


def text_rows(section: Section, warnings: list[str]) -> list[dict[str, Any]]:
    """Plan / performance rows: (unit, task, period) → text, value, measure."""
    out: list[dict[str, Any]] = []
    for g in stitch(section.parts, _heading_year(section)):
        if not g.periods or not g.nlabels:
            _no_periods(section, g, warnings)
            continue
        L = g.nlabels
        columns = _period_columns(g, section, warnings)
        for row in g.rows[g.header:]:
            task_slot = row[L - 1]
            task = clean(task_slot.text)
            if not task:
                if any(not prints_nothing(clean(row[c].text)) for c, _ in columns):
                    warnings.append(f"{section.heading}: a row without a label on page {task_slot.page} was skipped")
                continue
            unit_parts, seen = [], {task_slot.key}
            for s in row[: L - 1]:
                if s.key in seen:
                    continue
                seen.add(s.key)
                t = clean(s.text)
                if t:
                    unit_parts.append(t)
            label_keys = {s.key for s in row[:L]}
            done = set()
            for c, p in columns:
                s = row[c]
                if s.key in label_keys or p.code in done:
                    continue
                text = clean(s.text)
                if prints_nothing(text):
                    continue
                done.add(p.code)
                value, measure = parse_measure(text)
                out.append({
                    "unit": " > ".join(unit_parts), "task": task, "period": p.code,
                    "period_start": p.start, "period_end": p.end, "text": text, "value": value,
                    "measure": measure, **_src(s, section.heading),
                })
    return out


def _fund_col(g: SlotGrid) -> Optional[int]:
    L = g.nlabels
    for c in range(L - 1, -1, -1):
        vals = [fold(clean(row[c].text)) for row in g.rows[g.header:]]
        if any(v in FUND_COLUMN_WORDS for v in vals):
            return c
    return None


def _amount(s: Slot, scale: Decimal, section: Section, warnings: list[str], warned: set) -> Optional[float]:
    """The cell's amount, None when it prints nothing or is not an amount.

    A cell that is not an amount is reported once, however many period
    columns it spans (``warned`` holds the cells already reported).
    """
    try:
        return parse_money(s.text, scale)
    except ValueError:
        if s.key not in warned:
            warned.add(s.key)
            warnings.append(f"{section.heading}: not an amount {clean(s.text)!r} on page {s.page}")
        return None


def money_rows(section: Section, kind: str, warnings: list[str]) -> list[dict[str, Any]]:
    """Budget rows (투자수요 kind=plan, 집행액 kind=executed): (unit, fund, period) → amount in 백만원."""
    out: list[dict[str, Any]] = []
    warned: set = set()
    for g in stitch(section.parts, _heading_year(section)):
        scale = _scale(section, g.rows)
        if not g.periods or not g.nlabels:
            rows = _transposed_rows(g, section, kind, scale, warnings, warned)
            if rows is None:
                _no_periods(section, g, warnings)
            out.extend(rows or [])
            continue
        fcol = _fund_col(g)
        columns = _period_columns(g, section, warnings)
        for row in g.rows[g.header:]:
            if fcol is not None:
                fs = row[fcol]
                unit_slots = [s for s in distinct(row[:fcol]) if s.key != fs.key]
                fword = fold(clean(fs.text))
                fund = FUND_WORDS.get(fword)
                if fund is None:
                    if any(not prints_nothing(row[c].text) for c, _ in columns):
                        warnings.append(f"{section.heading}: unknown fund {clean(fs.text)!r} on page {fs.page}")
                    continue
            else:
                unit_slots = distinct(row[: g.nlabels])
                fund = "total"
            unit = " > ".join(t for t in (clean(s.text) for s in unit_slots) if t)
            if fold(unit) in TOTAL_WORDS:
                unit, fund = "", "total"
            label_keys = {s.key for s in row[: g.nlabels]}
            done = set()
            for c, p in columns:
                s = row[c]
                if s.key in label_keys or p.code in done:
                    continue
                amount = _amount(s, scale, section, warnings, warned)
                if amount is None:
                    continue
                done.add(p.code)
                out.append({
                    "unit": unit, "kind": kind, "fund": fund, "period": p.code,
                    "period_start": p.start, "period_end": p.end, "amount_mkrw": amount,
                    **_src(s, section.heading),
                })
    return out


def _transposed_rows(g: SlotGrid, section: Section, kind: str, scale: Decimal,
                     warnings: list[str], warned: set) -> Optional[list[dict[str, Any]]]:
    """Years as rows, funds as columns (unit empty); None when the table is not laid out that way."""
    rows = g.rows
    if not rows:
        return None
    # The header row names funds.
    for h in range(min(3, len(rows))):
        funds = {c: FUND_WORDS.get(fold(clean(s.text))) for c, s in enumerate(rows[h])}
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
            amount = _amount(row[c], scale, section, warnings, warned)
            if amount is None:
                continue
            out.append({"unit": "", "kind": kind, "fund": fund, "period": p.code, "period_start": p.start,
                        "period_end": p.end, "amount_mkrw": amount, **_src(row[c], section.heading)})
    return out if years else None


def item_tables(item: ItemSpan, warnings: list[str]) -> dict[str, list[dict[str, Any]]]:
    """All contract rows of one item (without report_quarter / item_no)."""
    out: dict[str, list[dict[str, Any]]] = {"budget": [], "plan": [], "performance": []}
    for s in sections(item):
        if s.kind == "plan":
            out["plan"].extend(text_rows(s, warnings))
        elif s.kind == "perf":
            out["performance"].extend(text_rows(s, warnings))
        elif s.kind == "budget_plan":
            out["budget"].extend(money_rows(s, "plan", warnings))
        elif s.kind == "budget_exec":
            out["budget"].extend(money_rows(s, "executed", warnings))
    return out
