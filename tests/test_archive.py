"""The quarter archive: idempotent, re-archiving on new sources with the old version kept, surviving SIGKILL;
combining files."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from truth_tables import load_truth

import pipeline
from pipeline.contract import ALL_TABLES, read_csv
from pipeline.errors import InputError
from pipeline.quarter.archive import (
    archive_quarter,
    body_of,
    list_quarters,
    load_quarter,
    manifest,
    previous_quarter,
    quarter_before,
    source_changes,
    versions,
)
from pipeline.quarter.combine import combine
from pipeline.quarter.diff import diff_tables

ROOT = Path(__file__).resolve().parent.parent


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder → sha256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def q4(corpus):
    return load_truth(corpus / "cards/seed57-2021Q4.truth.json")


@pytest.fixture()
def src(corpus):
    return [corpus / "cards/seed57-2021Q4.lo.pdf"]


def test_archive_writes_every_file_and_a_manifest(tmp_path, q4, src, corpus):
    r = archive_quarter(tmp_path, "2021Q4", q4, src)
    assert r.status == "written" and r.path == tmp_path / "2021Q4"
    names = sorted(p.name for p in r.path.iterdir())
    assert names == sorted([f"{t}.csv" for t in ALL_TABLES] + ["2021Q4.xlsx", "summary.csv", "manifest.json"])
    for t in ALL_TABLES:
        assert (r.path / f"{t}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    m = manifest(tmp_path, "2021Q4")
    assert m["pipeline_version"] == pipeline.__version__ and m["quarter"] == "2021Q4"
    assert m["sources"] == [{"name": "seed57-2021Q4.lo.pdf",
                             "sha256": hashlib.sha256(src[0].read_bytes()).hexdigest(),
                             "size": src[0].stat().st_size}]
    assert m["rows"] == {"items": 1, "budget": len(q4["budget"]), "plan": len(q4["plan"]),
                         "performance": len(q4["performance"]), "findings": 0}
    assert m["created_utc"]
    assert diff_tables(q4, load_quarter(tmp_path, "2021Q4")).empty


def test_rerun_on_same_sources_is_unchanged_and_touches_nothing(tmp_path, q4, src):
    archive_quarter(tmp_path, "2021Q4", q4, src)
    before = _snapshot(tmp_path / "2021Q4")
    r = archive_quarter(tmp_path, "2021Q4", q4, src)
    assert r.status == "unchanged" and "바꾸지 않았습니다" in r.message
    assert _snapshot(tmp_path / "2021Q4") == before
    assert list_quarters(tmp_path) == ["2021Q4"]


def test_new_sources_re_archive_and_keep_the_old_version(tmp_path, q4, src, corpus):
    """A corrected or late file needs no flag: the quarter is re-archived and the previous version kept."""
    archive_quarter(tmp_path, "2021Q4", q4, src)
    before = _snapshot(tmp_path / "2021Q4")
    r = archive_quarter(tmp_path, "2021Q4", q4, [corpus / "cards/seed57-2021Q4.hwpx"])
    assert r.status == "replaced" and r.replaced is not None
    assert r.replaced.name.startswith("2021Q4.replaced-")
    assert _snapshot(r.replaced) == before
    assert versions(tmp_path, "2021Q4") == [r.replaced]
    assert manifest(tmp_path, "2021Q4")["sources"][0]["name"] == "seed57-2021Q4.hwpx"
    assert list_quarters(tmp_path) == ["2021Q4"]
    assert r.changes is not None and r.changes.added == ("seed57-2021Q4.hwpx",)
    assert r.changes.removed == ("seed57-2021Q4.lo.pdf",)
    assert "추가 seed57-2021Q4.hwpx" in r.message and r.replaced.name in r.message


def test_source_changes_name_added_removed_and_replaced_files():
    old = [{"name": "a.pdf", "sha256": "1"}, {"name": "b.pdf", "sha256": "2"}, {"name": "c.pdf", "sha256": "3"}]
    new = [{"name": "a.pdf", "sha256": "1"}, {"name": "b.pdf", "sha256": "9"}, {"name": "d.pdf", "sha256": "4"},
           {"name": "c-renamed.pdf", "sha256": "3"}]
    ch = source_changes(old, new)
    assert (ch.added, ch.replaced, ch.removed) == (("d.pdf",), ("b.pdf",), ())
    assert ch.words() == "추가 d.pdf; 교체 b.pdf"
    assert not source_changes(old, old)


def test_given_source_identities_are_recorded_as_given(tmp_path, q4):
    """The run layer hashes the bytes it read; the archive records that identity, it does not re-read the path."""
    ident = {"name": "부서/카드.pdf", "sha256": "ab" * 32, "size": 123}
    archive_quarter(tmp_path, "2021Q4", q4, [ident], body="한빛구")
    m = manifest(tmp_path, "2021Q4")
    assert m["sources"] == [ident]
    assert body_of(tmp_path, "2021Q4") == "한빛구"


def test_same_sources_with_replace_re_archive_only_when_rows_differ(tmp_path, q4, src):
    archive_quarter(tmp_path, "2021Q4", q4, src)
    assert archive_quarter(tmp_path, "2021Q4", q4, src, replace=True).status == "unchanged"
    changed = {t: df.copy() for t, df in q4.items()}
    changed["budget"] = changed["budget"].iloc[1:]
    r = archive_quarter(tmp_path, "2021Q4", changed, src, replace=True)
    assert r.status == "replaced" and r.changes is None and "새 파이프라인" in r.message


def test_quarters_list_and_previous(tmp_path, corpus):
    archive_quarter(tmp_path, "2021Q4", load_truth(corpus / "cards/seed57-2021Q4.truth.json"),
                    [corpus / "cards/seed57-2021Q4.lo.pdf"])
    archive_quarter(tmp_path, "2021Q3", load_truth(corpus / "cards/seed57-2021Q3.truth.json"),
                    [corpus / "cards/seed57-2021Q3.lo.pdf"])
    assert list_quarters(tmp_path) == ["2021Q3", "2021Q4"]
    assert previous_quarter(tmp_path, "2021Q4") == "2021Q3"
    assert previous_quarter(tmp_path, "2022Q1") == "2021Q4"
    assert previous_quarter(tmp_path, "2021Q3") is None
    # only the quarter just before: a diff across a gap would mix several quarters' changes
    assert previous_quarter(tmp_path, "2022Q2") is None
    assert quarter_before("2023Q1") == "2022Q4" and quarter_before("2023Q3") == "2023Q2"


def test_tables_of_another_quarter_are_refused(tmp_path, q4, src):
    with pytest.raises(InputError, match="2021Q3 분기가 아니라 2021Q4 분기"):
        archive_quarter(tmp_path, "2021Q3", q4, src)
    assert list_quarters(tmp_path) == []


def test_findings_are_archived_when_the_card_has_errors(tmp_path, corpus):
    t = load_truth(corpus / "bad/arith-wrong.truth.json")
    archive_quarter(tmp_path, "2021Q4", t, [corpus / "bad/arith-wrong.lo.pdf"])
    f = read_csv(tmp_path / "2021Q4/findings.csv", "findings")
    assert len(f) == 4 and set(f["item_no"]) == {"57"}


_KILL_SCRIPT = r"""
import sys
sys.path[:0] = [{root!r}, {tests!r}]
from pathlib import Path
from truth_tables import load_truth
from pipeline.quarter.archive import archive_quarter
t = load_truth(Path({truth!r}))
archive_quarter(Path({archive!r}), "2021Q4", t, [Path({source!r})], replace=True)
print("DONE", flush=True)
"""


def _run_until_paused(point: str, archive: Path, corpus: Path) -> subprocess.Popen:
    script = _KILL_SCRIPT.format(root=str(ROOT), tests=str(ROOT / "tests"),
                                 truth=str(corpus / "cards/seed57-2021Q4.truth.json"), archive=str(archive),
                                 source=str(corpus / "cards/seed57-2021Q4.hwpx"))
    env = {**os.environ, "PIPELINE_ARCHIVE_PAUSE": f"{point}:120"}
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env, cwd=ROOT)
    line = p.stdout.readline()
    if line.strip() != f"PAUSED {point}":
        p.kill()
        raise AssertionError(f"archive write did not pause: {line!r} {p.stderr.read()}")
    return p


def test_write_killed_halfway_leaves_the_old_archive_byte_identical(tmp_path, q4, src, corpus):
    archive_quarter(tmp_path, "2021Q4", q4, src)
    before = _snapshot(tmp_path / "2021Q4")
    p = _run_until_paused("half", tmp_path, corpus)
    leftovers = [d for d in tmp_path.iterdir() if d.name.startswith(".tmp-")]
    assert leftovers and any(leftovers[0].iterdir())  # it really was mid-write
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    assert p.returncode == -signal.SIGKILL
    assert _snapshot(tmp_path / "2021Q4") == before
    assert list_quarters(tmp_path) == ["2021Q4"]
    assert not any(d.name.startswith(".tmp-") for d in tmp_path.iterdir())  # cleaned on the next access
    # a later run goes through normally
    r = archive_quarter(tmp_path, "2021Q4", q4, [corpus / "cards/seed57-2021Q4.hwpx"], replace=True)
    assert r.status == "replaced" and _snapshot(r.replaced) == before


def test_write_killed_between_the_renames_keeps_the_old_and_finishes_next_time(tmp_path, q4, src, corpus):
    archive_quarter(tmp_path, "2021Q4", q4, src)
    before = _snapshot(tmp_path / "2021Q4")
    p = _run_until_paused("swap", tmp_path, corpus)
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    aside = [d for d in tmp_path.iterdir() if d.name.startswith("2021Q4.replaced-")]
    assert len(aside) == 1 and _snapshot(aside[0]) == before
    # the next access completes the replacement that was asked for
    assert list_quarters(tmp_path) == ["2021Q4"]
    assert manifest(tmp_path, "2021Q4")["sources"][0]["name"] == "seed57-2021Q4.hwpx"
    assert _snapshot(aside[0]) == before
    assert not any(d.name.startswith((".tmp-", ".journal-")) for d in tmp_path.iterdir())


def test_uninterrupted_subprocess_write_completes(tmp_path, q4, src, corpus):
    """The kill tests' script itself works when not killed (so their pass is not an artefact)."""
    archive_quarter(tmp_path, "2021Q4", q4, src)
    env = {k: v for k, v in os.environ.items() if k != "PIPELINE_ARCHIVE_PAUSE"}
    script = _KILL_SCRIPT.format(root=str(ROOT), tests=str(ROOT / "tests"),
                                 truth=str(corpus / "cards/seed57-2021Q4.truth.json"), archive=str(tmp_path),
                                 source=str(corpus / "cards/seed57-2021Q4.hwpx"))
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0 and "DONE" in r.stdout, r.stderr
    assert manifest(tmp_path, "2021Q4")["sources"][0]["name"] == "seed57-2021Q4.hwpx"


# ----------------------------------------------------------------------------- combining files of a quarter

def test_duplicate_item_across_two_files_names_both(q4):
    with pytest.raises(InputError, match="공약 57번이 두 파일에 모두 있습니다: a.pdf, b.hwp"):
        combine([("a.pdf", q4), ("b.hwp", q4)])


def test_files_of_different_quarters_are_refused(corpus):
    q3 = load_truth(corpus / "cards/seed57-2021Q3.truth.json")
    h = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    with pytest.raises(InputError, match="보고 분기가 서로 다른 파일이 함께 있습니다"):
        combine([("seed.pdf", q3), ("hanbit.pdf", h)])


def test_combine_concatenates_items_of_one_quarter(corpus):
    h = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    parts = []
    for no in (4, 19, 27):
        parts.append((f"dept{no}.pdf", {t: df[df.item_no == no] for t, df in h.items()}))
    out = combine(parts)
    for t in ("items", "budget", "plan", "performance"):
        assert len(out[t]) == sum(len(p[1][t]) for p in parts)
    assert list(out["items"].item_no) == [4, 19, 27]
