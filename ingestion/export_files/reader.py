"""Reads one export file (CSV, JSONL or Parquet) into an arrow table with every column as text.

Typing happens afterwards, in bulk, against the table's contract (`ingestion.contracts`).
"""

from __future__ import annotations

import csv
import io
import tempfile
from typing import IO

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ingestion.contracts import as_text

EXTENSIONS = (".csv", ".jsonl", ".parquet")


def _jsonl_as_text(data: bytes) -> pa.Table:
    """JSON lines with every value as its text (numbers, booleans) or its string, in bulk by DuckDB.

    pyarrow's JSON reader refuses a column that is a number in one line and a string in another,
    which is exactly the bad value the contract must catch and quarantine.
    """
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as handle:
        handle.write(data)
        handle.flush()
        with duckdb.connect() as con:
            return con.execute(
                "select json_extract_string(columns(*), '$') from read_json(?, "
                "format = 'newline_delimited', sample_size = -1, maximum_depth = 1)",
                [handle.name],
            ).to_arrow_table()


def read_text_table(handle: IO[bytes], file_name: str = "data.csv") -> pa.Table:
    """Read a file with every column as text; empty fields become nulls. The suffix picks the format."""
    data = handle.read()
    if file_name.endswith(".parquet"):
        return as_text(pq.read_table(io.BytesIO(data)))
    if file_name.endswith(".jsonl"):
        return _jsonl_as_text(data)
    header = next(csv.reader(io.StringIO(data.split(b"\n", 1)[0].decode("utf-8"))))
    return pacsv.read_csv(
        io.BytesIO(data),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=True, null_values=[""]
        ),
    )
