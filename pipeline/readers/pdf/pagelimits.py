"""A page interpreted within bounds: glyphs, drawings and executed content are counted as pdfminer makes them.

pdfplumber builds a page by letting pdfminer interpret its whole content into layout objects, then turning
each into a dict; a page of a million glyphs took 2.3 GB and minutes before the reader saw any of it.
``BoundedPage`` interprets the same way (pdfplumber's own aggregator, so every object comes out exactly as
before) but through ``CountingAggregator``, which counts each glyph and each drawing as it is emitted, and
``BoundedInterpreter``, which counts the bytes of every content stream it executes (a Form XObject each time
it is drawn).  The first count past its bound (``limits.Limits``) stops the interpretation with a
``PageTooHeavy`` that names what and how much; nothing after it is built.
"""
from __future__ import annotations

from typing import Any, Sequence

from pdfminer.layout import LTPage
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.utils import MATRIX_IDENTITY, Matrix
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import PdfminerException

from ...errors import InputError
from .limits import DEFAULT_LIMITS, Limits, content_too_large, too_many_drawings, too_many_glyphs


class CountingAggregator(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's page aggregator, refusing the page once it has emitted more than the bounds allow."""

    def __init__(self, *args: Any, limits: Limits = DEFAULT_LIMITS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.glyphs = 0
        self.drawings = 0
        self.content_bytes = 0

    def executes(self, size: int) -> None:
        self.content_bytes += size
        if self.content_bytes > self.limits.page_content_bytes:
            raise content_too_large(self.limits.page_content_bytes)

    def _drawn(self) -> None:
        self.drawings += 1
        if self.drawings > self.limits.page_drawings:
            raise too_many_drawings(self.limits.page_drawings)

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.glyphs += 1
        if self.glyphs > self.limits.page_glyphs:
            raise too_many_glyphs(self.limits.page_glyphs)
        return super().render_char(*args, **kwargs)

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Sequence[Any]) -> None:
        # pdfminer calls this again for each subpath of a path with several; count the calls that make an object.
        if sum(1 for seg in path if seg and seg[0] == "m") <= 1:
            self._drawn()
        super().paint_path(gstate, stroke, fill, evenodd, path)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self._drawn()
        super().render_image(*args, **kwargs)

    def begin_figure(self, *args: Any, **kwargs: Any) -> None:
        self._drawn()  # a Form XObject drawn: a figure object, whatever it holds
        super().begin_figure(*args, **kwargs)


class BoundedInterpreter(PDFPageInterpreter):
    """pdfminer's interpreter, counting the decoded bytes of every content stream before executing it."""

    def render_contents(self, resources: dict[object, object], streams: Sequence[object],
                        ctm: Matrix = MATRIX_IDENTITY) -> None:
        device = self.device
        if isinstance(device, CountingAggregator):
            for s in streams if isinstance(streams, list) else [streams]:
                strm = resolve1(s)
                if isinstance(strm, PDFStream):
                    device.executes(len(strm.get_data()))
        super().render_contents(resources, streams, ctm=ctm)


class BoundedPage(Page):
    """A pdfplumber page whose layout is made by ``BoundedInterpreter`` into a ``CountingAggregator``."""

    limits: Limits = DEFAULT_LIMITS

    @property
    def layout(self) -> LTPage:
        if hasattr(self, "_layout"):
            return self._layout
        device = CountingAggregator(self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams,
                                    limits=self.limits)
        interpreter = BoundedInterpreter(self.pdf.rsrcmgr, device)
        try:
            interpreter.process_page(self.page_obj)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 — as pdfplumber wraps it; the reader words it
            raise PdfminerException(exc) from exc
        self._layout = device.get_result()
        return self._layout
