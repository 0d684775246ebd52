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
from ..vocab import BOX_FIELDS, FUND_LABELS, quarter_label
from .cover import report_quarter_in_text, reporting_body, unreadable_statements
from .itembox import item_row
from .ledger import Ledger
from .periods import parse_quarter_code
from .rows import item_tables
from .segment import find_items, unidentified
from .toc import cross_check

SRC_ROW_COLS = ["src_page", "src_table", "src_row", "src_col"]
NO_ITEM = "공약 사업 카드를 찾지 못했습니다 (추진상황·총사업비 칸이 있는 카드가 없음)"


def _provenance(rows: list[dict[str, Any]], source_file: str, table_index: dict[int, int]) -> None:
    """Each row's ``source_*`` columns from its slot's provenance: the cell as ``tables --json`` lists it."""
    for r in rows:
        tref = r.pop("src_tref", None)
        bbox = r.pop("src_bbox", None)
        r["source_file"] = source_file
        r["source_page"] = r.get("src_page")
        r["source_table"] = table_index.get(id(tref)) if tref is not None else None
        r["source_row"] = r.get("src_row")
        r["source_col"] = r.get("src_col")
        r["source_bbox"] = " ".join(f"{v:g}" for v in bbox) if bbox else None


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
        """Each finding's message, `공약 7번: …` when it is about an item (and does not name the item itself)."""
        return [f"공약 {f.item_no}번: {f.message}" if f.item_no is not None and not f.message.startswith("목차")
                and f.check != "toc_item_unlisted" else f.message for f in self.findings]


def extract(doc: Document, quarter: str | None = None) -> Extraction:
    """The contract tables of one document and the normaliser's findings; the document is not changed.

    Raises NoPledgeItem when the document holds no pledge card, InputError when
    the report quarter cannot be determined.
    """
    findings: list[Finding] = []
    items = find_items(doc)
    if not items:
        raise NoPledgeItem(NO_ITEM)
    findings.extend(cross_check(doc, items))
    item_rows: list[dict[str, Any]] = []
    # Rows become a small frame per item as soon as the item is read, so a 150-item report never holds all its
    # rows as dicts at once (memory must not grow much with the page count).
    frames: dict[str, list[pd.DataFrame]] = {"budget": [], "plan": [], "performance": []}
    columns = {"budget": BUDGET, "plan": PLAN, "performance": PLAN}
    quarters: list[str] = []
    read = unread = 0
    table_index = {id(t): i for i, t in enumerate(doc.tables)}
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
            _provenance(rows, doc.source, table_index)
            if rows:
                frames[name].append(_frame(rows, columns[name], SRC_ROW_COLS))

    stated = report_quarter_in_text(doc)
    rq = stated or (max(quarters) if quarters else None)
    source = "문서에 적힌 분기" if stated else "추진실적의 가장 최근 분기"
    if rq is None and quarter is not None:
        rq = parse_quarter_code(quarter)
        source = "--quarter 옵션"
        if rq is None:
            raise InputError(f"--quarter 값이 분기 형식이 아닙니다: {quarter!r} — 2021Q4처럼 지정하세요")
    if rq is None:
        raise InputError("문서에서 보고 분기를 찾지 못했습니다 ('2021년 4분기' 같은 줄도, 추진실적 수치도 없음) — "
                         "--quarter 2021Q4처럼 지정해 다시 실행하세요")
    for page, text in unreadable_statements(doc):
        findings.append(Finding("report_quarter_unreadable", "warning",
                                f"문서에 적힌 분기를 읽을 수 없어 보고 분기 {quarter_label(rq)}는 {source}에서 "
                                f"정했습니다 — 적힌 글: {text!r}", None, page, "표지/머리글", "", text))
    for r in item_rows:
        r["report_quarter"] = rq
    body = reporting_body(doc, items)
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
