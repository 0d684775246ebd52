"""One reporting quarter: period codes as date ranges, and several files combined into one quarter.

A quarter's report usually arrives as one card per department, each its own
file.  Combining them is where two mistakes surface that no single file shows:
the same pledge number filed twice (two departments, or an old and a new copy of
one card) and a file from another quarter slipped into the batch.  Both would
silently double or mix figures, so both are input errors naming the files.
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Iterable, Optional

import pandas as pd

from pipeline.contract import COLUMNS, item_key
from pipeline.errors import InputError

_CODE = re.compile(r"^(?P<y>\d{4})(?:(?P<h>H[12])|(?P<q>Q[1-4]))?$")
_QUARTER = re.compile(r"^(?P<y>\d{4})Q(?P<q>[1-4])$")


def period_range(code: object) -> Optional[tuple[date, date]]:
    """First and last day of a contract period code (`2019`, `2018H2`, `2021Q1`); None for `total`/unknown."""
    m = _CODE.match(str(code or "").strip())
    if not m:
        return None
    y = int(m.group("y"))
    if m.group("h"):
        m0, m1 = (1, 6) if m.group("h") == "H1" else (7, 12)
    elif m.group("q"):
        q = int(m.group("q")[1])
        m0, m1 = 3 * q - 2, 3 * q
    else:
        m0, m1 = 1, 12
    return date(y, m0, 1), date(y, m1, calendar.monthrange(y, m1)[1])


def quarter_range(quarter: str) -> tuple[date, date]:
    """First and last day of a report quarter `2021Q4`; ValueError when it is not one."""
    if not _QUARTER.match(str(quarter or "").strip()):
        raise ValueError(f"not a quarter code: {quarter!r}")
    r = period_range(quarter)
    assert r is not None
    return r


def is_quarter(code: object) -> bool:
    return bool(_QUARTER.match(str(code or "").strip()))


def _item_numbers(tables: dict[str, pd.DataFrame]) -> set[str]:
    out: set[str] = set()
    for name in ("items", "budget", "plan", "performance"):
        df = tables.get(name)
        if df is None or "item_no" not in df.columns:
            continue
        for v in df["item_no"].tolist():
            key = item_key(v)
            if key:
                out.add(key)
    return out



def _quarters(tables: dict[str, pd.DataFrame]) -> set[str]:
    out: set[str] = set()
    for name in ("items", "budget", "plan", "performance"):
        df = tables.get(name)
        if df is None or "report_quarter" not in df.columns:
            continue
        out.update(str(v).strip() for v in df["report_quarter"].tolist() if str(v or "").strip()
                   and not (isinstance(v, float) and v != v))
    return out


def combine(parts: Iterable[tuple[str, dict[str, pd.DataFrame]]]) -> dict[str, pd.DataFrame]:
    """The tables of one quarter from the tables of its files, refusing duplicates and mixed quarters.

    Rows keep their order: files in the order given, rows within a file as read.
    """
    parts = list(parts)
    owner: dict[str, str] = {}
    quarter_of: dict[str, str] = {}
    for name, tables in parts:
        qs = _quarters(tables)
        if len(qs) > 1:
            raise InputError(f"{name} holds more than one report quarter: {', '.join(sorted(qs))}")
        for q in qs:
            quarter_of[name] = q
        for item in sorted(_item_numbers(tables), key=lambda s: (len(s), s)):
            if item in owner and owner[item] != name:
                raise InputError(f"item {item} appears in both {owner[item]} and {name}")
            owner[item] = name
    distinct = sorted(set(quarter_of.values()))
    if len(distinct) > 1:
        listing = ", ".join(f"{n} is {q}" for n, q in quarter_of.items())
        raise InputError(f"files of different report quarters in one batch: {listing}")

    names: list[str] = []
    for _, tables in parts:
        for t in tables:
            if t not in names:
                names.append(t)
    out: dict[str, pd.DataFrame] = {}
    for t in names:
        frames = [tables[t] for _, tables in parts if t in tables and tables[t] is not None and len(tables[t])]
        if frames:
            out[t] = pd.concat(frames, ignore_index=True, sort=False)
        else:
            cols = COLUMNS.get(t)
            first = next((tables[t] for _, tables in parts if t in tables and tables[t] is not None), None)
            out[t] = first.iloc[0:0].copy() if first is not None else pd.DataFrame(columns=cols)
    return out


def quarter_of(tables: dict[str, pd.DataFrame]) -> Optional[str]:
    """The one report quarter the tables describe, None when they name none."""
    qs = _quarters(tables)
    if len(qs) > 1:
        raise InputError(f"tables hold more than one report quarter: {', '.join(sorted(qs))}")
    return next(iter(qs), None)
