"""The input folder of `make report`: which files are reports, which are skipped (each named once), and why.

A department may send a folder, so sub-folders are read.  Hidden files and
folders (``.gitkeep``, ``.DS_Store``, a sync tool's ``.tmp``) are not the
clerk's and are passed over silently; every other file that is not a PDF, HWP
or HWPX is named with the reason, once.  Only an input folder with no files at
all runs the bundled example: a folder holding only other files is a mistake to
be told about, not a reason to show the example.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPORT_SUFFIXES = {".pdf", ".hwp", ".hwpx"}


class UsageError(Exception):
    """The input path itself is wrong (missing, a file): one line, exit 2."""


@dataclass
class InputScan:
    folder: Path
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    def name(self, p: Path) -> str:
        """How a file is named in the archive's manifest: its path inside the input folder."""
        try:
            return p.relative_to(self.folder).as_posix()
        except ValueError:
            return p.name


def check_folder(folder: Path) -> None:
    if not folder.exists():
        raise UsageError(f"{folder}: 입력 폴더가 없습니다 — 보고서 파일을 넣은 폴더를 지정하세요")
    if not folder.is_dir():
        raise UsageError(f"{folder}: 폴더가 아니라 파일입니다 — 보고서 파일을 넣은 폴더를 지정하세요")


def scan(folder: Path) -> InputScan:
    """Every report file under ``folder`` (sub-folders included), in path order, and the files skipped."""
    check_folder(folder)
    out = InputScan(folder)
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            if not p.is_file():
                out.skipped.append((p, "보통 파일이 아니라 건너뜁니다"))
            elif p.suffix.lower() in REPORT_SUFFIXES:
                out.files.append(p)
            else:
                out.skipped.append((p, "PDF·HWP·HWPX 파일이 아니라 건너뜁니다"))
    out.files.sort(key=lambda p: p.relative_to(folder).as_posix())
    return out
