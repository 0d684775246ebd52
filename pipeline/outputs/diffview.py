"""The view model of the diff report: a quarter's changes sorted into what a reader asks about."""
from __future__ import annotations

from collections import Counter
from typing import Any, Optional

import pandas as pd

from ..contract import item_key
from ..quarter.diff import is_restatement
from ..vocab import CHANGE_LABELS, FUND_LABELS, KIND_LABELS, TABLE_LABELS, quarter_label
from . import charts
from .labels import field_label
from .view import column_label, fmt_num, normalise_tables, num, records, text


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
        t = normalise_tables(tables)
        titles = {item_key(r.get("item_no")): text(r.get("title")) for r in records(t["items"])}
        perf_text = {(item_key(r.get("item_no")), text(r.get("unit")), text(r.get("task")), text(r.get("period"))):
                     text(r.get("text")) for r in records(t["performance"])}
    for r in rows:
        r["item_no"] = item_key(r.get("item_no"))
        if has_flag:  # the caller's flag, which only ever marks changed figures
            r["restated"] = (r.get("change") == "changed" and bool(r.get("restated"))
                             and str(r.get("restated")).lower() not in ("false", "0", ""))
        else:
            r["restated"] = is_restatement(r, after)  # one rule for the diff and the report
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
            "period": column_label(r.get("period")) if text(r.get("period")) else "",
            "field": field_label(text(r.get("field"))),
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
