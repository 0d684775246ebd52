"""300 mutated inputs (truncated, bytes flipped, members/streams removed) built from the cards and real files.

Every one must end in a result or one of our own clear errors within the
per-file time limit — never an internal error, a crash or a hang.  Seeded, so a
failure reproduces; the failing mutant is named in the assertion.
"""
from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pytest

from pipeline.run.batch import process_files

SEED = 20261126
N_MUTANTS = 300
# The default run takes the first mutants of the same seeded sequence (every source and mutator occurs);
# CI's slow run takes all of them.
N_QUICK = 92
TIME_LIMIT = 10.0


def _sources(corpus: Path) -> list[Path]:
    cards = corpus / "cards"
    real = corpus / "real"
    picks = [
        cards / "seed57-2021Q4.lo.pdf", cards / "seed57-2021Q4.chrome.pdf", cards / "seed57-2021Q4.hwpx",
        cards / "seed57-2021Q4.hwp", cards / "seed57-2021Q3.hwpx",
    ]
    picks += sorted((real / "hwp").glob("*.hwp"))[:10] + sorted((real / "hwpx").glob("*.hwpx"))[:8]
    return [p for p in picks if p.exists() and p.stat().st_size < 3_000_000]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def flip(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        i = rng.randrange(len(b))
        b[i] = rng.randrange(256)
    return bytes(b)


def flip_region(data: bytes, rng: random.Random) -> bytes:
    """A run of garbage inside the file body (a damaged sector or stream)."""
    b = bytearray(data)
    start = rng.randrange(len(b))
    for i in range(start, min(len(b), start + rng.randint(16, 4096))):
        b[i] = rng.randrange(256)
    return bytes(b)


def drop_member(data: bytes, rng: random.Random) -> bytes:
    """A zip (HWPX) without one of its members; other formats get a removed PDF stream or a zeroed block."""
    if data[:2] == b"PK":
        src = zipfile.ZipFile(io.BytesIO(data))
        names = src.namelist()
        victim = rng.choice(names)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for n in names:
                if n != victim:
                    dst.writestr(src.getinfo(n), src.read(n))
        return out.getvalue()
    if data[:5] == b"%PDF-":
        spans = [m.span() for m in re.finditer(rb"stream\r?\n.*?endstream", data, re.S)]
        if spans:
            a, z = rng.choice(spans)
            return data[:a] + b"stream\nendstream" + data[z:]
    b = bytearray(data)
    start = rng.randrange(0, len(b), 512) if len(b) > 512 else 0
    b[start:start + 512] = bytes(min(512, len(b) - start))
    return bytes(b)


MUTATORS = [truncate, flip, flip_region, drop_member]


def make_mutants(corpus: Path, folder: Path, n: int = N_MUTANTS) -> list[Path]:
    rng = random.Random(SEED)
    sources = _sources(corpus)
    blobs = {p: p.read_bytes() for p in sources}
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        mut = MUTATORS[(i // len(sources)) % len(MUTATORS)]
        data = mut(blobs[src], rng)
        p = folder / f"m{i:03d}-{mut.__name__}-{src.name}"
        p.write_bytes(data)
        out.append(p)
    return out


@pytest.mark.parametrize("n", [N_QUICK, pytest.param(N_MUTANTS, marks=pytest.mark.slow)], ids=["quick", "all"])
def test_mutated_inputs_end_in_a_result_or_a_clear_error(corpus: Path, tmp_path: Path, n: int) -> None:
    mutants = make_mutants(corpus, tmp_path, n)
    assert len(mutants) == n
    results = process_files(mutants, quarter="2021Q4", jobs=2, cache_dir=None, progress=False, time_limit=TIME_LIMIT)
    internal = [r.line() for r in results if r.status == "internal"]
    slow = [r.line() for r in results if "시간이 이 파일의 한도" in r.message]  # workers.budget_reason
    assert not internal, "internal errors:\n" + "\n".join(internal[:20])
    assert not slow, "over the time limit:\n" + "\n".join(slow)
    for r in results:
        if not r.ok:
            assert r.message and "\n" not in r.message and "Traceback" not in r.message, r.line()
