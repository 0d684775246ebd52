"""Cleaning rules of CONTRACT.md: layout artefacts go, every other character stays."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cards.textclean import clean, fold


@pytest.mark.parametrize(
    "raw, want",
    [
        ("강      화", "강화"),  # typed letter spacing
        ("민    관 거버넌스", "민관 거버넌스"),  # spaced run inside a longer line
        ("허 브 조 성", "허브조성"),  # one-line distributed label
        ("민\n관\n협\n력", "민관협력"),  # vertical label
        ("민\n\n관\n\n협\n\n력", "민관협력"),  # vertical label with blank paragraphs between
        ("냉난방기\n교 체", "냉난방기 교체"),  # multi-line distributed label
        ("발굴시스템\n\n강      화", "발굴시스템 강화"),
        ("사례관리·\n자원공유", "사례관리· 자원공유"),  # a line break is one space
        ("구 자체\n모니터링 1회", "구 자체 모니터링 1회"),  # real word break kept
        ("-온라인(행복e음)\n-방문", "-온라인(행복e음) -방문"),  # bullets stay
        ("∘ 전입신고서\n○ 상담", "∘ 전입신고서 ○ 상담"),
        ("a\x01b", "a b"),  # U+0001 printed where a space was
        ("  ", ""),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ('=HYPERLINK("http://127.0.0.1:9/leak","클릭")', '=HYPERLINK("http://127.0.0.1:9/leak","클릭")'),
        ("흙 보충·다짐\n(분기 1회)", "흙 보충·다짐 (분기 1회)"),
    ],
)
def test_clean_rules(raw: str, want: str) -> None:
    assert clean(raw) == want


def test_fold_unifies_middle_dots_and_spaces() -> None:
    assert fold("민\u318d관 협력") == fold("민·관협력")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), max_size=30))
def test_clean_never_alters_text_without_layout(s: str) -> None:
    # Text without whitespace or line breaks has no layout artefacts to remove: it comes back unchanged.
    if not any(ch.isspace() or ch == "\u200b" for ch in s):
        assert clean(s) == s


@given(st.lists(st.text(alphabet="가나다라-()·,1", min_size=2, max_size=6), min_size=2, max_size=5))
def test_line_breaks_become_single_spaces(lines: list[str]) -> None:
    # Lines that are not distributed labels are joined with one space, characters untouched.
    if not all(len(x) == 1 for x in lines):
        assert clean("\n".join(lines)) == " ".join(lines)


@given(st.lists(st.text(alphabet="가나다라마바사아", min_size=2, max_size=5), min_size=1, max_size=5))
def test_clean_is_idempotent(words: list[str]) -> None:
    once = clean("\n".join(words))
    assert clean(once) == once
