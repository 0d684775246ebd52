"""Writing the reports: Jinja2 templates → self-contained HTML and an A4 PDF through WeasyPrint.

Safety: all document text is untrusted.  Jinja2 autoescapes everything; the only
``Markup`` objects are our own CSS, font faces and the SVG that ``charts`` builds
from escaped parts.  WeasyPrint renders with base_url = the package's templates
and an :class:`~pipeline.outputs.fetcher.AssetFetcher` that serves our fonts and
nothing else.  The written report.html is self-contained (fonts subset to the
characters used and inlined, CSS and SVG inline) so it opens offline and fetches
nothing.
"""
from __future__ import annotations

import base64
import functools
import io
import logging
import os
from datetime import date
from pathlib import Path
from typing import Any, Optional, Sequence

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..fsio import atomic_write_bytes
from ..resources import TEMPLATES
from .diffview import diff_view
from .display import fmt_num, keep_words, keep_words_html
from .fetcher import AssetFetcher
from .view import report_view

log = logging.getLogger(__name__)

# (family, weight) → font file under templates/.  NanumSquare covers all 11,172 Hangul
# syllables and the bullets of the cards except U+2218 ∘, which DejaVu Sans supplies.
FONTS: list[tuple[str, int, str]] = [
    ("ReportSans", 400, "fonts/NanumSquareR.ttf"),
    ("ReportSans", 700, "fonts/NanumSquareB.ttf"),
    ("ReportSymbols", 400, "fonts/DejaVuSans.ttf"),
    ("ReportSymbols", 700, "fonts/DejaVuSans.ttf"),
]


@pass_context
def _kw(ctx: Context, value: object, col_mm: float = 0.0, font_pt: float = 8.0) -> Markup:
    """Korean words kept whole: no-break spans for the PDF (WeasyPrint ignores keep-all); plain text for the
    HTML file, where the browser's word-break: keep-all does it (and spans would stop Chromium wrapping)."""
    if ctx.get("for_print"):
        return keep_words(value, col_mm, font_pt)
    return escape("" if value is None else value)


@functools.lru_cache(maxsize=None)
def _env() -> Environment:
    """One environment per process: compiling the templates again for the HTML and the PDF of every report
    costs more than rendering them (the loader still sees a template edited on disk)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt_num
    env.filters["kw"] = _kw
    return env


def page_html(template: str, ctx: dict[str, Any], *, for_print: bool,
              inline_chars: Optional[str] = None) -> str:
    """A template as HTML: for print (what WeasyPrint lays out for the PDF: fonts by relative URL, every
    Korean word in a no-break span) or for the browser (``inline_chars``: fonts subset to them, inlined)."""
    css = Markup((TEMPLATES / "report.css").read_text(encoding="utf-8"))
    html = _env().get_template(template).render(**ctx, font_css=_font_css(None if for_print else inline_chars),
                                                css=css, for_print=for_print)
    return keep_words_html(html) if for_print else html


def _font_css(inline_chars: Optional[str]) -> Markup:
    """@font-face rules: relative URLs for WeasyPrint, or subset fonts inlined for the HTML file."""
    rules = []
    done: dict[str, Optional[bytes]] = {}
    for family, weight, rel in FONTS:
        if inline_chars is None:
            src = f'url("{rel}") format("truetype")'
        else:
            if rel not in done:
                done[rel] = _subset(rel, inline_chars)
            data = done[rel]
            if data is None:
                continue
            src = f'url("data:font/woff;base64,{base64.b64encode(data).decode()}") format("woff")'
        rules.append(f"@font-face {{ font-family: {family}; font-weight: {weight}; font-style: normal; "
                     f"src: {src}; }}")
    return Markup("\n".join(rules))


def _subset(rel: str, chars: str) -> Optional[bytes]:
    """The font cut down to ``chars`` as WOFF (None when it has none of them): keeps report.html small."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    wanted = {ord(c) for c in chars} & _cmap(rel)
    if not wanted:
        return None
    font = TTFont(str(TEMPLATES / rel))
    opts = subset.Options()
    opts.flavor = "woff"
    opts.hinting = False
    opts.desubroutinize = True
    opts.name_IDs = ["*"]  # keep the copyright and licence records
    opts.drop_tables += ["FFTM"]  # FontForge timestamp: fontTools cannot subset it and says so per call
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=wanted)
    sub.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff"
    font.save(buf)
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def _cmap(rel: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(TEMPLATES / rel), lazy=True).getBestCmap())


def missing_glyphs(s: str) -> set[str]:
    """Characters of ``s`` that none of the shipped fonts can draw (they would print as boxes)."""
    covered: set[int] = set()
    for rel in dict.fromkeys(rel for _, _, rel in FONTS):
        covered |= _cmap(rel)
    return {c for c in s if c.isprintable() and not c.isspace() and ord(c) not in covered}


