"""The bundled example cards (item 57, 2021 Q3/Q4) and the compiled-report builder.

The example PDFs are what `make report` runs on in a fresh clone, so they must be
faithful: every printed cell readable back as printed (pdfplumber finds each ruled
grid with the right shape and the right lines in each cell), every figure of the
shared truth present, and the committed PDFs reproducible from the committed JSON.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pdfplumber
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import build_example as be  # noqa: E402
import make_compiled as mc  # noqa: E402

from pipeline.errors import InputError  # noqa: E402
from pipeline.resources import EXAMPLES  # noqa: E402

QUARTERS = ("2021Q3", "2021Q4")


def _lines(text: str | None) -> list[str]:
    """Printed lines of a cell, spaces dropped: letter-spacing and glyph gaps are not at issue here."""
    return [re.sub(r"\s+", "", ln) for ln in (text or "").split("\n") if ln.strip()]


def _json_tables(card: dict) -> list[dict]:
    return [b for b in card["blocks"] if b["type"] == "table"]


def _shape(block: dict) -> tuple[int, int]:
    """Rows x columns of a printed table, from its first row's spans."""
    cols = sum(c.get("cs", 1) if isinstance(c, dict) else 1 for c in block["rows"][0])
    return len(block["rows"]), cols


def _cell_lines(c: str | dict) -> list[str]:
    if isinstance(c, dict) and c.get("v"):
        return list(c["t"])  # one character per printed line
    return _lines(c if isinstance(c, str) else c["t"])


def _pdf_tables(pdf_path: Path) -> list[list[list[str | None]]]:
    with pdfplumber.open(pdf_path) as pdf:
        return [t.extract() for page in pdf.pages for t in page.find_tables()]


