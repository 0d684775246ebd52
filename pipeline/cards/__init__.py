"""The normaliser, the format-blind half: Document → the four contract tables (pandas) and its findings.

Readers know formats, this knows pledges.  ``extract`` finds the items, turns
each into rows, and decides the report quarter the contract's way: the
document's own statement first, then the newest 추진실적 quarter that holds a
figure, then the caller's ``quarter``; a card with none of these is an error,
never a guess.  Whatever it cannot read it says so in a finding, and it counts
the figures it read and did not read (``ledger``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import pandas as pd

from ..contract import BUDGET, ITEMS, PLAN, Finding
from ..errors import InputError, NoPledgeItem
from ..model import Document
from ..vocab import BOX_FIELDS, FUND_LABELS
from .cover import report_quarter_in_text, reporting_body, unreadable_statements
from .itembox import item_row
from .ledger import Ledger
from .periods import parse_quarter_code
from .rows import item_tables
from .segment import find_items, unidentified
from .toc import cross_check

SRC_ROW_COLS = ["src_page", "src_table", "src_row", "src_col"]


def _frame(rows: list[dict[str, Any]], cols: list[str], extra: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=cols + extra)
    return df.astype(object).where(df.notna(), None) if len(df) else df


def _latest_performance_quarter(perf: list[dict[str, Any]]) -> Optional[str]:
    quarters = [r["period"] for r in perf if "Q" in str(r["period"])]
    return max(quarters) if quarters else None


def _box_summary(row: dict[str, Any]) -> str:
    """`총사업비 2,880 (시비 2,149, 구비 731)` from an items row, "" when the card has no 총사업비 box."""
    total = row.get("total_budget_mkrw")
    if total is None:
        return ""
    funds = [f"{FUND_LABELS[f]} {row[c]:,}" for f, c in BOX_FIELDS.items() if row.get(c)]
    return f"총사업비 {total:,}백만원" + (f" ({', '.join(funds)})" if funds else "")


@dataclass
class Extraction:
    """What the normaliser made of one document: the contract tables (with ``src_*`` provenance columns),
    what it could not read cleanly (findings without file or quarter yet), and how many figure cells of the
    contract tables became rows (``figures_read``) or did not (``figures_unread``, each named by a finding)."""

    tables: dict[str, pd.DataFrame]
    findings: list[Finding] = field(default_factory=list)
    figures_read: int = 0
    figures_unread: int = 0

    @property
    def warnings(self) -> list[str]:
        """Each finding's message, `item 7: …` when it is about an item."""
        return [f"item {f.item_no}: {f.message}" if f.item_no is not None and not f.message.startswith("목차")
                and f.check != "toc_item_unlisted" else f.message for f in self.findings]


def extract(doc: Document, quarter: str | None = None) -> Extraction:
    """The contract tables of one document and the normaliser's findings; the document is not changed.

    Raises NoPledgeItem when the document holds no pledge card, InputError when
    the report quarter cannot be determined.
    """
    findings: list[Finding] = []
    items = find_items(doc)
    if not items:
        raise NoPledgeItem("no pledge item found")
    findings.extend(cross_check(doc, items))
    item_rows: list[dict[str, Any]] = []
    # Rows become a small frame per item as soon as the item is read, so a 150-item report never holds all its
    # rows as dicts at once (memory must not grow much with the page count).
    frames: dict[str, list[pd.DataFrame]] = {"budget": [], "plan": [], "performance": []}
    columns = {"budget": BUDGET, "plan": PLAN, "performance": PLAN}
    quarters: list[str] = []
    read = unread = 0
    for item in items:
        ledger = Ledger(item.item_no)
        item_tables_ = item_tables(item, ledger)
        q = _latest_performance_quarter(item_tables_["performance"])
        if q:
            quarters.append(q)
        if not item.identified:
            # No rows under a made-up number: every figure of the card counts as not read, and one error says so.
            findings.append(unidentified(item, len(ledger.entries), _box_summary(item_row(item, doc.source, doc.format))))
            unread += len(ledger.entries)
            continue
        item_rows.append(item_row(item, doc.source, doc.format))
        findings.extend(ledger.findings)
        findings.extend(ledger.unread_findings())
        read += ledger.read
        unread += ledger.unread
        for name, rows in item_tables_.items():
            for r in rows:
                r["item_no"] = item.item_no
            if rows:
                frames[name].append(_frame(rows, columns[name], SRC_ROW_COLS))

    stated = report_quarter_in_text(doc)
    rq = stated or (max(quarters) if quarters else None)
    source = "the document" if stated else "the newest 추진실적 quarter"
    if rq is None and quarter is not None:
        rq = parse_quarter_code(quarter)
        source = "--quarter"
        if rq is None:
            raise InputError(f"--quarter {quarter!r} is not a quarter like 2021Q4")
    if rq is None:
        raise InputError("report quarter not found in the document (no '2021년 4분기' line and no 추진실적 "
                         "figure); give it with --quarter, e.g. --quarter 2021Q4")
    for page, text in unreadable_statements(doc):
        findings.append(Finding("report_quarter_unreadable", "warning",
                                f"the document states its quarter in {text!r}, which could not be read; the "
                                f"report quarter {rq} was taken from {source}", None, page, "표지/머리글", "",
                                text))
    for r in item_rows:
        r["report_quarter"] = rq
    body = reporting_body(doc)
    for r in item_rows:
        r["src_body"] = body
    tables = {
        name: (pd.concat(parts, ignore_index=True) if parts else _frame([], columns[name], SRC_ROW_COLS))
        for name, parts in frames.items()
    }
    for df in tables.values():
        df["report_quarter"] = rq
    return Extraction({
        "items": _frame(item_rows, ITEMS, ["src_pages", "src_body"]),
        "budget": tables["budget"],
        "plan": tables["plan"],
        "performance": tables["performance"],
    }, findings, read, unread)
