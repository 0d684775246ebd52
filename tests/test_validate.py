"""The validator on truth tables: clean cards give nothing, each planted error gives exactly its findings."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from truth_tables import load_truth

from pipeline.checks import check
from pipeline.checks.findings import fmt, num
from pipeline.contract import FINDINGS


def _set(df: pd.DataFrame, value: object, col: str, **key: object) -> pd.DataFrame:
    """A copy of df with `col` set to value on the one row matching key (asserting it exists)."""
    df = df.copy()
    mask = pd.Series(True, index=df.index)
    for k, v in key.items():
        mask &= df[k] == v
    assert mask.sum() == 1, (key, mask.sum())
    df[col] = df[col].astype(object)
    df.loc[mask, col] = value
    return df


@pytest.mark.parametrize("name", [
    "cards/seed57-2021Q4", "cards/seed57-2021Q3", "compiled/hanbit-2023Q2", "compiled/hanbit-2023Q1",
    "bad/injection",
])
def test_clean_truth_gives_no_findings(corpus, name):
    found = check(load_truth(corpus / f"{name}.truth.json"))
    assert list(found.columns) == FINDINGS
    assert found.empty, found.to_dict("records")


def test_arith_wrong_gives_exactly_the_four_listed_findings(corpus):
    found = check(load_truth(corpus / "bad/arith-wrong.truth.json"))
    listed = json.loads((corpus / "bad/arith-wrong.findings.json").read_text(encoding="utf-8"))["structured"]
    assert len(found) == len(listed) == 4
    got = {(r["check"], r["found"], r["expected"]) for r in found.to_dict("records")}
    assert got == {
        ("total_budget_sum", 2880, 2925),        # 총사업비 vs sum of its funds
        ("box_fund_vs_plan", 2194, 2149),        # 총사업비 box 시비 vs 투자수요 시비 계
        ("total_column", 2880, 2835),            # 계 row: 계 column vs its periods
        ("total_row", 816, 861),                 # ’20 column: 계 vs units' funds
    }
    assert set(found["item_no"]) == {57} and set(found["report_quarter"]) == {"2021Q4"}
    msg = found.set_index("check")["message"]
    # the funds the box names, not a row of zeros for every fund a 시 or 군 could print
    assert msg["total_budget_sum"] == "총사업비 2,880백만원이 재원별 합계 2,925백만원(시비 2,194 + 구비 731)과 다릅니다 (차이 45)"
    assert "2020년" in found.set_index("check")["location"]["total_row"]


def test_findings_from_csv_strings_equal_findings_from_numbers(corpus, tmp_path):
    """Archived quarters are read back as strings; the checks must not change with that."""
    from pipeline.contract import read_csv, write_csv
    tables = load_truth(corpus / "bad/arith-wrong.truth.json")
    for t, df in tables.items():
        write_csv(tmp_path / f"{t}.csv", t, df)
    back = {t: read_csv(tmp_path / f"{t}.csv", t) for t in tables}
    a, b = check(tables), check(back)
    assert a[["check", "message"]].values.tolist() == b[["check", "message"]].values.tolist()


def test_secured_budget_includes_national_and_other_is_not_an_error(corpus):
    """Item 27 of the compiled report: 예산확보액 920 > 시비 330 + 구비 240 because it includes 국비/기타."""
    t = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    row = t["items"][t["items"].item_no == 27].iloc[0]
    assert row.secured_budget_mkrw > row.secured_city_mkrw + row.secured_district_mkrw
    assert check(t).empty


def test_secured_budget_differing_from_the_years_total_is_found(corpus):
    t = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    t["items"] = _set(t["items"], 900, "secured_budget_mkrw", item_no=27)
    found = check(t)
    assert found[["item_no", "check", "found", "expected"]].values.tolist() == [[27, "secured_vs_plan", 900, 920]]


def test_secured_budget_of_a_year_split_in_halves_is_their_sum(corpus):
    """seed57's 2022 is printed as 상반기 494 + 하반기 0: 예산확보액 2022 = 494 is right."""
    t = load_truth(corpus / "cards/seed57-2021Q4.truth.json")
    t["items"] = _set(t["items"], 2022, "secured_year", item_no=57)
    t["items"] = _set(t["items"], 494, "secured_budget_mkrw", item_no=57)
    assert check(t).empty
    t["items"] = _set(t["items"], 500, "secured_budget_mkrw", item_no=57)
    assert check(t)["check"].tolist() == ["secured_vs_plan"]


def test_executed_over_plan_is_found_once(corpus):
    t = load_truth(corpus / "cards/seed57-2021Q4.truth.json")
    b = t["budget"]
    # 2020 집행액 842 → 900 (> 투자수요 861); fix its 계 column so only the overspend is wrong
    b = _set(b, 900, "amount_mkrw", item_no=57, kind="executed", period="2020")
    b = _set(b, 2208, "amount_mkrw", item_no=57, kind="executed", period="total")
    t["budget"] = b
    found = check(t)
    assert found[["check", "found", "expected"]].values.tolist() == [["executed_over_plan", 900, 861]]
    assert "2020년" in found.iloc[0]["message"]


def test_executed_unit_total_only_table_compares_with_the_units_funds(corpus):
    """hanbit item 19: 집행액 has only the unit's total; its plan rows are 시비/구비 without a 소계."""
    t = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    b = _set(t["budget"], 130, "amount_mkrw", item_no=19, kind="executed", period="2022")
    t["budget"] = _set(b, 130, "amount_mkrw", item_no=19, kind="executed", period="total")
    found = check(t)
    assert found[["item_no", "check", "found", "expected"]].values.tolist() == [
        [19, "executed_over_plan", 130, 126.457]]


