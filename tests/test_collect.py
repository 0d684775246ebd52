"""``collect`` on a real Dask LocalCluster of 2 worker processes, over a tree of the public corpus files.

What is checked is the issue's "done when": every table of the dataset equals the
concatenation of ``extract`` run on each file (every row, every value, plus the
body and quarter it was filed under); a second run reads nothing and touches no
file; a changed file is the only one read again and only its rows change; a
worker killed mid-run costs nothing; the whole run killed at random moments and
run again ends complete and exact.  The quick tree (HWP/HWPX, one compiled PDF
and a generated card) runs in `make test`; the whole corpus tree and the
random-kill trials, and the one worker killed mid-run, are marked slow.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import random
import shutil
import signal
import subprocess as sp
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import pandas as pd
import pytest
from conftest import ROOT, run_cli

from pipeline.contract import ALL_TABLES, read_csv
from pipeline.dataset.layout import STAGING, from_folders
from pipeline.dataset.manifest import read_manifest
from pipeline.dataset.read import read_table
from pipeline.dataset.schema import to_contract_frame
from pipeline.errors import InputError
from pipeline.outputs.summary import summary_figures
from pipeline.quarter.combine import combine

# (corpus file, where it goes under ROOT).  Bodies: 한빛구 (its compiled report names it; the seed cards name no
# body, so the folder gives it) and 가온시 (named by the report); quarters 2021Q3, 2021Q4, 2023Q1, 2024Q2, and
# 2021Q2 for a card that states no quarter of its own (the folder gives it).
QUICK = [
    ("compiled/hanbit-2023Q1.lo.pdf", "한빛구/2023Q1/hanbit-2023Q1.lo.pdf"),
    ("cards/seed57-2021Q3.hwpx", "한빛구/2021Q3/seed57-2021Q3.hwpx"),
    ("cards/seed57-2021Q4.hwp", "한빛구/2021Q4/자치행정과/seed57-2021Q4.hwp"),
    ("variety/gaon-2024Q2.hwpx", "가온시/2024Q2/gaon-2024Q2.hwpx"),
    ("variety/gaon-2024Q2.hwp", "가온시/2024Q1/gaon-2024Q2.hwp"),  # filed under the wrong quarter: the document wins
]
FULL = [
    *[(f"cards/seed57-2021Q3.{x}", f"한빛구/2021Q3/seed57-2021Q3.{x}") for x in ("lo.pdf", "hwpx")],
    *[(f"cards/seed57-2021Q4.{x}", f"한빛구/2021Q4/seed57-2021Q4.{x}") for x in ("lo.pdf", "chrome.pdf", "rhwp.pdf",
                                                                             "hwp", "hwpx")],
    ("compiled/hanbit-2023Q1.lo.pdf", "한빛구/2023Q1/hanbit-2023Q1.lo.pdf"),
    *[(f"compiled/hanbit-2023Q2.{x}", f"한빛구/2023Q2/hanbit-2023Q2.{x}") for x in ("lo.pdf", "rl.pdf")],
    *[(f"variety/gaon-2024Q2.{x}", f"가온시/2024Q2/gaon-2024Q2.{x}") for x in ("lo.pdf", "chrome.pdf", "rhwp.pdf",
                                                                          "hwp", "hwpx")],
]
# Files that give no rows, each reported: a card with neither a body nor a folder, and a file that is no report.
UNPLACED = ("cards/seed57-2021Q4.hwpx", "seed57-2021Q4.hwpx")
NOT_REPORT = ("compiled/README.md", "가온시/README.md")
NO_QUARTER = "시범구/2021Q2/no-quarter-card.pdf"
BODY_OF = {"hanbit": "한빛구", "seed57": "한빛구", "gaon": "가온시", "no-quarter": "시범구"}
INNER = "PIPELINE_COLLECT_TEST_INNER"


def in_own_process(test):
    """Run ``test`` in a pytest process of its own (``pytest FILE::TEST``), and pass or fail with it.

    Why: the first Arrow buffer makes pyarrow's allocator reserve ~1 GB of address space, and DuckDB and a Dask
    scheduler add their threads' arenas, so a pytest process that read the dataset maps ~2.5 GB.  Every in-process
    CLI test that a pytest worker runs later forks its reading children from that process, under the batch's
    1 GB address-space cap, and their PDFs could not load.  The tests of other engineers must not depend on
    which test file ran before theirs.
    """
    if os.environ.get(INNER):
        return test

    @functools.wraps(test)
    def outer() -> None:
        node = f"{Path(inspect.getfile(test)).relative_to(ROOT)}::{test.__name__}"
        proc = sp.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", node], cwd=ROOT,
                      env={**os.environ, INNER: "1"}, capture_output=True, text=True, timeout=1800)
        tail = (proc.stdout + proc.stderr)[-6000:]
        if proc.returncode == 0 and " skipped" in proc.stdout and " passed" not in proc.stdout:
            pytest.skip(tail.strip().splitlines()[-2] if tail.strip() else "skipped in its own process")
        if proc.returncode != 0:
            pytest.fail(f"{node} in its own process:\n{tail}", pytrace=False)

    outer.__signature__ = inspect.Signature()  # the fixtures are the inner run's, not this process's
    return outer


@pytest.fixture(scope="module")
def no_quarter_card(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled 2021Q3 card without its 추진실적 table: a document that states no quarter."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_example as be

    card = be.load_card(be.EXAMPLES / "seed57-2021Q3.json")
    card["blocks"] = [b for b in card["blocks"] if b.get("role") != "performance"]
    return be.render_cards_pdf([card], tmp_path_factory.mktemp("card") / "no-quarter-card.pdf")


def _tree(corpus: Path, root: Path, files: list[tuple[str, str]], no_quarter: Optional[Path]) -> Path:
    for src, dst in [*files, UNPLACED, NOT_REPORT]:
        (root / dst).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / src, root / dst)
    if no_quarter is not None:
        (root / NO_QUARTER).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(no_quarter, root / NO_QUARTER)
    return root


_EXTRACTED: dict[tuple, dict[str, pd.DataFrame]] = {}
# `python -m pipeline extract FILE --out DIR --no-cache [--quarter Q]` for each file in turn, by the CLI's own
# `main`, in one fresh interpreter: a lean process as a user's, whatever this test process has imported.
_EXTRACT_EACH = """
import json, sys
from pipeline.run.cli import main
for args in json.loads(sys.argv[1]):
    if main(args) != 0:
        sys.exit(f"extract failed: {args}")
