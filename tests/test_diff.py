"""The quarter diff against the corpus's expected diffs, checked by the shared diffcheck tool."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from truth_tables import load_truth

from pipeline.contract import DIFF, read_csv, write_csv
from pipeline.quarter.diff import diff_tables, is_restatement, load_tables, restatements, write_diff

PAIRS = [
    ("cards/seed57-2021Q3", "cards/seed57-2021Q4", "cards/seed57-2021Q3_to_2021Q4.expected_diff.json"),
    ("compiled/hanbit-2023Q1", "compiled/hanbit-2023Q2", "compiled/hanbit-2023Q1_to_2023Q2.expected_diff.json"),
]


def _diffcheck(tools, expected, csv_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(tools / "diffcheck.py"), str(expected), str(csv_path), "--strict"],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("old,new,expected", PAIRS)
def test_truth_pair_reproduces_expected_diff_exactly(corpus, tools, tmp_path, old, new, expected):
    d = diff_tables(load_truth(corpus / f"{old}.truth.json"), load_truth(corpus / f"{new}.truth.json"))
    assert list(d.columns) == DIFF
    write_diff(tmp_path / "diff.csv", d)
    assert (tmp_path / "diff.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    r = _diffcheck(tools, corpus / expected, tmp_path / "diff.csv")
    assert r.returncode == 0, r.stdout
    assert "precision 1.000 recall 1.000" in r.stdout


@pytest.mark.parametrize("old,new,expected", PAIRS)
def test_diff_of_csv_folders_equals_diff_of_dataframes(corpus, tools, tmp_path, old, new, expected):
    """The diff loader reads archived quarters / extract folders back as strings: same diff."""
    for name, dest in ((old, tmp_path / "a"), (new, tmp_path / "b")):
        for t, df in load_truth(corpus / f"{name}.truth.json").items():
            write_csv(dest / f"{t}.csv", t, df)
    d = diff_tables(load_tables(tmp_path / "a"), load_tables(tmp_path / "b"))
    write_diff(tmp_path / "diff.csv", d)
    r = _diffcheck(tools, corpus / expected, tmp_path / "diff.csv")
    assert r.returncode == 0, r.stdout


def test_diffcheck_fails_on_a_wrong_diff(corpus, tools, tmp_path):
    """Guard that the exactness test above can fail: drop one change and diffcheck must say so."""
    old, new, expected = PAIRS[0]
    d = diff_tables(load_truth(corpus / f"{old}.truth.json"), load_truth(corpus / f"{new}.truth.json"))
    write_diff(tmp_path / "diff.csv", d.iloc[1:])
    assert _diffcheck(tools, corpus / expected, tmp_path / "diff.csv").returncode == 1


def test_same_tables_numbers_as_strings_give_no_diff(corpus, tmp_path):
    t = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    for name, df in t.items():
        write_csv(tmp_path / f"{name}.csv", name, df)
    back = {name: read_csv(tmp_path / f"{name}.csv", name) for name in t}
    assert diff_tables(t, back).empty
    assert diff_tables(back, t).empty


def test_numbers_compare_numerically_and_text_after_whitespace_collapse():
    base = {"item_no": 1, "unit": "A", "kind": "plan", "fund": "total", "period": "2022"}
    old = {"budget": pd.DataFrame([{**base, "amount_mkrw": 2720}]),
           "plan": pd.DataFrame([{"item_no": 1, "unit": "가  나", "task": "t", "period": "2022",
                                  "text": "연석회의\n지속", "value": None, "measure": ""}])}
    new = {"budget": pd.DataFrame([{**base, "amount_mkrw": "2,720"}]),
           "plan": pd.DataFrame([{"item_no": "1", "unit": "가 나", "task": "t", "period": "2022",
                                  "text": "연석회의 지속", "value": float("nan"), "measure": None}])}
    assert diff_tables(old, new).empty
    new["budget"].loc[0, "amount_mkrw"] = "2,721"
    d = diff_tables(old, new)
    assert d[["table", "change", "field", "before", "after"]].values.tolist() == [
        ["budget", "changed", "amount_mkrw", 2720, "2,721"]]


def test_added_and_removed_give_one_row_per_key():
    old = {"items": pd.DataFrame([{"item_no": 4, "title": "a"}, {"item_no": 5, "title": "b"}])}
    new = {"items": pd.DataFrame([{"item_no": 5, "title": "b"}, {"item_no": 6, "title": "c"}])}
    d = diff_tables(old, new)
    assert d[["change", "item_no"]].values.tolist() == [["added", 6], ["removed", 4]]


def test_restatement_is_a_changed_past_period_only():
    row = {"table": "performance", "change": "changed", "period": "2023Q1"}
    assert is_restatement(row, "2023Q2")
    assert not is_restatement({**row, "period": "2023Q2"}, "2023Q2")
    assert not is_restatement({**row, "period": "2023"}, "2023Q2")  # the year is not over
    assert not is_restatement({**row, "period": "total"}, "2023Q2")
    assert not is_restatement({**row, "change": "added"}, "2023Q2")
    assert is_restatement({**row, "period": "2022H2"}, "2023Q1")


def test_restatements_of_the_hanbit_pair_are_the_changed_2023Q1_figure(corpus):
    d = diff_tables(load_truth(corpus / "compiled/hanbit-2023Q1.truth.json"),
                    load_truth(corpus / "compiled/hanbit-2023Q2.truth.json"))
    r = d[restatements(d, "2023Q2")]
    assert r[["table", "item_no", "task", "period", "field"]].values.tolist() == [
        ["performance", 4, "창업 상담", "2023Q1", "text"], ["performance", 4, "창업 상담", "2023Q1", "value"]]


def test_one_changed_amount_gives_exactly_one_changed_row(corpus):
    """Property: change any single budget figure and the diff names that key and nothing else."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    base = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    n = len(base["budget"])

    @settings(max_examples=25, deadline=None)
    @given(i=st.integers(0, n - 1), delta=st.sampled_from([1, -1, 0.001, 1000]))
    def prop(i, delta):
        new = {k: v.copy() for k, v in base.items()}
        new["budget"].loc[i, "amount_mkrw"] = float(new["budget"].loc[i, "amount_mkrw"]) + delta
        d = diff_tables(base, new)
        assert len(d) == 1
        row, src = d.iloc[0], base["budget"].iloc[i]
        assert (row["table"], row["change"], row["field"]) == ("budget", "changed", "amount_mkrw")
        assert [row[k] for k in ("item_no", "unit", "kind", "fund", "period")] == \
            [src[k] for k in ("item_no", "unit", "kind", "fund", "period")]

    prop()
