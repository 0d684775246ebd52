"""The PDF reader on each way a real form draws its grid, one small synthetic PDF per class.

Each PDF is written here, operator by operator (Helvetica text, rules as the
producers draw them), so every test says exactly what the page holds; no binary
is committed.  A test is named for the input class that broke.  The classes and
the real files they come from are in docs/pdf-reader.md.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import pytest
from conftest import run_cli

from pipeline.model import Document, Table
from pipeline.readers.pdf import PdfBackend
from pipeline.readers.pdf.grid import find_grids
from pipeline.readers.pdf.reader import read_pdf
from pipeline.readers.pdf.segments import segments_from_objects
from pipeline.readers.pdf.settings import GridSettings
from pipeline.readers.pdf.text import line_text

# ----------------------------------------------------------------------------- a tiny PDF writer

PAGE_W, PAGE_H = 595.0, 842.0


class Page:
    """Drawing operators in top-down coordinates (like pdfplumber's), written bottom-up as PDF wants."""

    def __init__(self) -> None:
        self.ops: list[str] = []

    def rect(self, x0: float, top: float, x1: float, bottom: float, fill: Sequence[float] = (0, 0, 0)) -> "Page":
        r, g, b = fill
        self.ops.append(f"{r} {g} {b} rg {x0:.3f} {PAGE_H - bottom:.3f} {x1 - x0:.3f} {bottom - top:.3f} re f")
        return self

    def frame(self, x0: float, top: float, x1: float, bottom: float, width: float = 0.5) -> "Page":
        self.ops.append(f"0 0 0 RG {width} w {x0:.3f} {PAGE_H - bottom:.3f} {x1 - x0:.3f} {bottom - top:.3f} re S")
        return self

    def line(self, x0: float, top: float, x1: float, bottom: float, width: float = 0.5) -> "Page":
        self.ops.append(f"0 0 0 RG {width} w {x0:.3f} {PAGE_H - top:.3f} m {x1:.3f} {PAGE_H - bottom:.3f} l S")
        return self

    def path(self, pts: Sequence[tuple[float, float]]) -> "Page":
        """A filled path (not a ``re``): Chromium's dashes come out of pdfminer as curves this way."""
        (x, y), rest = pts[0], pts[1:]
        ops = [f"0 0 0 rg {x:.3f} {PAGE_H - y:.3f} m"] + [f"{a:.3f} {PAGE_H - b:.3f} l" for a, b in rest] + ["f"]
        self.ops.append(" ".join(ops))
        return self

    def text(self, x: float, top: float, s: str, size: float = 10) -> "Page":
        esc = s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        self.ops.append(f"BT /F1 {size} Tf {x:.3f} {PAGE_H - top - size:.3f} Td ({esc}) Tj ET")
        return self

    def words(self, x: float, top: float, words: Sequence[str], gap: float, size: float = 10) -> "Page":
        """Words drawn one by one, ``gap`` points apart, with no space glyph between them (a font without one)."""
        for w in words:
            self.text(x, top, w, size)
            x += helvetica_width(w, size) + gap
        return self

    def spread(self, x: float, top: float, label: str, gap: float, size: float = 10) -> "Page":
        """A letter-spaced (균등분할) label: every glyph drawn alone, ``gap`` points after the previous one."""
        return self.words(x, top, list(label), gap, size)


_HELV = {c: 556 for c in "abcdeghnopqu0123456789"}
_HELV.update({"f": 278, "i": 222, "j": 222, "k": 500, "l": 222, "m": 833, "r": 333, "s": 500, "t": 278, "v": 500,
              "w": 722, "x": 500, "y": 500, "z": 500, "T": 611, "K": 667, "R": 722, "A": 667, " ": 278})


def helvetica_width(s: str, size: float) -> float:
    return sum(_HELV.get(c, 556) for c in s) * size / 1000


def write_pdf(path: Path, pages: Sequence[Page]) -> Path:
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                         b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for p in pages:
        data = zlib.compress("\n".join(p.ops).encode("latin-1"))
        objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
                    b"/Contents %d 0 R >>" % (PAGE_W, PAGE_H, len(objs)))
        kids.append(f"{len(objs)} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def ruled_table(p: Page, xs: Sequence[float], ys: Sequence[float], texts: dict[tuple[int, int], str] | None = None,
                width: float = 0.5) -> Page:
    """A fully ruled grid drawn with stroked lines, optional text per (row, col)."""
    for y in ys:
        p.line(xs[0], y, xs[-1], y, width)
    for x in xs:
        p.line(x, ys[0], x, ys[-1], width)
    for (r, c), s in (texts or {}).items():
        p.text(xs[c] + 3, ys[r] + 3, s)
    return p