def _render_pair(template: str, ctx: dict[str, Any], out_dir: Path, stem: str,
                 url_fetcher: Optional[AssetFetcher], pdf_too: bool = True) -> tuple[Path, Optional[Path]]:
    """One template → self-contained ``stem.html`` and (unless ``pdf_too`` is off) ``stem.pdf`` in ``out_dir``."""
    from weasyprint import HTML

    pdf_html = page_html(template, ctx, for_print=True)
    fetcher = url_fetcher or AssetFetcher(TEMPLATES)
    pdf = (HTML(string=pdf_html, base_url=str(TEMPLATES) + os.sep, url_fetcher=fetcher).write_pdf()
           if pdf_too else None)
    if fetcher.refused:
        log.warning("report: refused to fetch %d URL(s): %s", len(fetcher.refused), fetcher.refused[:5])
    # The HTML file carries fonts subset to exactly the characters it shows.
    chars = "".join(sorted(set(pdf_html) | set(map(chr, range(0x20, 0x7F)))))
    html = page_html(template, ctx, for_print=False, inline_chars=chars)
    missing = missing_glyphs(pdf_html)
    if missing:
        log.warning("report: no shipped font has %s; they print as boxes",
                    " ".join(f"U+{ord(c):04X}" for c in sorted(missing)))
    out_dir = Path(out_dir)
    html_path, pdf_path = out_dir / f"{stem}.html", out_dir / f"{stem}.pdf"
    atomic_write_bytes(html_path, html.encode("utf-8"))
    if pdf is None:
        return html_path, None
    atomic_write_bytes(pdf_path, pdf)
    return html_path, pdf_path


def report_context(tables: dict[str, pd.DataFrame], *, quarter: str, body: Optional[str] = None,
                   diff: Optional[pd.DataFrame] = None, previous_quarter: Optional[str] = None,
                   generated: Optional[date] = None) -> dict[str, Any]:
    """What report.html.j2 shows (the view model, the diff section, the title)."""
    ctx = report_view(tables, quarter=quarter, body=body, generated=generated or date.today())
    ctx["diff"] = (diff_view(diff, before=previous_quarter or "", after=quarter, tables=tables)
                   if diff is not None else None)
    ctx["doc_title"] = f"{ctx['quarter_label']} 공약사업 추진상황"
    return ctx


def diff_context(diff_df: pd.DataFrame, *, before: str, after: str,
                 tables: Optional[dict[str, pd.DataFrame]] = None, generated: Optional[date] = None,
                 labels: Optional[tuple[str, str]] = None, title: Optional[str] = None) -> dict[str, Any]:
    """What diff.html.j2 shows.  ``labels`` names the two sides and ``title`` the document when they are not
    two quarters — a quarter against its own earlier archived version would otherwise read "2023년 2분기 →
    2023년 2분기"."""
    g = generated or date.today()
    view = diff_view(diff_df, before=before, after=after, tables=tables)
    if labels is not None:
        view["before_label"], view["after_label"] = labels
    heading = title or f"{view['before_label']} → {view['after_label']} 공약사업 변경 내역"
    return {"diff": view, "heading": heading, "doc_title": heading,
            "generated": f"{g.year}. {g.month}. {g.day}."}


def render_report(tables: dict[str, pd.DataFrame], out_dir: Path, *, quarter: str, body: Optional[str] = None,
                  diff: Optional[pd.DataFrame] = None, previous_quarter: Optional[str] = None,
                  generated: Optional[date] = None,
                  url_fetcher: Optional[AssetFetcher] = None, pdf: bool = True,
                  notes: Sequence[str] = ()) -> tuple[Path, Optional[Path]]:
    """Write report.html and report.pdf for one quarter; returns (html, pdf or None when ``pdf`` is off).
    ``notes``: what changed in the sources since the archive's previous version (the run layer's words)."""
    ctx = report_context(tables, quarter=quarter, body=body, diff=diff, previous_quarter=previous_quarter,
                         generated=generated)
    ctx["source_notes"] = list(notes)
    return _render_pair("report.html.j2", ctx, Path(out_dir), "report", url_fetcher, pdf)


def render_diff(diff_df: pd.DataFrame, out_dir: Path, *, before: str, after: str,
                tables: Optional[dict[str, pd.DataFrame]] = None, generated: Optional[date] = None,
                url_fetcher: Optional[AssetFetcher] = None, pdf: bool = True,
                labels: Optional[tuple[str, str]] = None, title: Optional[str] = None) -> tuple[Path, Optional[Path]]:
    """Write diff.html and diff.pdf (``tables``: the later quarter's, to show new 추진실적 texts; ``labels``,
    ``title``: see ``diff_context``)."""
    ctx = diff_context(diff_df, before=before, after=after, tables=tables, generated=generated, labels=labels,
                       title=title)
    return _render_pair("diff.html.j2", ctx, Path(out_dir), "diff", url_fetcher, pdf)
