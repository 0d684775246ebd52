"""Contract tables built from the corpus truth JSONs, so tests of later stages need no extraction."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pandas as pd

from pipeline.contract import COLUMNS, CONTRACT_TABLES, item_key


def load_truth(path: Path) -> dict[str, pd.DataFrame]:
    """The four contract tables of a ``*.truth.json``, columns in contract order."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {t: pd.DataFrame(data.get(t, []), columns=COLUMNS[t]) for t in CONTRACT_TABLES}


def tables_from_truth(path: Path, source: Optional[str] = None) -> dict[str, pd.DataFrame]:
    """Every contract table of a ``*.truth.json`` (findings empty), as the report and the bench take them.

    ``source`` names one of the truth's files; its pages fill items.source_file /
    source_pages as the extractor would for that input.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out = {name: pd.DataFrame(data.get(name, []), columns=cols) for name, cols in COLUMNS.items()}
    if source is not None:
        pages = data.get("sources", {}).get(source, {})
        out["items"]["source_file"] = source
        out["items"]["source_pages"] = [pages.get(item_key(n), "") for n in out["items"]["item_no"]]
    return out
