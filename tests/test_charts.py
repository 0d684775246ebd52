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


def test_reference_line_is_labelled_and_runs_through_no_figure() -> None:
    # The 100 % line of the execution-rate chart: dashed, named, and the figures sit right of the plot.
    rows = [("4. 허브", 94.7), ("19. 황톳길", 99.9), ("27. 정류장", 130.0), ("43. 경로당", None)]
    svg = charts.hbar_chart(rows, title="집행률", percent=True, reference=(100.0, "계획 100%"))
    root = _parse(svg)
    lines = root.findall(f"{SVG}line")
    assert len(lines) == 1 and lines[0].get("stroke-dasharray")
    x_line = float(lines[0].get("x1"))
    texts = {t.text: t for t in root.iter(f"{SVG}text")}
    assert "계획 100%" in texts
    for shown in ("94.7%", "99.9%", "130.0%", "—"):
        t = texts[shown]
        left = float(t.get("x")) - charts.text_width(shown, float(t.get("font-size")))
        assert left > x_line, shown
    width = float(root.get("width"))
    for r in root.findall(f"{SVG}rect"):
        assert float(r.get("x")) + float(r.get("width")) < width - charts.text_width("130.0%", 10.5)


def test_every_budget_chart_line_has_its_value_label() -> None:
    svg = charts.budget_chart(["2019", "2020"], {"city": [460, 776]}, {"total": [323, 842]}, title="예산")
    root = _parse(svg)
    ys = [float(t.get("y")) for t in root.iter(f"{SVG}text")]
    for line in root.findall(f"{SVG}line"):
        y = float(line.get("y1"))
        assert any(abs(ty - 3.5 - y) < 1 for ty in ys), y  # a tick label on the line's height


def test_budget_chart_legend_wraps_and_new_funds_get_colours() -> None:
    plan = {f: [10, 20] for f in ("national", "province", "city", "district", "county", "other")}
    svg = charts.budget_chart(["2023", "2024"], plan, {"total": [5, 6]}, title="예산", width=330)
    root = _parse(svg)
    legend = [r for r in root.findall(f"{SVG}rect") if r.get("width") == "10"]
    assert len(legend) == 7 and len({r.get("y") for r in legend}) > 1  # more than one legend line
    assert all(float(r.get("x")) + 10 <= 330 for r in legend)
    assert charts.fund_color("province") != charts.fund_color("county")
    assert charts.fund_color("민자기금").startswith("#")
