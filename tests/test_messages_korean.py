"""Every message the readers, the normaliser and the quarter combiner give a clerk is plain Korean.

Two checks, each able to fail on its own:

* **What they say.**  The corpus (cards/, variety/, bad/, compiled/), the hostile HWP/HWPX/PDF inputs of
  hostile_hancom.py and hostile_pdf.py, cut-short and bit-flipped copies of the seed card, a synthetic report
  that trips every finding the normaliser makes, and the library calls a file cannot reach (a missing file,
  a folder, ``--quarter``, ``--pages``, two files of one quarter) are run, and every refusal, warning and
  finding message is searched for English words (``korean_words.english``: names such as PDF, OLE or
  ``BodyText/Section0``, option names and quoted card text are allowed).
* **What they could say.**  The source of pipeline/readers, pipeline/cards, pipeline/quarter/combine.py and
  the model's table-fitting words is scanned: every string given to ``InputError`` (and its kinds),
  ``Finding``, ``ledger.add`` / ``ledger.reject``, a reader's ``warnings`` or the refusal helpers, and every
  other string that reads as English prose, must be Korean — so a message no input reaches yet is held to
  the same rule.
"""
from __future__ import annotations

import ast
import random
import re
from pathlib import Path
from typing import Iterator, Optional

import hostile_pdf as HP
import pandas as pd
import pytest
from korean_words import english
from test_hostile_hancom import PROBES as HANCOM_PROBES  # the hostile HWP/HWPX inputs, each with its builder

import pipeline
from pipeline.cards import extract
from pipeline.errors import InputError
from pipeline.model import Cell, Document, Table, TextBlock
from pipeline.quarter.combine import combine, quarter_of
from pipeline.readers import read_document
from pipeline.readers.pdf.reader import read_pdf

PACKAGE = Path(pipeline.__file__).parent
READABLE = (".pdf", ".hwp", ".hwpx")
# The hostile PDFs that are quick to build and read (the heavy ones have their own tests).
QUICK_PDF = ("kid_refers_to_itself", "kids_refer_to_themselves", "two_objects_refer_to_each_other",
             "catalog_refers_to_itself", "contents_refer_to_themselves", "kids_point_back_to_the_tree",
             "form_draws_itself", "media_box_missing", "glyphs_on_one_page")


def bad_operators() -> bytes:
    """One page whose content sets a gray level and a line width to names: pdfminer logs two notices it words
    in English ("Cannot set gray level because /x is an invalid float value"), which the reader does not know."""
    return HP.one_page(b"/x g /y w " + HP.text_line(72, 700, "Hello"))


# Every check the normaliser itself makes (the synthetic report must trip each one).
NORMALISER_CHECKS = {"unread_cell", "unread_column", "unread_row", "unread_table", "not_an_amount",
                     "total_by_arithmetic", "duplicate_key", "other_funds_summed", "item_unidentified",
                     "toc_item_missing", "toc_page_mismatch", "toc_item_unlisted", "report_quarter_unreadable"}


# ----------------------------------------------------------------------------- what they say

def _read(path: Path, out: list[tuple[str, str]], checks: set[str]) -> None:
    """Read and normalise one file in-process, keeping every message it gives (source, message)."""
    try:
        doc = read_document(path)
        out.extend((path.name, w) for w in doc.warnings)
        ex = extract(doc)
    except InputError as exc:
        out.append((path.name, str(exc)))
        return
    out.extend((path.name, m) for f in ex.findings for m in (f.message, f.location) if m)  # location: a clerk reads it
    out.extend((path.name, w) for w in ex.warnings)
    checks.update(f.check for f in ex.findings)


