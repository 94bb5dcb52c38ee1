"""Reads one export file (CSV, JSONL or Parquet) into an arrow table with every column as text.

Typing happens afterwards, in bulk, against the table's contract (`ingestion.contracts`).
"""

from __future__ import annotations

import csv
import io
from typing import IO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

EXTENSIONS = (".csv", ".jsonl", ".parquet")


def _all_text(table: pa.Table) -> pa.Table:
    return table.cast(pa.schema([pa.field(name, pa.string()) for name in table.column_names]))


def read_text_table(handle: IO[bytes], file_name: str = "data.csv") -> pa.Table:
    """Read a file with every column as text; empty fields become nulls. The suffix picks the format."""
    data = handle.read()
    if file_name.endswith(".parquet"):
        return _all_text(pq.read_table(io.BytesIO(data)))
    if file_name.endswith(".jsonl"):
        # JSON keeps its own types (numbers, booleans); as text they cast back like CSV fields.
        return _all_text(pajson.read_json(io.BytesIO(data)))
    header = next(csv.reader(io.StringIO(data.split(b"\n", 1)[0].decode("utf-8"))))
    return pacsv.read_csv(
        io.BytesIO(data),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=True, null_values=[""]
        ),
    )