def cells(t: Table) -> list[tuple[int, int, int, int, str]]:
    return sorted((c.row, c.col, c.rowspan, c.colspan, c.text) for c in t.cells)


def shape(t: Table) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    return t.rows, t.cols, [c[:4] for c in cells(t)]


def every_slot(rows: int, cols: int) -> list[tuple[int, int, int, int]]:
    return [(r, c, 1, 1) for r in range(rows) for c in range(cols)]


# ----------------------------------------------------------------------------- 1. empty ruled tables


def test_empty_ruled_form_is_kept_and_empty_frames_and_bars_are_not(tmp_path: Path):
    # A blank form to fill in (3x3, no text at all), a labelled table, an empty 1x1 frame around nothing and a
    # decorative bar of seven empty slices.
    p = Page()
    ruled_table(p, [50, 150, 250, 350], [100, 120, 140, 160])
    ruled_table(p, [50, 150, 250], [200, 220, 240], {(0, 0): "Name", (1, 0): "Date"})
    p.frame(50, 300, 300, 400)
    for k in range(7):
        p.rect(50 + 10 * k, 450, 58 + 10 * k, 470, (0.5, 0.5, 0.6))
    doc = read_pdf(write_pdf(tmp_path / "form.pdf", [p]))
    assert [shape(t) for t in doc.tables] == [(3, 3, every_slot(3, 3)), (2, 2, every_slot(2, 2))]
    assert not any(c.text for c in doc.tables[0].cells)


# ----------------------------------------------------------------------------- 2. dots and dashes


def dotted_h(p: Page, y: float, x0: float, x1: float, dot: float = 0.75, pitch: float = 1.5) -> None:
    x = x0
    while x + dot <= x1 + 0.01:
        p.rect(x, y - dot / 2, x + dot, y + dot / 2)
        x += pitch


def dotted_v(p: Page, x: float, y0: float, y1: float, dot: float = 0.75, pitch: float = 1.5) -> None:
    y = y0
    while y + dot <= y1 + 0.01:
        p.rect(x - dot / 2, y, x + dot / 2, y + dot)
        y += pitch


def dashed_h(p: Page, y: float, x0: float, x1: float, dash: float, pitch: float, w: float = 0.75) -> None:
    x = x0
    while x + dash <= x1 + 0.01:
        p.path([(x + dash, y - w / 2), (x + dash, y + w / 2), (x, y + w / 2), (x, y - w / 2)])
        x += pitch


def dashed_v(p: Page, x: float, y0: float, y1: float, dash: float, pitch: float, w: float = 0.75) -> None:
    y = y0
    while y + dash <= y1 + 0.01:
        p.path([(x + w / 2, y), (x + w / 2, y + dash), (x - w / 2, y + dash), (x - w / 2, y)])
        y += pitch


AMOUNTS = {(r, c): f"{r}{c}0" for r in range(4) for c in range(4)}


def test_dotted_rules_drawn_as_tiny_squares_separate_rows_and_columns(tmp_path: Path):
    # Chromium's CSS ``dotted``: every inner rule is 0.75 pt squares every 1.5 pt; the frame is solid.
    p = Page()
    xs, ys = [50, 130, 210, 290, 370], [100, 120, 140, 160, 180]
    p.frame(xs[0], ys[0], xs[-1], ys[-1])
    for y in ys[1:-1]:
        dotted_h(p, y, xs[0], xs[-1])
    for x in xs[1:-1]:
        dotted_v(p, x, ys[0], ys[-1])
    for (r, c), s in AMOUNTS.items():
        p.text(xs[c] + 3, ys[r] + 4, s)
    (t,) = read_pdf(write_pdf(tmp_path / "dotted.pdf", [p])).tables
    assert cells(t) == [(r, c, 1, 1, f"{r}{c}0") for r in range(4) for c in range(4)]


