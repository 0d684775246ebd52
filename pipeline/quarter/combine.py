"""One reporting quarter from several files: one card per department combined, their clashes named.

A quarter's report usually arrives as one card per department, each its own
file.  Combining them is where two mistakes surface that no single file shows:
the same pledge number filed twice (two departments, or an old and a new copy of
one card) and a file from another quarter slipped into the batch.  Both would
silently double or mix figures, so both are input errors naming the files.
"""
from __future__ import annotations

from typing import Iterable, Optional

import pandas as pd

from ..contract import COLUMNS, item_key
from ..errors import InputError
from ..vocab import quarter_label


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


def _quarters_said(qs: set[str]) -> str:
    return ", ".join(quarter_label(q) for q in sorted(qs))


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
            raise InputError(f"{name}에 보고 분기가 여럿 있습니다: {_quarters_said(qs)} — 한 분기의 카드만 담아 "
                             "다시 제출하세요")
        for q in qs:
            quarter_of[name] = q
        for item in sorted(_item_numbers(tables), key=lambda s: (len(s), s)):
            if item in owner and owner[item] != name:
                raise InputError(f"공약 {item}번이 두 파일에 모두 있습니다: {owner[item]}, {name} — 카드를 한 "
                                 "파일에만 남기세요")
            owner[item] = name
    distinct = sorted(set(quarter_of.values()))
    if len(distinct) > 1:
        listing = ", ".join(f"{n} {quarter_label(q)}" for n, q in quarter_of.items())
        raise InputError(f"보고 분기가 서로 다른 파일이 함께 있습니다: {listing} — 한 분기의 파일만 넣으세요")

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
        raise InputError(f"표에 보고 분기가 여럿 있습니다: {_quarters_said(qs)}")
    return next(iter(qs), None)
