"""A stitched grid → contract rows: plan/performance observations (here) and budget amounts (``money``).

Every non-blank value cell becomes one row keyed by its labels (unit, task or
fund) and its column's period; a cell that is not what its table holds (an
amount that is not a number) is reported, never guessed.  Each row carries the
``src_*`` provenance of the cell it came from.  What cannot be placed — a
column under an unknown heading, a row without a label, a table without period
columns — is named once in a finding, and its figures are left unread in the
item's ``Ledger``, which reports each of them.
"""
from __future__ import annotations

from typing import Any

from ..model import Table
from .columns import by_role, heading_year, no_periods, period_columns, src, unplaced_columns, where
from .grid import analyse, slots_of, stitch
from .ledger import Ledger
from .money import money_rows
from .numbers import parse_measure, prints_nothing
from .segment import ItemSpan, Section, sections
from .textclean import clean


def text_rows(section: Section, ledger: Ledger) -> list[dict[str, Any]]:
    """Plan / performance rows: (unit, task, period) → text, value, measure."""
    out: list[dict[str, Any]] = []
    for g in stitch(section.parts, heading_year(section)):
        readable = bool(g.periods and g.nlabels)
        columns, why = period_columns(g, section) if readable else ([], {})
        ledger.register(section, g, section.heading, money=False, body_only=readable, skip=by_role(why))
        if not readable:
            no_periods(section, g, ledger)
            continue
        L = g.nlabels
        unplaced_columns(g, section, columns, why, ledger, money=False)
        for row in g.rows[g.header:]:
            task_slot = row[L - 1]
            task = clean(task_slot.text)
            if not task:
                values = [row[c] for c, _ in columns if not prints_nothing(clean(row[c].text))]
                if values:
                    for s in values:
                        ledger.reject(section, s, "행 이름이 없습니다")
                    ledger.add("unread_row", f"{where(section, task_slot.page)}: 이름이 없는 행이라 읽지 않았습니다",
                               task_slot.page, where(section, task_slot.page))
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
                ledger.use(section, s)
                value, measure = parse_measure(text)
                out.append({
                    "unit": " > ".join(unit_parts), "task": task, "period": p.code,
                    "period_start": p.start, "period_end": p.end, "text": text, "value": value,
                    "measure": measure, **src(s, section.heading),
                })
    return out


def item_tables(item: ItemSpan, ledger: Ledger) -> dict[str, list[dict[str, Any]]]:
    """All contract rows of one item (without report_quarter / item_no); what is not read is in ``ledger``."""
    out: dict[str, list[dict[str, Any]]] = {"budget": [], "plan": [], "performance": []}
    found = sections(item)
    for s in found.sections:
        if s.kind == "plan":
            out["plan"].extend(text_rows(s, ledger))
        elif s.kind == "perf":
            out["performance"].extend(text_rows(s, ledger))
        elif s.kind == "budget_plan":
            out["budget"].extend(money_rows(s, "plan", ledger))
        elif s.kind == "budget_exec":
            out["budget"].extend(money_rows(s, "executed", ledger))
    for section, table in found.stray:
        _stray_table(section, table, ledger)
    return out


def _stray_table(section: Section, table: Table, ledger: Ledger) -> None:
    """A table under a contract heading that is neither its table nor a continuation of it, or a table with
    period columns under no contract heading: its figures (whole cells that are numbers, the strict rule, since
    its kind is unknown) are reported, never dropped."""
    g = analyse(slots_of(table, 0), None)
    before = len(ledger.entries)
    ledger.register(table, g, section.heading or "(표)", money=False, body_only=False)
    if len(ledger.entries) == before:
        return
    ledger.add("unread_table", f"{where(section, table.page)}: 서식의 어느 표(투자수요·추진계획·추진실적)에도 "
               "속하지 않는 표라 읽지 않았습니다", table.page, where(section, table.page))

