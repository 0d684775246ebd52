"""HWPX reader: real documents against real/tables.expected.jsonl, the seed card, hostile zips.

The expected file was produced by several independent readers; structure must be
exact, text equal whitespace-insensitively in at least 99 % of cells (today 100 %
but for the compose glyphs noted in ``_norm``).
"""
from __future__ import annotations

import io
import json
import random
import re
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.model import Table
from pipeline.readers.hancom.blocks import clean
from pipeline.readers.hancom.hwpx import read_hwpx

# The expected texts keep Hancom's private-use glyphs and omit 글자 겹치기 (compose) text;
# we map the first to real bullets and render framed two-digit numbers as ⑩…㊿ / ❶…❾.
_COMPOSED = re.compile("[\u2469-\u2473\u3251-\u325f\u32b1-\u32bf\u2776-\u277e]")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", _COMPOSED.sub("", clean(text)))


def compare_with_expected(corpus: Path, fmt: str, reader) -> None:
    expected = [json.loads(line) for line in (corpus / "real/tables.expected.jsonl").read_text("utf-8").splitlines()]
    total = same = 0
    mismatches: list[str] = []
    files = [e for e in expected if e["file"].startswith(fmt + "/")]
    assert files, f"no {fmt} entries in tables.expected.jsonl"
    for entry in files:
        path = corpus / "real" / entry["file"]
        if entry["status"] != "ok":
            with pytest.raises(InputError):
                reader(path)
            continue
        doc = reader(path)
        exp_tables = entry["tables"]
        assert len(doc.tables) == len(exp_tables), f"{entry['file']}: table count"
        for i, (exp, got) in enumerate(zip(exp_tables, doc.tables)):
            assert (got.rows, got.cols) == (exp["rows"], exp["cols"]), f"{entry['file']} table {i}: size"
            assert {(c.row, c.col, c.rowspan, c.colspan) for c in got.cells} == {tuple(c[:4]) for c in exp["cells"]}, (
                f"{entry['file']} table {i}: cell structure"
            )
            by_slot = {(c.row, c.col): c.text for c in got.cells}
            for r, c, _, _, text in exp["cells"]:
                total += 1
                if _norm(by_slot[(r, c)]) == _norm(text):
                    same += 1
                else:
                    mismatches.append(f"{entry['file']} t{i} ({r},{c}): want {text[:80]!r} got {by_slot[(r, c)][:80]!r}")
    for m in mismatches:
        print(m)
    assert total > 0
    assert same / total >= 0.99, f"{same}/{total} cells equal; mismatches above"


def test_real_hwpx_tables_equal_expected(corpus: Path) -> None:
    compare_with_expected(corpus, "hwpx", read_hwpx)


def _texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if not isinstance(b, Table)]


@pytest.mark.parametrize("name", ["seed57-2021Q4.hwpx", "seed57-2021Q3.hwpx"])
def test_seed_card_hwpx_reads_tables_and_text_in_order(corpus: Path, name: str) -> None:
    doc = read_hwpx(corpus / "cards" / name)
    assert doc.format == "hwpx" and doc.page_count is None and doc.source == name
    assert len(doc.tables) == 8
    assert all(t.page is None and t.bbox is None and t.parent is None for t in doc.tables)
    assert [b for b in doc.blocks if isinstance(b, Table)] == doc.tables  # all top level, in order
    title = doc.tables[0]
    assert [c.text for c in title.cells] == ["57", "『찾아가는 동주민센터』안착화"]
    texts = _texts(doc)
    heads = [t for t in texts if t.startswith("□")]
    assert heads[:3] == ["□ 최종목표", "□ 사업개요", "□ 연차별 추진계획"]
    assert any(re.match(r"○ 기\s*간\s*:\s*2018\. 7월 ~ 2022\. 6월", t) for t in texts)
    assert texts.index("□ 최종목표") < texts.index("□ 사업개요")
    footer = doc.tables[-1]
    assert [c.text for c in footer.cells if c.col == 0] == ["주관부서", "협조부서"]
    assert doc.blocks[-1] is footer