def _page_texts(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    be.build_examples(out_dir=out)
    return out


@pytest.mark.parametrize("quarter", QUARTERS)
def test_committed_example_pdf_is_what_the_build_script_makes(quarter: str, rebuilt: Path) -> None:
    committed = EXAMPLES / f"seed57-{quarter}.pdf"
    assert committed.is_file(), "run scripts/build_example.py and commit examples/*.pdf"
    assert _page_texts(rebuilt / committed.name) == _page_texts(committed)


@pytest.mark.parametrize("quarter", QUARTERS)
def test_every_printed_cell_reads_back_from_the_example_pdf(quarter: str) -> None:
    card = be.load_card(EXAMPLES / f"seed57-{quarter}.json")
    found = _pdf_tables(EXAMPLES / f"seed57-{quarter}.pdf")
    wanted = _json_tables(card)
    assert len(found) == len(wanted), "each printed table is one ruled grid, none split or merged"
    for block, grid in zip(wanted, found):
        assert (len(grid), len(grid[0])) == _shape(block), block["role"]
        got = [_lines(c) for row in grid for c in row if c is not None]
        exp = [_cell_lines(c) for row in block["rows"] for c in row]
        assert got == exp, block["role"]


@pytest.mark.parametrize("quarter", QUARTERS)
def test_every_page_of_the_example_has_ruled_tables(quarter: str) -> None:
    with pdfplumber.open(EXAMPLES / f"seed57-{quarter}.pdf") as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            assert page.find_tables(), f"page {page.page_number} has no ruled grid"


@pytest.mark.parametrize("quarter", QUARTERS)
def test_example_pdf_carries_every_figure_of_the_truth(quarter: str, corpus: Path) -> None:
    truth = json.loads((corpus / "cards" / f"seed57-{quarter}.truth.json").read_text(encoding="utf-8"))
    pdf_path = EXAMPLES / f"seed57-{quarter}.pdf"
    cells = {"".join(_lines(c)) for grid in _pdf_tables(pdf_path) for row in grid for c in row if c}
    text = re.sub(r"\s+", "", "".join(_page_texts(pdf_path)))
    missing = []
    for table in ("plan", "performance"):
        for r in truth[table]:
            if re.sub(r"\s+", "", r["text"]) not in cells:
                missing.append((table, r["task"], r["period"], r["text"]))
            for label in [*r["unit"].split(" > "), r["task"]]:
                if label and re.sub(r"\s+", "", label) not in cells:
                    missing.append((table, "label", label))
    for r in truth["budget"]:
        if f"{r['amount_mkrw']:,}" not in cells:
            missing.append(("budget", r["kind"], r["fund"], r["period"], r["amount_mkrw"]))
    item = truth["items"][0]
    for key in ("title", "status", "category", "final_goal", "lead_department", "support_department"):
        if re.sub(r"\s+", "", item[key]) not in text.replace("『", "").replace("』", ""):
            missing.append(("items", key, item[key]))
    for key in ("total_budget_mkrw", "total_city_mkrw", "total_district_mkrw",
                "secured_budget_mkrw", "secured_city_mkrw", "secured_district_mkrw"):
        if f"{item[key]:,}백만원" not in text:
            missing.append(("items", key, item[key]))
    y0, m0 = item["start"].split("-")
    y1, m1 = item["end"].split("-")
    if f"{y0}.{int(m0)}월~{y1}.{int(m1)}월" not in text:
        missing.append(("items", "start/end"))
    assert not missing


@pytest.mark.parametrize("quarter", QUARTERS)
def test_row_count_rule_of_the_compiled_builder_matches_the_truth(quarter: str, corpus: Path) -> None:
    truth = json.loads((corpus / "cards" / f"seed57-{quarter}.truth.json").read_text(encoding="utf-8"))
    card = be.load_card(EXAMPLES / f"seed57-{quarter}.json")
    assert mc.contract_row_counts(card) == {k: len(truth[k]) for k in ("budget", "plan", "performance")}


def test_q3_and_q4_examples_differ_exactly_where_the_expected_diff_says(corpus: Path) -> None:
    """2 집행액 figures, one restated 2분기 figure, 7 newly filled 4분기 cells."""
    expected = json.loads((corpus / "cards" / "seed57-2021Q3_to_2021Q4.expected_diff.json").read_text("utf-8"))
    counts = expected["counts"]
    q3, q4 = (be.load_card(EXAMPLES / f"seed57-{q}.json") for q in QUARTERS)
    changed = [
        (b3["role"], c3, c4)
        for b3, b4 in zip(_json_tables(q3), _json_tables(q4))
        for r3, r4 in zip(b3["rows"], b4["rows"])
        for c3, c4 in zip(r3, r4)
        if c3 != c4
    ]
    by_role = {role: sum(1 for c in changed if c[0] == role) for role in ("executed", "performance")}
    assert by_role["executed"] == counts["budget"]["changed"]
    added = sum(1 for role, c3, _ in changed if role == "performance" and c3 == "-")
    assert added == counts["performance"]["added"]
    restated = {(ch["key"]["task"], ch["key"]["period"]) for ch in expected["performance"]["changed"]}
    assert by_role["performance"] - added == len(restated)
    assert len(changed) == sum(by_role.values())


def test_a_broken_printed_card_is_one_clear_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError):
        be.load_card(bad)
    bad.write_text(json.dumps({"format": "something-else"}), encoding="utf-8")
    with pytest.raises(InputError):
        be.load_card(bad)
    card = json.loads((EXAMPLES / "seed57-2021Q4.json").read_text(encoding="utf-8"))
    card["blocks"][0]["widths"] = ["12%; background: url(http://example.com/x)", 88]
    bad.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError):
        be.load_card(bad)


def test_card_text_is_escaped_not_markup() -> None:
    card = be.load_card(EXAMPLES / "seed57-2021Q4.json")
    card["title"] = card["blocks"][0]["rows"][0][1]["t"] = '<img src="file:///etc/passwd">'
    html = be.render_html("cards.html.j2", cards=[card], doc_title="x")
    assert "<img" not in html and "&lt;img" in html


