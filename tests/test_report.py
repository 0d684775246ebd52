"""The standard-format report: exact figures in PDF and HTML, embedded fonts, hostile text stays text."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pdfplumber
import pytest
from lxml import html as lxml_html
from truth_tables import tables_from_truth

from pipeline.contract import DIFF
from pipeline.outputs.diffview import diff_view
from pipeline.outputs.fetcher import AssetFetcher, RefusedURL
from pipeline.outputs.render import missing_glyphs, render_diff, render_report
from pipeline.outputs.view import tasks_view
from pipeline.resources import TEMPLATES

CASES = {
    "seed": ("cards/seed57-2021Q4.truth.json", "seed57-2021Q4.lo.pdf", "2021Q4", None),
    "hanbit": ("compiled/hanbit-2023Q2.truth.json", "hanbit-2023Q2.lo.pdf", "2023Q2", "한빛구"),
    "injection": ("bad/injection.truth.json", "injection.lo.pdf", "2021Q4", None),
}


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def rendered(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = {}
    for name, (truth, source, quarter, body) in CASES.items():
        tables = tables_from_truth(corpus / truth, source)
        fetcher = AssetFetcher(TEMPLATES)
        html_path, pdf_path = render_report(tables, tmp_path_factory.mktemp(name), quarter=quarter, body=body,
                                            url_fetcher=fetcher)
        with pdfplumber.open(pdf_path) as pdf:
            pdf_text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        source_html = html_path.read_text(encoding="utf-8")
        out[name] = {"tables": tables, "html": source_html, "pdf": pdf_path, "pdf_text": pdf_text,
                     "html_text": lxml_html.fromstring(source_html).text_content(), "fetcher": fetcher}
    return out


def pdffonts(pdf: Path) -> list[list[str]]:
    exe = shutil.which("pdffonts")
    assert exe, "pdffonts (poppler-utils) is needed to check font embedding"
    lines = subprocess.run([exe, str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [ln.split() for ln in lines[2:] if ln.strip()]


def card_unit_figure(v: object, item_amounts: list[float]) -> str:
    """A money figure the way the report must print it on the item's page: in 천원 when the item's figures are
    fractional 백만원 but whole 천원 (the card was printed in 천원), else in 백만원 with separators."""
    if v is None or v == "" or (isinstance(v, float) and v != v):
        return ""
    x = float(v)
    in_thousands = (any(abs(a - round(a)) > 1e-9 for a in item_amounts)
                    and all(abs(a * 1000 - round(a * 1000)) < 1e-6 for a in item_amounts))
    if in_thousands:
        return f"{round(x * 1000):,}"
    return f"{int(x):,}" if x.is_integer() else f"{x:,.3f}".rstrip("0").rstrip(".")


def expected_figures(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every title, item number, status and money figure the report must print exactly (0 funds aside)."""
    want = []
    budget = tables["budget"]
    for r in tables["items"].to_dict("records"):
        rows = budget[budget["item_no"] == r["item_no"]]
        amounts = [float(a) for a in list(rows["amount_mkrw"]) + [r[c] for c in r if c.endswith("_mkrw")]
                   if a is not None and a == a and a != ""]
        want += [str(r["item_no"]), r["title"], r["status"], r["category"], r["lead_department"]]
        want += [card_unit_figure(r[c], amounts) for c in ("total_budget_mkrw", "total_national_mkrw",
                                                            "total_city_mkrw", "total_district_mkrw",
                                                            "total_other_mkrw", "secured_budget_mkrw") if r[c]]
        want += [card_unit_figure(v, amounts) for v in rows["amount_mkrw"]]
    return [w for w in want if w]


@pytest.mark.parametrize("case", ["seed", "hanbit"])
def test_pdf_embeds_every_font_and_only_ours(rendered: dict, case: str) -> None:
    rows = pdffonts(rendered[case]["pdf"])
    assert rows
    for row in rows:
        name, emb = row[0], row[-5]
        assert emb == "yes", row
        # A system font here would mean a glyph fell outside the shipped fonts.
        assert "+Report" in name, row


@pytest.mark.parametrize("case", ["seed", "hanbit"])
def test_pdf_text_layer_holds_titles_and_figures_exactly(rendered: dict, case: str) -> None:
    text = squash(rendered[case]["pdf_text"])
    for fig in expected_figures(rendered[case]["tables"]):
        assert squash(fig) in text, fig


