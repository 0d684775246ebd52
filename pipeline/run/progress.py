"""Progress of long work (reading files and pages, laying out report pages), in Korean.

On a terminal (stderr is one): a live bar (tqdm, pinned) on stderr, shown only
once the work has taken a second, and gone when the phase ends.  Piped (a log,
CI): one plain line on stdout every few seconds — stdout, because stderr holds
only problems, one line per file, which scripts and tests read exactly
(``PIPELINE_PROGRESS_EVERY``, default 5) — asked for by the caller's loop
(``poll``: the worker pool wakes at least once a second) or, for one long call
such as WeasyPrint's layout, by a ticker thread (never while workers are forked:
a thread holding a lock at fork time would leave it locked in the child) — and
a closing line; nothing at all for work that ends before the first
line is due — so quick runs stay quiet and long ones are never silent.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import threading
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
                 stream: Optional[TextIO] = None, ticker: bool = False) -> None:
        self.label = label
        self.totals = {name: total for name, total in counters}
        self.done = {name: 0 for name, _ in counters}
        self.enabled = enabled is not False
        self.live = self.enabled and _isatty(stream or sys.stderr)
        self.stream = stream or (sys.stderr if self.live else sys.stdout)
        self.every = _every()
        self.started = time.monotonic()
        self.last_line = self.started
        self.printed = False
        self._stop = threading.Event()
        self._ticker: Optional[threading.Thread] = None
        self.main = next((n for n, t in reversed(counters) if t), counters[-1][0])
        self._bar = None
        if self.live:
            import tqdm as tqdm_module
            from tqdm import tqdm

            tqdm_module.tqdm.monitor_interval = 0  # no monitor thread: workers are forked while the bar runs
            total = self.totals[self.main]
            self._bar = tqdm(total=total or None, desc=label, unit=self.main, file=self.stream, delay=1.0,
                             leave=False, dynamic_ncols=True, mininterval=0.5,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix} [{elapsed}<{remaining}]"
                             if total else "{desc}: {postfix} [{elapsed}]")
            self._bar.set_postfix_str(self.counts(), refresh=False)
        elif self.enabled and self.every > 0 and ticker:
            self._ticker = threading.Thread(target=self._tick_lines, daemon=True)
            self._ticker.start()

    def _tick_lines(self) -> None:
        while not self._stop.wait(self.every):
            self.poll()

    def poll(self) -> None:
        """Piped: print where things are when a line is due (call it often; it prints every few seconds)."""
        if not self.enabled or self._bar is not None or self.every <= 0:
            return
        now = time.monotonic()
        if now - self.last_line >= self.every:
            self.last_line = now
            self._line(f"{self.label}: {self.counts()}{self._percent()}, {now - self.started:.0f}초")

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
        else:
            self.poll()

    def tick(self) -> None:
        """Refresh the live bar without counting anything (a long single step is going on)."""
        if self._bar is not None:
            self._bar.refresh()

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
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
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
    """WeasyPrint logs each page it lays out ("Step 5 - Creating layout - Page N") on 'weasyprint.progress', and
    again for every page when it repaginates (page counters); the count is the furthest page reached."""

    PAGE = re.compile(r"Creating layout - Page (\d+)")

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        m = self.PAGE.search(record.getMessage())
        if m:
            reached = int(m.group(1))
            done = self.progress.done.get("쪽", 0)
            if reached > done:
                self.progress.add("쪽", reached - done)
                return
        self.progress.tick()


@contextmanager
def rendering(label: str, enabled: Optional[bool] = None) -> Iterator[Progress]:
    """Progress of a report being made: the pages laid out so far (their total is not known before the layout
    ends, so the label says how many items the report holds)."""
    bar = Progress(label, [("쪽", None)], enabled, ticker=True)
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
