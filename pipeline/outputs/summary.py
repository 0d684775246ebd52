"""The figures an office publishes each quarter, computed from the contract tables alone (pure functions).

Offices define 완료율, 달성률 or 집행률 differently, so every figure here carries
its Korean label and a one-line definition, and the report prints the definition
under the figure.  The same frame is written as ``summary.csv`` beside the
archive and shown on the workbook's 요약 sheet.

Choices written down once (each is in a definition line too):
- "this year" is the report quarter's year; "to date" means up to the end of the
  report quarter;
- a task's yearly target is its 연차별 추진계획 figure for the year, or the sum
  of its figures for periods inside the year (상·하반기); its result to date is the
  sum of its 추진실적 figures of the same unit in the year up to the quarter — a
  percentage is a level, not a count, so for `%` the latest figure counts, not
  the sum; a task whose results have no figure in the target's unit (`-심사
  진행`, `85.5%` against `1회`) is counted but not compared;
- 집행률 and 재정확보율 compare only what is printed on both sides: an item
  without an 집행액 table, or a year whose 집행액 cell is blank, does not read as
  "nothing spent".
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, Mapping, Optional

import pandas as pd

from .. import vocab
from ..contract import cell_number, cell_text, is_blank, item_key, records
from ..fsio import atomic_write_frame
from ..vocab import SEVERITIES_TO_FIX, STATUS_ORDER, period_range, quarter_range

num = cell_number

# The summary frame (summary.csv, the Parquet `summary` dataset): one figure a row.
#   figure: a stable code; part: the status or fund a per-status/per-fund row is about ('' otherwise);
#   label/unit/definition: Korean, as printed; value: the exact number (None when it cannot be computed).
SUMMARY_COLUMNS = ["report_quarter", "figure", "part", "label", "value", "unit", "definition"]
# Statuses that count as done for 완료율.
DONE_STATUSES = ("완료", "이행 후 계속추진")
# What one task's row of task_achievements holds.
TASK_COLUMNS = ["item_no", "unit", "task", "measure", "target", "actual", "rate", "expected", "compared",
                "met", "on_pace"]


def _months(d: date) -> int:
    return d.year * 12 + d.month


# ----------------------------------------------------------------------------- an item's money per period

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
    grand = [r for r in rows if r["fund"] == "total" and cell_text(r["unit"]) == ""]
    unit_totals = [r for r in rows if r["fund"] == "total" and cell_text(r["unit"]) != ""]
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


def year_amount(totals: Mapping[str, float], year: int) -> Optional[float]:
    """The amount of a year: its year column, else the sum of its half/quarter columns; None when none."""
    if str(year) in totals:
        return totals[str(year)]
    inside = [v for p, v in totals.items() if p != str(year) and (r := period_range(p)) and r[0].year == year
              and r[1].year == year]
    return sum(inside) if inside else None


def executed_to_date(plan: Mapping[str, float], executed: Mapping[str, float],
                     quarter_end: date) -> tuple[Optional[float], Optional[float]]:
    """(plan, executed) summed over the periods begun by ``quarter_end`` whose 집행액 is printed.

    Cards print 집행액 for settled periods and leave the running year blank; a
    blank is not "nothing spent", so the plan of a period without an 집행액
    figure is left out too.  (None, None) when no such period exists.
    """
    periods = [p for p in executed if (r := period_range(p)) and r[0] <= quarter_end]
    if not periods:
        return None, None
    return sum(plan.get(p, 0.0) for p in periods), sum(executed[p] for p in periods)


# ----------------------------------------------------------------------------- tasks against this year's target

def _elapsed(period: str, end: date) -> float:
    """The share of ``period`` that lies before ``end`` (by months: a quarter is a quarter of a year)."""
    r = period_range(period)
    if r is None or r[0] > end:
        return 0.0
    total = _months(r[1]) - _months(r[0]) + 1
    done = min(_months(r[1]), _months(end)) - _months(r[0]) + 1
    return max(0.0, min(1.0, done / total))


def task_achievements(tables: Mapping[str, pd.DataFrame], quarter: str) -> pd.DataFrame:
    """Every task with a numeric target for the report quarter's year, its result to date and its rate.

    ``rate`` = actual ÷ target × 100; ``expected`` = the share of the target due
    by the quarter's end × 100 (a year's target at 2분기: 50); ``met``: rate ≥ 100;
    ``on_pace``: rate ≥ expected.  Rows whose result has no comparable figure have
    ``compared`` False and no rate.
    """
    year = quarter_range(quarter)[0].year
    q_end = quarter_range(quarter)[1]

    def key(r: dict) -> tuple[str, str, str]:
        return item_key(r.get("item_no")), cell_text(r.get("unit")), cell_text(r.get("task"))

    targets: dict[tuple, list[dict]] = {}
    for r in records(tables.get("plan")):
        b = period_range(cell_text(r.get("period")))
        if b and b[0].year == year and b[1].year == year and num(r.get("value")) is not None:
            targets.setdefault(key(r), []).append(r)
    results: dict[tuple, list[dict]] = {}
    for r in records(tables.get("performance")):
        b = period_range(cell_text(r.get("period")))
        if b and b[0].year == year and b[1].year == year and b[0] <= q_end:
            results.setdefault(key(r), []).append(r)
    rows = []
    for k, prows in targets.items():
        year_rows = [r for r in prows if cell_text(r.get("period")) == str(year)]
        used = year_rows or prows  # the year's own figure, else its halves/quarters added up
        target = sum(num(r["value"]) for r in used)
        measure = next((cell_text(r.get("measure")) for r in used if cell_text(r.get("measure"))), "")
        due = sum(num(r["value"]) * _elapsed(cell_text(r.get("period")), q_end) for r in used)
        acts = sorted((r for r in results.get(k, []) if num(r.get("value")) is not None
                       and cell_text(r.get("measure")) in ("", measure)),
                      key=lambda r: period_range(cell_text(r.get("period")))[1])
        actual: Optional[float] = None
        if acts:
            actual = num(acts[-1]["value"]) if measure == "%" else sum(num(r["value"]) for r in acts)
        compared = actual is not None and target > 0
        rate = actual / target * 100 if compared else None
        expected = due / target * 100 if target > 0 else None
        rows.append({
            "item_no": k[0], "unit": k[1], "task": k[2], "measure": measure, "target": target,
            "actual": actual, "rate": rate, "expected": expected, "compared": compared,
            "met": bool(compared and rate >= 100 - 1e-9),
            "on_pace": bool(compared and expected is not None and rate >= expected - 1e-9),
        })
    return pd.DataFrame(rows, columns=TASK_COLUMNS)


# ----------------------------------------------------------------------------- the figures

def records_by_item(df: Optional[pd.DataFrame]) -> dict[str, list[dict]]:
    """A table's rows grouped by item number (item_key), in their order."""
    out: dict[str, list[dict]] = {}
    for r in records(df):
        out.setdefault(item_key(r.get("item_no")), []).append(r)
    return out


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b * 100 if a is not None and b else None


