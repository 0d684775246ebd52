"""Clean failures on write: a read-only folder, a full disk or no permission → one Korean line naming the folder,
exit 1, and nothing partial anywhere (extract's CSV set and the report's files are swapped in whole).

The full disk is injected (an OSError(ENOSPC) from the writer) so the test runs anywhere; where the test may
mount (root), a real small tmpfs is used too, and a read-only tmpfs stands in for a read-only folder (root
ignores permission bits).
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from conftest import run_cli

from pipeline import fsio


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith((".tmp-", fsio.SET_JOURNAL))]


def _one_line(proc, folder: Path, *words: str) -> None:
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1, lines
    assert str(folder) in lines[0], lines
    for w in words:
        assert w in lines[0], lines


@contextlib.contextmanager
def _tmpfs(where: Path, *options: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    opts = ",".join(options)
    got = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)], capture_output=True, text=True)
    if got.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {got.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


@contextlib.contextmanager
def _read_only(where: Path) -> Iterator[Path]:
    """A folder nobody may write: permission bits for a normal user, a read-only mount for root."""
    if os.geteuid() != 0:
        where.mkdir(parents=True)
        where.chmod(0o555)
        try:
            yield where
        finally:
            where.chmod(0o755)
        return
    with _tmpfs(where, "size=1m", "ro") as mnt:
        yield mnt


def _enospc_after(n: int):
    """An atomic_write_bytes that writes n files, then finds the disk full."""
    real = fsio.atomic_write_bytes
    count = {"n": 0}

    def write(path, data):  # noqa: ANN001, ANN202
        count["n"] += 1
        if count["n"] > n:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    return write


# ----------------------------------------------------------------------------- extract

def test_extract_into_a_read_only_folder(corpus: Path, tmp_path: Path) -> None:
    with _read_only(tmp_path / "ro") as ro:
        proc = run_cli("extract", str(corpus / "cards" / "seed57-2021Q4.hwpx"), "--out", str(ro), "--no-cache")
        assert proc.returncode == 1
        _one_line(proc, ro)
        assert not any(ro.iterdir())


def test_extract_on_a_full_disk_keeps_the_previous_set_whole(corpus: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "csv"
    first = run_cli("extract", str(corpus / "cards" / "seed57-2021Q3.hwpx"), "--out", str(out), "--no-cache")
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    monkeypatch.setattr(fsio, "atomic_write_bytes", _enospc_after(3))  # 3 of the 5 CSVs, then the disk is full
    proc = run_cli("extract", str(corpus / "cards" / "seed57-2021Q4.hwpx"), "--out", str(out), "--no-cache")
    assert proc.returncode == 1
    _one_line(proc, out, "디스크 공간이 부족")
    assert _snapshot(out) == before  # no new items.csv beside a stale performance.csv
    assert not _leftovers(out)


def test_extract_on_a_real_full_tmpfs(corpus: Path, tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "small", "size=256k") as mnt:
        filler = mnt / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * 4096)
        finally:
            os.close(fd)
        os.truncate(filler, max(0, filler.stat().st_size - 8192))  # 8 KB left: less than the CSV set needs
        out = mnt / "csv"
        proc = run_cli("extract", str(corpus / "cards" / "seed57-2021Q4.hwpx"), "--out", str(out), "--no-cache")
        assert proc.returncode == 1
        _one_line(proc, out, "디스크 공간이 부족")
        assert not out.exists() or not [p for p in out.iterdir() if p.suffix == ".csv"]
        assert not _leftovers(mnt)


def test_a_swap_killed_between_renames_is_finished_by_the_next_run(tmp_path: Path) -> None:
    """The journal of a set swap: files still in the temporary folder are moved in, the journal removed."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "a.csv").write_text("old a")
    (folder / "b.csv").write_text("old b")
    tmp = folder / f"{fsio.SET_TMP_PREFIX}x"
    tmp.mkdir()
    (tmp / "b.csv").write_text("new b")  # a.csv was already moved in when the run was killed
    (folder / "a.csv").write_text("new a")
    (folder / fsio.SET_JOURNAL).write_text('{"tmp": "%s", "names": ["a.csv", "b.csv"]}' % tmp.name)
    fsio.finish_file_set(folder)
    assert (folder / "a.csv").read_text() == "new a" and (folder / "b.csv").read_text() == "new b"
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "b.csv"]


# ----------------------------------------------------------------------------- report

def _input(tmp_path: Path, corpus: Path) -> Path:
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(corpus / "cards" / "seed57-2021Q4.hwpx", inp / "card.hwpx")
    return inp


def test_report_into_a_read_only_folder(corpus: Path, tmp_path: Path) -> None:
    inp = _input(tmp_path, corpus)
    with _read_only(tmp_path / "ro") as ro:
        proc = run_cli("report", "--input", str(inp), "--output", str(ro), "--no-pdf", "--jobs", "1")
        assert proc.returncode == 1
        _one_line(proc, ro)
        assert not any(ro.iterdir())


def test_report_disk_full_while_archiving_leaves_no_archive(corpus: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.quarter import archive

    def full(*a, **k):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(archive, "write_xlsx", full)
    out = tmp_path / "out"
    proc = run_cli("report", "--input", str(_input(tmp_path, corpus)), "--output", str(out), "--no-pdf")
    assert proc.returncode == 1
    _one_line(proc, out / "archive", "디스크 공간이 부족")
    assert not [p for p in (out / "archive").iterdir() if not p.name.startswith(".")]
    assert not _leftovers(out)
    assert not (out / "2021Q4").exists()


def test_report_disk_full_while_rendering_keeps_the_old_report(corpus: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.outputs import render

    inp, out = _input(tmp_path, corpus), tmp_path / "out"
    first = run_cli("report", "--input", str(inp), "--output", str(out), "--no-pdf")
    assert first.returncode == 0, first.stderr
    before = _snapshot(out / "2021Q4")
    (out / "2021Q4" / ".report-stamp").write_text("stale")  # force a new rendering

    def half_then_full(tables, out_dir, **kw):  # noqa: ANN001, ANN003, ANN202
        (Path(out_dir) / "report.html").write_text("half a report")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(render, "render_report", half_then_full)
    proc = run_cli("report", "--input", str(inp), "--output", str(out), "--no-pdf")
    assert proc.returncode == 1
    _one_line(proc, out / "2021Q4", "디스크 공간이 부족")
    after = _snapshot(out / "2021Q4")
    assert after.pop(".report-stamp") != before.pop(".report-stamp")
    assert after == before  # the previous report.html, whole
    assert not _leftovers(out)


def test_report_on_a_real_full_tmpfs(corpus: Path, tmp_path: Path) -> None:
    inp = _input(tmp_path, corpus)
    with _tmpfs(tmp_path / "small", "size=96k") as mnt:
        proc = run_cli("report", "--input", str(inp), "--output", str(mnt), "--no-pdf", "--jobs", "1")
        assert proc.returncode == 1
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        assert len(lines) == 1 and "디스크 공간이 부족" in lines[0] and str(mnt) in lines[0], proc.stderr
        assert not _leftovers(mnt)
        report = mnt / "2021Q4" / "report.html"
        assert not report.exists()
