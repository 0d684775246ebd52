"""Build a large compiled quarterly report (cover, 목차, N cards) for tests and benchmarks.

Why: segmentation (where each item starts and ends in a 200-page report) and speed
can only be tested on big reports, and the corpus has a 5-item one.  This derives N
cards from the bundled seed card (examples/seed57-2021Q4.json) with distinct item
numbers, titles and departments and deterministically varied figures, renders them
with the same card template, and reports where each item landed (from the rendered
layout, not from a guess), so a test can check "100 items in → exactly 100 found".

    python scripts/make_compiled.py 100 /tmp/compiled-100.pdf [--quarter 2023Q2]

writes the PDF and, beside it, ``<name>.expected.json``:
``{"report_quarter", "page_count", "toc_pages", "items": [{"item_no", "title",
"lead_department", "pages", "rows"}], "rows"}`` with 1-based physical page ranges ("4-5")
and the number of budget/plan/performance rows a correct extraction gives.
"""
from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import os
import re
import sys
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_example as be  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402  (installed with pdfplumber)

from pipeline.errors import InputError  # noqa: E402

SEED = be.EXAMPLES / "seed57-2021Q4.json"
SEED_YEAR = 2021  # the seed card reports 2021Q4; its '21 columns become the report year
DISTRICT = "한빛구"

# Title parts: 10 x 15 x 5 = 750 distinct titles, neighbours differ in the first word.
_PREFIXES = ["찾아가는", "스마트", "안심", "청년", "어르신", "우리동네", "함께하는", "푸른", "열린", "행복"]
_CORES = ["동주민센터", "도서관", "복지관", "공원", "주차장", "체육시설", "보건소", "마을버스",
          "놀이터", "문화센터", "돌봄센터", "창업공간", "통학로", "경로당", "하천길"]
_SUFFIXES = ["안착화", "확충", "조성", "운영", "개선"]
_DEPARTMENTS = ["자치행정과", "복지정책과", "일자리경제과", "공원녹지과", "교통행정과", "어르신복지과",
                "도로과", "문화체육과", "보건행정과", "아동청소년과", "환경과", "도시계획과"]
_PEOPLE = ["김하늘", "이바다", "박산들", "최누리", "정보람", "강다온", "조새벽", "윤가람", "장한결", "임소리"]
MAX_ITEMS = len(_PREFIXES) * len(_CORES) * len(_SUFFIXES)

_NUMBER_CELL = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(회|건)?$")
_SHORT_YEAR = re.compile(r"([‘’'])(\d{2})(?!\d)")
_LONG_YEAR = re.compile(r"(?<![\d,])(20\d{2})(?=\s*[년.])")


@dataclass(frozen=True)
class CompiledItem:
    item_no: int
    title: str
    lead_department: str
    first_page: int
    last_page: int
    rows: dict[str, int]  # contract rows the card must give: budget, plan, performance

    @property
    def pages(self) -> str:
        return str(self.first_page) if self.first_page == self.last_page else f"{self.first_page}-{self.last_page}"


@dataclass(frozen=True)
class CompiledReport:
    path: Path
    report_quarter: str
    page_count: int
    toc_pages: str
    items: list[CompiledItem]
    seconds: float

    def to_json(self) -> dict:
        return {
            "report_quarter": self.report_quarter,
            "page_count": self.page_count,
            "toc_pages": self.toc_pages,
            "items": [
                {"item_no": i.item_no, "title": i.title, "lead_department": i.lead_department,
                 "pages": i.pages, "rows": i.rows}
                for i in self.items
            ],
            "rows": {k: sum(i.rows[k] for i in self.items) for k in ("budget", "plan", "performance")},
        }


def parse_quarter(quarter: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4})Q([1-4])", quarter)
    if not m:
        raise InputError(f"quarter must look like 2023Q2, not {quarter!r}")
    year, q = int(m[1]), int(m[2])
    if year < SEED_YEAR:
        raise InputError(f"quarter {quarter} is before the seed card's year {SEED_YEAR}")
    return year, q