"""


def _extract(files: list[tuple[bytes, str, Optional[str]]], work: Path) -> list[dict[str, pd.DataFrame]]:
    """`extract` on these bytes under these names (each with its own --quarter), once per distinct input."""
    todo = []
    for data, name, quarter in files:
        key = (hashlib.sha256(data).hexdigest(), name, quarter)
        if key not in _EXTRACTED and key not in {k for k, _ in todo}:
            folder = Path(tempfile.mkdtemp(dir=work))
            (folder / name).write_bytes(data)
            todo.append((key, folder))
    if todo:
        args = [["extract", str(folder / key[1]), "--out", str(folder / "out"), "--no-cache"]
                + (["--quarter", key[2]] if key[2] else []) for key, folder in todo]
        proc = sp.run([sys.executable, "-c", _EXTRACT_EACH, json.dumps(args)], cwd=ROOT, capture_output=True,
                      text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        for key, folder in todo:
            _EXTRACTED[key] = {t: read_csv(folder / "out" / f"{t}.csv", t) for t in ALL_TABLES}
    return [_EXTRACTED[(hashlib.sha256(d).hexdigest(), n, q)] for d, n, q in files]


def _expected(root: Path, work: Path) -> dict[str, list[tuple]]:
    """The concatenation of `extract` on each placed file of the tree, with its path, body and quarter."""
    out: dict[str, list[tuple]] = {t: [] for t in ALL_TABLES}
    placed = [p for p in sorted(root.rglob("*")) if p.is_file()
              and p.relative_to(root).as_posix() not in (UNPLACED[1], NOT_REPORT[1])]
    quarters = [from_folders(p.relative_to(root).as_posix())[1] for p in placed]
    partitions: dict[tuple[str, str], list] = {}
    for p, tables in zip(placed, _extract([(p.read_bytes(), p.name, q) for p, q in zip(placed, quarters)], work)):
        quarter = tables["items"]["report_quarter"].iloc[0]
        body = next(b for k, b in BODY_OF.items() if p.name.startswith(k))
        partitions.setdefault((body, quarter), []).append((p.relative_to(root).as_posix(), tables))
        for t, df in tables.items():
            for row in df.astype(str).values.tolist():
                out[t].append((*row, p.relative_to(root).as_posix(), body, quarter))
    # The summary of each body and quarter, as `report` makes it: the files combined, then summary_figures; a
    # partition whose files cannot be combined (the same item filed twice) has none.
    out["summary"] = []
    for (body, quarter), files in partitions.items():
        try:
            figures = summary_figures(combine(sorted(files, key=lambda x: x[0])), quarter)
        except InputError:
            continue
        out["summary"] += [_figure_row(r, body, quarter) for r in figures.to_dict("records")]
    return {t: sorted(rows) for t, rows in out.items()}


def _figure_row(r: dict, body: str, quarter: str) -> tuple:
    v = r["value"]
    value = "" if v is None or v != v else f"{float(v):.9g}"
    return (r["report_quarter"], r["figure"], r["part"], r["label"], value, r["unit"], r["definition"], body, quarter)


def _got(ds: Path, via_manifest: bool = False) -> dict[str, list[tuple]]:
    out = {}
    if via_manifest:
        df = read_table(ds, "summary")
    else:
        df = pd.read_parquet(ds / "summary") if (ds / "summary").exists() else pd.DataFrame()
    out["summary"] = sorted(_figure_row(r, str(r["body"]), str(r["quarter"])) for r in df.to_dict("records"))
    for t in ALL_TABLES:
        df = read_table(ds, t) if via_manifest else (pd.read_parquet(ds / t) if (ds / t).exists() else pd.DataFrame())
        if not len(df):
            out[t] = []
            continue
        rows = to_contract_frame(t, df)
        extra = df[["source_path", "body", "quarter"]].astype(str).values.tolist()
        out[t] = sorted(tuple(r) + tuple(e) for r, e in zip(rows.values.tolist(), extra))
    return out


def _files(ds: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(ds).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in ds.rglob("*.parquet")}


def _collect(root: Path, ds: Path, *extra: str):
    return run_cli("collect", str(root), "--out", str(ds), *extra, timeout=600)


def _check_tree(corpus: Path, tmp_path: Path, files: list[tuple[str, str]], no_quarter: Optional[Path]) -> None:
    root = _tree(corpus, tmp_path / "root", files, no_quarter)
    ds, work = tmp_path / "ds", tmp_path / "work"
    work.mkdir()
    n_reports = len(files) + (no_quarter is not None)

    proc = _collect(root, ds, "--workers", "2")
    assert proc.returncode == 1, proc.stderr  # one file could not be placed: reported, so the exit says so
    assert f"파일 {n_reports + 2}개: 이번에 읽음 {n_reports + 1}개 (성공 {n_reports}, 실패 1)" in proc.stdout, proc.stdout
    lines = proc.stderr.splitlines()
    assert any(line.startswith(str(root / UNPLACED[1])) and "보고 기관을 알 수 없어" in line for line in lines), lines
    assert any(line.startswith(str(root / NOT_REPORT[1])) and "보고서 파일이 아니라" in line for line in lines), lines
    # 가온시 2024Q2 holds the same report twice (HWPX and HWP): like `report`, no summary for it, and a line.
    assert any(line.startswith("가온시 2024Q2: 요약 수치를 만들지 않았습니다") for line in lines), lines
    m = read_manifest(ds)
    assert {e.status for f, e in m.items() if f not in (UNPLACED[1], NOT_REPORT[1])} == {"ok"}
    assert (m[UNPLACED[1]].status, m[NOT_REPORT[1]].status) == ("unplaced", "not_report")
    expected = _expected(root, work)
    assert all(expected[t] for t in ("items", "budget", "plan", "performance", "summary"))
    got = _got(ds)
    for t in [*ALL_TABLES, "summary"]:
        assert got[t] == expected[t], t
    assert _got(ds, via_manifest=True) == got
    _readme_questions(ds)

    # A second run reads nothing and rewrites nothing.
    before = _files(ds)
    proc = _collect(root, ds, "--workers", "2")
    assert f"이번에 읽음 0개 (성공 0, 실패 0), 이미 읽음 {n_reports + 2}개" in proc.stdout, proc.stdout
    assert _files(ds) == before

    # One file changes (the 2021Q3 card now holds the 2021Q4 one): only it is read, only its rows change, and
    # they move to the quarter the document now states.
    changed = "한빛구/2021Q3/seed57-2021Q3.hwpx"
    shutil.copyfile(corpus / "cards/seed57-2021Q4.hwpx", root / changed)
    proc = _collect(root, ds, "--workers", "2")
    assert "이번에 읽음 1개 (성공 1, 실패 0)" in proc.stdout, proc.stdout
    after = _files(ds)
    old_parts, new_parts = set(m[changed].parts), set(read_manifest(ds)[changed].parts)
    assert all("quarter=2021Q4" in p for p in new_parts) and not old_parts & set(after)
    # Every other part is the same file as before; summaries are redone only where the file left and arrived.
    moved = ("summary/body=한빛구/quarter=2021Q3/", "summary/body=한빛구/quarter=2021Q4/")
    assert {p: v for p, v in after.items() if p not in new_parts and p != "manifest.parquet" and not p.startswith(moved)} == {
        p: v for p, v in before.items() if p not in old_parts and p != "manifest.parquet" and not p.startswith(moved)}
    expected = _expected(root, work)
    assert _got(ds) == expected
    assert not (ds / STAGING).exists() or not any((ds / STAGING).iterdir())


def _readme_questions(ds: Path) -> None:
    """The README's three DuckDB questions run on this dataset (so the README cannot drift from the data)."""
    import re

    import duckdb

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Collect: every body, every quarter"):]
    section = section[:section.index("\n## ", 1)]
    queries = re.findall(r"```sql\n(.*?)```", section, re.S)
    assert len(queries) == 3
    cwd = os.getcwd()
    try:
        os.chdir(ds.parent)
        (ds.parent / "dataset").symlink_to(ds)
        results = [duckdb.sql(q).fetchall() for q in queries]
    finally:
        os.chdir(cwd)
    completion, budget, restated = results
    m = read_manifest(ds)
    assert {(b, q) for b, q, *_ in completion} == {(e.body, e.quarter) for e in m.values() if e.status == "ok"}
    assert budget and all(row[-1] is None or 0 <= row[-1] <= 200 for row in budget)
    # The seed card's 2021Q2 사례관리확대 figure, 87 in the 2021Q3 report and 89 in the 2021Q4 one.
    assert ("한빛구", "57", "2021Q2", "2021Q3", "87", "2021Q4", "89") in {(r[0], r[1], *r[4:]) for r in restated}