def test_vertical_label_is_one_line_per_paragraph(corpus: Path) -> None:
    doc = read_hwpx(corpus / "cards/seed57-2021Q4.hwpx")
    texts = [c.text for t in doc.tables for c in t.cells]
    assert any(re.fullmatch(r"(\S\n){2,}\S", t) for t in texts), "a one-character-per-paragraph label"


def test_zipbomb_refused_before_inflating(corpus: Path) -> None:
    with pytest.raises(InputError) as e:
        read_hwpx(corpus / "bad/zipbomb-section0-2GB.hwpx")
    assert str(e.value) == ("HWPX 안의 Contents/section0.xml 파일은 압축을 풀면 2.3 GB로 한도 64 MB를 넘습니다 — 실제 공약 "
                            "보고서인지 확인하세요")


def test_path_traversal_member_is_ignored(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    doc = read_hwpx(corpus / "bad/path-traversal.hwpx")
    assert len(doc.tables) == 8
    assert not list(tmp_path.rglob("evil.txt")) and not (tmp_path.parent / "evil.txt").exists()


def _rezip(src: Path, dst: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
    return dst


def test_encrypted_hwpx_manifest(corpus: Path, tmp_path: Path) -> None:
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?><odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:'
        b'manifest:1.0"><odf:file-entry odf:full-path="Contents/section0.xml" odf:media-type="application/xml">'
        b'<odf:encryption-data odf:checksum-type="SHA1" odf:checksum="x"><odf:algorithm odf:algorithm-name="AES"/>'
        b"</odf:encryption-data></odf:file-entry></odf:manifest>"
    )
    path = _rezip(corpus / "cards/seed57-2021Q4.hwpx", tmp_path / "enc.hwpx", {"META-INF/manifest.xml": manifest})
    with pytest.raises(InputError, match=r"^암호가 걸린 HWPX입니다"):
        read_hwpx(path)


def test_xml_entities_are_not_expanded(corpus: Path, tmp_path: Path) -> None:
    """A billion-laughs/XXE section is refused or read literally, never resolved."""
    with zipfile.ZipFile(corpus / "cards/seed57-2021Q4.hwpx") as z:
        sec = z.read("Contents/section0.xml")
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + sec.split(b"?>", 1)[1]
    evil = evil.replace(b"\xea\xb3\x84", b"&e;", 1)  # the first 계
    path = _rezip(corpus / "cards/seed57-2021Q4.hwpx", tmp_path / "xxe.hwpx", {"Contents/section0.xml": evil})
    try:
        doc = read_hwpx(path)
    except InputError:
        return
    assert "root:" not in "".join(c.text for t in doc.tables for c in t.cells)


def test_member_lying_about_its_size_is_refused(corpus: Path, tmp_path: Path) -> None:
    """Central directory and local header claim 100 bytes; the data inflates to 2 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Contents/section0.xml", b"<?xml version='1.0'?>" + b" " * 2_000_000 + b"<a/>")
    data = bytearray(buf.getvalue())
    real = (2_000_000 + 25).to_bytes(4, "little")
    for i in [m.start() for m in re.finditer(re.escape(real), bytes(data))]:
        data[i : i + 4] = (100).to_bytes(4, "little")
    path = tmp_path / "liar.hwpx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="^HWPX 파일이 손상되었습니다"):
        read_hwpx(path)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04garbage", b"not a zip at all"])
def test_not_a_zip_is_damaged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.hwpx"
    path.write_bytes(content)
    with pytest.raises(InputError, match="^HWPX 파일이 손상되었습니다"):
        read_hwpx(path)


def test_mutated_hwpx_gives_document_or_input_error(corpus: Path, tmp_path: Path) -> None:
    data = (corpus / "cards/seed57-2021Q4.hwpx").read_bytes()
    rnd = random.Random(57)
    variants = [data[: int(len(data) * k / 10)] for k in range(1, 10)] + [data[:-1]]
    for _ in range(30):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 8)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        variants.append(bytes(b))
    for i, v in enumerate(variants):
        path = tmp_path / f"m{i}.hwpx"
        path.write_bytes(v)
        try:
            read_hwpx(path)
        except InputError as e:
            assert "\n" not in str(e)
