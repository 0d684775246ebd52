"""The printed layout: no Korean word broken between two lines, no text running out of its cell or page.

The report is laid out by WeasyPrint exactly as for the PDF and its line boxes
are walked: two consecutive lines of one block whose break falls between two
Hangul syllables that stand together in the source text are a mid-word break
(`예산확보/액`, `2022 하반/기`, the report's old faults); a text box whose right
edge passes its table cell's or the page's content edge overflows.  Cases: the
public compiled report with its diff, the diff report, the seed card, the
arithmetic-error card (the list of what to fix) and the variety report.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from truth_tables import tables_from_truth
from weasyprint import HTML
from weasyprint.formatting_structure import boxes as B

from pipeline.checks import check
from pipeline.outputs.render import diff_context, page_html, report_context
from pipeline.quarter.diff import diff_tables, restatements
from pipeline.resources import TEMPLATES

HANGUL = re.compile(r"[\uAC00-\uD7A3]")


def _el_text(el) -> str:
    """An element's text with a <br> read as the space it stands for."""
    parts = [el.text or ""]
    for ch in el:
        tag = ch.tag if isinstance(ch.tag, str) else ""
        parts.append(" " if tag.split("}")[-1] == "br" else _el_text(ch))
        parts.append(ch.tail or "")
    return "".join(parts)


def _line_text(line: B.LineBox) -> str:
    return "".join(t.text for t in line.descendants() if isinstance(t, B.TextBox))


def layout_faults(html: str) -> tuple[list[str], list[str]]:
    """(mid-word breaks, overflows) of a page laid out for print."""
    doc = HTML(string=html, base_url=str(TEMPLATES) + "/").render()
    breaks: list[str] = []
    overflows: list[str] = []

    page_right = 0.0

    def walk(box, page: int, right: float) -> None:
        if isinstance(box, B.TableCellBox):
            right = box.content_box_x() + box.width
        lines = [c for c in getattr(box, "children", []) if isinstance(c, B.LineBox)]
        if lines and getattr(box, "element", None) is not None:
            src = re.sub(r"\s+", " ", _el_text(box.element))
            cursor, prev_end = 0, None
            for line in lines:
                t = re.sub(r"\s+", " ", _line_text(line)).strip()
                if not t:
                    continue
                i = src.find(t, cursor)
                if i < 0:
                    prev_end = None
                    continue
                if prev_end == i and i > 0 and HANGUL.match(src[i - 1]) and HANGUL.match(src[i]):
                    breaks.append(f"p.{page}: {src[max(0, i - 8):i]}|{src[i:i + 8]}")
                cursor = prev_end = i + len(t)
        if isinstance(box, B.TextBox) and box.text.strip() and box.position_x + box.width > right + 0.5:
            overflows.append(f"p.{page}: {box.text!r} by {box.position_x + box.width - right:.1f}px")
        if isinstance(box, (B.TableBox, B.TableCellBox)) and box.border_box_x() + box.border_width() > page_right + 1:
            overflows.append(f"p.{page}: a table runs {box.border_box_x() + box.border_width() - page_right:.1f}px "
                             "past the page margin")
        for c in getattr(box, "children", []):
            walk(c, page, right)

    for n, page in enumerate(doc.pages, 1):
        pb = page._page_box
        page_right = pb.content_box_x() + pb.width
        walk(pb, n, page_right)
    return breaks, overflows


@pytest.fixture(scope="module")
def reports(corpus: Path) -> dict[str, str]:
    """Each case's HTML exactly as WeasyPrint lays it out for the PDF (``render.page_html(..., for_print=True)``)."""
    c = corpus
    q1 = tables_from_truth(c / "compiled/hanbit-2023Q1.truth.json", "hanbit-2023Q1.lo.pdf")
    q2 = tables_from_truth(c / "compiled/hanbit-2023Q2.truth.json", "hanbit-2023Q2.lo.pdf")
    d = diff_tables(q1, q2)
    d["restated"] = restatements(d, "2023Q2")
    html = {}
    html["hanbit"] = page_html("report.html.j2", report_context(q2, quarter="2023Q2", body="한빛구", diff=d,
                                                                previous_quarter="2023Q1"), for_print=True)
    html["diff"] = page_html("diff.html.j2", diff_context(d, before="2023Q1", after="2023Q2", tables=q2),
                             for_print=True)
    for name, truth, source in (("seed", "cards/seed57-2021Q4.truth.json", "seed57-2021Q4.lo.pdf"),
                                ("arith", "bad/arith-wrong.truth.json", "arith-wrong.lo.pdf"),
                                ("variety", "variety/gaon-2024Q2.truth.json", "gaon-2024Q2.lo.pdf")):
        t = tables_from_truth(c / truth, source)
        t["findings"] = check(t)
        q = json.loads((c / truth).read_text(encoding="utf-8"))["report_quarter"]
        html[name] = page_html("report.html.j2", report_context(t, quarter=q), for_print=True)
    return html


@pytest.mark.parametrize("case", ["hanbit", "diff", "seed", "arith", "variety"])
def test_no_korean_word_broken_and_nothing_overflows(reports: dict[str, str], case: str) -> None:
    breaks, overflows = layout_faults(reports[case])
    assert breaks == [] and overflows == []


def test_the_checker_finds_a_mid_word_break_and_an_overflow() -> None:
    # Without the no-break spans a narrow cell breaks 예산확보액 between syllables; a long unbroken word
    # in a no-wrap cell runs out of it.
    narrow = ('<table style="width:20mm;table-layout:fixed;font-size:9pt"><tr><td>2023년 예산확보액</td></tr>'
              '<tr><td style="white-space:nowrap">아주아주아주긴낱말하나</td></tr></table>')
    breaks, overflows = layout_faults(narrow)
    assert breaks and overflows
    # A table wider than the page (fixed columns that add up to more than the text width) runs past the margin.
    wide = '<table style="table-layout:fixed;width:300mm"><tr><td>a</td><td>b</td></tr></table>'
    assert any("past the page margin" in o for o in layout_faults(wide)[1])
