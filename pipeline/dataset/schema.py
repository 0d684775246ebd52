"""The Parquet shape of the contract tables: one fixed Arrow schema per table, and the conversions both ways.

Why fixed: a dataset is thousands of part files, and a reader (DuckDB, pyarrow)
unifies their schemas; a column that happens to be all blank in one file would
otherwise be typed `null` there and `double` elsewhere.  The rule is one line:
money (`*_mkrw`) and the plan/performance `value` are float64 (a blank cell is
null), every other contract column is the CSV's text (`57`, `2021Q4`,
`2021-03`), a blank cell the empty string — so a key such as `unit` joins as
printed (`USING (item_no, unit, period)`), which null would not.
Each row also carries ``source_path``, the file's path under ROOT (the key of
the manifest), so a row can always be traced to its file.

Values are exactly the CSV's: ``to_contract_frame`` of a part read back gives
the strings ``extract`` writes, which is what the tests compare.
"""
from __future__ import annotations

from typing import Any, Optional

import pandas as pd
import pyarrow as pa

from ..contract import COLUMNS, cell_number, contract_frame, is_blank

SOURCE_PATH = "source_path"
# Partition keys: in the folder names (body=…/quarter=…), never inside the part files.
PARTITION_KEYS = ("body", "quarter")


def is_numeric(column: str) -> bool:
    return column.endswith("_mkrw") or column == "value"


def table_schema(table: str) -> pa.Schema:
    cols = COLUMNS[table]
    return pa.schema([pa.field(c, pa.float64() if is_numeric(c) else pa.string()) for c in cols]
                     + [pa.field(SOURCE_PATH, pa.string())])


class NotANumber(ValueError):
    """A money or value cell that the normaliser left as text: kept out rather than silently turned to null."""


def _number(table: str, column: str, v: Any) -> Optional[float]:
    if is_blank(v):
        return None
    f = cell_number(v)
    if f is None:
        raise NotANumber(f"{table}.{column}: '{v}' is not a number")
    return f


def to_arrow(table: str, df: pd.DataFrame, source: str) -> pa.Table:
    """A contract table of one file (``src_*`` columns ignored) as the table's Arrow schema."""
    schema = table_schema(table)
    text = contract_frame(table, df)  # the CSV's values: ints without .0, blanks as ''
    arrays = []
    for field in schema:
        c = field.name
        if c == SOURCE_PATH:
            arrays.append(pa.array([source] * len(df), pa.string()))
        elif is_numeric(c):
            col = df[c] if c in df.columns else [None] * len(df)
            arrays.append(pa.array([_number(table, c, v) for v in col], pa.float64()))
        else:
            arrays.append(pa.array([str(v) for v in text[c]], pa.string()))
    return pa.Table.from_arrays(arrays, schema=schema)


def to_contract_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Rows read back from the dataset as the strings the CSV holds (what ``contract.read_csv`` returns)."""
    if not len(df):
        return pd.DataFrame(columns=COLUMNS[table])
    return contract_frame(table, df.astype(object).where(df.notna(), None)).astype(str)


def summary_schema() -> pa.Schema:
    """The summary figures (``outputs.summary.SUMMARY_COLUMNS``): ``value`` a number, the rest text."""
    from ..outputs.summary import SUMMARY_COLUMNS

    return pa.schema([pa.field(c, pa.float64() if c == "value" else pa.string()) for c in SUMMARY_COLUMNS])


def summary_to_arrow(figures: pd.DataFrame) -> pa.Table:
    schema = summary_schema()
    arrays = []
    for field in schema:
        col = figures[field.name].tolist()
        if field.name == "value":
            arrays.append(pa.array([None if is_blank(v) else float(v) for v in col], pa.float64()))
        else:
            arrays.append(pa.array(["" if is_blank(v) else str(v) for v in col], pa.string()))
    return pa.Table.from_arrays(arrays, schema=schema)