def test_dashed_rules_drawn_as_short_paths_with_wide_gaps_are_rules(tmp_path: Path):
    # Chromium's CSS ``dashed`` as filled paths; here 2.5 pt dashes every 8 pt: each shorter than a rule
    # (``min_len``), the gaps wider than ``join`` allows, so only the run's own pitch makes them rules.
    p = Page()
    xs, ys = [50, 130, 210, 290, 370], [100, 120, 140, 160, 180]
    p.frame(xs[0], ys[0], xs[-1], ys[-1])
    for y in ys[1:-1]:
        dashed_h(p, y, xs[0], xs[-1], dash=2.5, pitch=8)
    for x in xs[1:-1]:
        dashed_v(p, x, ys[0], ys[-1], dash=2.5, pitch=8)
    for (r, c), s in AMOUNTS.items():
        p.text(xs[c] + 3, ys[r] + 4, s)
    pdf = write_pdf(tmp_path / "dashed.pdf", [p])
    (t,) = read_pdf(pdf).tables
    assert cells(t) == [(r, c, 1, 1, f"{r}{c}0") for r in range(4) for c in range(4)]
    # The same page with the pitch rule off: the 5.5 pt gaps exceed ``join`` and every inner rule is lost.
    (t,) = read_pdf(pdf, settings=GridSettings(mark_pitch=0.5)).tables
    assert (t.rows, t.cols) == (1, 1)


def test_dots_of_neighbouring_dotted_columns_are_not_a_rule():
    # Four dotted vertical rules 75 pt apart: their dots line up across the page at every y, but a "run" of
    # 0.75 pt dots 75 pt apart is no dotted line, so no row boundary appears between the frame's rules.
    rects = [{"x0": 50, "x1": 350, "top": 100, "bottom": 100.75, "fill": True, "non_stroking_color": (0,)},
             {"x0": 50, "x1": 350, "top": 180, "bottom": 180.75, "fill": True, "non_stroking_color": (0,)}]
    for x in (125, 200, 275):
        y = 100.0
        while y < 180:
            rects.append({"x0": x, "x1": x + 0.75, "top": y, "bottom": y + 0.75, "fill": True, "non_stroking_color": (0,)})
            y += 1.5
    (g,) = find_grids(*segments_from_objects([], rects, []))
    assert (g.rows, g.cols) == (1, 4)


# ----------------------------------------------------------------------------- 3. tables drawn only by fills


def test_borderless_table_of_alternating_white_and_tinted_rows_keeps_its_white_rows(tmp_path: Path):
    # No rule at all: every cell is a filled rect, rows alternating tinted and white (white on white paper).
    p = Page()
    xs, ys = [50, 150, 250, 350], [100, 118, 136, 154, 172]
    for r in range(4):
        fill = (0.85, 0.9, 0.95) if r % 2 == 0 else (1, 1, 1)
        for c in range(3):
            p.rect(xs[c] + 0.5, ys[r], xs[c + 1] - 0.5, ys[r + 1], fill)
            p.text(xs[c] + 3, ys[r] + 4, f"r{r}c{c}")
    (t,) = read_pdf(write_pdf(tmp_path / "striped.pdf", [p])).tables
    assert cells(t) == [(r, c, 1, 1, f"r{r}c{c}") for r in range(4) for c in range(3)]


def test_white_rules_over_a_tinted_table_are_cell_edges(tmp_path: Path):
    p = Page().rect(50, 100, 350, 160, (0.8, 0.85, 0.9))
    for y in (120, 140):
        p.rect(50, y - 0.5, 350, y + 0.5, (1, 1, 1))
    p.rect(199.5, 100, 200.5, 160, (1, 1, 1))
    for r in range(3):
        for c in range(2):
            p.text(55 + 150 * c, 104 + 20 * r, f"r{r}c{c}")
    (t,) = read_pdf(write_pdf(tmp_path / "white-rules.pdf", [p])).tables
    assert cells(t) == [(r, c, 1, 1, f"r{r}c{c}") for r in range(3) for c in range(2)]