@pytest.mark.parametrize("case", ["seed", "hanbit"])
def test_html_holds_the_same_figures(rendered: dict, case: str) -> None:
    text = squash(rendered[case]["html_text"])
    for fig in expected_figures(rendered[case]["tables"]):
        assert squash(fig) in text, fig


def test_budget_rows_printed_in_their_period_columns(rendered: dict) -> None:
    # Seed 연차별 투자수요 계 row: 174 71 529 861 751 494 0 | 2,880, in this order on one line.
    assert re.search(r"합계\s*계\s*174\s+71\s+529\s+861\s+751\s+494\s+0\s+2,880", rendered["seed"]["pdf_text"])
    # Hanbit item 19 (a 천원 card, ÷ 1000 in the CSV): its page prints the card's own 천원 figures.
    text = rendered["hanbit"]["pdf_text"]
    assert "1,284,650 천원" in text and re.search(r"투자계획\s*합계\s*계\s*126,457\s+802,700\s+355,493\s+1,284,650", text)
    assert "연차별 예산 (천원)" in text and "126.457" not in text


def test_execution_rate_to_date_for_seed(rendered: dict) -> None:
    # Through 2021: plan 174+71+529+861+751 = 2,386, executed 164+71+323+842+750 = 2,150 → 90.1 %.
    text = rendered["seed"]["pdf_text"]
    assert re.search(r"2,386\s+2,150\s+90\.1%", text)


def test_cover_names_quarter_body_and_toc_pages(rendered: dict) -> None:
    text = rendered["hanbit"]["pdf_text"]
    assert "2023년 2분기" in text and "한빛구" in text
    # 목차: each item with a page number from target-counter.
    toc = text.split("목차", 1)[1].split("요약", 2)[1]
    for no, title in (("4", "한빛 청년창업허브 조성 및 운영"), ("68", "어린이 안심 통학로 조성")):
        assert re.search(rf"{no}\s*{re.escape(title)}.*?\.\s*\d+", toc), title


def test_pdf_has_one_bookmark_per_item(rendered: dict) -> None:
    with pdfplumber.open(rendered["hanbit"]["pdf"]) as pdf:
        outlines = pdf.doc.get_outlines()
        titles = [o[1] for o in outlines]
    for t in rendered["hanbit"]["tables"]["items"]["title"]:
        assert sum(t in x for x in titles) == 1, (t, titles)


def test_injection_card_renders_as_literal_text(rendered: dict) -> None:
    src = rendered["injection"]["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in src
    low = src.lower()
    assert "<script" not in low
    assert '<img src="file' not in low and "<link rel=stylesheet" not in low
    assert "<style>body{background" not in low
    text = squash(rendered["injection"]["pdf_text"])
    for s in ('찾아가는 동주민센터 안착화 <script>alert(1)</script>', '<img src="file:///etc/passwd">',
              '<link rel=stylesheet href="http://127.0.0.1:9/x.css">',
              '<style>body{background:url(file:///etc/shadow)}</style>'):
        assert squash(s) in text, s
    assert squash('=HYPERLINK("http://127.0.0.1:9/leak","클릭")') in squash(rendered["injection"]["html_text"])


def test_injection_render_fetches_only_our_fonts(rendered: dict) -> None:
    fetcher = rendered["injection"]["fetcher"]
    assert fetcher.requested, "the fetcher was not used"
    assert fetcher.refused == []
    fonts = (TEMPLATES / "fonts").resolve()
    for url in fetcher.requested:
        assert url.startswith("file://") and fetcher.resolve(url).parent == fonts, url


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/x.css", "https://example.org/a.ttf", "ftp://x/y.ttf",
    "data:text/css,body{}", "file:///etc/passwd", "file:///etc/shadow",
    f"file://{TEMPLATES}/../pyproject.toml", f"file://{TEMPLATES}/fonts/../../pipeline/report.py",
    f"file://{TEMPLATES}/report.html.j2", "file://otherhost/etc/passwd",
])
def test_fetcher_refuses_everything_but_template_assets(url: str) -> None:
    with pytest.raises(RefusedURL):
        AssetFetcher(TEMPLATES).resolve(url)


def test_fetcher_refuses_symlink_out_of_templates(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "evil.ttf").symlink_to("/etc/passwd")
    with pytest.raises(RefusedURL):
        AssetFetcher(tmp_path).resolve(f"file://{tmp_path}/fonts/evil.ttf")


