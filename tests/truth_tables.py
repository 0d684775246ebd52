"""Contract tables built from the corpus truth JSONs, so tests of later stages need no extraction."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.contract import COLUMNS, CONTRACT_TABLES


def load_truth(path: Path) -> dict[str, pd.DataFrame]:
    """The four contract tables of a ``*.truth.json``, columns in contract order."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {t: pd.DataFrame(data.get(t, []), columns=COLUMNS[t]) for t in CONTRACT_TABLES}