def test_highlight_the_colour_of_its_box_is_no_cell_edge(tmp_path: Path):
    # A tinted signature box holding a highlight of the same tint behind its text: one cell, not a 3x3 grid.
    p = Page().frame(50, 100, 350, 160).rect(50, 100, 350, 160, (1, 1, 0.85)).rect(200, 120, 340, 135, (1, 1, 0.85))
    p.text(205, 122, "(signature)")
    (t,) = read_pdf(write_pdf(tmp_path / "highlight.pdf", [p])).tables
    assert cells(t) == [(0, 0, 1, 1, "(signature)")]


# ----------------------------------------------------------------------------- 4. nested tables close to their parent


def test_nested_tables_two_points_inside_their_parents_cells_stay_their_own_tables(tmp_path: Path):
    # A 3x4 table; two of its cells each hold a 6x8 table whose frame is 2 pt inside the cell's rules.
    p = Page()
    pxs, pys = [40, 100, 300, 500, 555], [80, 100, 250, 400]
    ruled_table(p, pxs, pys, {(0, 0): "No", (0, 1): "Plan", (0, 2): "Result", (0, 3): "Dept"})
    for r in (1, 2):
        x0, x1, y0, y1 = pxs[1] + 2, pxs[2] - 2, pys[r] + 2, pys[r + 1] - 2
        xs = [x0 + (x1 - x0) * k / 8 for k in range(9)]
        ys = [y0 + (y1 - y0) * k / 6 for k in range(7)]
        ruled_table(p, xs, ys, {(k, 0): f"{r}{k}" for k in range(6)})
    doc = read_pdf(write_pdf(tmp_path / "nested.pdf", [p]))
    assert [(t.rows, t.cols, t.parent) for t in doc.tables] == [(3, 4, None), (6, 8, 0), (6, 8, 0)]
    assert [c.text for c in doc.tables[1].cells if c.col == 0] == [f"1{k}" for k in range(6)]
    assert doc.tables[0].cell_at(1, 1).text == ""  # the nested table's text is its own


def test_title_tab_across_a_text_box_does_not_cut_the_text_into_columns(tmp_path: Path):
    # Hancom's "대내외 정책여건" box: a titled tab straddles the top rule of a text box, which is drawn in two
    # pieces ending at the tab; one grid would cut every line of the text at the tab's sides.
    p = Page().frame(230, 110, 360, 134)
    p.line(58, 124, 230, 124).line(360, 124, 534, 124).line(58, 222, 534, 222)
    p.line(58, 124, 58, 222).line(534, 124, 534, 222)
    p.text(250, 113, "Outlook and issues")
    p.text(70, 150, "Population ageing and slower growth call for new services across the region.")
    doc = read_pdf(write_pdf(tmp_path / "tab.pdf", [p]))
    assert [cells(t) for t in doc.tables] == [
        [(0, 0, 1, 1, "Outlook and issues")],
        [(0, 0, 1, 1, "Population ageing and slower growth call for new services across the region.")]]


def test_double_frame_around_a_table_is_one_table(tmp_path: Path):
    # A double border: a frame 2 pt outside a table's own frame is not a parent with a nested table.
    p = ruled_table(Page(), [50, 150, 250], [100, 120, 140], {(0, 0): "a", (1, 1): "b"})
    p.frame(48, 98, 252, 142)
    doc = read_pdf(write_pdf(tmp_path / "double.pdf", [p]))
    assert [(t.rows, t.cols, t.parent) for t in doc.tables] == [(2, 2, None)]


# ----------------------------------------------------------------------------- 5. fonts without space glyphs


def test_font_without_space_glyphs_gets_spaces_from_its_word_gaps(tmp_path: Path):
    # The page has space glyphs elsewhere (so spacing comes from glyphs), but one cell's words are apart only by
    # a 5.6 pt gap with no space glyph (a KLID RFP page); a letter-spaced label spreads every glyph alike.
    # A two-glyph spread label (``합  계``) has a single gap, nothing to judge it against: no space either.
    p = ruled_table(Page(), [50, 250, 450], [100, 120, 140, 160])
    p.text(55, 103, "has real spaces")
    p.words(255, 103, ["keep", "going", "on"], gap=5.6)
    p.spread(55, 123, "Total", gap=9)
    p.words(255, 123, ["12", "kg"], gap=5.6)
    p.spread(55, 143, "OK", gap=60)
    (t,) = read_pdf(write_pdf(tmp_path / "nospace.pdf", [p])).tables
    assert [c[4] for c in cells(t)] == ["has real spaces", "keep going on", "Total", "12 kg", "OK", ""]