def test_card_rendering_loads_only_the_shipped_stylesheets_and_fonts() -> None:
    from pipeline.outputs.fetcher import AssetFetcher

    card = be.load_card(EXAMPLES / "seed57-2021Q4.json")
    fetcher = AssetFetcher(be.TEMPLATES)
    html = be.render_html("cards.html.j2", cards=[card], doc_title="x")
    be.html_document(html, fetcher).render()
    assert not fetcher.refused
    names = sorted({u.rsplit("/", 1)[-1] for u in fetcher.requested})
    assert names == ["DejaVuSans.ttf", "NanumSquareB.ttf", "NanumSquareR.ttf", "card.css"]


def test_derived_cards_have_distinct_titles_and_sums_that_add_up() -> None:
    seed = be.load_card(mc.SEED)
    titles = {mc.item_title(k) for k in range(mc.MAX_ITEMS)}
    assert len(titles) == mc.MAX_ITEMS
    for k in (0, 1, 57, 299):
        card = mc.derive_card(seed, k, "2023Q2")
        budget = next(b for b in card["blocks"] if b.get("role") == "budget")

        def nums(row: list) -> list[int]:
            return [int(c.replace(",", "")) for c in row if isinstance(c, str)]

        fund_rows = [nums(r) for r in budget["rows"][2:]]
        assert all(r[0] == sum(r[1:]) for r in fund_rows), "계 column"
        assert nums(budget["rows"][1]) == [sum(col) for col in zip(*fund_rows)], "계 row"
        kv = next(b for b in card["blocks"] if b.get("role") == "kv")["rows"][1]
        assert kv[1].startswith(f"{nums(budget['rows'][1])[0]:,}백만원")
        assert kv[2]["t"] == "2023년\n예산확보액"
        perf = next(b for b in card["blocks"] if b.get("role") == "performance")
        assert [c["t"] for c in perf["rows"][0] if isinstance(c, dict)][1:] == ["’22\n하반기", "’23"]
        last_two = [[c if isinstance(c, str) else c["t"] for c in r[-2:]] for r in perf["rows"][2:]]
        assert all(pair == ["-", "-"] for pair in last_two), "3분기/4분기 not yet reported"


def test_compiled_report_pages_toc_and_footers_agree(compiled_pdf) -> None:
    n = 10  # rendered by two processes (the session fixture), so the join of the runs is exercised too
    rep = compiled_pdf(n)
    pdf = rep.path
    saved = json.loads(mc.expected_path(pdf).read_text(encoding="utf-8"))
    assert saved == rep.to_json()
    assert [i.item_no for i in rep.items] == list(range(1, n + 1))
    assert len({i.title for i in rep.items}) == n
    texts = _page_texts(pdf)
    assert len(texts) == rep.page_count
    assert "2023년 2분기 공약사업 추진상황" in texts[0] and "한빛구" in texts[0]
    starts = [i + 1 for i, t in enumerate(texts) if re.search(r"^\d+ 『", t, re.M)]
    assert starts == [i.first_page for i in rep.items]
    for item in rep.items:
        assert f"{item.item_no} {item.title}" in texts[item.first_page - 1]
        for p in range(item.first_page, item.last_page + 1):
            assert f"- {p} -" in texts[p - 1]
    with pdfplumber.open(pdf) as doc:
        toc = [r for t in doc.pages[1].extract_tables() for r in t if r[0] != "번호"]
    assert [(int(r[0]), r[2], int(r[3])) for r in toc] == [
        (i.item_no, i.lead_department, i.first_page) for i in rep.items
    ]


def test_compiled_report_rejects_a_bad_quarter(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        mc.make_compiled(3, tmp_path / "c.pdf", "2023-Q2")
    with pytest.raises(InputError):
        mc.make_compiled(0, tmp_path / "c.pdf")
