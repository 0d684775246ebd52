"""The published figures (outputs.summary) for compiled/hanbit-2023Q2, against values computed here
independently from the truth JSON with plain Python — and the rules behind them, one test each."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from truth_tables import tables_from_truth

from pipeline.outputs.summary import (
    SUMMARY_COLUMNS,
    figure_value,
    summary_figures,
    task_achievements,
    write_summary_csv,
)

YEAR, Q_END_MONTH = 2023, 6  # 2023Q2


def begins(period: str) -> tuple[int, int]:
    """(year, first month) of a period code, by hand: 2023 → (2023, 1), 2023H2 → (2023, 7), 2023Q2 → (2023, 4)."""
    y = int(period[:4])
    if "H" in period:
        return y, 1 if period.endswith("1") else 7
    if "Q" in period:
        return y, 3 * int(period[-1]) - 2
    return y, 1


def months(period: str) -> int:
    return 6 if "H" in period else 3 if "Q" in period else 12


@pytest.fixture(scope="module")
def truth(corpus: Path) -> dict:
    return json.loads((corpus / "compiled/hanbit-2023Q2.truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def figures(corpus: Path) -> pd.DataFrame:
    return summary_figures(tables_from_truth(corpus / "compiled/hanbit-2023Q2.truth.json"), "2023Q2")


def expected_from_truth(d: dict) -> dict[str, float]:
    items = d["items"]
    out: dict[str, float] = {"items": len(items)}
    st = Counter(i["status"] for i in items)
    out["completion_rate"] = (st["완료"] + st["이행 후 계속추진"]) / len(items) * 100
    # Tasks with a figure target in 2023 (a year column, or its halves added up).
    tasks: dict[tuple, dict] = {}
    for p in d["plan"]:
        if p["value"] is not None and p["period"].startswith(str(YEAR)):
            t = tasks.setdefault((p["item_no"], p["unit"], p["task"]), {"year": None, "parts": [], "measure": ""})
            t["measure"] = t["measure"] or p["measure"]
            if p["period"] == str(YEAR):
                t["year"] = (p["value"], 6 / 12)
            else:
                y, m0 = begins(p["period"])
                share = max(0, min(months(p["period"]), Q_END_MONTH - m0 + 1)) / months(p["period"])
                t["parts"].append((p["value"], share))
    rates, met, pace = [], 0, 0
    for key, t in tasks.items():
        used = [t["year"]] if t["year"] else t["parts"]
        target = sum(v for v, _ in used)
        due = sum(v * s for v, s in used)
        acts = [r for r in d["performance"] if (r["item_no"], r["unit"], r["task"]) == key
                and r["period"].startswith(str(YEAR)) and begins(r["period"])[1] <= Q_END_MONTH
                and r["value"] is not None and r["measure"] in ("", t["measure"])]
        if not acts:
            continue
        actual = sum(r["value"] for r in acts)
        rate = actual / target * 100
        rates.append(min(rate, 100))
        met += rate >= 100
        pace += rate >= due / target * 100
    out["tasks_with_target"] = len(tasks)
    out["tasks_compared"] = len(rates)
    out["target_achievement"] = sum(rates) / len(rates)
    out["tasks_met_share"] = met / len(rates) * 100
    out["tasks_on_pace_share"] = pace / len(rates) * 100
    out["total_budget"] = sum(i["total_budget_mkrw"] for i in items)
    for f in ("national", "city", "district", "other"):
        out[f"fund:{f}"] = sum(i[f"total_{f}_mkrw"] for i in items)

    def item_total(no: int, kind: str, period: str) -> float | None:
        rows = [b for b in d["budget"] if b["item_no"] == no and b["kind"] == kind and b["period"] == period]
        grand = [b["amount_mkrw"] for b in rows if b["fund"] == "total" and b["unit"] == ""]
        units = [b["amount_mkrw"] for b in rows if b["fund"] == "total" and b["unit"] != ""]
        funds = [b["amount_mkrw"] for b in rows if b["fund"] != "total"]
        return grand[0] if grand else sum(units) if units else sum(funds) if funds else None

    sec = plan = 0.0
    for i in items:
        p = item_total(i["item_no"], "plan", str(YEAR))
        if i["secured_year"] == YEAR and i["secured_budget_mkrw"] is not None and p is not None:
            sec += i["secured_budget_mkrw"]
            plan += p
    out["secured_this_year"], out["plan_this_year"], out["funding_rate"] = sec, plan, sec / plan * 100
    # 집행: periods begun by the end of 2023Q2 whose 집행액 is printed, against the plan of the same periods.
    p_td = e_td = 0.0
    for i in items:
        periods = {b["period"] for b in d["budget"] if b["item_no"] == i["item_no"] and b["kind"] == "executed"
                   and b["period"] != "total" and begins(b["period"]) <= (YEAR, Q_END_MONTH)}
        for per in periods:
            p_td += item_total(i["item_no"], "plan", per) or 0
            e_td += item_total(i["item_no"], "executed", per)
    out["plan_to_date"], out["executed_to_date"], out["execution_rate"] = p_td, e_td, e_td / p_td * 100
    return out


def test_summary_figures_equal_an_independent_computation_hanbit_2023q2(truth: dict, figures: pd.DataFrame) -> None:
    exp = expected_from_truth(truth)
    # The hand-checked figures (see the compiled README): 5 items, 1 완료; 21 tasks with a 2023 target, 13 with
    # a result figure; 4,647.7 secured of a 4,647.7 plan; 393.93 spent of 411.457 planned in 2022.
    assert exp["items"] == 5 and exp["tasks_with_target"] == 21 and exp["tasks_compared"] == 13
    assert exp["completion_rate"] == 20 and exp["funding_rate"] == pytest.approx(100)
    assert exp["executed_to_date"] == pytest.approx(393.93) and exp["plan_to_date"] == pytest.approx(411.457)
    for key, want in exp.items():
        fig, _, part = key.partition(":")
        got = figure_value(figures, "total_budget_by_fund" if part else fig, part)
        assert got == pytest.approx(want, abs=1e-9), key
    # Nothing of 2023 has been spent in print yet: 집행액 against what was secured cannot be computed.
    assert figure_value(figures, "executed_this_year") is None
    assert figure_value(figures, "execution_rate_secured") is None


def test_every_figure_has_a_korean_label_unit_and_one_line_definition(figures: pd.DataFrame) -> None:
    assert list(figures.columns) == SUMMARY_COLUMNS
    for r in figures.to_dict("records"):
        assert r["label"] and r["unit"] and r["definition"] and "\n" not in r["definition"], r
    statuses = figures[figures["figure"] == "items_by_status"]
    assert dict(zip(statuses["part"], statuses["value"])) == {"완료": 1, "정상추진": 4}


def test_summary_csv_is_written_with_bom(corpus: Path, tmp_path: Path) -> None:
    t = tables_from_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    p = write_summary_csv(tmp_path / "summary.csv", t, "2023Q2")
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(p, encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == SUMMARY_COLUMNS and len(back) == len(summary_figures(t, "2023Q2"))
    assert float(back.loc[back["figure"] == "total_budget", "value"].item()) == pytest.approx(11799.65)


def _tables(plan: list[dict], perf: list[dict], items: list[dict] | None = None,
            budget: list[dict] | None = None) -> dict:
    return {"items": pd.DataFrame(items or []), "plan": pd.DataFrame(plan), "performance": pd.DataFrame(perf),
            "budget": pd.DataFrame(budget or [], columns=["item_no", "unit", "kind", "fund", "period",
                                                          "amount_mkrw"])}


def task(period: str, value: float | None, measure: str = "회", task: str = "교육") -> dict:
    return {"item_no": 1, "unit": "", "task": task, "period": period, "value": value, "measure": measure,
            "text": "x"}


def test_percentage_results_are_levels_not_summed() -> None:
    # 공정률 40% then 70%: the result to date is 70%, not 110%.
    t = task_achievements(_tables([task("2023", 100, "%")], [task("2023Q1", 40, "%"), task("2023Q2", 70, "%")]),
                          "2023Q2")
    assert t.loc[0, "actual"] == 70 and t.loc[0, "rate"] == 70


def test_half_year_targets_make_the_year_and_pace_counts_what_was_due() -> None:
    # H1 target 4 (all due by June), H2 target 6 (nothing due yet): 4 done by 2023Q2 is on pace, 40 % of the year.
    t = task_achievements(_tables([task("2023H1", 4), task("2023H2", 6)], [task("2023Q2", 4)]), "2023Q2")
    r = t.iloc[0]
    assert (r["target"], r["actual"], r["rate"], r["expected"]) == (10, 4, 40, 40)
    assert bool(r["on_pace"]) and not bool(r["met"])


def test_results_in_another_unit_or_without_a_figure_are_not_compared_hanbit_item43() -> None:
    # 만족도 조사: target 1회, result 85.5% — counted as a task with a target, not compared.
    t = task_achievements(_tables([task("2023", 1, "회"), task("2023", 5, "곳", "설치")],
                                  [task("2023Q1", 85.5, "%"), task("2023Q1", None, "", "설치")]), "2023Q2")
    assert len(t) == 2 and not t["compared"].any() and t["rate"].isna().all()


def test_results_after_the_report_quarter_are_not_counted() -> None:
    t = task_achievements(_tables([task("2023", 10)], [task("2023Q2", 3), task("2023Q3", 5)]), "2023Q2")
    assert t.loc[0, "actual"] == 3


def test_funding_and_execution_count_only_items_that_print_both_figures() -> None:
    items = [{"item_no": 1, "status": "완료", "total_budget_mkrw": 100, "secured_year": 2023,
              "secured_budget_mkrw": 40},
             {"item_no": 2, "status": "정상추진", "total_budget_mkrw": 50, "secured_year": None,
              "secured_budget_mkrw": None}]
    budget = [{"item_no": 1, "unit": "", "kind": "plan", "fund": "total", "period": "2023", "amount_mkrw": 50},
              {"item_no": 1, "unit": "", "kind": "plan", "fund": "total", "period": "2022", "amount_mkrw": 50},
              {"item_no": 1, "unit": "", "kind": "executed", "fund": "total", "period": "2022", "amount_mkrw": 45},
              {"item_no": 2, "unit": "", "kind": "plan", "fund": "total", "period": "2023", "amount_mkrw": 50}]
    f = summary_figures(_tables([], [], items, budget), "2023Q2")
    assert figure_value(f, "funding_rate") == 80  # 40 of item 1's 50; item 2 has no 예산확보액 box
    assert figure_value(f, "execution_rate") == 90  # 45 of 2022's 50; 2023 has no 집행액 yet, item 2 no table
    assert figure_value(f, "completion_rate") == 50
    assert figure_value(f, "target_achievement") is None  # no task has a figure target: not 0