def item_title(k: int) -> str:
    """The k-th distinct title (0-based), printed with its 『』 brackets as real cards do."""
    p = _PREFIXES[k % len(_PREFIXES)]
    c = _CORES[(k // len(_PREFIXES)) % len(_CORES)]
    s = _SUFFIXES[(k // (len(_PREFIXES) * len(_CORES))) % len(_SUFFIXES)]
    return f"『{p} {c}』{s}"


def _text(c: Any) -> str:
    return c if isinstance(c, str) else c["t"]


def _set_text(row: list, i: int, text: str) -> None:
    if isinstance(row[i], str):
        row[i] = text
    else:
        row[i]["t"] = text


def _body_indices(row: list) -> list[int]:
    return [i for i, c in enumerate(row) if isinstance(c, str) or not c.get("h")]


def contract_row_counts(card: dict) -> dict[str, int]:
    """How many contract rows a correct extraction gives for this card.

    Every body cell of a contract table that is not '-' or blank is one row (CONTRACT.md:
    a dash or blank gives no row, a printed 0 does); no value cell of the seed spans
    several periods, so cells and rows correspond one to one.
    """
    def filled(role: str) -> int:
        block = _blocks(card, role)
        return sum(1 for row in block["rows"][block.get("header_rows", 0):]
                   for i in _body_indices(row) if _text(row[i]).strip() not in ("", "-", "–", "—"))

    return {"budget": filled("budget") + filled("executed"), "plan": filled("plan"),
            "performance": filled("performance")}


def _shift_years(text: str, shift: int) -> str:
    text = _SHORT_YEAR.sub(lambda m: f"{m[1]}{(int(m[2]) + shift) % 100:02d}", text)
    return _LONG_YEAR.sub(lambda m: str(int(m[1]) + shift), text)


def _walk_strings(card: dict, fn) -> None:
    for b in card["blocks"]:
        if b["type"] == "table":
            for row in b["rows"]:
                for i in range(len(row)):
                    _set_text(row, i, fn(_text(row[i])))
        else:
            b["text"] = fn(b["text"])


def _scale(v: int, f: float) -> int:
    return max(1, round(v * f)) if v else 0


def _blocks(card: dict, role: str) -> dict:
    found = [b for b in card["blocks"] if b.get("role") == role]
    if len(found) != 1:
        raise InputError(f"seed card must have exactly one '{role}' table")
    return found[0]


def _rescale_money(card: dict, f: float, secured_label: str) -> None:
    """Scale the 투자수요 / 집행액 tables and rewrite the 총사업비 / 예산확보액 box to match.

    Every sum on the derived card still adds up (계 row, 계 column, box = table), so the
    findings checks stay quiet on a compiled report unless something really is wrong.
    """
    budget = _blocks(card, "budget")
    header = [_text(c) for c in budget["rows"][0]]
    periods = header[3:]  # 단위사업, 구분, 계, then the period columns
    funds: dict[str, list[int]] = {}
    for row in budget["rows"][2:]:
        idx = _body_indices(row)
        vals = [_scale(int(_text(row[i]).replace(",", "")), f) for i in idx[1:]]
        total = sum(vals)
        funds[_text([c for c in row if not isinstance(c, str) and c.get("h")][-1])] = [total] + vals
        for i, v in zip(idx, [total] + vals):
            _set_text(row, i, f"{v:,}")
    sums = [sum(col) for col in zip(*funds.values())]
    total_row = budget["rows"][1]
    for i, v in zip(_body_indices(total_row), sums):
        _set_text(total_row, i, f"{v:,}")

    executed = _blocks(card, "executed")
    for row in executed["rows"][1:]:
        idx = _body_indices(row)
        vals = [None if _text(row[i]) == "-" else _scale(int(_text(row[i]).replace(",", "")), f) for i in idx[1:]]
        _set_text(row, idx[0], f"{sum(v for v in vals if v is not None):,}")
        for i, v in zip(idx[1:], vals):
            if v is not None:
                _set_text(row, i, f"{v:,}")

    year_col = 1 + periods.index(secured_label)
    kv = _blocks(card, "kv")["rows"][1]
    kv[1] = (f"{sums[0]:,}백만원/ 비예산\n"
             f"(구비 {funds['구비'][0]:,}백만원 시비 {funds['시비'][0]:,}백만원)")
    kv[3] = (f"{sums[year_col]:,}백만원\n"
             f"(구비 {funds['구비'][year_col]:,}백만원 시비 {funds['시비'][year_col]:,}백만원)")


def _rescale_counts(card: dict, f: float) -> None:
    for role in ("plan", "performance"):
        block = _blocks(card, role)
        for row in block["rows"][block.get("header_rows", 0):]:
            for i in _body_indices(row):
                m = _NUMBER_CELL.match(_text(row[i]))
                if m:
                    v = _scale(int(m[1].replace(",", "")), f)
                    _set_text(row, i, (f"{v:,}" if "," in m[1] or v >= 1000 else str(v)) + (m[2] or ""))


def _blank_future_quarters(card: dict, q: int) -> None:
    """The report describes quarter q: later quarter columns of 추진실적 print '-'."""
    block = _blocks(card, "performance")
    for row in block["rows"][block.get("header_rows", 0):]:
        idx = _body_indices(row)
        for quarter, i in zip(range(1, 5), idx[-4:]):
            if quarter > q:
                _set_text(row, i, "-")


def derive_card(seed: dict, k: int, quarter: str) -> dict:
    """Card number k (0-based) of a compiled report for `quarter`, derived from the seed card."""
    year, q = parse_quarter(quarter)
    shift = year - SEED_YEAR
    card = copy.deepcopy(seed)
    if shift:
        _walk_strings(card, lambda t: _shift_years(t, shift))
    item_no = k + 1
    title = item_title(k)
    lead = _DEPARTMENTS[k % len(_DEPARTMENTS)]
    support = _DEPARTMENTS[(k + 5) % len(_DEPARTMENTS)]
    card["item_no"] = str(item_no)
    card["title"] = title
    card["toc_title"] = re.sub(r"[『』「」]", " ", title).strip().replace("  ", " ")
    card["lead_department"] = lead
    title_row = _blocks(card, "title")["rows"][0]
    _set_text(title_row, 0, str(item_no))
    _set_text(title_row, 1, title)
    f = 0.6 + ((k * 37) % 90) / 100
    _rescale_money(card, f, secured_label=f"‘{(SEED_YEAR + shift) % 100:02d}")
    _rescale_counts(card, f)
    _blank_future_quarters(card, q)
    people = [_PEOPLE[(k + j) % len(_PEOPLE)] for j in range(6)]
    contacts = _blocks(card, "contacts")["rows"]
    for row, dept, names, tel in ((contacts[0], lead, people[:3], 7000 + 10 * (k % 90)),
                                  (contacts[1], support, people[3:], 8000 + 10 * (k % 90))):
        _set_text(row, 1, f"{dept}장: {names[0]}(☎450-{tel})")
        _set_text(row, 2, f"{dept[:-1]}팀장: {names[1]}(☎{tel + 1})")
        _set_text(row, 3, f"담당: {names[2]}(☎{tel + 3})")
    return card


def _quarter_end(year: int, q: int) -> str:
    return f"{year}. {q * 3}. {30 if q in (2, 3) else 31}."


def _render_part(context: dict) -> tuple[bytes, list[int]]:
    """Render one part; return its PDF and, for a run of cards, each card's first page (1-based in the part).

    Module-level so a process pool can run it.
    """
    document = be.html_document(be.render_html("compiled.html.j2", **context)).render()
    firsts: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            if anchor.startswith("item-"):
                firsts.setdefault(anchor[5:], number)
    starts = [firsts[c["item_no"]] for c in context.get("cards", [])]
    return document.write_pdf(), starts + [len(document.pages) + 1]


def _chunks(cards: list[dict], workers: int) -> list[list[dict]]:
    size = -(-len(cards) // workers)
    return [cards[i:i + size] for i in range(0, len(cards), size)]


def _pool(workers: int) -> Executor:
    if workers <= 1:
        return _InlineExecutor()
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


class _InlineExecutor(Executor):
    """Same interface as a pool, no processes: small reports and debugging."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # re-raised by fut.result()
            fut.set_exception(exc)
        return fut


def _join_pdfs(parts: list[bytes], out: Path) -> int:
    merged = pdfium.PdfDocument.new()
    try:
        for data in parts:
            src = pdfium.PdfDocument(data)
            try:
                merged.import_pages(src)
            finally:
                src.close()
        count = len(merged)
        out.parent.mkdir(parents=True, exist_ok=True)
        merged.save(str(out))
    finally:
        merged.close()
    return count


def make_compiled(n_items: int, out: Path, quarter: str = "2023Q2", seed_path: Path = SEED,
                  workers: int | None = None) -> CompiledReport:
    """Render the report to `out`, write `<out>.expected.json`, and return where each item landed.

    The front matter (cover + 목차) and runs of cards render as separate parts in a
    process pool and are joined page for page; each run numbers its pages from where
    it will land.  Landing pages are first guessed from the page count of the first
    card and then checked against the rendered layout; a run that guessed wrong is
    rendered again, so the 목차, footers and expected page ranges always agree.
    """
    if not 1 <= n_items <= MAX_ITEMS:
        raise InputError(f"n_items must be 1..{MAX_ITEMS}, not {n_items}")
    year, q = parse_quarter(quarter)
    t0 = time.perf_counter()
    seed = be.load_card(seed_path)
    cards = [derive_card(seed, k, quarter) for k in range(n_items)]
    common = {
        "district": DISTRICT,
        "cover_title": f"{year}년 {q}분기 공약사업 추진상황",
        "cover_subtitle": "민선8기 구청장 공약사업",
        "as_of": _quarter_end(year, q),
        "running_header": f"{DISTRICT} 민선8기 공약사업 추진상황 ({year}년 {q}분기)",
    }

    def front(pages: list[int | str]) -> dict:
        toc = [{"item_no": c["item_no"], "title": c["toc_title"], "department": c["lead_department"], "page": p}
               for c, p in zip(cards, pages)]
        return {**common, "part": "front", "toc": toc}

    if workers is None:
        workers = min(os.cpu_count() or 1, 4, max(1, n_items // 8))
    chunks = _chunks(cards, max(1, workers))
    with _pool(len(chunks)) as pool:
        # widest page numbers the 목차 can need, so its length does not change later
        front_guess = pool.submit(_render_part, front(["9" * len(str(3 * n_items + 9))] * n_items))
        _, first_starts = _render_part({**common, "part": "cards", "cards": cards[:1], "first_page": 1})
        per_card = first_starts[1] - first_starts[0]
        front_pages = front_guess.result()[1][-1] - 1
        begin, planned = front_pages + 1, []
        for chunk in chunks:
            planned.append(begin)
            begin += per_card * len(chunk)
        futures = [pool.submit(_render_part, {**common, "part": "cards", "cards": ch, "first_page": b})
                   for ch, b in zip(chunks, planned)]
        results = [f.result() for f in futures]
    # check the guesses; re-render a run that starts elsewhere than planned
    begin, pdfs, starts = front_pages + 1, [], []
    for chunk, b, (pdf, rel) in zip(chunks, planned, results):
        if b != begin:
            pdf, rel = _render_part({**common, "part": "cards", "cards": chunk, "first_page": begin})
        pdfs.append(pdf)
        starts.extend(begin + r - 1 for r in rel[:-1])
        begin += rel[-1] - 1
    page_count = begin - 1
    front_pdf, front_rel = _render_part(front(starts))
    if front_rel[-1] - 1 != front_pages:
        raise RuntimeError("목차 length changed between guess and final render")
    joined = _join_pdfs([front_pdf, *pdfs], out)
    if joined != page_count:
        raise RuntimeError(f"joined PDF has {joined} pages, expected {page_count}")
    ends = [s - 1 for s in starts[1:]] + [page_count]
    items = [CompiledItem(int(c["item_no"]), c["title"], c["lead_department"], s, e, contract_row_counts(c))
             for c, s, e in zip(cards, starts, ends)]
    toc_pages = "2" if front_pages == 2 else f"2-{front_pages}"
    report = CompiledReport(out, quarter, page_count, toc_pages, items, time.perf_counter() - t0)
    expected_path(out).write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n",
                                  encoding="utf-8")
    return report


def expected_path(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + ".expected.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n_items", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--quarter", default="2023Q2")
    ap.add_argument("--workers", type=int, default=None, help="render processes (default: by CPU count)")
    args = ap.parse_args(argv)
    try:
        rep = make_compiled(args.n_items, args.out, args.quarter, workers=args.workers)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{rep.path}: {len(rep.items)} items, {rep.page_count} pages, {rep.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
