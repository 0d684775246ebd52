"""What a reader sees of a code or a figure: display rules, Korean labels, where a figure came from, the list
of what to fix — each rule tested on the input class it is for."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from lxml import html as lxml_html
from truth_tables import tables_from_truth

from pipeline.checks import CHECK_NAMES, check
from pipeline.outputs.display import fmt_money, fmt_total, keep_words, keep_words_html, money_unit
from pipeline.outputs.fixlist import fix_list
from pipeline.outputs.labels import check_label, code_of, field_label, header, period_code, severity_label
from pipeline.outputs.provenance import describe, pages_of, row_source
from pipeline.outputs.view import report_view

# ----------------------------------------------------------------------------- money as printed


def test_a_thousand_won_card_is_shown_in_thousand_won_hanbit_item19() -> None:
    # 126,457천원 → 126.457 백만원 in the CSV; the item page shows the card's 126,457 (천원).
    unit = money_unit([126.457, 1284.65, 802.7, 0])
    assert unit == ("천원", 1000)
    assert fmt_money(126.457, unit) == "126,457" and fmt_money(1284.65, unit) == "1,284,650"


def test_whole_million_won_stays_and_finer_than_thousand_won_stays_exact() -> None:
    assert money_unit([2880, 174, 0]) == ("백만원", 1)
    assert money_unit([0.0005, 12]) == ("백만원", 1)  # 500원: not whole 천원, so not 천원 either


def test_sums_across_items_round_to_one_decimal() -> None:
    assert fmt_total(11799.65) == "11,799.7" and fmt_total(4260) == "4,260" and fmt_total(None) == ""


# ----------------------------------------------------------------------------- Korean words kept whole

def test_keep_words_wraps_korean_words_with_their_space_and_escapes_the_rest() -> None:
    out = str(keep_words('2023년 예산확보액 <script>'))
    assert out == ('<span class="kw">2023년 </span><span class="kw">예산확보액 </span>&lt;script&gt;')


def test_keep_words_splits_a_word_too_wide_for_its_column_at_a_bracket() -> None:
    # An 18 mm column at 8 pt holds about 5.7 em: `-모집공고(2월)` (7.3 em) may break before its bracket.
    out = str(keep_words("-모집공고(2월) -서류심사", 18))
    assert '<span class="kw">-모집공고</span><span class="kw">(2월) </span>' in out


def test_keep_words_keeps_line_breaks_outside_the_no_break_span() -> None:
    out = str(keep_words("○ 첫째\n○ 둘째"))
    assert "\n" in out and "첫째\n" not in out.split("</span>")[1]


def test_keep_words_html_leaves_tags_styles_charts_and_attributes_alone() -> None:
    src = ('<html><head><title>한글</title><style>.a{content:"가나"}</style></head><body>'
           '<p title="파일 p.5">이 보고서 &amp; 표</p><svg><text>차트 글</text></svg>'
           '<span class="kw">이미 </span>끝</body></html>')
    out = keep_words_html(src)
    assert '<title>한글</title>' in out and '.a{content:"가나"}' in out and '<text>차트 글</text>' in out
    assert 'title="파일 p.5"' in out and '<span class="kw">이미 </span><span class="kw">끝</span>' in out
    assert '<span class="kw">이 </span><span class="kw">보고서 </span>&amp; <span class="kw">표</span>' in out


# ----------------------------------------------------------------------------- labels

def test_every_check_and_severity_has_korean() -> None:
    for code, name in CHECK_NAMES.items():
        assert check_label(code) == name
    assert check_label("extraction_warning") and check_label("unread_cell") and check_label("item_unidentified")
    assert check_label("some_new_check") == "기타 점검"
    assert [severity_label(s) for s in ("error", "warning", "info")] == ["오류", "경고", "참고"]


@pytest.mark.parametrize("code", ["2019", "2018H2", "2021Q1", "total"])
def test_period_labels_read_back_as_codes(code: str) -> None:
    from pipeline.outputs.labels import VALUE_LABELS
    assert period_code(VALUE_LABELS["period"](code)) == code


def test_labels_map_back_to_codes() -> None:
    assert code_of("fund", "구비") == "district" and code_of("kind", "집행액") == "executed"
    assert code_of("check", CHECK_NAMES["total_row"]) == "total_row"
    assert code_of("field", field_label("total_city_mkrw"), codes=["total_city_mkrw"]) == "total_city_mkrw"
    assert header("total_city_mkrw") == "총사업비 시비(백만원)" and field_label("secured_city_mkrw") == "예산확보액 시비"


# ----------------------------------------------------------------------------- where a figure came from

def test_row_source_prefers_the_contract_columns_and_counts_from_one_for_people() -> None:
    row = {"source_file": "a.pdf", "source_page": 5, "source_table": 3, "source_row": 2, "source_col": 4,
           "source_bbox": "1 2 3 4"}
    assert describe(row_source(row)) == "a.pdf, p.5, 4번째 표, 3행 5열"


def test_row_source_of_hwp_rows_has_no_page() -> None:
    row = {"source_file": "a.hwpx", "source_page": "", "source_table": 0, "source_row": 1, "source_col": 0}
    assert describe(row_source(row)) == "a.hwpx, 1번째 표, 2행 1열"


def test_row_source_falls_back_to_the_normaliser_columns_then_to_the_item() -> None:
    item = {"source_file": "b.pdf", "source_pages": "3-4"}
    assert describe(row_source({"src_page": 4, "src_table": "연차별 투자수요", "src_row": 1, "src_col": 2}, item)) \
        == "b.pdf, p.4, 표 「연차별 투자수요」, 2행 3열"
    assert describe(row_source({}, item)) == "b.pdf, p.3-4 (사업 범위)"
    assert pages_of([{"source_page": 6}, {"source_page": "7"}, {"src_page": 6}]) == "6-7"


def test_report_figures_carry_their_source_as_a_tooltip_hanbit(corpus: Path) -> None:
    t = tables_from_truth(corpus / "compiled/hanbit-2023Q2.truth.json", "hanbit-2023Q2.lo.pdf")
    plain = report_view(t, quarter="2023Q2", body=None, generated=date(2023, 7, 1))
    cell = plain["items"][0]["budget"]["rows"][0]["cells"][0]
    assert cell["src"] == "hanbit-2023Q2.lo.pdf, p.3-4 (사업 범위)"  # no per-row columns: the item's pages
    b = t["budget"]
    t["budget"] = b.assign(source_file="hanbit-2023Q2.lo.pdf", source_page=4, source_table=5,
                           source_row=range(len(b)), source_col=2)
    v = report_view(t, quarter="2023Q2", body=None, generated=date(2023, 7, 1))["items"][0]
    srcs = [c["src"] for r in v["budget"]["rows"] for c in r["cells"] if c["v"]]
    assert srcs and all(s.startswith("hanbit-2023Q2.lo.pdf, p.4, 6번째 표, ") for s in srcs)
    assert v["budget"]["pages"] == "4"


def test_report_html_shows_tooltips_and_page_references(corpus: Path, tmp_path: Path) -> None:
    from pipeline.outputs.render import render_report
    t = tables_from_truth(corpus / "cards/seed57-2021Q4.truth.json", "seed57-2021Q4.lo.pdf")
    t["plan"] = t["plan"].assign(source_file="seed57-2021Q4.lo.pdf", source_page=1, source_table=2,
                                 source_row=range(len(t["plan"])), source_col=3)
    html_path, _ = render_report(t, tmp_path, quarter="2021Q4", pdf=False)
    src = html_path.read_text(encoding="utf-8")
    # In a browser keep-all keeps Korean words whole; the no-break spans are the PDF's (Chromium would not
    # wrap a line of them).
    assert "word-break: keep-all" in src and 'class="kw"' not in src
    doc = lxml_html.fromstring(src)
    titles = [t for t in doc.xpath("//table[contains(@class, 'tasks')]//td/@title") if t]
    assert any(s.startswith("seed57-2021Q4.lo.pdf, p.1, 3번째 표, ") for s in titles)
    assert "p.1" in [s.text_content() for s in doc.xpath("//h3/span[@class='ref']")]


# ----------------------------------------------------------------------------- what to fix

def test_fix_list_names_item_file_page_and_keeps_info_apart_arith_wrong(corpus: Path) -> None:
    t = tables_from_truth(corpus / "bad/arith-wrong.truth.json", "arith-wrong.lo.pdf")
    t["findings"] = check(t)
    extra = pd.DataFrame([{"report_quarter": "2021Q4", "item_no": 57, "check": "extraction_warning",
                           "severity": "info", "location": "", "message": "x"},
                          {"report_quarter": "2021Q4", "item_no": "", "check": "item_unidentified",
                           "severity": "error", "location": "", "message": "사업 번호를 찾지 못했습니다",
                           "source_file": "other.pdf", "page": 7}])
    t["findings"] = pd.concat([t["findings"], extra], ignore_index=True)
    fixes = fix_list(t)
    assert [f["severity"] for f in fixes] == ["error"] + ["warning"] * 4  # most urgent first; info apart
    assert (fixes[0]["source_file"], fixes[0]["page"]) == ("other.pdf", "7")  # the finding's own columns
    assert {(f["title"], f["source_file"], f["page"]) for f in fixes[1:]} == {
        ("찾아가는 동주민센터 안착화", "arith-wrong.lo.pdf", "1-2")}
    assert [f["check"] for f in fix_list(t, to_fix=False)] == ["extraction_warning"]
    view = report_view(t, quarter="2021Q4", body=None, generated=date(2022, 1, 5))["summary"]
    first = view["to_fix"][1]
    assert first["check"] == CHECK_NAMES["total_budget_sum"] and first["severity"] == "경고"
    assert (first["expected"], first["found"]) == ("2,925", "2,880")  # formatted like the message's 2,925