@in_own_process
def test_collect_equals_extract_of_each_file_then_reads_nothing_then_only_the_changed_file(
        corpus: Path, tmp_path: Path, no_quarter_card: Path) -> None:
    _check_tree(corpus, tmp_path, QUICK, no_quarter_card)


@pytest.mark.slow  # every card, compiled and variety file of the corpus (15 files, ~1 min on 2 cores)
@in_own_process
def test_collect_of_the_whole_public_corpus_equals_extract(corpus: Path, tmp_path: Path, no_quarter_card: Path) -> None:
    _check_tree(corpus, tmp_path, FULL, no_quarter_card)


# ----------------------------------------------------------------------------- a worker lost mid-run

@pytest.fixture
def cluster():
    """A LocalCluster of 2 worker processes with Dask's defaults (daemonic workers), reached by address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


@pytest.mark.slow  # its own LocalCluster and a full run of the quick tree (~15 s)
@in_own_process
def test_a_worker_killed_mid_run_costs_no_file_and_counts_none_twice(corpus: Path, tmp_path: Path, cluster,
                                                                      no_quarter_card: Path) -> None:
    from pipeline.dataset.collect import collect

    files = QUICK + [("compiled/hanbit-2023Q2.lo.pdf", "한빛구/2023Q2/hanbit-2023Q2.lo.pdf")]
    root = _tree(corpus, tmp_path / "root", files, no_quarter_card)
    ds = tmp_path / "ds"
    (tmp_path / "work").mkdir()
    killed: list[tuple[str, list]] = []

    def kill_a_busy_worker(eng, outcome) -> None:
        if killed:
            return
        busy = {a: keys for a, keys in eng.client.processing().items() if keys}
        if not busy:
            return
        addr = sorted(busy)[0]
        os.kill(eng.worker_pids()[addr], signal.SIGKILL)
        killed.append((addr, list(busy[addr])))

    s = collect(root, ds, scheduler=cluster.scheduler_address, on_outcome=kill_a_busy_worker, err=sys.stderr)
    assert killed, "no worker was busy after the first file: the test did not test anything"
    n = len(files) + 1  # + the no-quarter card
    assert (s.read, s.ok, s.retry) == (n + 1, n, 0)  # + the unplaced card; nothing lost, nothing given up
    m = read_manifest(ds)
    assert len(m) == n + 2 and sum(e.status == "ok" for e in m.values()) == n
    assert _got(ds) == _expected(root, tmp_path / "work")  # no row missing, none twice


@in_own_process
def test_workers_running_another_pipeline_are_refused_in_one_line(corpus: Path, tmp_path: Path, cluster,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.dataset import collect as collect_mod

    root = _tree(corpus, tmp_path / "root", QUICK[:1], None)
    # This side changes its code; the workers keep theirs.
    monkeypatch.setattr(collect_mod, "pipeline_version", lambda: "0.0.0+other")
    proc = _collect(root, tmp_path / "ds", "--scheduler", cluster.scheduler_address)
    assert proc.returncode == 2
    assert "다릅니다 — 같은 버전을 설치하세요" in proc.stderr and "Traceback" not in proc.stderr
    # Nothing was read: only the file that is no report is on record (it needed no worker).
    assert {e.status for e in read_manifest(tmp_path / "ds").values()} == {"not_report"}


# ----------------------------------------------------------------------------- the whole run killed

def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _committed(ds: Path) -> int:
    """Files on record in the dataset's manifest (0 before the first commit)."""
    import pyarrow.parquet as pq

    try:
        return pq.read_metadata(ds / "manifest.parquet").num_rows
    except (OSError, ValueError):
        return 0


