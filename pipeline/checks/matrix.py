"""One item's 투자수요 or 집행액 table as the checks see it: (unit, fund, period) → the printed amount.

It also knows every *other* way its own figures give a value (a 계 column from
the periods, a 소계 from the funds, a year from its halves), because cross-table
checks accept any of them: an error inside a table is reported once, by the
in-table checks, not again by every check that reads the table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

import pandas as pd

from ..contract import item_key
from ..vocab import FUND_PARTS, period_range
from .findings import num, same, text


def overlapping(codes: Iterable[str]) -> bool:
    """True when some period column contains another (a year and its halves): their sum is meaningless."""
    ranges = sorted(r for r in (period_range(c) for c in codes) if r)
    return any(ranges[i + 1][0] <= ranges[i][1] for i in range(len(ranges) - 1))


def within(code: str, outer: str) -> bool:
    """True when period `code` lies inside period `outer` (2018H1 inside 2018)."""
    a, b = period_range(code), period_range(outer)
    return bool(a and b and b[0] <= a[0] and a[1] <= b[1])


@dataclass
class BudgetMatrix:
    """One item's 투자수요 or 집행액 as printed: (unit, fund, period) → amount, plus each row for locations."""

    kind: str
    cells: dict[tuple[str, str, str], float] = field(default_factory=dict)
    rows: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    units: list[str] = field(default_factory=list)  # in printed order, "" (the 계 row) included

    def add(self, unit: str, fund: str, period: str, amount: float, row: dict) -> None:
        key = (unit, fund, period)
        if key in self.cells:  # a repeated key: keep the first as printed
            return
        self.cells[key] = amount
        self.rows[key] = row
        if unit not in self.units:
            self.units.append(unit)

    def get(self, unit: str, fund: str, period: str) -> Optional[float]:
        return self.cells.get((unit, fund, period))

    def funds(self, unit: str) -> list[str]:
        seen = {f for (u, f, _) in self.cells if u == unit}
        return [f for f in (*FUND_PARTS, "total") if f in seen] + sorted(seen - set(FUND_PARTS) - {"total"})

    def periods(self, unit: str, fund: str) -> list[str]:
        return [p for (u, f, p) in self.cells if u == unit and f == fund]

    def all_periods(self) -> list[str]:
        out: list[str] = []
        for (_, _, p) in self.cells:
            if p not in out:
                out.append(p)
        return out

    def sub_units(self) -> list[str]:
        return [u for u in self.units if u != ""]

    # -- the ways a value can be read off the table (for cross-table checks)

    def unit_fund_values(self, unit: str, fund: str, period: str) -> list[float]:
        """Every figure the table gives for (unit, fund, period): printed, or summed from funds/periods."""
        out: list[float] = []
        printed = self.get(unit, fund, period)
        if printed is not None:
            out.append(printed)
        if fund == "total":
            parts = [self.get(unit, f, period) for f in self.funds(unit) if f != "total"]
            parts = [v for v in parts if v is not None]
            if parts:
                out.append(sum(parts))
        if period == "total":
            for f_vals in self._period_sums(unit, fund):
                out.append(f_vals)
        else:
            subs = [p for p in self.periods(unit, fund) if p != period and within(p, period)]
            if subs and not overlapping(subs):
                out.append(sum(self.cells[(unit, fund, p)] for p in subs))
            if fund == "total":
                # halves of the year for a unit printed only by fund
                fsubs = [(f, p) for f in self.funds(unit) if f != "total"
                         for p in self.periods(unit, f) if p != period and within(p, period)]
                if fsubs and not overlapping({p for _, p in fsubs}):
                    out.append(sum(self.cells[(unit, f, p)] for f, p in fsubs))
        return out

    def _period_sums(self, unit: str, fund: str) -> list[float]:
        out = []
        ps = [p for p in self.periods(unit, fund) if p != "total"]
        if ps and not overlapping(ps):
            out.append(sum(self.cells[(unit, fund, p)] for p in ps))
        if fund == "total":
            fs = [f for f in self.funds(unit) if f != "total"]
            cells = [(f, p) for f in fs for p in self.periods(unit, f) if p != "total"]
            if cells and not overlapping({p for _, p in cells}):
                out.append(sum(self.cells[(unit, f, p)] for f, p in cells))
            totals = [self.get(unit, f, "total") for f in fs]
            if fs and all(v is not None for v in totals):
                out.append(sum(totals))  # type: ignore[arg-type]
        return out

    def table_values(self, fund: str, period: str) -> list[float]:
        """Every figure the table gives for the whole item (계 row, or the sum over units)."""
        out = list(self.unit_fund_values("", fund, period)) if "" in self.units else []
        subs = self.sub_units()
        if subs:
            per_unit = [self.unit_fund_values(u, fund, period) for u in subs]
            have = [v for v in per_unit if v]
            if have:
                out.append(sum(v[0] for v in have))
                alt = sum(v[-1] for v in have)
                if not any(same(alt, x) for x in out):
                    out.append(alt)
        return out


def matrices(budget: pd.DataFrame) -> dict[tuple[str, str], BudgetMatrix]:
    """(item, kind) → that table of the item, from budget.csv rows."""
    grids: dict[tuple[str, str], BudgetMatrix] = {}
    if budget is None or not len(budget):
        return grids
    for row in budget.to_dict("records"):
        amount = num(row.get("amount_mkrw"))
        if amount is None:
            continue
        item = item_key(row.get("item_no"))
        kind = text(row.get("kind"))
        g = grids.setdefault((item, kind), BudgetMatrix(kind))
        g.add(text(row.get("unit")), text(row.get("fund")).lower(), text(row.get("period")), amount, row)
    return grids
