"""What the console says about each file read: errors and warnings by their message (`경고: …`), info findings
by their count, and one summary line with the figures read and not read (`수치 1,240개 읽음, 6개 못 읽음`);
findings.csv names file and page."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from conftest import run_cli

from pipeline.checks import findings_frame
from pipeline.contract import FINDINGS, Finding
from pipeline.run.batch import FileResult, print_outcomes


def _result(findings: list[Finding], read: int, not_read: int) -> FileResult:
    items = pd.DataFrame([{"report_quarter": "2024Q2", "item_no": 7}])
    tables = {"items": items, "findings": findings_frame({"items": items}, findings, [], "r.pdf"),
              "figures": pd.DataFrame([{"read": read, "not_read": not_read}])}
    return FileResult(Path("r.pdf"), "ok", tables=tables)


def test_loud_findings_by_message_info_by_count_and_the_figures_line(capsys) -> None:
    r = _result([Finding("unread_cell", "warning", "추진실적, p.8, 3행 4열: '12회' 칸을 읽지 않았습니다", 7, 8),
                 Finding("item_unidentified", "error", "p.9의 카드가 어느 공약인지 알 수 없어", None, "9"),
                 Finding("other_funds_summed", "info", "기타 재원을 하나로 합쳤습니다 — 기타 + 민자", 7),
                 Finding("total_by_arithmetic", "info", "3번째 열을 합계(계)로 읽었습니다", 7)], 1240, 6)
    assert print_outcomes([r]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == ["r.pdf: 경고: 추진실적, p.8, 3행 4열: '12회' 칸을 읽지 않았습니다",
                                "r.pdf: 오류: p.9의 카드가 어느 공약인지 알 수 없어"]
    assert out.splitlines() == ["r.pdf: 수치 1,240개 읽음, 6개 못 읽음; 참고 2건 — findings.csv 참고"]


def test_a_clean_file_says_only_its_figures(capsys) -> None:
    print_outcomes([_result([], 276, 0)])
    out, err = capsys.readouterr()
    assert (out, err) == ("r.pdf: 수치 276개 읽음, 0개 못 읽음\n", "")


def test_findings_carry_source_file_and_page() -> None:
    """A PDF reader's warning names its page first (`3쪽: …`); an HWP one names a table, no page."""
    df = findings_frame({}, [Finding("unread_cell", "warning", "x", 7, 8)],
                        ["3쪽: 표를 닫지 못했습니다", "표 2: 적힌 크기는 5 × 5이지만 …"], "r.pdf")
    assert list(df.columns) == FINDINGS
    assert df[["check", "severity", "source_file"]].values.tolist() == [
        ["extraction_warning", "warning", "r.pdf"], ["extraction_warning", "warning", "r.pdf"],
        ["unread_cell", "warning", "r.pdf"]]
    assert [None if pd.isna(p) else int(p) for p in df["page"]] == [3, None, 8]


def test_cli_summary_line_on_a_variety_file(corpus: Path, tmp_path: Path) -> None:
    proc = run_cli("extract", str(corpus / "variety/gaon-2024Q2.hwpx"), "--out", str(tmp_path), "--no-cache")
    assert proc.returncode == 0 and proc.stderr == ""
    assert "gaon-2024Q2.hwpx: 수치 276개 읽음, 0개 못 읽음" in proc.stdout
