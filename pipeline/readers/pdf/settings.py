"""Every tolerance of the PDF table finder in one place, like pdfplumber's ``TableSettings``.

Distances are in PDF points (1/72 inch).  The defaults are what the corpus
needs (Hancom, Quartz, LibreOffice, Chromium, WeasyPrint and reportlab exports);
a test or a user changes one field with ``GridSettings(snap=2.0)`` or
``dataclasses.replace``.  ``docs/pdf-reader.md`` explains where each one acts.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GridSettings:
    # --- rule pieces from drawn objects (segments.py)
    thin: float = 2.0
    """A filled rect or path thinner than this is a rule (Chromium draws borders as 0.75 pt fills); one that is
    thinner than this in both directions is a *mark* (a dot of a dotted rule)."""
    gradient_slice: float = 8.0
    """Hancom draws a gradient as slices narrower than this ..."""
    gradient_min: int = 10
    """... at least this many side by side; such slices are art, not rules."""
    mark_run_min: int = 3
    """Marks (dots, squares, short dashes) in a collinear run of at least this many become one rule."""
    mark_len: float = 8.0
    """A drawn piece up to this long is a mark: its gap to the next mark is judged against the run's own pitch."""
    mark_pitch: float = 2.0
    """A run of marks continues across a gap up to this many times its own median pitch (start to start)."""
    mark_space: float = 3.0
    """... and across a gap up to this many times the marks' own length (dots of a column of dotted rules, lined
    up across the page, are far apart for their size: no rule)."""
    mark_align: float = 0.5
    """Marks whose centres are this close across the run's direction are collinear."""

    # --- rules (grid.py)
    snap: float = 3.0
    """Rules closer than this across their direction are one rule (Hancom draws a cell's borders per cell)."""
    join: float = 3.0
    """Collinear pieces with a gap up to this are one rule, whatever they are."""
    min_len: float = 3.0
    """After joining, a piece shorter than this is a rect end or glyph art, not a rule."""
    touch: float = 3.0
    """A horizontal and a vertical rule this close are connected (one table)."""
    cover: float = 0.5
    """Share of a slot's side that must be drawn for it to be a cell border (else the slots are one merged cell)."""
    min_col: float = 3.0
    """A column or row narrower than this is a hairline ..."""
    max_thin_cols: float = 0.5
    """... and a grid with 10+ columns or rows, more than this share of them hairlines, is stripes, not a table."""
    nest_gap: float = 1.0
    """A closed box whose rules stay at least this far from every rule of the table around it is a table of its
    own (a nested table), even when ``snap``/``touch`` would glue it to its parent's rules."""

    # --- tables on a page (reader.py)
    badge_height: float = 16.0
    """A one-row box inside another table lower than this is a badge (a boxed word, a highlighted phrase): its
    text belongs to the outer cell."""

    # --- tables across pages (continuation.py)
    continuation_tol: float = 2.0
    """Two tables on consecutive pages continue each other when their column boundaries agree within this."""
    furniture_tol: float = 3.0
    """Running headers/footers (text repeated at this same place on the neighbouring page) may sit between them."""


DEFAULT = GridSettings()
