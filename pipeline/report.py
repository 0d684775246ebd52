"""The standard-format quarterly report (HTML + A4 PDF) and the quarter-to-quarter diff report.

Every item is re-rendered in one fixed layout from the contract tables only, so
the mayor's copy never depends on how a department laid out its card.  Building
the view (pure functions on DataFrames) is kept apart from writing files, so the
arithmetic shown to readers (execution rates, plan-vs-actual) can be tested
without rendering.

Safety: all document text is untrusted.  Jinja2 autoescapes everything; the only
``Markup`` objects are our own CSS, font faces and the SVG that charts.py builds
from escaped parts.  WeasyPrint renders with base_url = templates/ and an
:class:`~pipeline.fetcher.AssetFetcher` that serves our fonts and nothing else.
The written report.html is self-contained (fonts subset to the characters used
and inlined, CSS and SVG inline) so it opens offline and fetches nothing.
"""
from __future__ import annotations

import base64
import functools
import io
import json
import logging
import math
import os
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, Optional

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from pipeline import charts
from pipeline.contract import COLUMNS, cell_number, item_key
from pipeline.errors import InputError
from pipeline.fetcher import TEMPLATES, AssetFetcher
from pipeline.fsio import atomic_write_bytes
from pipeline.quarter import period_range as period_bounds

log = logging.getLogger(__name__)

# (family, weight) → font file under templates/.  NanumSquare covers all 11,172 Hangul
# syllables and the bullets of the cards except U+2218 ∘, which DejaVu Sans supplies.
FONTS: list[tuple[str, int, str]] = [
    ("ReportSans", 400, "fonts/NanumSquareR.ttf"),
    ("ReportSans", 700, "fonts/NanumSquareB.ttf"),
    ("ReportSymbols", 400, "fonts/DejaVuSans.ttf"),
    ("ReportSymbols", 700, "fonts/DejaVuSans.ttf"),
]
FUND_ORDER = ("national", "city", "district", "other", "total")
FUND_LABELS = charts.FUND_LABELS
KIND_LABELS = {"plan": "투자계획", "executed": "집행액"}
STATUS_ORDER = ("완료", "이행 후 계속추진", "정상추진", "부진", "보류", "폐기")
TABLE_LABELS = {"items": "사업", "budget": "예산", "plan": "추진계획", "performance": "추진실적"}
CHANGE_LABELS = {"added": "추가", "removed": "삭제", "changed": "변경"}
ITEM_FIELD_LABELS = {
    "title": "사업명", "status": "추진상황", "category": "사업구분", "total_budget_mkrw": "총사업비",
    "total_national_mkrw": "총사업비 국비", "total_city_mkrw": "총사업비 시비",
    "total_district_mkrw": "총사업비 구비", "total_other_mkrw": "총사업비 기타",
    "secured_year": "예산확보 연도", "secured_budget_mkrw": "예산확보액",
    "secured_city_mkrw": "예산확보액 시비", "secured_district_mkrw": "예산확보액 구비",
    "start": "시작", "end": "종료", "final_goal": "최종목표", "lead_department": "주관부서",
    "support_department": "협조부서", "text": "내용", "value": "수치", "measure": "단위",
    "amount_mkrw": "금액",
}
CHART_ITEMS_MAX = 30  # above this a per-item bar chart is longer than the table it repeats

_PERIOD = re.compile(r"^(?P<y>\d{4})(?:H(?P<h>[12])|Q(?P<q>[1-4]))?$")


# ---------------------------------------------------------------- small pure helpers

def is_blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and v.strip() == "")


num = cell_number


def fmt_num(v: object) -> str:
    """A figure the way the report prints it: 2,880 / 126.457 / '' for nothing."""
    n = num(v)
    return "" if n is None else charts.fmt(n)


def fmt_rate(n: Optional[float]) -> str:
    return "" if n is None else f"{n:,.1f}%"


def text(v: object) -> str:
    """A cell as display text; numbers that are whole print without '.0'."""
    if is_blank(v):
        return ""
    if isinstance(v, float):
        return charts.fmt(v)
    return str(v)