def summary_figures(tables: Mapping[str, pd.DataFrame], quarter: str) -> pd.DataFrame:
    """The quarter's published figures (SUMMARY_COLUMNS), in the order the report shows them."""
    year = quarter_range(quarter)[0].year
    q_end = quarter_range(quarter)[1]
    items = records(tables.get("items"))
    budget = records_by_item(tables.get("budget"))
    out: list[dict[str, Any]] = []

    def add(figure: str, label: str, value: Optional[float], unit: str, definition: str, part: str = "") -> None:
        out.append({"report_quarter": quarter, "figure": figure, "part": part, "label": label,
                    "value": value, "unit": unit, "definition": definition})

    n = len(items)
    add("items", "공약사업", n, "건", "보고서에 든 공약사업의 수")
    counts = Counter(cell_text(r.get("status")) or "(미기재)" for r in items)
    for s in [s for s in STATUS_ORDER if s in counts] + sorted(s for s in counts if s not in STATUS_ORDER):
        add("items_by_status", f"추진상황 {s}", counts[s], "건", "추진상황 칸에 적힌 그대로 센 사업 수", part=s)
    done = sum(counts[s] for s in DONE_STATUSES)
    add("completion_rate", "완료율", _ratio(done, n), "%",
        "(완료 + 이행 후 계속추진 사업 수) ÷ 전체 공약사업 수")

    tasks = task_achievements(tables, quarter)
    cmp_ = tasks[tasks["compared"]] if len(tasks) else tasks
    add("tasks_with_target", f"{year}년 수치목표 과제", len(tasks), "개",
        f"{year}년 추진계획에 수치 목표(예: 40회)가 있는 세부과제 수 (상·하반기 목표는 더함)")
    add("tasks_compared", "실적 수치가 있는 과제", len(cmp_), "개",
        f"그중 {year}년 보고분기까지 목표와 같은 단위의 실적 수치가 보고된 과제 수 (아래 세 비율의 대상)")
    add("target_achievement", f"{year}년 목표 달성률", float(cmp_["rate"].clip(upper=100).mean()) if len(cmp_)
        else None, "%", f"과제별 (보고분기까지 실적 합 ÷ {year}년 목표, 100% 상한)의 평균")
    add("tasks_met_share", "목표 달성 과제 비율", _ratio(int(cmp_["met"].sum()), len(cmp_)), "%",
        f"{year}년 목표를 이미 채운(실적 ÷ 목표 100% 이상) 과제의 비율")
    add("tasks_on_pace_share", "진도 충족 과제 비율", _ratio(int(cmp_["on_pace"].sum()), len(cmp_)), "%",
        "실적이 보고분기 말까지 지난 기간만큼의 목표(연간 목표면 분기 수 ÷ 4) 이상인 과제의 비율")

    columns = set().union(*(r.keys() for r in items)) if items else set()
    add("total_budget", "총사업비", sum(v for r in items if (v := num(r.get("total_budget_mkrw"))) is not None),
        "백만원", "사업별 총사업비(카드의 총사업비 칸)의 합")
    for fund in vocab.FUND_PARTS:  # read at call time: the fund list is the vocabulary's
        col = f"total_{fund}_mkrw"
        vals = [v for r in items if (v := num(r.get(col))) is not None] if col in columns else []
        if any(vals):  # a fund no item names (a 구 has no 군비) is left out, not shown as 0
            add("total_budget_by_fund", f"총사업비 {vocab.FUND_LABELS.get(fund, fund)}", sum(vals), "백만원",
                f"사업별 총사업비 중 {vocab.FUND_LABELS.get(fund, fund)}의 합", part=fund)

    secured = plan_year = exec_year = secured_e = 0.0
    n_sec = n_exec_sec = 0
    plan_td = exec_td = 0.0
    n_exec = 0
    for r in items:
        rows = budget.get(item_key(r.get("item_no")), [])
        plan_tot, _ = budget_series(rows, "plan")
        exec_tot, _ = budget_series(rows, "executed")
        s = num(r.get("secured_budget_mkrw"))
        p_year = year_amount(plan_tot, year)
        e_year = year_amount(exec_tot, year)
        if s is not None and num(r.get("secured_year")) == year and p_year is not None:
            secured += s
            plan_year += p_year
            n_sec += 1
        if s is not None and num(r.get("secured_year")) == year and e_year is not None:
            secured_e += s
            exec_year += e_year
            n_exec_sec += 1
        p_td, e_td = executed_to_date(plan_tot, exec_tot, q_end)
        if p_td is not None and e_td is not None:
            plan_td += p_td
            exec_td += e_td
            n_exec += 1
    add("secured_this_year", f"{year}년 예산확보액", secured if n_sec else None, "백만원",
        f"{year}년 예산확보액 칸과 {year}년 투자계획이 모두 있는 사업의 확보액 합")
    add("plan_this_year", f"{year}년 투자계획", plan_year if n_sec else None, "백만원",
        f"같은 사업들의 연차별 투자계획 중 {year}년 계")
    add("funding_rate", "재정확보율", _ratio(secured, plan_year) if n_sec else None, "%",
        f"{year}년 예산확보액 ÷ {year}년 투자계획 (둘 다 적힌 사업)")
    add("plan_to_date", "투자계획 (집행 보고 기간)", plan_td if n_exec else None, "백만원",
        "보고분기까지 시작된 기간 중 집행액이 적힌 기간의 투자계획 합")
    add("executed_to_date", "집행액 (보고분기까지)", exec_td if n_exec else None, "백만원",
        "같은 기간의 집행액 합")
    add("execution_rate", "집행률 (계획 대비)", _ratio(exec_td, plan_td) if n_exec else None, "%",
        "집행액 ÷ 같은 기간 투자계획 (보고분기까지, 집행액이 적힌 기간만)")
    add("executed_this_year", f"{year}년 집행액", exec_year if n_exec_sec else None, "백만원",
        f"{year}년 예산확보액이 있는 사업의 {year}년 집행액 합")
    add("execution_rate_secured", "집행률 (확보예산 대비)", _ratio(exec_year, secured_e) if n_exec_sec else None,
        "%", f"{year}년 집행액 ÷ {year}년 예산확보액 (둘 다 적힌 사업)")

    findings = records(tables.get("findings"))
    to_fix = sum(1 for f in findings if cell_text(f.get("severity")) in SEVERITIES_TO_FIX)
    add("findings_to_fix", "고칠 것 (오류·경고)", to_fix, "건", "오류·경고 수준의 검토의견 수 (‘고칠 것’ 목록)")
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)


def figure_value(figures: pd.DataFrame, figure: str, part: str = "") -> Optional[float]:
    """One figure's value from a summary frame (None when it is absent or not computable)."""
    hit = figures[(figures["figure"] == figure) & (figures["part"] == part)]
    if not len(hit):
        return None
    v = hit["value"].iloc[0]
    return None if is_blank(v) else float(v)


def write_summary_csv(path: Path, tables: Mapping[str, pd.DataFrame], quarter: str) -> Path:
    """``summary.csv`` (UTF-8 with BOM, written atomically) of the quarter; returns its path."""
    path = Path(path)
    atomic_write_frame(path, summary_figures(tables, quarter))
    return path
