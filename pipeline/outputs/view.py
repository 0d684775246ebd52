"""The view model of the quarterly report: pure functions from contract tables to what the templates show.

Every item is re-rendered in one fixed layout from the contract tables only, so
the mayor's copy never depends on how a department laid out its card.  Building
the view is kept apart from writing files (``render``), so the arithmetic shown
to readers (the summary figures, execution rates, plan-vs-actual) can be tested
without rendering.  Items are built by ``itemview``; the published figures come
from ``summary`` and the list of what to fix from ``fixlist``.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

import pandas as pd

from ..contract import COLUMNS, cell_number, item_key, records
from ..errors import InputError
from ..vocab import FUND_LABELS, quarter_label
from . import charts
from .display import fmt_num, fmt_rate, fmt_total
from .fixlist import fix_list
from .itemview import column_label, finding_view, item_view, tasks_view, text
from .summary import figure_value, records_by_item, summary_figures

__all__ = ["column_label", "fmt_num", "normalise_tables", "num", "records", "report_view", "tasks_view", "text"]

num = cell_number
CHART_ITEMS_MAX = 30  # above this a per-item bar chart is longer than the table it repeats


def normalise_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every contract table present with its columns, so CSV-read tables (all strings) work too."""
    out = {}
    for name, cols in COLUMNS.items():
        df = tables.get(name)
        if df is None:
            df = pd.DataFrame(columns=cols)
        if not isinstance(df, pd.DataFrame):
            raise InputError(f"report: table {name!r} is not a DataFrame")
        out[name] = df.reindex(columns=list(dict.fromkeys(cols + list(df.columns))))
    return out


def _shown(value: Optional[float], unit: str) -> str:
    """A summary figure as printed: rates with one decimal, money rounded to one decimal, counts whole."""
    if value is None:
        return "—"
    if unit == "%":
        return fmt_rate(value)
    if unit == "백만원":
        return fmt_total(value)
    return f"{fmt_num(value)}{unit}"


def summary_view(t: dict[str, pd.DataFrame], items: list[dict], quarter: str) -> dict[str, Any]:
    """The summary page: the published figures with their definitions, counts and sums, the overview table."""
    figs = summary_figures(t, quarter)

    def fig(figure: str, part: str = "") -> Optional[float]:
        return figure_value(figs, figure, part)

    rows = figs.to_dict("records")
    statuses = [(r["part"], int(r["value"])) for r in rows if r["figure"] == "items_by_status"]
    funds = [(FUND_LABELS.get(r["part"], r["part"]), r["value"]) for r in rows
             if r["figure"] == "total_budget_by_fund"]
    listed = [{"label": r["label"], "value": _shown(None if pd.isna(r["value"]) else r["value"], r["unit"]),
               "unit": r["unit"] if r["unit"] == "백만원" else "", "definition": r["definition"],
               "figure": r["figure"]}
              for r in rows if r["figure"] not in ("items_by_status", "total_budget_by_fund")]
    with_exec = [i for i in items if i["exec_to_date"] is not None]
    to_fix = fix_list(t)
    return {
        "n_items": len(items),
        "figures": listed,
        "statuses": statuses,
        "status_chart": charts.hbar_chart(statuses, title="추진상황별 사업 수", unit="건", width=330)
        if items else None,
        "funds": [(label, fmt_total(v)) for label, v in funds],
        "grand_total": fmt_total(fig("total_budget")),
        "fund_chart": charts.hbar_chart([(label, v) for label, v in funds], title="재원별 총사업비 (백만원)",
                                        width=330, fmt_value=fmt_total) if fig("total_budget") else None,
        "completion_rate": _shown(fig("completion_rate"), "%"),
        "target_achievement": _shown(fig("target_achievement"), "%"),
        "funding_rate": _shown(fig("funding_rate"), "%"),
        "exec_rate": fmt_rate(fig("execution_rate")),
        "plan_to_date": fmt_total(fig("plan_to_date")),
        "exec_to_date": fmt_total(fig("executed_to_date")),
        "n_with_exec": len(with_exec),
        "rate_chart": charts.hbar_chart(
            [(f"{i['no']}. {i['title']}", i["exec_rate"]) for i in items],
            title="사업별 집행률 (집행액이 적힌 기간, 계획 대비)", percent=True, color="#59a14f",
            reference=(100.0, "계획 100%"))
        if items and len(items) <= CHART_ITEMS_MAX and any(i["exec_rate"] is not None for i in items) else None,
        "n_findings": len(records(t["findings"])),
        "n_to_fix": len(to_fix),
        "to_fix": [{**finding_view(f), "item_no": f["item_no"], "title": f["title"],
                    "source_file": f["source_file"], "page": f["page"]} for f in to_fix],
    }


def report_view(tables: dict[str, pd.DataFrame], *, quarter: str, body: Optional[str],
                generated: date) -> dict[str, Any]:
    """Everything the report template shows, computed once from the contract tables."""
    t = normalise_tables(tables)
    budget, plan, perf, finds = (records_by_item(t[n]) for n in ("budget", "plan", "performance", "findings"))
    items_raw = records(t["items"])
    items_raw.sort(key=lambda r: (num(r.get("item_no")) is None, num(r.get("item_no")) or 0, text(r.get("item_no"))))
    items = [item_view(r, budget.get(item_key(r.get("item_no")), []), plan.get(item_key(r.get("item_no")), []),
                       perf.get(item_key(r.get("item_no")), []), finds.get(item_key(r.get("item_no")), []), quarter)
             for r in items_raw]
    for i in items:
        i["overview"] = {"total": fmt_total(i["total_mkrw"]), "plan": fmt_total(i["plan_to_date"]),
                         "exec": fmt_total(i["exec_to_date"])}
    return {
        "quarter": quarter,
        "quarter_label": quarter_label(quarter),
        "body": body or "",
        "generated": f"{generated.year}. {generated.month}. {generated.day}.",
        "items": items,
        "summary": summary_view(t, items, quarter),
    }