def _mutants(seed: bytes, rnd: random.Random) -> Iterator[bytes]:
    """Cut-short and bit-flipped copies: damaged files of every kind a reader must word."""
    for k in range(1, 10):
        yield seed[: len(seed) * k // 10]
    for _ in range(12):
        b = bytearray(seed)
        for _ in range(rnd.randint(1, 8)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        yield bytes(b)


def _T(rows: list[list[Optional[str]]], page: int, spans: Optional[dict] = None) -> Table:
    spans = spans or {}
    cells = [Cell(r, c, *spans.get((r, c), (1, 1)), t) for r, row in enumerate(rows) for c, t in enumerate(row)
             if t is not None]
    return Table(len(rows), max(len(r) for r in rows), cells, page=page)


def _box(page: int) -> Table:
    """A card's 추진상황/총사업비 box."""
    return _T([["추진상황", "계속추진", "사업구분", "임기내"],
               ["총사업비", "1,000백만원 (구비 400백만원 시비 600백만원)", None, None],
               ["2021년 예산확보액", "100백만원", None, None]], page, {(1, 1): (1, 3), (2, 1): (1, 3)})


def _card(no: int, page: int, *blocks, title: str) -> list:
    return [TextBlock(f"{no} 『{title}』", page), _box(page), *blocks]


def troubled_report() -> Document:
    """A report that trips every finding of the normaliser: an unreadable quarter statement, a 목차 that
    disagrees with the cards, repeated/unknown/sum columns, a row without a fund or a label, a key printed
    twice, two 기타 sources, a word in an amount cell, tables without periods or outside the form, a card with
    a number already used, one without a title and one whose sections start over."""
    blocks = [
        TextBlock("2021년\u200b4분기 공약사업 추진상황", 1),
        TextBlock("목 차", 1),
        _T([["번호", "공약사업명", "쪽"], ["57", "테스트 사업", "2"], ["58", "테스트", "9"], ["59", "없는 사업", "5"],
            ["60", "새 사업", "3"]], 1),
        *_card(57, 2,
               TextBlock("□ 연차별 투자수요 (단위: 백만원)", 2),
               _T([["단위사업", "재원", "2021", "2021년", "2022", "합", "비고란"],
                   ["사업A", "시비", "100", "90", "50", "150", "메모"],
                   ["사업A", "시비", "100", "90", "50", "150", ""],
                   ["사업A", "기타", "1", "", "", "1", ""],
                   ["사업A", "민자", "2", "", "", "2", ""],
                   ["사업B", "", "7", "", "", "7", ""],
                   ["사업C", "구비", "지속", "", "100\n200", "", ""]], 2),
               TextBlock("□ 연차별 추진계획", 2),
               _T([["단위사업", "2021", "2022"], ["", "6회", "7회"], ["회의", "1회", "2회"]], 2),
               TextBlock("□ 추진실적", 2),
               _T([["구분", "목표", "1분기", "2분기"], ["회의", "6회", "1회", "2회"]], 2),
               _T([["구분", "2021년 3분기"], ["교육", "5회"]], 2), title="테스트 사업"),
        *_card(57, 3, TextBlock("□ 추진실적", 3), _T([["구분", "2021년 3분기"], ["교육", "5회"]], 3), title="다른 사업"),
        TextBlock("제58호 『테스트』", 4), _box(4),
        TextBlock("□ 추진실적", 4), _T([["구분", "2021년 3분기"], ["회의", "1회"]], 4),
        *_card(60, 6, TextBlock("□ 추진실적", 6), _T([["구분", "목표", "2021년 3분기"], ["회의", "6회", "1회"]], 6),
               TextBlock("□ 기타 현황", 6), _T([["구분", "2021", "2022"], ["방문", "1", "2"]], 6), title="새 사업"),
        *_card(61, 7, TextBlock("□ 연차별 투자수요", 7), _T([["재원", "2021"], ["시비", "5"]], 7),
               TextBlock("□ 추진실적", 7), _T([["구분", "2021년 3분기"], ["회의", "1회"]], 7),
               TextBlock("□ 연차별 투자수요", 8), _T([["재원", "2022"], ["시비", "6"]], 8), title="넷째 사업"),
    ]
    return Document("troubled.pdf", "pdf", blocks, [b for b in blocks if isinstance(b, Table)], 9)


def _refusal(call) -> str:
    with pytest.raises(InputError) as e:
        call()
    return str(e.value)


def _library_refusals(corpus: Path, tmp: Path) -> list[tuple[str, str]]:
    """What no file in a folder reaches: paths that are no file, the caller's arguments, files combined."""
    empty, text, hwp3, folder = tmp / "빈.pdf", tmp / "메모.pdf", tmp / "옛.hwp", tmp / "폴더.pdf"
    empty.write_bytes(b"")
    text.write_text("공약 메모", encoding="utf-8")
    hwp3.write_bytes(b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\0" * 200)
    folder.mkdir()
    seed = corpus / "cards" / "seed57-2021Q4.lo.pdf"
    no_quarter = Document("x.pdf", "pdf", [*_card(7, 1, TextBlock("□ 추진계획", 1), title="분기 없는 사업")], [], 1)
    no_quarter.tables = [b for b in no_quarter.blocks if isinstance(b, Table)]
    q4 = extract(read_document(corpus / "cards" / "seed57-2021Q4.hwpx")).tables
    q3 = extract(read_document(corpus / "cards" / "seed57-2021Q3.hwpx")).tables
    mixed = {"items": pd.concat([q3["items"], q4["items"]], ignore_index=True)}
    other = {name: df.assign(item_no=58) for name, df in q3.items()}  # another card, of the quarter before
    calls = {
        "missing": lambda: read_document(tmp / "없는파일.pdf"), "folder": lambda: read_document(folder),
        "empty": lambda: read_document(empty), "text": lambda: read_document(text), "hwp3": lambda: read_document(hwp3),
        "page": lambda: read_pdf(seed, pages=[99]),
        "no quarter": lambda: extract(no_quarter), "bad --quarter": lambda: extract(no_quarter, quarter="2021-5"),
        "no card": lambda: extract(Document("x.pdf", "pdf", [TextBlock("회의 자료", 1)], [], 1)),
        "same item": lambda: combine([("a.hwpx", q4), ("b.pdf", q4)]),
        "two quarters": lambda: combine([("a.hwpx", q4), ("b.hwpx", other)]),
        "one file two quarters": lambda: combine([("a.hwpx", mixed)]),
        "tables of two quarters": lambda: quarter_of(mixed),
    }
    return [(name, _refusal(call)) for name, call in calls.items()]


def corpus_files(corpus: Path, quick: bool) -> list[Path]:
    """The corpus files read for their messages.  ``quick`` (the default run): every card and bad file, and the
    HWP/HWPX of the variety report; the rest — the variety PDFs and the compiled reports (about 10 s, and the
    same layouts as their HWP/HWPX or the cards) — is read by the slow test below."""
    out = []
    for folder in ("cards", "variety", "bad", "compiled"):
        for path in sorted((corpus / folder).iterdir()):
            if path.suffix not in READABLE or path.name.startswith("unrelated"):  # 4 s for one no-card line
                continue
            heavy = folder == "compiled" or (folder == "variety" and path.suffix == ".pdf")
            if heavy != quick:
                out.append(path)
    return out


@pytest.fixture(scope="module")
def said(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[str, str]], set[str]]:
    """(source, message) of everything said, and the check codes of the findings made."""
    tmp = tmp_path_factory.mktemp("said")
    out: list[tuple[str, str]] = []
    checks: set[str] = set()
    for path in corpus_files(corpus, quick=True):
        _read(path, out, checks)
    for probe in HANCOM_PROBES:
        path = tmp / f"{probe.name}.{probe.ext}"
        path.write_bytes(probe.build())
        _read(path, out, checks)
    for name in QUICK_PDF:
        path = tmp / f"{name}.pdf"
        path.write_bytes(getattr(HP, name)())
        _read(path, out, checks)
    path = tmp / "bad-operators.pdf"
    path.write_bytes(bad_operators())
    _read(path, out, checks)
    rnd = random.Random(2024)
    for name in ("seed57-2021Q4.hwp", "seed57-2021Q4.hwpx", "seed57-2021Q4.chrome.pdf"):
        for k, data in enumerate(_mutants((corpus / "cards" / name).read_bytes(), rnd)):
            path = tmp / f"m{k}-{name}"
            path.write_bytes(data)
            _read(path, out, checks)
    ex = extract(troubled_report())
    out.extend(("troubled.pdf", m) for m in [f.message for f in ex.findings] + [f.location for f in ex.findings
                                                                                 if f.location] + ex.warnings)
    checks.update(f.check for f in ex.findings)
    out.extend(_library_refusals(corpus, tmp))
    return out, checks


@pytest.mark.slow  # the variety PDFs and the compiled reports (~10 s)
def test_nothing_the_long_corpus_files_say_is_english(corpus: Path) -> None:
    out: list[tuple[str, str]] = []
    files = corpus_files(corpus, quick=False)
    assert len(files) >= 6, files
    for path in files:
        _read(path, out, set())
    english_ones = [f"{src}: {m}  → {english(m)}" for src, m in out if english(m)]
    assert not english_ones, "\n".join(english_ones)


def test_nothing_they_say_is_english(said) -> None:
    messages, _ = said
    english_ones = [f"{src}: {m}  → {english(m)}" for src, m in messages if english(m)]
    assert not english_ones, "\n".join(english_ones)


def test_a_library_notice_the_reader_does_not_know_is_worded_by_where_it_came_from(tmp_path: Path) -> None:
    """pdfminer's own sentence is never quoted: its drawing-operator notices become one Korean line per page."""
    path = tmp_path / "ops.pdf"
    path.write_bytes(bad_operators())
    assert read_pdf(path).warnings == ["1쪽: 그리기 명령에 잘못된 값이 있어 그 명령을 건너뛰고 읽었습니다 "
                                       "(선이나 색이 빠졌을 수 있습니다) (2번)"]


def test_every_message_is_one_line(said) -> None:
    messages, _ = said
    assert all("\n" not in m and m.strip() == m and m for _, m in messages), [m for _, m in messages if "\n" in m]


def test_the_inputs_reach_the_messages_they_are_meant_to(said) -> None:
    """The collection is not empty by accident: every normaliser finding, and many distinct reader refusals."""
    messages, checks = said
    assert NORMALISER_CHECKS <= checks, NORMALISER_CHECKS - checks
    distinct = {m for _, m in messages}
    refusals = {m for m in distinct if "손상" in m or "한도" in m or "암호" in m}
    assert len(refusals) >= 40, len(refusals)
    for words in ("암호가 걸린 PDF", "암호가 걸린 HWP", "빈 파일", "파일이 없습니다", "파일이 아니라 폴더",
                  "글자를 꺼낼 수 없는 PDF", "HWP 3.x", "쪽은 없습니다", "보고 분기를 찾지 못했습니다",
                  "공약 사업 카드를 찾지 못했습니다", "두 파일에 모두", "서로 다른 파일", "공약 57번: "):
        assert any(words in m for m in distinct), words


# ----------------------------------------------------------------------------- what they could say

SCANNED = sorted([*(PACKAGE / "readers").rglob("*.py"), *(PACKAGE / "cards").rglob("*.py"),
                  PACKAGE / "quarter" / "combine.py", PACKAGE / "model.py"])
# Where a message is made: the text given to these is checked whatever it looks like — all of a call's
# arguments, or only the message's (position, keyword) where the others are codes (check, severity).
SINKS = {"InputError", "NoPledgeItem", "BrokenStructure", "PageTooHeavy", "StreamTooLarge", "damaged", "_damaged",
         "too_big", "password"}
MESSAGE_ARG = {"Finding": (2, "message"), "add": (1, "message"), "reject": (2, "reason")}
# A list a reader's lines go to (``doc.warnings.append``, ``notes.append``): what is added to it is a message.
MESSAGE_LISTS = {"warnings", "notes"}
# Exceptions that are about our code, never about an input: their text is for the engineers.
PROGRAMMER_ERRORS = {"TypeError", "IndexError", "KeyError", "AssertionError", "NotImplementedError", "RuntimeError"}
PROSE = re.compile(r"[A-Za-z]{3,} [A-Za-z]{2,}")
# (file, text) an engineer has checked never reaches a clerk, and why.
EXEMPT = {
    # parse_money's ValueError: every caller catches it (money.py, grid.py) or, from itembox, only ever parses
    # what its own number pattern matched; uncaught, the run layer would word it as an internal error in Korean.
    ("numbers.py", "not an amount: {}"),
}


def _text(node: ast.AST) -> Optional[str]:
    """A string constant, or an f-string with its values as {}; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _name(call: ast.Call) -> str:
    """The called name; ``warnings.append`` and the like are named by their list (``warnings``)."""
    f = call.func
    if isinstance(f, ast.Attribute) and f.attr in ("append", "extend"):
        owner = f.value
        return (owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name)
                else "") if isinstance(owner, (ast.Attribute, ast.Name)) else ""
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def strings_to_check(source: str) -> list[tuple[int, str, bool]]:
    """(line, text, given to a sink) of each string of ``source`` that a clerk could read.

    Given to a sink: the arguments of ``InputError`` and its kinds, of the refusal helpers, of
    ``warnings``/``notes`` ``.append``, the message of ``Finding``/``ledger.add``/``ledger.reject``, and a
    ``MSG_*`` constant.  Left out: docstrings (and a string standing alone as a statement, an attribute's docstring), dict keys,
    strings compared with something (``"MediaBox" in attrs``), subscripts, the text of programmer errors and
    f-string format specs.  A string given to a sink is kept whatever it looks like, except the codes beside a
    finding's message (its check and severity); any other only when it reads as prose (two Latin words in a row).
    """
    tree = ast.parse(source)
    skip: set[int] = set()
    sink: set[int] = set()
    codes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and _text(node.value) is not None:
            skip.add(id(node.value))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.startswith("MSG_")
                                                  for t in node.targets):
            sink.update(id(n) for n in ast.walk(node.value))  # a message kept as a constant (MSG_PASSWORD)
        elif isinstance(node, ast.FunctionDef) and isinstance(node.returns, ast.Name) and node.returns.id == "str":
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and ret.value is not None and _text(ret.value) is not None:
                    sink.add(id(ret.value))  # a string a ``-> str`` helper returns as it is (refusals.zip_reason)
        elif isinstance(node, ast.Dict):
            skip.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, (ast.Compare, ast.Subscript)):
            skip.update(id(n) for n in ast.walk(node) if n is not node)
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            skip.update(id(n) for n in ast.walk(node.format_spec))
        elif isinstance(node, ast.Call):
            name = _name(node)
            if name in PROGRAMMER_ERRORS:
                skip.update(id(n) for n in ast.walk(node) if n is not node)
            elif name in SINKS or name in MESSAGE_ARG or name in MESSAGE_LISTS:
                pos, kw = MESSAGE_ARG.get(name, (None, None))
                for i, arg in [*enumerate(node.args), *((k.arg, k.value) for k in node.keywords)]:
                    message = pos is None or i in (pos, kw)
                    (sink if message else codes).update(id(n) for n in ast.walk(arg))
    sink -= codes
    pieces = {id(v) for j in ast.walk(tree) if isinstance(j, ast.JoinedStr) for v in j.values}
    out = []
    for node in ast.walk(tree):
        if id(node) in skip or id(node) in pieces or not isinstance(node, (ast.Constant, ast.JoinedStr)):
            continue  # (a piece of an f-string is checked with the f-string)
        text = _text(node)
        if text is None or not text.strip():
            continue
        if id(node) in sink or PROSE.search(text):
            out.append((node.lineno, text, id(node) in sink))
    return out


def english_in_source(source: str, file: str = "") -> list[str]:
    """`line: text → words` for each string of ``source`` with English words in it."""
    bad = []
    for line, text, _ in strings_to_check(source):
        if (file, text) in EXEMPT:
            continue
        words = english(text.replace("{}", " "))
        if words:
            bad.append(f"{file}:{line}: {text!r} → {words}")
    return bad


def test_no_message_in_the_source_is_english() -> None:
    bad = [b for path in SCANNED for b in english_in_source(path.read_text(encoding="utf-8"), path.name)]
    assert not bad, "\n".join(bad)


def test_the_source_scan_catches_english_messages_and_leaves_code_alone() -> None:
    english_src = '''
def read(path, ledger, s, doc):
    """Read the file; a docstring is for engineers."""
    if "MediaBox" in doc.attrs and doc.kind == "not a card":
        raise InputError("file not found")
    ledger.reject(s, s, "damaged")
    ledger.add("unread_row", f"{path}: a row without a label was not read", 3)
    doc.warnings.append(f"table {3} declares {4} × {5}")
    reason = f"column headed {path!r} is not a period"
    raise TypeError("grid rows are indexed by int")
'''
    found = english_in_source(english_src)
    assert len(found) == 5, found
    assert not any("MediaBox" in f or "not a card" in f or "indexed by int" in f or "docstring" in f for f in found)
    assert english_in_source('raise InputError(f"{name}: 파일이 없습니다")\nledger.add("unread_row", "p.1: 행")') == []


def test_the_scan_sees_the_messages_of_every_scanned_module() -> None:
    """The scan is not blind: it finds the sinks' strings in the modules that make messages."""
    seen = {path.relative_to(PACKAGE).as_posix(): sum(1 for *_, s in strings_to_check(path.read_text("utf-8")) if s)
            for path in SCANNED}
    for name in ("readers/__init__.py", "readers/hancom/records.py", "readers/hancom/limits.py",
                 "readers/hancom/hwpx.py", "readers/hancom/hwp.py", "readers/hancom/ole.py", "readers/hancom/blocks.py",
                 "readers/pdf/document.py", "readers/pdf/reader.py", "readers/pdf/limits.py", "cards/__init__.py",
                 "cards/money.py", "cards/rows.py", "cards/columns.py", "cards/segment.py", "cards/toc.py",
                 "cards/ledger.py", "quarter/combine.py", "readers/hancom/refusals.py"):
        assert seen.get(name, 0) > 0, name
