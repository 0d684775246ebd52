"""The list of what to fix: every `error`/`warning` finding with its item, file, page and Korean message.

One list for the report's section and the workbook's 검토의견 sheet, so both say
the same.  findings.csv names the file and page of a finding in its own
``source_file``/``page`` columns; an older findings table without them is
completed from the ``p.N`` its location names and from the item's row in
items.csv — as much as is known, never a guessed page.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Optional

import pandas as pd

from ..contract import cell_number, cell_text, item_key, records
from ..vocab import SEVERITIES_TO_FIX, SEVERITY_ORDER

_PAGE_IN_LOCATION = re.compile(r"\bp\.(\d+(?:-\d+)?)\b")


def _page(v: object) -> str:
    n = cell_number(v)
    if n is not None and n.is_integer():
        return str(int(n))
    return cell_text(v)


def finding_place(f: Mapping[str, Any], item: Optional[Mapping[str, Any]]) -> tuple[str, str]:
    """(file, page) of a finding: its own columns, else the page its location names, else the item's pages."""
    item = item or {}
    file = cell_text(f.get("source_file")) or cell_text(item.get("source_file"))
    page = _page(f.get("page"))
    if not page:
        m = _PAGE_IN_LOCATION.search(cell_text(f.get("location")))
        page = m[1] if m else cell_text(item.get("source_pages"))
    return file, page


def _order(f: Mapping[str, Any]) -> tuple:
    sev = cell_text(f.get("severity"))
    no = cell_number(f.get("item_no"))
    return (SEVERITY_ORDER.index(sev) if sev in SEVERITY_ORDER else len(SEVERITY_ORDER),
            no is None, no or 0, item_key(f.get("item_no")))


def fix_list(tables: Mapping[str, pd.DataFrame], to_fix: bool = True) -> list[dict[str, Any]]:
    """The findings to fix (``error``/``warning``; with ``to_fix`` off: all the others), codes kept (labels are
    the caller's), with item title, file and page, most urgent first, then by item number."""
    items = {item_key(r.get("item_no")): r for r in records(tables.get("items"))}
    out = []
    for f in sorted(records(tables.get("findings")), key=_order):
        if (cell_text(f.get("severity")) in SEVERITIES_TO_FIX) != to_fix:
            continue
        item = items.get(item_key(f.get("item_no")))
        file, page = finding_place(f, item)
        out.append({**f, "item_no": item_key(f.get("item_no")), "title": cell_text((item or {}).get("title")),
                    "source_file": file, "page": page})
    return out