def test_fetcher_serves_shipped_font() -> None:
    f = AssetFetcher(TEMPLATES)
    resp = f.fetch(f"file://{TEMPLATES}/fonts/NanumSquareR.ttf")
    assert resp.read(4) == b"\x00\x01\x00\x00"
    assert f.requested and not f.refused


def test_shipped_fonts_cover_corpus_text_and_card_bullets(corpus: Path) -> None:
    text = (corpus / "seed57.txt").read_text(encoding="utf-8")
    for p in list((corpus / "cards").glob("*.truth.json")) + list((corpus / "compiled").glob("*.json")):
        text += p.read_text(encoding="utf-8")
    text += "∘□○·▶※‘’『』「」㎞①"
    assert missing_glyphs(text) == set()
    licence = (TEMPLATES / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence and "NAVER" in licence


def test_rate_not_computed_across_measures_hanbit_item43() -> None:
    # 만족도 조사: plan 1회, 추진실적 85.5% — a percentage is not 8,550 % of one survey.
    plan = [{"unit": "사후 관리", "task": "만족도 조사", "period": "2023", "text": "1회", "value": 1, "measure": "회"}]
    perf = [{"unit": "사후 관리", "task": "만족도 조사", "period": "2023Q1", "text": "85.5%", "value": 85.5,
             "measure": "%"}]
    v = tasks_view(plan, perf)
    cell = v["tasks"][0]["cells"][0]
    assert cell["plan"] == "1회" and cell["actual"] == "85.5%" and cell["rate"] == ""


def test_quarters_add_up_into_their_plan_year_seed() -> None:
    plan = [{"unit": "u", "task": "사례관리확대", "period": "2021", "text": "590건", "value": 590, "measure": "건"}]
    perf = [{"unit": "u", "task": "사례관리확대", "period": f"2021Q{q}", "text": str(v), "value": v, "measure": ""}
            for q, v in ((1, 96), (2, 89), (3, 88), (4, 305))]
    cell = tasks_view(plan, perf)["tasks"][0]["cells"][0]
    assert cell["actual"] == "578건" and cell["note"] == "4개 기간 합" and cell["rate"] == "98.0%"


def diff_frame(expected: dict) -> pd.DataFrame:
    """An expected_diff.json as the DIFF rows the diff step writes."""
    rows = []
    for table in ("items", "budget", "plan", "performance"):
        for change in ("added", "removed", "changed"):
            for r in expected[table][change]:
                key = r.get("key", r)
                row = {c: key.get(c, "") for c in ("item_no", "unit", "kind", "fund", "task", "period")}
                row.update(table=table, change=change, field=r.get("field", ""),
                           before=r.get("from", ""), after=r.get("to", ""))
                rows.append(row)
    return pd.DataFrame(rows, columns=DIFF)


def test_diff_view_sorts_changes_hanbit(corpus: Path) -> None:
    d = diff_frame(json.loads((corpus / "compiled/hanbit-2023Q1_to_2023Q2.expected_diff.json").read_text()))
    tables = tables_from_truth(corpus / "compiled/hanbit-2023Q2.truth.json")
    v = diff_view(d, before="2023Q1", after="2023Q2", tables=tables)
    assert [(r["item_no"], r["title"]) for r in v["items_added"]] == [("68", "어린이 안심 통학로 조성")]
    assert [(r["item_no"], r["before"], r["after"]) for r in v["status_changes"]] == [("43", "정상추진", "완료")]
    # The 창업 상담 2023Q1 restatement (118건 → 126건) is shown apart, not among the new figures.
    assert {(r["task"], r["field"], r["before"], r["after"]) for r in v["restated"]} == {
        ("창업 상담", "내용", "118건", "126건"), ("창업 상담", "수치", "118", "126")}
    # Item 27's investment-plan revision: 6 budget rows, none of them a restatement; item 68's rows are not repeated.
    assert len(v["budget_changes"]) == 6 and all(r["item_no"] == "27" for r in v["budget_changes"])
    assert ("합계", "계", "2,720", "2,840", "120") in {
        (r["unit"], r["period"], r["before"], r["after"], r["delta"]) for r in v["budget_changes"]}
    assert len(v["new_performance"]) == 34
    new = {(r["item_no"], r["task"]): r["text"] for r in v["new_performance"]}
    assert new[("4", "리모델링 공사")] == "-실시설계 착수 (공정률 15%)"


def test_diff_restated_flag_from_caller_wins(corpus: Path) -> None:
    d = diff_frame(json.loads((corpus / "cards/seed57-2021Q3_to_2021Q4.expected_diff.json").read_text()))
    d["restated"] = False
    assert diff_view(d, before="2021Q3", after="2021Q4")["restated"] == []
    d["restated"] = True
    assert len(diff_view(d, before="2021Q3", after="2021Q4")["restated"]) == len(d[d.change == "changed"])


def test_render_diff_and_report_with_diff_hanbit(corpus: Path, tmp_path: Path) -> None:
    d = diff_frame(json.loads((corpus / "compiled/hanbit-2023Q1_to_2023Q2.expected_diff.json").read_text()))
    tables = tables_from_truth(corpus / "compiled/hanbit-2023Q2.truth.json", "hanbit-2023Q2.lo.pdf")
    fetcher = AssetFetcher(TEMPLATES)
    html_path, pdf_path = render_diff(d, tmp_path / "diff", before="2023Q1", after="2023Q2", tables=tables,
                                      url_fetcher=fetcher)
    assert html_path.name == "diff.html" and pdf_path.name == "diff.pdf"
    assert all(r[-5] == "yes" for r in pdffonts(pdf_path)) and not fetcher.refused
    with pdfplumber.open(pdf_path) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "지난 기간 수치의 수정" in text and "118건" in text and "126건" in text
    assert re.search(r"정상추진\s+완료", text)
    _, rpdf = render_report(tables, tmp_path / "rep", quarter="2023Q2", body="한빛구", diff=d,
                            previous_quarter="2023Q1")
    with pdfplumber.open(rpdf) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "전분기 대비 변경" in text and "126건" in text


def test_html_is_self_contained(rendered: dict) -> None:
    src = rendered["seed"]["html"]
    assert "@font-face" in src and "data:font/woff;base64," in src
    # No reference that a browser would fetch: no src=/href= to anything but in-page anchors.
    assert not re.search(r'(?:src|href)="(?!#)', src)
    assert not re.search(r'url\("(?!data:)', src)


def test_strings_from_csv_work_like_numbers(corpus: Path, tmp_path: Path) -> None:
    # Tables read back with contract.read_csv are all strings; the report must print the same figures.
    tables = tables_from_truth(corpus / "cards/seed57-2021Q4.truth.json")
    as_str = {k: v.astype(object).where(v.notna(), "").astype(str) for k, v in tables.items()}
    from datetime import date

    from pipeline.outputs.view import report_view
    a = report_view(tables, quarter="2021Q4", body=None, generated=date(2022, 1, 5))
    b = report_view(as_str, quarter="2021Q4", body=None, generated=date(2022, 1, 5))
    assert a["items"][0]["budget"]["rows"] == b["items"][0]["budget"]["rows"]
    assert a["summary"]["exec_rate"] == b["summary"]["exec_rate"] == "90.1%"


def test_empty_quarter_renders_a_report_not_a_traceback(tmp_path: Path) -> None:
    html_path, pdf_path = render_report({}, tmp_path, quarter="2022Q1", body="한빛구")
    assert pdf_path.stat().st_size > 0
    src = html_path.read_text(encoding="utf-8")
    assert "2022년 1분기" in src and "예산 표가 없습니다" not in src  # no item sections at all


def test_table_that_is_not_a_dataframe_is_an_input_error(tmp_path: Path) -> None:
    from pipeline.errors import InputError
    with pytest.raises(InputError):
        render_report({"items": [{"item_no": 1}]}, tmp_path, quarter="2022Q1")


@pytest.mark.parametrize("case", ["seed", "hanbit"])
def test_pdf_text_keeps_the_spaces_between_korean_words(rendered: dict, case: str) -> None:
    # Korean words are kept whole by no-break spans; the spaces between them must stay in the PDF's text
    # (copy and paste, search), not become bare gaps.
    text = rendered[case]["pdf_text"]
    for r in rendered[case]["tables"]["items"].to_dict("records"):
        assert r["title"] in text and r["lead_department"] in text
    assert "사업별 총사업비(카드의 총사업비 칸)의 합" in text and "(완료 + 이행 후 계속추진 사업 수) ÷ 전체 공약사업 수" in text
