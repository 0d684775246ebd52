"""Progress of long work (reading files and pages, laying out report pages) on stderr, in Korean.

On a terminal: a live bar (tqdm, pinned), shown only once the work has taken a
second.  Piped (a log, CI, `make report | tee`): one plain line every few seconds
(``PIPELINE_PROGRESS_EVERY``, default 5) and a closing line, and nothing at all
for work that ends before the first line is due — so quick runs stay quiet and
long ones are never silent.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from contextlib import contextmanager
from typing import Iterator, Optional, TextIO

EVERY_ENV = "PIPELINE_PROGRESS_EVERY"


def _every() -> float:
    try:
        return max(0.0, float(os.environ.get(EVERY_ENV, "5")))
    except ValueError:
        return 5.0


class Progress:
    """Counters of one phase (``[("파일", 3), ("쪽", 204)]``; a total of None counts without one).

    ``enabled``: None = a live bar on a terminal, lines when piped; False = silent.
    The last counter that has a total drives the bar.
    """

    def __init__(self, label: str, counters: list[tuple[str, Optional[int]]], enabled: Optional[bool] = None,
                 stream: Optional[TextIO] = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.totals = {name: total for name, total in counters}
        self.done = {name: 0 for name, _ in counters}
        self.enabled = enabled is not False
        self.live = self.enabled and _isatty(self.stream)
        self.every = _every()
        self.started = time.monotonic()
        self.last_line = self.started
        self.printed = False
        self.main = next((n for n, t in reversed(counters) if t), counters[-1][0])
        self._bar = None
        if self.live:
            from tqdm import tqdm

            total = self.totals[self.main]
            self._bar = tqdm(total=total or None, desc=label, unit=self.main, file=self.stream, delay=1.0,
                             leave=False, dynamic_ncols=True, mininterval=0.5,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix} [{elapsed}<{remaining}]"
                             if total else "{desc}: {postfix} [{elapsed}]")
            self._bar.set_postfix_str(self.counts(), refresh=False)

    def counts(self) -> str:
        parts = []
        for name, total in self.totals.items():
            n = self.done[name]
            parts.append(f"{name} {n}/{total}" if total else f"{name} {n}")
        return ", ".join(parts)

    def add(self, name: str, n: int = 1) -> None:
        if name not in self.done:
            self.done[name], self.totals[name] = 0, None
        self.done[name] += n
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(self.counts(), refresh=False)
            if name == self.main:
                self._bar.update(n)
            else:
                self._bar.refresh()
            return
        now = time.monotonic()
        if now - self.last_line >= self.every:
            self._line(f"{self.label}: {self.counts()}{self._percent()}")
            self.last_line = now

    def tick(self) -> None:
        """Say where things are if a line is due, without counting anything (for long single steps)."""
        self.add(self.main, 0)

    def _percent(self) -> str:
        total = self.totals.get(self.main)
        if not total:
            return ""
        return f" ({100 * self.done[self.main] / total:.0f}%)"

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
        self.printed = True

    def close(self, summary: str = "") -> None:
        """End the phase: the bar goes away; piped, a closing line if any line was printed."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            return
        if self.enabled and self.printed:
            secs = time.monotonic() - self.started
            self._line(f"{self.label} 끝: {summary or self.counts()} ({secs:.0f}초)")
        self.enabled = False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _PageHandler(logging.Handler):
    """WeasyPrint logs each page it lays out ("Step 5 - Creating layout - Page N") on 'weasyprint.progress'."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if "Creating layout - Page" in msg:
            self.progress.add("쪽")
        else:
            self.progress.tick()


@contextmanager
def rendering(label: str, enabled: Optional[bool] = None) -> Iterator[Progress]:
    """Progress of a report being made: the pages laid out so far (their total is not known before the layout
    ends, so the label says how many items the report holds)."""
    bar = Progress(label, [("쪽", None)], enabled)
    logger = logging.getLogger("weasyprint.progress")
    handler = _PageHandler(bar)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield bar
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
        bar.close()
