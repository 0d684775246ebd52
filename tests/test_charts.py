"""SVG charts: well-formed, labels escaped (they come from untrusted cards), figures printed as in tables."""
from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from pipeline.outputs import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: Markup) -> etree._Element:
    return etree.fromstring(str(svg).encode("utf-8"))


def test_hbar_labels_from_injection_card_are_escaped_text() -> None:
    label = '찾아가는 동주민센터 <script>alert(1)</script>'
    svg = charts.hbar_chart([(label, 3), ('<img src="file:///etc/passwd">', 1)], title="추진상황 <b>", width=900)
    assert isinstance(svg, Markup)
    assert "<script" not in str(svg) and "<img" not in str(svg) and "<b>" not in str(svg)
    root = _parse(svg)  # well-formed XML despite the hostile labels
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert label in texts
    assert '<img src="file:///etc/passwd">' in texts
    assert not root.findall(f".//{SVG}script") and not root.findall(f".//{SVG}image")


def test_hbar_values_printed_with_separators() -> None:
    root = _parse(charts.hbar_chart([("시비", 2149.0), ("구비", 126.457)], title="재원"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "2,149" in texts and "126.457" in texts


def test_hbar_missing_value_is_a_dash_not_a_zero_bar() -> None:
    root = _parse(charts.hbar_chart([("43. 경로당", None), ("4. 허브", 7.2)], title="집행률", percent=True))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "—" in texts and "7.2%" in texts
    assert len(root.findall(f"{SVG}rect")) == 1


def test_budget_chart_stacks_funds_and_scales_to_tallest_bar() -> None:
    svg = charts.budget_chart(["2019", "2020"], {"city": [460, 776], "district": [69, 85]},
                              {"total": [323, 842]}, title="예산", height=220)
    root = _parse(svg)
    bars = [r for r in root.findall(f"{SVG}rect") if float(r.get("y")) > 40]
    assert len(bars) == 6  # 2 periods × (city + district + executed)
    # Axis top is a round number at or above the tallest stack (861).
    assert "1,000" in [t.text for t in root.iter(f"{SVG}text")]
    heights = sorted(float(r.get("height")) for r in bars)
    assert abs(heights[-1] / heights[-2] - 842 / 776) < 0.01


def test_nice_max_and_fmt() -> None:
    assert charts.nice_max(861) == 1000 and charts.nice_max(2340) == 2500 and charts.nice_max(0) == 1
    assert charts.fmt(2880.0) == "2,880" and charts.fmt(1284.65) == "1,284.65" and charts.fmt(0) == "0"


def test_shorten_keeps_short_labels_and_cuts_long_ones() -> None:
    assert charts.shorten("완료", 100, 11) == "완료"
    cut = charts.shorten("아주 긴 사업명이 차트의 이름 칸을 넘어가는 경우" * 3, 120, 11)
    assert cut.endswith("…") and charts.text_width(cut, 11) <= 120
