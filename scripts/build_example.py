"""Render the bundled example cards (item 57, 2021 Q3 and Q4) from pipeline/examples/*.json to PDF.

Why it exists: `make report` on a fresh clone needs real input, and the third-party
corpus PDFs may not ship in the repo.  So the card is committed as data in a
"printed card" format (every cell as printed, spans explicit) and rendered here with
our own template.  Reading these PDFs back through the pipeline is therefore a real
extraction test, not a copy of the truth.

The rendering helpers (card loading, Jinja environment, PDF writing) live here and
are reused by scripts/make_compiled.py.  WeasyPrint loads only our stylesheet and the
fonts shipped in pipeline/templates/fonts, through pipeline.outputs.fetcher.AssetFetcher.

    python scripts/build_example.py            # rewrites pipeline/examples/seed57-2021Q{3,4}.pdf
    python scripts/build_example.py --out DIR  # writes them elsewhere
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import jinja2  # noqa: E402
from weasyprint import HTML  # noqa: E402

from pipeline.errors import InputError  # noqa: E402
from pipeline.outputs.fetcher import AssetFetcher  # noqa: E402
from pipeline.resources import EXAMPLES, TEMPLATES  # noqa: E402

CARD_TEMPLATES = TEMPLATES / "card"
EXAMPLE_NAMES = ("seed57-2021Q3", "seed57-2021Q4")
CARD_FORMAT = "pledge-printed-card/1"


def load_card(path: Path) -> dict:
    """Read one printed-card JSON; a wrong file is an InputError, not a traceback."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path.name}: cannot read printed card ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != CARD_FORMAT:
        raise InputError(f"{path.name}: not a {CARD_FORMAT} file")
    for key in ("item_no", "title", "blocks"):
        if key not in data:
            raise InputError(f"{path.name}: printed card lacks '{key}'")
    for n, block in enumerate(data["blocks"], start=1):
        if block.get("type") == "table":
            widths = block.get("widths", [])
            # widths go into a style attribute: numbers only, so data can never become CSS
            if not all(isinstance(w, (int, float)) and not isinstance(w, bool) for w in widths):
                raise InputError(f"{path.name}: block {n}: column widths must be numbers")
            if not isinstance(block.get("rows"), list) or not all(isinstance(r, list) for r in block["rows"]):
                raise InputError(f"{path.name}: block {n}: a table needs rows of cells")
    return data


def jinja_env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(CARD_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def render_html(template: str, **context: Any) -> str:
    return jinja_env().get_template(template).render(**context)


def html_document(html: str, fetcher: AssetFetcher | None = None) -> HTML:
    """HTML object rooted at templates/ so 'card/card.css' resolves; nothing outside templates/ loads."""
    return HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=fetcher or AssetFetcher(TEMPLATES))


def render_cards_pdf(cards: Iterable[dict], out: Path, doc_title: str = "") -> Path:
    """One PDF holding the given cards, each starting on a new page."""
    html = render_html("cards.html.j2", cards=list(cards), doc_title=doc_title)
    out.parent.mkdir(parents=True, exist_ok=True)
    html_document(html).write_pdf(out)
    return out


def relabel_funds(card: dict, mapping: dict[str, str]) -> dict:
    """A copy of a printed card whose fund labels are renamed at once (`{"시비": "도비", "구비": "시비"}` makes a
    자치구's card a 시's): in the 투자수요/집행액 tables' label cells and in the 총사업비/예산확보액 box.

    Why: a 시 under a 도 prints 도비/시비 and a 군 도비/군비 (CONTRACT.md); building those cards with our own
    template tests each label's code end to end, with the figures of a card we know exactly.
    """
    out = json.loads(json.dumps(card))
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))

    def swap(text: str) -> str:
        return pattern.sub(lambda m: mapping[m.group(0)], text)

    for block in out["blocks"]:
        if block.get("type") != "table" or block.get("role") not in ("kv", "budget", "executed"):
            continue
        for row in block["rows"]:
            for i, c in enumerate(row):
                if isinstance(c, str):
                    row[i] = swap(c) if block["role"] == "kv" else c
                elif c.get("h") or block["role"] == "kv":
                    c["t"] = swap(c["t"])
    return out


def build_examples(out_dir: Path = EXAMPLES, src_dir: Path = EXAMPLES) -> list[Path]:
    written = []
    for name in EXAMPLE_NAMES:
        card = load_card(src_dir / f"{name}.json")
        written.append(render_cards_pdf([card], out_dir / f"{name}.pdf", doc_title=name))
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=EXAMPLES, help="output folder (default: examples/)")
    args = ap.parse_args(argv)
    try:
        for path in build_examples(args.out):
            print(path)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