def test_wrong_subtotal_row_is_not_reported_again_by_the_grand_total(corpus):
    """item 27: 스마트쉼터 설치 소계 ’24 printed 1,100 (funds say 1,150): its row and its 계 column, not the 계 row."""
    t = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    t["budget"] = _set(t["budget"], 1100, "amount_mkrw", item_no=27, kind="plan", unit="스마트쉼터 설치",
                       fund="total", period="2024")
    found = check(t)
    assert sorted(found["check"]) == ["total_column", "total_row"]
    assert set(found["found"]) == {1100, 2340}


def test_thousand_won_fractions_add_up_within_tolerance(corpus):
    """item 19 is in 천원: 126.457 + 802.7 + 355.493 = 1,284.65 exactly only up to float rounding."""
    t = load_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    assert check(t).empty
    t["budget"] = _set(t["budget"], 802.701, "amount_mkrw", item_no=19, kind="plan", unit="", fund="total",
                       period="2023")
    found = check(t)
    assert "total_column" in set(found["check"])


def test_period_wholly_outside_the_term_is_found_once_per_period(corpus):
    t = load_truth(corpus / "cards/seed57-2021Q4.truth.json")
    perf = t["performance"]
    extra = perf.iloc[[0, 1]].copy()
    extra["period"] = "2024Q1"
    t["performance"] = pd.concat([perf, extra], ignore_index=True)
    found = check(t)
    assert found[["check", "found"]].values.tolist() == [["period_outside_term", "2024Q1"]]
    assert "2건" in found.iloc[0]["message"]


def test_first_half_before_a_july_start_is_not_outside_the_term(corpus):
    """seed57: 기간 2018. 7월 ~ 2022. 6월, but 투자수요 prints ’18 상반기 174 — budgets are per fiscal year."""
    t = load_truth(corpus / "cards/seed57-2021Q4.truth.json")
    assert ((t["budget"].period == "2018H1") & (t["budget"].amount_mkrw > 0)).any()
    assert check(t).empty


def test_location_uses_provenance_when_present(corpus):
    t = load_truth(corpus / "bad/arith-wrong.truth.json")
    b = t["budget"].copy()
    b["src_page"] = 2
    b["src_table"] = 5
    t["budget"] = b
    it = t["items"].copy()
    it["src_pages"] = "1-2"
    t["items"] = it
    loc = check(t).set_index("check")["location"]
    assert loc["total_row"] == "연차별 투자수요 (표 5), 행 「계」, 열 「2020년」, p.2"
    assert loc["total_budget_sum"] == "총사업비, p.1-2"


def test_empty_tables_give_empty_findings():
    assert check({}).empty
    assert list(check({}).columns) == FINDINGS


def test_number_helpers():
    assert num("2,720") == 2720 and num("") is None and num(float("nan")) is None and num("-") is None
    assert fmt(2880) == "2,880" and fmt(1284.65) == "1,284.65" and fmt(126.457) == "126.457" and fmt(0) == "0"


def test_location_from_extractor_provenance_names_and_page_lists(corpus):
    """The card normaliser gives src_table as the section name and items' src_pages as a list."""
    t = load_truth(corpus / "bad/arith-wrong.truth.json")
    b = t["budget"].copy()
    b["src_page"] = 1
    b["src_table"] = "연차별 투자수요"
    t["budget"] = b
    it = t["items"].copy()
    it["src_pages"] = [[1, 2]]
    t["items"] = it
    loc = check(t).set_index("check")["location"]
    assert loc["total_row"] == "연차별 투자수요, 행 「계」, 열 「2020년」, p.1"
    assert loc["total_budget_sum"] == "총사업비, p.1-2"


def test_every_check_code_has_a_korean_name(corpus):
    from pipeline.checks import CHECK_NAMES
    t = load_truth(corpus / "bad/arith-wrong.truth.json")
    assert set(check(t)["check"]) <= set(CHECK_NAMES)


def test_odd_tables_never_raise():
    """Whatever a half-recognised card gives, the validator reports or stays silent; it never crashes."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    cell = st.one_of(st.none(), st.integers(-10, 10_000), st.floats(allow_nan=True, allow_infinity=False),
                     st.sampled_from(["", "-", "2,720", "x", "total", "2020", "2018H1", "2021Q4", "계"]))
    row = st.fixed_dictionaries({
        "item_no": st.sampled_from([57, "57", None, "x"]), "unit": cell, "kind": st.sampled_from(
            ["plan", "executed", "", "x"]), "fund": st.sampled_from(["total", "city", "national", "", "?"]),
        "period": cell, "amount_mkrw": cell, "report_quarter": st.sampled_from(["2021Q4", "", None])})
    item = st.fixed_dictionaries({
        "item_no": st.sampled_from([57, "57", None]), "total_budget_mkrw": cell, "total_city_mkrw": cell,
        "secured_year": cell, "secured_budget_mkrw": cell, "start": st.sampled_from(["2018-07", "", None, "x"]),
        "end": st.sampled_from(["2022-06", "", None]), "report_quarter": st.just("2021Q4")})

    @settings(max_examples=150, deadline=None)
    @given(budget=st.lists(row, max_size=25), items=st.lists(item, max_size=2))
    def prop(budget, items):
        out = check({"items": pd.DataFrame(items), "budget": pd.DataFrame(budget),
                     "plan": pd.DataFrame([{"x": 1}])})
        assert list(out.columns) == FINDINGS

    prop()