def G(x0: float, x1: float, ch: str, size: float = 6.2, font: str = "F") -> tuple:
    return (x0, 0.0, x1, size, ch, size, font)


def test_word_gap_is_judged_against_the_runs_own_letter_spacing():
    # Chromium, seed57 chrome card: ``지속 운영`` in a shrunk cell, 1.04 pt between the words, none between letters.
    line = [G(66.48, 72.41, "지"), G(72.42, 78.35, "속"), G(79.39, 85.32, "운"), G(85.32, 91.26, "영")]
    assert line_text(line, space_glyphs=True) == "지속 운영"
    # Hancom, FDI press release: ``도·소매업`` spread over its cell; the narrow ``·`` leaves a wider gap: no space.
    spread = [G(60.84, 73.41, "도", 13), G(76.56, 80.37, "·", 13), G(85.56, 98.13, "소", 13),
              G(101.28, 113.85, "매", 13), G(116.88, 129.46, "업", 13)]
    assert line_text(spread, space_glyphs=True) == "도·소매업"
    # Hancom, busan plan: Hangul set 1.36 pt tighter than its font's widths, digits not: ``2024.11월`` stays one word.
    mixed = [G(104.04, 113.8, "모", 11), G(112.44, 122.2, "기", 11), G(120.84, 130.6, "간", 11),
             G(140.28, 146.35, "2", 11), G(146.4, 152.47, "0", 11), G(152.4, 158.47, "2", 11),
             G(158.4, 164.47, "4", 11), G(164.52, 166.93, ".", 11), G(166.92, 172.99, "1", 11),
             G(172.92, 178.99, "1", 11), G(178.92, 189.96, "월", 11)]
    assert line_text(mixed, space_glyphs=True) == "모기간 2024.11월"


# ----------------------------------------------------------------------------- 6. tables continued on the next page


def _continued(tmp_path: Path, heading: str | None = None) -> Path:
    xs = [50, 150, 300, 450]
    p1 = Page().text(50, 30, "Running title").text(290, 800, "- 1 -")
    ruled_table(p1, xs, [700, 720, 740, 760], {(0, 0): "item", (1, 0): "a", (2, 0): "b"})
    p2 = Page().text(50, 30, "Running title").text(290, 800, "- 2 -")
    if heading:
        p2.text(50, 60, heading)
    ruled_table(p2, xs, [90, 110, 130], {(0, 0): "c", (1, 0): "d"})
    ruled_table(p2, xs, [300, 320, 340], {(0, 0): "later table, same columns"})
    return write_pdf(tmp_path / "continued.pdf", [p1, p2])


def test_table_continued_on_the_next_page_is_linked_both_ways(tmp_path: Path):
    doc = read_pdf(_continued(tmp_path))
    assert [(t.page, t.continues, t.continued_by) for t in doc.tables] == [(1, None, 1), (2, 0, None), (2, None, None)]
    js = doc.tables_json()
    assert (js[0]["continued_by"], js[1]["continues"]) == (1, 0)


def test_table_after_a_heading_on_the_next_page_is_not_a_continuation(tmp_path: Path):
    doc = read_pdf(_continued(tmp_path, heading="2. Next section"))
    assert [(t.continues, t.continued_by) for t in doc.tables] == [(None, None)] * 3


def test_page_range_reads_joined_give_the_links_of_a_whole_read(tmp_path: Path):
    pdf = _continued(tmp_path)
    backend = PdfBackend()
    whole = backend.read(pdf)
    joined = backend.join(pdf, [backend.read(pdf, (1, 1)), backend.read(pdf, (2, 2))])
    assert joined.tables_json() == whole.tables_json()
    assert joined.tables[1].continues == 0


def test_document_join_shifts_links_like_parents():
    def part(n: int) -> Document:
        a = Table(rows=1, cols=1, cells=[], page=n, continued_by=1)
        b = Table(rows=1, cols=1, cells=[], page=n, continues=0, parent=0)
        return Document(source="x", format="pdf", tables=[a, b])

    doc = Document.join("x", "pdf", [part(1), part(2)])
    assert [(t.parent, t.continues, t.continued_by) for t in doc.tables] == [
        (None, None, 1), (0, 0, None), (None, None, 3), (2, 2, None)]


