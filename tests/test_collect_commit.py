"""The dataset's commit protocol, without a cluster: a crash at every single step leaves a dataset that the
manifest shows as it was or as it will be, and the next run's recovery makes it exactly as it will be.

The outcomes are made up (small Arrow tables), so every rename and delete of a commit can be interrupted in turn
in seconds; the cluster tests (test_collect.py) kill real runs.  Tests that make Arrow data run in a pytest
process of their own (``in_own_process`` says why).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import pandas as pd
import pytest
from test_collect import in_own_process

from pipeline.dataset import commit as commit_mod
from pipeline.dataset.commit import Lock, recover
from pipeline.dataset.layout import STAGING, from_folders, partition_value
from pipeline.dataset.manifest import read_manifest
from pipeline.dataset.read import read_table
from pipeline.dataset.schema import NotANumber, to_arrow, to_contract_frame
from pipeline.dataset.task import Outcome
from pipeline.dataset.writer import Writer, place

VERSION = "test+0"


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (BaseException, so no `except Exception` catches it)."""


def _outcome(file: str, quarter: str, amounts: list[float], body: str = "한빛구") -> Outcome:
    item = ord(file[0])  # one item per file, so the files of a quarter combine (and get a summary)
    budget = pd.DataFrame({"report_quarter": quarter, "item_no": item, "unit": "", "kind": "plan", "fund": "total",
                           "period": [str(2020 + i) for i in range(len(amounts))], "amount_mkrw": amounts})
    items = pd.DataFrame({"report_quarter": [quarter], "item_no": [item], "title": [f"{file} 사업"],
                          "status": ["완료" if len(amounts) > 2 else "정상추진"], "total_budget_mkrw": [sum(amounts)]})
    sha = f"{file}-{quarter}-{amounts}"
    return Outcome(file=file, sha256=sha, size=1, status="ok", body=body, quarter=quarter, items=1,
                   tables={"items": to_arrow("items", items, file), "budget": to_arrow("budget", budget, file)})


def _apply(dataset: Path, outcomes: list[Outcome], remove: tuple[str, ...] = ()) -> None:
    w = Writer(dataset, read_manifest(dataset), VERSION)
    for o in outcomes:
        w.add(o, place(o, None, None), None, None)
    w.remove(list(remove))
    w.commit()


def _view(dataset: Path, glob: bool = False) -> dict[str, list[tuple]]:
    """Every table's rows as sorted tuples of CSV strings (plus body and quarter)."""
    out = {}
    if glob:
        folder = dataset / "summary"
        df = pd.read_parquet(folder) if folder.exists() and any(folder.rglob("*.parquet")) else pd.DataFrame()
    else:
        df = read_table(dataset, "summary")
    out["summary"] = sorted(map(tuple, df.astype(str).values.tolist())) if len(df) else []
    for table in ("items", "budget"):
        if glob:
            folder = dataset / table
            df = pd.read_parquet(folder) if folder.exists() and any(folder.rglob("*.parquet")) else pd.DataFrame()
        else:
            df = read_table(dataset, table)
        if not len(df):
            out[table] = []
            continue
        rows = to_contract_frame(table, df)
        rows["source_path"] = df["source_path"].astype(str).values
        rows["body"], rows["quarter"] = df["body"].astype(str).values, df["quarter"].astype(str).values
        out[table] = sorted(map(tuple, rows.values.tolist()))
    return out


def _before() -> list[Outcome]:  # made when called: no Arrow data in a process that did not ask for it
    return [_outcome("a.pdf", "2023Q1", [10, 20]), _outcome("b.pdf", "2023Q1", [5]), _outcome("c.hwp", "2023Q2", [7])]


# a.pdf changes its figures, b.pdf now reports another quarter (its rows move partition), d.hwp is new, c.hwp goes.
def _after() -> list[Outcome]:
    return [_outcome("a.pdf", "2023Q1", [10, 25, 30]), _outcome("b.pdf", "2023Q2", [5]), _outcome("d.hwp", "2023Q2", [1])]


def _states(tmp_path: Path) -> tuple[dict, dict]:
    old, new = tmp_path / "old", tmp_path / "new"
    _apply(old, _before())
    _apply(new, _before())
    _apply(new, _after(), remove=("c.hwp",))
    return _view(old), _view(new)


def _interrupt(mp: pytest.MonkeyPatch, stop_at: Optional[int]) -> dict:
    """Count the renames and deletes of the dataset code; raise Killed instead of the ``stop_at``-th (0-based).
    Each is a moment a kill can fall between."""
    calls = {"n": 0}
    real_replace, real_unlink = os.replace, Path.unlink

    def step() -> None:
        if calls["n"] == stop_at:
            raise Killed
        calls["n"] += 1

    def replace(*a, **kw):
        step()
        return real_replace(*a, **kw)

    def unlink(self, *a, **kw):
        step()
        return real_unlink(self, *a, **kw)

    mp.setattr(commit_mod.os, "replace", replace)
    mp.setattr(Path, "unlink", unlink)
    return calls


