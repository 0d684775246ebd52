"""One file, one set of bytes: each input is copied once and hashed as copied, workers parse the copy, and the
manifest's and the cache's hash always describe the rows archived — whatever happens to the input meanwhile."""
from __future__ import annotations

import hashlib
import os
import pickle
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.contract import CONTRACT_TABLES, same_rows
from pipeline.errors import InputError
from pipeline.quarter.archive import list_quarters, manifest
from pipeline.quarter.diff import load_tables
from pipeline.run import batch, snapshot
from pipeline.run.snapshot import SnapshotFolder

REAL_SHA256 = hashlib.sha256


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


class _RewriteOnHash:
    """A sha256 whose first update of each copy rewrites the source: the file changes while it is being copied."""

    def __init__(self, source: Path, contents: list[bytes]) -> None:
        self.source, self.contents = source, list(contents)

    def __call__(self):  # noqa: ANN204 — stands in for hashlib.sha256
        outer = self
        real = REAL_SHA256()

        class H:
            first = True

            def update(self, b: bytes) -> None:
                if H.first and outer.contents:
                    H.first = False
                    outer.source.write_bytes(outer.contents.pop(0))
                real.update(b)

            def hexdigest(self) -> str:
                return real.hexdigest()

        return H()


def test_a_file_changed_while_copied_is_copied_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "card.pdf"
    src.write_bytes(b"A" * 5000)
    monkeypatch.setattr(snapshot.hashlib, "sha256", _RewriteOnHash(src, [b"B" * 7000]))
    with SnapshotFolder() as folder:
        snap = folder.take(src)
        assert snap.copy.read_bytes() == b"B" * 7000  # the second, whole copy — never a mix
        assert snap.sha256 == REAL_SHA256(b"B" * 7000).hexdigest() and snap.size == 7000
        assert snap.copy.name == "card.pdf"  # the reader sees the file's own name


def test_a_file_that_keeps_changing_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "card.pdf"
    src.write_bytes(b"A")
    monkeypatch.setattr(snapshot.hashlib, "sha256",
                        _RewriteOnHash(src, [b"B" * n for n in range(2, 2 + snapshot.COPY_TRIES)]))
    with SnapshotFolder() as folder, pytest.raises(InputError, match="계속 바뀌어"):
        folder.take(src)


def test_workers_parse_the_copy_and_the_hash_is_of_what_was_read(corpus: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The input is swapped for another quarter's file right after it was copied: the rows, the hash and the cache
    entry all describe the copy, and the file is named as changed."""
    card = tmp_path / "card.pdf"
    shutil.copy(corpus / "cards" / "seed57-2021Q4.lo.pdf", card)
    original = _sha(card)
    take = SnapshotFolder.take

    def take_then_swap(self, source):  # noqa: ANN001, ANN202
        snap = take(self, source)
        shutil.copy(corpus / "cards" / "seed57-2021Q3.lo.pdf", tmp_path / "other.pdf")
        os.replace(tmp_path / "other.pdf", source)
        return snap

    monkeypatch.setattr(SnapshotFolder, "take", take_then_swap)
    r = batch.process_files([card], jobs=1, cache_dir=tmp_path / "cache", progress=False)[0]
    assert r.ok, r.line()
    assert r.sha256 == original and r.changed
    assert set(r.tables["items"]["report_quarter"]) == {"2021Q4"}
    cached = list((tmp_path / "cache").glob("*.pkl"))
    assert [p.name.split("-")[0] for p in cached] == [original]


def _clean_rows(corpus_file: Path, tmp: Path) -> dict:
    """The archive a clean run gives for one file (named x.pdf, as in the swap trials)."""
    inp, out = tmp / "in", tmp / "out"
    inp.mkdir(parents=True)
    shutil.copy(corpus_file, inp / "x.pdf")
    p = subprocess.run([sys.executable, "-m", "pipeline", "report", "--input", str(inp), "--output", str(out),
                        "--no-pdf", "--jobs", "2"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    (q,) = list_quarters(out / "archive")
    return load_tables(out / "archive" / q)


@pytest.mark.slow  # ten report runs with the input replaced at a random moment (~2 min)
def test_input_swapped_during_report_never_mixes_two_files(corpus: Path, compiled_pdf, tmp_path: Path) -> None:
    """A (a 22-page report read in page ranges by two workers) is replaced by B (another quarter's report) at a
    random moment, by rename or by rewriting in place.  Whatever the archive holds must equal a clean run of the
    file whose hash its manifest names, and so must every cache entry."""
    a, b = compiled_pdf(10).path, corpus / "compiled" / "hanbit-2023Q1.lo.pdf"
    clean = {_sha(a): _clean_rows(a, tmp_path / "clean-a"), _sha(b): _clean_rows(b, tmp_path / "clean-b")}
    rng = random.Random(17)
    for trial in range(10):
        base = tmp_path / f"t{trial}"
        inp, out = base / "in", base / "out"
        inp.mkdir(parents=True)
        shutil.copy(a, inp / "x.pdf")
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "report", "--input", str(inp), "--output",
                                 str(out), "--no-pdf", "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.0, 4.0))
        if trial % 2:
            shutil.copy(b, base / "b.tmp")
            os.replace(base / "b.tmp", inp / "x.pdf")  # a new version saved over it
        else:
            with open(inp / "x.pdf", "r+b") as f:  # rewritten in place
                f.write(b.read_bytes())
                f.truncate()
        _, err = proc.communicate(timeout=600)
        for q in list_quarters(out / "archive"):
            sources = manifest(out / "archive", q)["sources"]
            assert len(sources) == 1
            digest = sources[0]["sha256"]
            assert digest in clean, f"trial {trial}: the manifest names bytes that are neither file"
            got = load_tables(out / "archive" / q)
            for t in CONTRACT_TABLES:
                assert same_rows(t, got[t], clean[digest][t]), f"trial {trial}: {q} {t} differs from a clean run"
        for pkl in (out / ".cache").glob("*.pkl"):
            digest = pkl.name.split("-")[0]
            assert digest in clean, f"trial {trial}: a cache entry for bytes that are neither file"
            with open(pkl, "rb") as f:
                cached = pickle.load(f)
            for t in CONTRACT_TABLES:
                assert same_rows(t, cached[t].assign(source_file="x.pdf") if t == "items" else cached[t],
                                 clean[digest][t]), f"trial {trial}: cache entry {t} differs"
        assert "Traceback" not in err
