"""Funds of a 자치구, a 시 and a 군 under their own codes: 도비 → province, 군비 → county, in budget.csv, items.csv
(total_* and secured_*), the checks and the outputs' vocabularies; cards built with our own template score exactly."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from scoring import score

from pipeline.cards import extract
from pipeline.cards.itembox import box_amounts
from pipeline.checks import check
from pipeline.contract import CONTRACT_TABLES, ITEMS, write_csv
from pipeline.outputs.charts import FUND_COLORS
from pipeline.outputs.labels import header
from pipeline.readers import read_document
from pipeline.vocab import BOX_FIELDS, FUND_LABELS, FUND_WORDS, FUNDS, SECURED_FIELDS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_example as be  # noqa: E402


def test_every_fund_code_has_its_label_columns_and_colour() -> None:
    assert FUNDS == ("national", "province", "city", "district", "county", "other", "total")
    assert (FUND_WORDS["도비"], FUND_WORDS["군비"], FUND_WORDS["시비"], FUND_WORDS["구비"]) == (
        "province", "county", "city", "district")
    for f in FUNDS:
        assert f in FUND_LABELS and f in FUND_COLORS
    for fund, col in (*BOX_FIELDS.items(), *SECURED_FIELDS.items()):
        assert col in ITEMS and FUND_LABELS[fund] in header(col)


@pytest.mark.parametrize("text, funds", [
    ("2,895백만원 (국비 840, 도비 420, 시비 1,260, 기타 375)",
     {"national": 840, "province": 420, "city": 1260, "other": 375}),
    ("1,000백만원 (국비 300, 도비 200, 군비 500)", {"national": 300, "province": 200, "county": 500}),
    ("1,000 (국비 400, 시비 300, 기타 200, 민자 100)", {"national": 400, "city": 300, "other": 300}),
    ("1,000 (시비 900, 특별교부세 100)", {"city": 900, "other": 100}),
])
def test_box_funds_each_under_its_code_other_sources_summed(text: str, funds: dict) -> None:
    assert box_amounts(text)[1] == funds


# A 시 under a 도 prints 국비/도비/시비, a 군 국비/도비/군비: the bundled example card (a 자치구's: 시비/구비)
# with its labels renamed, and the truth of the same card with its codes renamed.
KINDS = {
    "si": ({"시비": "도비", "구비": "시비"}, {"city": "province", "district": "city"}),
    "gun": ({"시비": "도비", "구비": "군비"}, {"city": "province", "district": "county"}),
}


def _renamed_truth(truth: dict, codes: dict[str, str]) -> dict:
    out = json.loads(json.dumps(truth))
    for r in out["budget"]:
        r["fund"] = codes.get(r["fund"], r["fund"])
    for r in out["items"]:
        for prefix in ("total", "secured"):
            old = {f: r.get(f"{prefix}_{f}_mkrw") for f in codes}
            for f in codes:
                r[f"{prefix}_{f}_mkrw"] = 0
            for f, v in old.items():
                r[f"{prefix}_{codes[f]}_mkrw"] = v
    out["sources"] = {"card.pdf": {"57": "1-2"}}
    return out


@pytest.mark.parametrize("kind", list(KINDS))
def test_si_and_gun_cards_built_with_our_template_score_exactly(corpus: Path, tools: Path, tmp_path: Path,
                                                                kind: str) -> None:
    labels, codes = KINDS[kind]
    card = be.relabel_funds(be.load_card(be.EXAMPLES / "seed57-2021Q4.json"), labels)
    pdf = be.render_cards_pdf([card], tmp_path / "card.pdf")
    truth = _renamed_truth(json.loads((corpus / "cards/seed57-2021Q4.truth.json").read_text(encoding="utf-8")), codes)
    (tmp_path / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    res = extract(read_document(pdf))
    for t in CONTRACT_TABLES:
        write_csv(tmp_path / f"{t}.csv", t, res.tables[t])
    got = score(tools, tmp_path / "truth.json", tmp_path, source="card.pdf")
    assert {t: got[t] for t in CONTRACT_TABLES} == {t: (1.0, 1.0, 1.0, 1.0) for t in CONTRACT_TABLES}, got["_out"]
    assert res.findings == [] and check(res.tables).empty
    assert set(res.tables["budget"]["fund"]) == {"national", "other", "total", *codes.values()}