@in_own_process
def test_a_kill_at_every_step_of_a_commit_leaves_old_or_new_and_recovery_finishes_it(tmp_path: Path) -> None:
    old, new = _states(tmp_path)
    assert old != new
    d = tmp_path / "count"
    _apply(d, _before())
    with pytest.MonkeyPatch.context() as mp:
        calls = _interrupt(mp, None)
        _apply(d, _after(), remove=("c.hwp",))
    steps = calls["n"]
    assert steps >= 15  # the seal, 6 part and 2 summary renames, the manifest, 3 old parts and 2 summaries deleted
    assert len(new["summary"]) > len(old["summary"]) // 2 > 0
    seen = set()
    for k in range(steps + 1):
        d = tmp_path / f"kill-{k}"
        _apply(d, _before())
        with pytest.MonkeyPatch.context() as mp:
            _interrupt(mp, k)
            try:
                _apply(d, _after(), remove=("c.hwp",))
            except Killed:
                pass
        through_manifest = _view(d)
        assert through_manifest in (old, new), f"killed after {k} steps: the manifest shows a half dataset"
        seen.add("old" if through_manifest == old else "new")
        with Lock(d):
            recover(d)
        final = _view(d)
        # Killed before the seal: the batch is dropped (those files are read again); after it: finished.
        assert final == (old if k == 0 else new), k
        assert _view(d, glob=True) == final, f"killed after {k} steps: the folders disagree with the manifest"
        assert not (d / STAGING).exists() or not any((d / STAGING).iterdir())
    assert seen == {"old", "new"}


@in_own_process
def test_a_changed_file_replaces_its_own_rows_only(tmp_path: Path) -> None:
    d = tmp_path / "ds"
    _apply(d, _before())
    before = read_manifest(d)
    others = {p: (d / p).stat().st_mtime_ns for f in ("b.pdf", "c.hwp") for p in before[f].parts}
    _apply(d, [_outcome("a.pdf", "2023Q1", [11, 22])])
    after = read_manifest(d)
    assert {f: after[f].parts for f in ("b.pdf", "c.hwp")} == {f: before[f].parts for f in ("b.pdf", "c.hwp")}
    assert {p: (d / p).stat().st_mtime_ns for p in others} == others  # not rewritten
    budget = read_table(d, "budget")
    assert sorted(budget.loc[budget.source_path == "a.pdf", "amount_mkrw"]) == [11, 22]
    assert sorted(budget.loc[budget.source_path == "b.pdf", "amount_mkrw"]) == [5]
    assert not any((d / p).exists() for p in before["a.pdf"].parts)  # the old a.pdf parts are gone
    assert len(list((d / "budget").rglob("*.parquet"))) == 3


def test_a_second_collect_on_the_same_dataset_is_refused_while_one_runs(tmp_path: Path) -> None:
    with Lock(tmp_path):
        with pytest.raises(commit_mod.DatasetBusy):
            with Lock(tmp_path):
                pass
    with Lock(tmp_path):  # released when the first run ends
        pass


@pytest.mark.parametrize("rel, expected", [
    ("한빛구/2023Q2/report.pdf", ("한빛구", "2023Q2")),
    ("한빛구/2023-Q2/자치행정과/card.hwp", ("한빛구", "2023Q2")),
    ("수원시/2023년 2분기/card.hwpx", ("수원시", "2023Q2")),
    ("2023Q2/자치행정과/card.pdf", (None, "2023Q2")),  # a department folder is never taken for the body
    ("가온시/card.pdf", ("가온시", None)),
    ("card.pdf", (None, None)),
    ("가온시/2023Q1 2023Q2 비교/card.pdf", ("가온시", None)),  # a folder naming two quarters names none
])
def test_folders_give_body_and_quarter_by_position(rel: str, expected: tuple) -> None:
    assert from_folders(rel) == expected


def test_partition_values_keep_korean_and_escape_what_would_change_the_path() -> None:
    assert partition_value("한빛구") == "한빛구"
    assert partition_value("a=b/c%") == "a%3Db%2Fc%25"
    assert partition_value(".hidden") == "%2Ehidden"


@in_own_process
def test_a_money_cell_that_is_not_a_number_is_refused_not_nulled() -> None:
    df = pd.DataFrame({"report_quarter": ["2023Q1"], "item_no": [1], "amount_mkrw": ["약 30"]})
    with pytest.raises(NotANumber):
        to_arrow("budget", df, "x.pdf")


@in_own_process
def test_values_read_back_are_the_csv_strings() -> None:
    df = pd.DataFrame({"report_quarter": ["2023Q1"] * 3, "item_no": [57, 57.0, "57"], "value": [6.0, 38.5, None],
                       "text": ["6회", "38.5%", "- 심사 진행"], "measure": ["회", "%", None]})
    back = to_contract_frame("plan", to_arrow("plan", df, "x.pdf").to_pandas())
    assert back[["item_no", "value", "text", "measure"]].values.tolist() == [
        ["57", "6", "6회", "회"], ["57", "38.5", "38.5%", "%"], ["57", "", "- 심사 진행", ""]]