def period_label(code: object) -> str:
    c = str(code or "")
    if c == "total":
        return "계"
    m = _PERIOD.match(c)
    if not m:
        return c
    if m["h"]:
        return f"{m['y']} {'상' if m['h'] == '1' else '하'}반기"
    if m["q"]:
        return f"{m['y']} {m['q']}분기"
    return m["y"]


def period_sort_key(code: object) -> tuple:
    b = period_bounds(code)
    if b is None:
        return (1, date.max, date.max, str(code))
    return (0, b[0], -b[1].toordinal(), str(code))


def quarter_label(q: str) -> str:
    """'2021Q4' → '2021년 4분기'; anything else is shown as given."""
    m = re.match(r"^(\d{4})Q([1-4])$", q or "")
    return f"{m[1]}년 {m[2]}분기" if m else (q or "")


def month_label(ym: object) -> str:
    m = re.match(r"^(\d{4})-(\d{2})$", text(ym))
    return f"{m[1]}. {int(m[2])}." if m else text(ym)


def records(df: Optional[pd.DataFrame]) -> list[dict[str, Any]]:
    if df is None or len(df) == 0:
        return []
    return df.astype(object).where(df.notna(), None).to_dict("records")


def contains(outer: tuple[date, date], inner: tuple[date, date]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


# ---------------------------------------------------------------- per-item view

def budget_series(rows: list[dict], kind: str) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Item-level money of one kind: totals per period, and per fund per period.

    The total per period is the printed 계 row (unit '') when there is one, else
    the sum of the per-unit 계 rows, else the sum of the fund rows: the figure a
    reader would add up by hand from the same table.
    """
    rows = [r for r in rows if r["kind"] == kind and num(r["amount_mkrw"]) is not None]
    by_fund: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["fund"] != "total":
            d = by_fund.setdefault(r["fund"], {})
            d[r["period"]] = d.get(r["period"], 0.0) + num(r["amount_mkrw"])
    grand = [r for r in rows if r["fund"] == "total" and text(r["unit"]) == ""]
    unit_totals = [r for r in rows if r["fund"] == "total" and text(r["unit"]) != ""]
    totals: dict[str, float] = {}
    if grand or unit_totals:
        # Periods the grand row has win; other periods fall back to the units' 계 rows.
        for src in (unit_totals, grand):
            part: dict[str, float] = {}
            for r in src:
                part[r["period"]] = part.get(r["period"], 0.0) + num(r["amount_mkrw"])
            totals.update(part)
    else:
        for fund_periods in by_fund.values():
            for p, v in fund_periods.items():
                totals[p] = totals.get(p, 0.0) + v
    return totals, by_fund


def budget_view(rows: list[dict], quarter_end: Optional[date]) -> dict[str, Any]:
    """The 연차별 예산 table exactly as printed (every row, every figure) plus execution rates."""
    periods = sorted({r["period"] for r in rows if r["period"] != "total"}, key=period_sort_key)
    has_total = any(r["period"] == "total" for r in rows)
    cols = periods + (["total"] if has_total else [])
    table_rows: list[dict[str, Any]] = []
    for kind in ("plan", "executed"):
        krows = [r for r in rows if r["kind"] == kind]
        units: list[str] = []
        for r in krows:
            if text(r["unit"]) not in units:
                units.append(text(r["unit"]))
        first_kind = True
        for unit in units:
            urows = [r for r in krows if text(r["unit"]) == unit]
            funds = [f for f in FUND_ORDER if any(r["fund"] == f for r in urows)]
            funds += sorted({r["fund"] for r in urows} - set(funds))
            for j, fund in enumerate(funds):
                cells = {r["period"]: r["amount_mkrw"] for r in urows if r["fund"] == fund}
                table_rows.append({
                    "kind": KIND_LABELS.get(kind, kind) if first_kind else "",
                    "unit": (unit or "합계") if j == 0 else "",
                    "fund": FUND_LABELS.get(fund, fund),
                    "cells": [fmt_num(cells.get(c)) for c in cols],
                    "is_total": fund == "total",
                    "group_start": j == 0,
                })
                first_kind = False
    plan_tot, plan_fund = budget_series(rows, "plan")
    exec_tot, exec_fund = budget_series(rows, "executed")
    rates = []
    for c in cols:
        p, e = plan_tot.get(c), exec_tot.get(c)
        rates.append(fmt_rate(e / p * 100) if p and e is not None else "")
    # To date: periods that had begun by the end of the report quarter.
    started = [p for p in periods if quarter_end is None or period_bounds(p)[0] <= quarter_end]
    plan_to_date = sum(plan_tot.get(p, 0.0) for p in started) if any(p in plan_tot for p in started) else None
    exec_to_date = sum(exec_tot.get(p, 0.0) for p in started) if any(p in exec_tot for p in started) else None
    chart = None
    if periods and (plan_tot or exec_tot):
        def series(by_fund: dict[str, dict[str, float]], tot: dict[str, float]) -> dict[str, list]:
            out = {f: [by_fund[f].get(p) for p in periods] for f in FUND_ORDER
                   if f in by_fund and any(by_fund[f].get(p) for p in periods)}
            if not out and any(tot.get(p) for p in periods):
                out = {"total": [tot.get(p) for p in periods]}
            return out
        chart = charts.budget_chart([period_label(p) for p in periods], series(plan_fund, plan_tot),
                                    series(exec_fund, exec_tot), title="연차별 예산: 계획 대비 집행 (백만원)")
    return {
        "cols": [period_label(c) for c in cols],
        "rows": table_rows,
        "rates": rates,
        "has_exec": bool(exec_tot),
        "wide": len(cols) > 9,
        "plan_to_date": plan_to_date,
        "exec_to_date": exec_to_date,
        "chart": chart,
    }


def tasks_view(plan: list[dict], perf: list[dict]) -> dict[str, Any]:
    """연차별 추진계획 against 추진실적 for every task whose plan has a figure.

    A 추진실적 row counts towards the plan period that contains it (2021Q1 → the
    2021 target); several quarters inside one plan period are added up.  A
    실적 period no plan period contains gets its own column.
    """
    order: list[tuple[str, str]] = []
    for r in plan:
        k = (text(r["unit"]), text(r["task"]))
        if num(r["value"]) is not None and k not in order:
            order.append(k)
    tasks = []
    all_cols: set[str] = set()
    for unit, task in order:
        prows = [r for r in plan if (text(r["unit"]), text(r["task"])) == (unit, task)]
        arows = [r for r in perf if (text(r["unit"]), text(r["task"])) == (unit, task)]
        cols = {r["period"]: r for r in prows}
        assigned: dict[str, list[dict]] = {}
        for a in arows:
            ab = period_bounds(a["period"])
            home = next((p for p in sorted(cols, key=period_sort_key)
                         if ab and period_bounds(p) and contains(period_bounds(p), ab)), a["period"])
            assigned.setdefault(home, []).append(a)
        task_cols = set(cols) | set(assigned)
        all_cols |= task_cols
        measure = next((text(r["measure"]) for r in prows if text(r["measure"])), "")
        cells = {}
        for c in task_cols:
            p = cols.get(c)
            acts = sorted(assigned.get(c, []), key=lambda r: period_sort_key(r["period"]))
            vals = [num(a["value"]) for a in acts]
            actual_text, actual_sum, note = "", None, ""
            if acts:
                if all(v is not None for v in vals):
                    actual_sum = sum(vals)
                if len(acts) == 1:
                    actual_text = text(acts[0]["text"])
                elif actual_sum is not None:
                    actual_text = f"{charts.fmt(actual_sum)}{measure}"
                    note = f"{len(acts)}개 기간 합"
                else:
                    actual_text = " / ".join(text(a["text"]) for a in acts)
            pv = num(p["value"]) if p else None
            # 85.5% against a target of 1회 is not a rate: compare only like with like.
            same_unit = all(text(a["measure"]) in ("", measure) for a in acts)
            rate = actual_sum / pv * 100 if (actual_sum is not None and pv and same_unit) else None
            cells[c] = {"plan": text(p["text"]) if p else "", "actual": actual_text, "note": note,
                        "rate": fmt_rate(rate)}
        tasks.append({"unit": unit, "task": task, "cells": cells})
    cols = sorted(all_cols, key=period_sort_key)
    for t in tasks:
        t["cells"] = [t["cells"].get(c, {"plan": "", "actual": "", "note": "", "rate": ""}) for c in cols]
    return {"cols": [period_label(c) for c in cols], "tasks": tasks, "wide": len(cols) > 7}


def latest_view(perf: list[dict], quarter: str) -> dict[str, Any]:
    """The report quarter's 추진실적 texts; the item's latest period when it has none for the quarter."""
    if not perf:
        return {"period": "", "rows": [], "is_quarter": False}
    periods = {r["period"] for r in perf}
    target = quarter if quarter in periods else max(periods, key=period_sort_key)
    rows = [{"unit": text(r["unit"]), "task": text(r["task"]), "text": text(r["text"])}
            for r in perf if r["period"] == target]
    return {"period": period_label(target), "rows": rows, "is_quarter": target == quarter}


def item_view(item: dict, budget: list[dict], plan: list[dict], perf: list[dict],
              findings: list[dict], quarter: str) -> dict[str, Any]:
    qb = period_bounds(quarter)
    no = item_key(item.get("item_no"))
    b = budget_view(budget, qb[1] if qb else None)
    pages = text(item.get("source_pages"))
    return {
        "no": no,
        "anchor": f"item-{re.sub(r'[^0-9A-Za-z_-]', '_', no)}",
        "title": text(item.get("title")),
        "status": text(item.get("status")),
        "category": text(item.get("category")),
        "totals": [(FUND_LABELS[f], fmt_num(item.get(f"total_{f}_mkrw"))) for f in
                   ("national", "city", "district", "other")],
        "total": fmt_num(item.get("total_budget_mkrw")),
        "secured_year": fmt_num(item.get("secured_year")).replace(",", ""),
        "secured": fmt_num(item.get("secured_budget_mkrw")),
        "secured_funds": [(FUND_LABELS[f], fmt_num(item.get(f"secured_{f}_mkrw"))) for f in ("city", "district")
                          if not is_blank(item.get(f"secured_{f}_mkrw"))],
        "start": month_label(item.get("start")),
        "end": month_label(item.get("end")),
        "final_goal": text(item.get("final_goal")),
        "lead": text(item.get("lead_department")),
        "support": text(item.get("support_department")),
        "source_file": text(item.get("source_file")),
        "source_pages": pages,
        "budget": b,
        "tasks": tasks_view(plan, perf),
        "latest": latest_view(perf, quarter),
        "findings": [{k: text(f.get(k)) for k in ("check", "severity", "location", "expected", "found", "message")}
                     for f in findings],
        "plan_to_date": b["plan_to_date"],
        "exec_to_date": b["exec_to_date"],
        "exec_rate": (b["exec_to_date"] / b["plan_to_date"] * 100
                      if b["plan_to_date"] and b["exec_to_date"] is not None else None),
    }


def _by_item(df: Optional[pd.DataFrame]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in records(df):
        out.setdefault(item_key(r.get("item_no")), []).append(r)
    return out


def _normalise(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
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


def report_view(tables: dict[str, pd.DataFrame], *, quarter: str, body: Optional[str],
                generated: date) -> dict[str, Any]:
    """Everything the report template shows, computed once from the contract tables."""
    t = _normalise(tables)
    budget, plan, perf, finds = (_by_item(t[n]) for n in ("budget", "plan", "performance", "findings"))
    items_raw = records(t["items"])
    items_raw.sort(key=lambda r: (num(r.get("item_no")) is None, num(r.get("item_no")) or 0, text(r.get("item_no"))))
    items = [item_view(r, budget.get(item_key(r.get("item_no")), []), plan.get(item_key(r.get("item_no")), []),
                       perf.get(item_key(r.get("item_no")), []), finds.get(item_key(r.get("item_no")), []), quarter)
             for r in items_raw]
    # Summary.
    counts = Counter(i["status"] or "(미기재)" for i in items)
    statuses = [s for s in STATUS_ORDER if s in counts] + [s for s in counts if s not in STATUS_ORDER]
    fund_sums = []
    for f in ("national", "city", "district", "other"):
        vals = [num(r.get(f"total_{f}_mkrw")) for r in items_raw]
        fund_sums.append((FUND_LABELS[f], sum(v for v in vals if v is not None)))
    grand_total = sum(v for v in (num(r.get("total_budget_mkrw")) for r in items_raw) if v is not None)
    plan_td = [i["plan_to_date"] for i in items if i["plan_to_date"] is not None]
    exec_td = [i["exec_to_date"] for i in items if i["exec_to_date"] is not None]
    plan_sum = sum(plan_td) if plan_td else None
    exec_sum = sum(exec_td) if exec_td else None
    all_findings = records(t["findings"])
    sev = Counter(text(f.get("severity")) or "(미지정)" for f in all_findings)
    summary = {
        "n_items": len(items),
        "statuses": [(s, counts[s]) for s in statuses],
        "status_chart": charts.hbar_chart([(s, counts[s]) for s in statuses], title="추진상황별 사업 수",
                                          unit="건", width=330) if items else None,
        "funds": [(label, charts.fmt(v)) for label, v in fund_sums],
        "grand_total": charts.fmt(grand_total),
        "fund_chart": charts.hbar_chart(fund_sums, title="재원별 총사업비 (백만원)", width=330) if grand_total else None,
        "plan_to_date": fmt_num(plan_sum),
        "exec_to_date": fmt_num(exec_sum),
        "exec_rate": fmt_rate(exec_sum / plan_sum * 100 if plan_sum and exec_sum is not None else None),
        "rate_chart": charts.hbar_chart(
            [(f"{i['no']}. {i['title']}", i["exec_rate"]) for i in items],
            title="사업별 집행률 (보고분기까지 계획 대비 집행)", percent=True, color="#59a14f")
        if items and len(items) <= CHART_ITEMS_MAX and any(i["exec_rate"] is not None for i in items) else None,
        "n_findings": len(all_findings),
        "severities": sorted(sev.items()),
    }
    return {
        "quarter": quarter,
        "quarter_label": quarter_label(quarter),
        "body": body or "",
        "generated": f"{generated.year}. {generated.month}. {generated.day}.",
        "items": items,
        "summary": summary,
    }


# ---------------------------------------------------------------- diff view

def _restated(row: dict, after: str) -> bool:
    """One rule for the diff and the report: pipeline.diff.is_restatement."""
    from pipeline.diff import is_restatement

    return is_restatement(row, after)


def diff_view(diff: pd.DataFrame, *, before: str, after: str,
              tables: Optional[dict[str, pd.DataFrame]] = None) -> dict[str, Any]:
    """The diff sorted into what a reader asks about: which items, which statuses, which money, what is new."""
    rows = records(diff.reindex(columns=list(dict.fromkeys(
        ["table", "change", "item_no", "unit", "kind", "fund", "task", "period", "field", "before", "after"]
        + list(diff.columns)))))
    has_flag = "restated" in diff.columns
    titles: dict[str, str] = {}
    perf_text: dict[tuple, str] = {}
    if tables:
        t = _normalise(tables)
        titles = {item_key(r.get("item_no")): text(r.get("title")) for r in records(t["items"])}
        perf_text = {(item_key(r.get("item_no")), text(r.get("unit")), text(r.get("task")), text(r.get("period"))):
                     text(r.get("text")) for r in records(t["performance"])}
    for r in rows:
        r["item_no"] = item_key(r.get("item_no"))
        if has_flag:  # the caller's flag, which only ever marks changed figures
            r["restated"] = (r.get("change") == "changed" and bool(r.get("restated"))
                             and str(r.get("restated")).lower() not in ("false", "0", ""))
        else:
            r["restated"] = _restated(r, after)
        if r.get("table") == "items" and r.get("field") == "title" and text(r.get("after")):
            titles.setdefault(r["item_no"], text(r.get("after")))
    def shown(r: dict, side: str) -> str:
        # Money and counts get separators like everywhere else; text (118건) and years stay as written.
        v = r.get(side)
        if text(r.get("field")) in ("secured_year", "text", "measure", "start", "end") or num(v) is None:
            return text(v)
        return fmt_num(v)

    def show(r: dict) -> dict:
        unit = text(r.get("unit"))
        return {
            "item_no": r["item_no"], "title": titles.get(r["item_no"], ""),
            "table": TABLE_LABELS.get(text(r.get("table")), text(r.get("table"))),
            "change": CHANGE_LABELS.get(text(r.get("change")), text(r.get("change"))),
            "unit": unit or ("합계" if text(r.get("table")) == "budget" else ""), "kind": KIND_LABELS.get(text(r.get("kind")), text(r.get("kind"))),
            "fund": FUND_LABELS.get(text(r.get("fund")), text(r.get("fund"))), "task": text(r.get("task")),
            "period": period_label(r.get("period")) if text(r.get("period")) else "",
            "field": ITEM_FIELD_LABELS.get(text(r.get("field")), text(r.get("field"))),
            "before": shown(r, "before"), "after": shown(r, "after"),
            "delta": (charts.fmt(num(r.get("after")) - num(r.get("before")))
                      if num(r.get("after")) is not None and num(r.get("before")) is not None else ""),
        }
    items_added = {r["item_no"] for r in rows if r.get("table") == "items" and r.get("change") == "added"}
    items_removed = {r["item_no"] for r in rows if r.get("table") == "items" and r.get("change") == "removed"}
    whole = items_added | items_removed
    restated = [show(r) for r in rows if r["restated"]]
    live = [r for r in rows if not r["restated"]]
    counts = []
    for tname in ("items", "budget", "plan", "performance"):
        c = Counter(r.get("change") for r in rows if r.get("table") == tname)
        counts.append({"table": TABLE_LABELS[tname], "added": c["added"], "removed": c["removed"],
                       "changed": c["changed"]})
    new_perf = []
    for r in live:
        if r.get("table") == "performance" and r.get("change") == "added":
            s = show(r)
            s["text"] = (perf_text.get((r["item_no"], text(r.get("unit")), s["task"], text(r.get("period"))))
                         or s["after"])
            new_perf.append(s)
    return {
        "before": before, "after": after,
        "before_label": quarter_label(before), "after_label": quarter_label(after),
        "counts": counts,
        "n_rows": len(rows),
        "items_added": [show(r) for r in live if r.get("table") == "items" and r.get("change") == "added"],
        "items_removed": [show(r) for r in live if r.get("table") == "items" and r.get("change") == "removed"],
        "status_changes": [show(r) for r in live if r.get("table") == "items" and r.get("field") == "status"],
        "item_changes": [show(r) for r in live if r.get("table") == "items" and r.get("change") == "changed"
                         and r.get("field") != "status"],
        "budget_changes": [show(r) for r in live if r.get("table") == "budget" and r["item_no"] not in whole],
        "new_performance": new_perf,
        "other_changes": [show(r) for r in live if r.get("table") in ("plan", "performance")
                          and r["item_no"] not in whole
                          and not (r.get("table") == "performance" and r.get("change") == "added")],
        "restated": restated,
    }


# ---------------------------------------------------------------- rendering

def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt_num
    return env


def _font_css(inline_chars: Optional[str]) -> Markup:
    """@font-face rules: relative URLs for WeasyPrint, or subset fonts inlined for the HTML file."""
    rules = []
    done: dict[str, Optional[bytes]] = {}
    for family, weight, rel in FONTS:
        if inline_chars is None:
            src = f'url("{rel}") format("truetype")'
        else:
            if rel not in done:
                done[rel] = _subset(rel, inline_chars)
            data = done[rel]
            if data is None:
                continue
            src = f'url("data:font/woff;base64,{base64.b64encode(data).decode()}") format("woff")'
        rules.append(f"@font-face {{ font-family: {family}; font-weight: {weight}; font-style: normal; "
                     f"src: {src}; }}")
    return Markup("\n".join(rules))


def _subset(rel: str, chars: str) -> Optional[bytes]:
    """The font cut down to ``chars`` as WOFF (None when it has none of them): keeps report.html small."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    wanted = {ord(c) for c in chars} & _cmap(rel)
    if not wanted:
        return None
    font = TTFont(str(TEMPLATES / rel))
    opts = subset.Options()
    opts.flavor = "woff"
    opts.hinting = False
    opts.desubroutinize = True
    opts.name_IDs = ["*"]  # keep the copyright and licence records
    opts.drop_tables += ["FFTM"]  # FontForge timestamp: fontTools cannot subset it and says so per call
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=wanted)
    sub.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff"
    font.save(buf)
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def _cmap(rel: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(TEMPLATES / rel), lazy=True).getBestCmap())


