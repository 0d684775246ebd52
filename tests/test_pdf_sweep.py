"""Regression sweep over the real PDFs: never worse than plain pdfplumber, and equal to the 한글 source.

1. For every page of every PDF in ../shared/corpus/real/pdf, the reader's
   non-empty cells are at least as many as pdfplumber's default
   ``page.find_tables()`` finds (counted the same way: cells with text), except
   on the pages listed below with the reason pdfplumber's count is higher there.
   A listed page that is no longer behind fails too, so the list cannot go stale.
2. ``tables --json`` of every PDF whose HWPX source is in the corpus (the FDI
   press release) equals that source, in document order, for every table whose
   rules are drawn: the HWPX draws every border between its cells and the whole
   top and bottom of the table (left/right outer sides may be open: the reader
   closes them).  The spacer column of the ``참고`` title boxes has no top or
   bottom border and the 담당 부서 box no inner ones; they are not ruled tables.
"""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from conftest import run_cli
from lxml import etree

from pipeline.model import Table
from pipeline.readers.pdf.reader import page_uses_space_glyphs, read_page

GRADIENT = "pdfplumber's default finds a fake 1x50 grid over a gradient title bar: every glyph of the title a cell"
NESTED = "pdfplumber also puts a nested table's text in the cell holding it, counting it twice"
HIGHLIGHT = ("a highlight behind a few words (a one-line fill, or one the colour of its box) is no cell edge; "
             "pdfplumber splits the text at its edges")
BEHIND: dict[str, dict[int, str]] = {
    "busan_2025_plan_autonomous_police.pdf": {7: GRADIENT, 8: GRADIENT, 9: GRADIENT},
    "busan_2025_plan_nakdong_river.pdf": {11: GRADIENT},
    "busan_2025_plan_new_airport.pdf": {10: GRADIENT},
    "busan_2025_plan_planning_coordination.pdf": {15: GRADIENT, 16: GRADIENT},
    "busan_2025_plan_planning_officer.pdf": {13: GRADIENT, 14: GRADIENT},
    "busan_2025_plan_women_family.pdf": {9: GRADIENT},
    "klid_rfp_onnara_webdraft_2023.pdf": {22: NESTED},
    "lh_bucheon_rental_notice_2022.pdf": {31: NESTED, 33: HIGHLIGHT, 34: HIGHLIGHT, 35: HIGHLIGHT},
}


def _plumber_cells(page: "pdfplumber.page.Page") -> int:
    return sum(1 for t in page.find_tables() for row in t.extract() for c in row if c and c.strip())


def _our_cells(blocks: list) -> int:
    return sum(1 for b in blocks if isinstance(b, Table) for c in b.cells if c.text.strip())


def _pdfs() -> list[str]:
    folder = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real" / "pdf"
    return sorted(p.name for p in folder.glob("*.pdf")) or ["(no corpus)"]


@pytest.mark.slow
@pytest.mark.parametrize("name", _pdfs())
def test_no_page_has_fewer_cells_than_plain_pdfplumber(corpus: Path, name: str) -> None:
    behind: dict[int, tuple[int, int]] = {}
    with pdfplumber.open(corpus / "real" / "pdf" / name) as pdf:
        mode = None
        for no, page in enumerate(pdf.pages, 1):
            if mode is None:
                mode = page_uses_space_glyphs(page.chars)
            ours = _our_cells(read_page(page, no, True if mode is None else mode))
            theirs = _plumber_cells(page)
            if ours < theirs:
                behind[no] = (ours, theirs)
            page.close()
    listed = BEHIND.get(name, {})
    assert {no: v for no, v in behind.items() if no not in listed} == {}, "pages behind pdfplumber"
    assert sorted(set(listed) - set(behind)) == [], "listed pages no longer behind: take them off the list"


# ----------------------------------------------------------------------------- PDF = its HWPX source


def _ruled(path: Path) -> list[bool]:
    """Per HWPX table (document order, nested ones too): are all its rules drawn (see the module docstring)?"""
    with zipfile.ZipFile(path) as z:
        head = etree.fromstring(z.read("Contents/header.xml"))
        sections = sorted(n for n in z.namelist() if re.fullmatch(r"Contents/section\d+\.xml", n))
        roots = [etree.fromstring(z.read(n)) for n in sections]
    fills: dict[str, dict[str, bool]] = {}
    for bf in head.iter("{*}borderFill"):
        sides = {}
        for side in ("left", "right", "top", "bottom"):
            el = bf.find(f"{{*}}{side}Border")
            sides[side] = el is not None and el.get("type", "NONE") != "NONE"
        fills[bf.get("id")] = sides
    out = []
    for root in roots:
        for tbl in root.iter("{*}tbl"):
            rows, cols = int(tbl.get("rowCnt")), int(tbl.get("colCnt"))
            drawn: dict[tuple, bool] = {}
            for tc in tbl.iter("{*}tc"):
                if next(tc.iterancestors("{*}tbl")) is not tbl:
                    continue
                a, s = tc.find("{*}cellAddr"), tc.find("{*}cellSpan")
                r, c = int(a.get("rowAddr")), int(a.get("colAddr"))
                rs, cs = int(s.get("rowSpan")), int(s.get("colSpan"))
                f = fills.get(tc.get("borderFillIDRef"), {})
                for k in range(c, c + cs):
                    for key, side in ((("h", r, k), "top"), (("h", r + rs, k), "bottom")):
                        drawn[key] = drawn.get(key, False) or f.get(side, False)
                for k in range(r, r + rs):
                    for key, side in ((("v", k, c), "left"), (("v", k, c + cs), "right")):
                        drawn[key] = drawn.get(key, False) or f.get(side, False)
            needed = [e for e in drawn if e[0] == "h" or 0 < e[2] < cols]
            out.append(all(drawn[e] for e in needed) and rows * cols > 0)
    return out


def _ws(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _key(t: dict) -> tuple:
    return t["rows"], t["cols"], sorted((c[0], c[1], c[2], c[3], _ws(c[4])) for c in t["cells"])


@pytest.mark.slow
def test_fdi_press_pdf_tables_json_equals_its_hwpx_for_every_ruled_table(corpus: Path) -> None:
    hwpx = corpus / "real" / "pdf" / "moef_fdi_2025q2_press.hwpx"
    expected = next(json.loads(line)["tables"] for line in
                    (corpus / "real" / "tables.expected.jsonl").read_text(encoding="utf-8").splitlines()
                    if json.loads(line)["file"] == "hwpx/fdi_2025q2_press.hwpx")
    ruled = _ruled(hwpx)
    assert len(ruled) == len(expected) == 26 and sum(ruled) == 21
    proc = run_cli("tables", str(corpus / "real" / "pdf" / "moef_fdi_2025q2_press.pdf"), "--json")
    assert proc.returncode == 0, proc.stderr
    got = [_key({**t, "cells": [[c["row"], c["col"], c["rowspan"], c["colspan"], c["text"]] for c in t["cells"]]})
           for t in json.loads(proc.stdout)]
    at, missing = 0, []
    for want, is_ruled in zip(expected, ruled):
        if not is_ruled:
            continue
        try:
            at = got.index(_key(want), at) + 1  # in document order
        except ValueError:
            missing.append((want["rows"], want["cols"], want["cells"][0][4]))
    assert missing == []
