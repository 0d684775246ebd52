"""A status line while files are read (files and pages); silent when stderr is not a terminal."""
from __future__ import annotations

import sys
from typing import Optional


class Progress:
    """One status line on a terminal (files and pages); silent when stderr is not a terminal."""

    def __init__(self, files: int, pages: int, enabled: Optional[bool] = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.files, self.pages = files, pages
        self.files_done = self.pages_done = 0

    def step(self, files: int = 0, pages: int = 0) -> None:
        self.files_done += files
        self.pages_done += pages
        if self.enabled:
            msg = f"\r읽는 중: 파일 {self.files_done}/{self.files}"
            if self.pages:
                msg += f", 쪽 {self.pages_done}/{self.pages}"
            sys.stderr.write(msg)
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()