def missing_glyphs(s: str) -> set[str]:
    """Characters of ``s`` that none of the shipped fonts can draw (they would print as boxes)."""
    covered: set[int] = set()
    for rel in dict.fromkeys(rel for _, _, rel in FONTS):
        covered |= _cmap(rel)
    return {c for c in s if c.isprintable() and not c.isspace() and ord(c) not in covered}


def _render_pair(template: str, ctx: dict[str, Any], out_dir: Path, stem: str,
                 url_fetcher: Optional[AssetFetcher], pdf_too: bool = True) -> tuple[Path, Optional[Path]]:
    """One template → self-contained ``stem.html`` and (unless ``pdf_too`` is off) ``stem.pdf`` in ``out_dir``."""
    from weasyprint import HTML

    env = _env()
    css = Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))
    tpl = env.get_template(template)
    pdf_html = tpl.render(**ctx, font_css=_font_css(None), css=css)
    fetcher = url_fetcher or AssetFetcher(TEMPLATES)
    pdf = (HTML(string=pdf_html, base_url=str(TEMPLATES) + os.sep, url_fetcher=fetcher).write_pdf()
           if pdf_too else None)
    if fetcher.refused:
        log.warning("report: refused to fetch %d URL(s): %s", len(fetcher.refused), fetcher.refused[:5])
    # The HTML file carries fonts subset to exactly the characters it shows.
    chars = "".join(sorted(set(pdf_html) | set(map(chr, range(0x20, 0x7F)))))
    html = tpl.render(**ctx, font_css=_font_css(chars), css=css)
    missing = missing_glyphs(pdf_html)
    if missing:
        log.warning("report: no shipped font has %s; they print as boxes",
                    " ".join(f"U+{ord(c):04X}" for c in sorted(missing)))
    out_dir = Path(out_dir)
    html_path, pdf_path = out_dir / f"{stem}.html", out_dir / f"{stem}.pdf"
    atomic_write_bytes(html_path, html.encode("utf-8"))
    if pdf is None:
        return html_path, None
    atomic_write_bytes(pdf_path, pdf)
    return html_path, pdf_path