def _kill_run(root: Path, ds: Path, after_files: int, delay: float) -> bool:
    """Start `collect` as a user would and SIGKILL it ``delay`` seconds after ``after_files`` files are on record
    (``after_files=0``: ``delay`` seconds after the start); True when it was still running then."""
    import psutil

    p = sp.Popen([sys.executable, "-m", "pipeline", "collect", str(root), "--out", str(ds), "--workers", "2",
                  "--commit-every", "1"], cwd=ROOT, stdout=sp.DEVNULL, stderr=sp.DEVNULL)
    kids: set[int] = set()
    deadline = None if after_files else time.monotonic() + delay
    while p.poll() is None:
        kids.update(_descendants(p.pid))
        if deadline is None and _committed(ds) >= after_files:
            deadline = time.monotonic() + delay
        if deadline is not None and time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    alive = p.poll() is None
    kids.update(_descendants(p.pid))
    if alive:
        os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=60)
    # The workers notice their parent is gone and stop; any that lingers is ours to end, by its pid.
    for pid in kids:
        try:
            psutil.Process(pid).wait(timeout=30)
        except psutil.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.slow  # five runs killed and five re-runs, each starting its own LocalCluster (~2 min on 2 cores)
@in_own_process
def test_the_whole_run_killed_at_random_moments_ends_complete_and_exact(corpus: Path, tmp_path: Path,
                                                                         no_quarter_card: Path) -> None:
    files = QUICK + [("compiled/hanbit-2023Q2.lo.pdf", "한빛구/2023Q2/hanbit-2023Q2.lo.pdf"),
                     ("cards/seed57-2021Q4.lo.pdf", "한빛구/2021Q4/seed57-2021Q4.lo.pdf")]
    root = _tree(corpus, tmp_path / "root", files, no_quarter_card)
    (tmp_path / "work").mkdir()
    expected = _expected(root, tmp_path / "work")
    per_file = {}
    for t, rows in expected.items():
        for r in rows:
            per_file.setdefault(r[-3], {}).setdefault(t, []).append(r)
    rng = random.Random(16)
    kills = 0
    for trial in range(5):
        ds = tmp_path / f"ds{trial}"
        # A moment during the start-up (the first trial), or a random moment up to half a second after a random
        # number of files were committed (inside reading, staging, sealing or applying the next ones).
        after = 0 if trial == 0 else rng.randint(1, len(files))
        if _kill_run(root, ds, after, rng.uniform(1.0, 4.0) if after == 0 else rng.uniform(0.0, 0.5)):
            kills += 1
            # As it was or as it will be: every file the manifest lists has exactly its own rows.
            seen = _got(ds, via_manifest=True) if (ds / "manifest.parquet").exists() else {t: [] for t in ALL_TABLES}
            listed = {f for f, e in read_manifest(ds).items() if e.status == "ok"}
            for t in ALL_TABLES:
                assert seen[t] == sorted(r for f in listed for r in per_file.get(f, {}).get(t, [])), (trial, t)
        proc = _collect(root, ds, "--workers", "2")
        assert proc.returncode in (0, 1), proc.stderr  # 1 when the unplaced card was read by this run
        m = read_manifest(ds)
        assert {f: e.status for f, e in m.items() if e.status != "ok"} == {UNPLACED[1]: "unplaced", NOT_REPORT[1]: "not_report"}
        assert len(m) == len(files) + 3
        assert _got(ds) == expected, trial
        assert _got(ds, via_manifest=True) == expected, trial
        assert not (ds / STAGING).exists() or not any((ds / STAGING).iterdir())
    assert kills >= 3, "most trials must really be killed mid-run"