# ----------------------------------------------------------------------------- settings


def test_grid_settings_are_passed_in(tmp_path: Path):
    # Two row rules 2.5 pt apart are one rule at the default snap (3 pt) and two at snap 1 pt.
    p = ruled_table(Page(), [50, 150, 250], [100, 120, 122.5, 140], {(0, 0): "a", (2, 0): "b"})
    pdf = write_pdf(tmp_path / "snap.pdf", [p])
    assert read_pdf(pdf).tables[0].rows == 2
    assert read_pdf(pdf, settings=replace(GridSettings(), snap=1.0)).tables[0].rows == 3


# ----------------------------------------------------------------------------- the command line


def test_tables_pages_and_debug_pictures(tmp_path: Path):
    pdf = _continued(tmp_path)
    proc = run_cli("tables", str(pdf), "--json", "--pages", "2", "--png", str(tmp_path / "png"))
    assert proc.returncode == 0, proc.stderr
    assert [t["page"] for t in json.loads(proc.stdout)] == [2, 2]
    assert [p.name for p in sorted((tmp_path / "png").iterdir())] == ["continued-p002.png"]
    from PIL import Image

    with Image.open(tmp_path / "png" / "continued-p002.png") as im:
        assert abs(im.size[0] - PAGE_W * 150 / 72) <= 1 and abs(im.size[1] - PAGE_H * 150 / 72) <= 1
        colours = [c for _, c in im.convert("RGB").getcolors(maxcolors=1 << 20)]
        assert any(r > 180 and g < 90 and b < 90 for r, g, b in colours)  # the rules, drawn in red
    proc = run_cli("tables", str(pdf), "--pages", "1,2")
    assert proc.returncode == 0 and "(표 2로 이어짐)" in proc.stdout and "(표 1에서 이어짐)" in proc.stdout
    # the option may come before the file (it takes its own DIR; --debug takes none)
    before = run_cli("tables", "--png", str(tmp_path / "png2"), "--pages", "2", str(pdf))
    assert before.returncode == 0 and (tmp_path / "png2" / "continued-p002.png").is_file(), before.stderr
    proc = run_cli("tables", str(pdf), "--debug")  # alone: the old "show tracebacks" flag
    assert proc.returncode == 0 and not (tmp_path / "True").exists()
    proc = run_cli("tables", str(pdf), "--pages", "3")
    assert proc.returncode == 1 and proc.stderr.strip() == f"{pdf}: 3쪽은 없습니다 (이 PDF는 2쪽까지 있습니다) — --pages를 1~2 안에서 지정하세요"
    proc = run_cli("tables", str(pdf), "--pages", "two")
    assert proc.returncode == 2 and "--pages takes pages like 3, 2-5 or 1,4" in proc.stderr


@pytest.mark.parametrize("spec, pages", [("3", [3]), ("2-5", [2, 3, 4, 5]), ("1,4", [1, 4]), ("4,1-2", [1, 2, 4])])
def test_pages_option_forms(spec: str, pages: list[int]):
    from pipeline.run.cli import build_parser

    args = build_parser().parse_args(["tables", "x.pdf", "--pages", spec])
    assert args.pages == pages


def test_split_read_says_a_notice_of_no_page_once(tmp_path: Path) -> None:
    """Page ranges each re-open the file, so a notice said at open (no page) comes with every part; the joined
    document says it once, as a whole read does, and keeps each page's own lines."""
    from pipeline.model import Document, TextBlock
    from pipeline.readers.pdf import PdfBackend

    said = "PDF의 목록 정보가 손상되어 다시 찾아 읽었습니다"
    parts = [Document("x.pdf", "pdf", [TextBlock("가", 1)], [], 2, [said, "1쪽: 용지 크기가 없습니다"]),
             Document("x.pdf", "pdf", [TextBlock("나", 2)], [], 2, [said, "2쪽: 용지 크기가 없습니다"])]
    doc = PdfBackend().join(tmp_path / "x.pdf", parts)
    assert doc.warnings == [said, "1쪽: 용지 크기가 없습니다", "2쪽: 용지 크기가 없습니다"]