def render_report(tables: dict[str, pd.DataFrame], out_dir: Path, *, quarter: str, body: Optional[str] = None,
                  diff: Optional[pd.DataFrame] = None, previous_quarter: Optional[str] = None,
                  generated: Optional[date] = None,
                  url_fetcher: Optional[AssetFetcher] = None, pdf: bool = True) -> tuple[Path, Optional[Path]]:
    """Write report.html and report.pdf for one quarter; returns (html, pdf or None when ``pdf`` is off)."""
    ctx = report_view(tables, quarter=quarter, body=body, generated=generated or date.today())
    ctx["diff"] = (diff_view(diff, before=previous_quarter or "", after=quarter, tables=tables)
                   if diff is not None else None)
    ctx["doc_title"] = f"{ctx['quarter_label']} 공약사업 추진상황"
    return _render_pair("report.html.j2", ctx, Path(out_dir), "report", url_fetcher, pdf)


def render_diff(diff_df: pd.DataFrame, out_dir: Path, *, before: str, after: str,
                tables: Optional[dict[str, pd.DataFrame]] = None, generated: Optional[date] = None,
                url_fetcher: Optional[AssetFetcher] = None, pdf: bool = True) -> tuple[Path, Optional[Path]]:
    """Write diff.html and diff.pdf (``tables``: the later quarter's, to show new 추진실적 texts)."""
    g = generated or date.today()
    ctx = {"diff": diff_view(diff_df, before=before, after=after, tables=tables),
           "doc_title": f"{quarter_label(before)} → {quarter_label(after)} 변경 내역",
           "generated": f"{g.year}. {g.month}. {g.day}."}
    return _render_pair("diff.html.j2", ctx, Path(out_dir), "diff", url_fetcher, pdf)


def tables_from_truth(path: Path, source: Optional[str] = None) -> dict[str, pd.DataFrame]:
    """Contract tables from a corpus ``*.truth.json`` (development, tests and the bench).

    ``source`` names one of the truth's files; its pages fill items.source_file /
    source_pages as the extractor would for that input.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out = {name: pd.DataFrame(data.get(name, []), columns=cols) for name, cols in COLUMNS.items()}
    if source is not None:
        pages = data.get("sources", {}).get(source, {})
        out["items"]["source_file"] = source
        out["items"]["source_pages"] = [pages.get(item_key(n), "") for n in out["items"]["item_no"]]
    return out
