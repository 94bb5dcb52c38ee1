"""Reads one export file (CSV, JSONL or Parquet) into an arrow table with every column as text.

Typing happens afterwards, in bulk, against the table's contract (`ingestion.contracts`). A file
that cannot be read as a table raises `UnreadableFile`, naming the line and what to do, so the
source can hold back that file alone.
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
OTHER_DELIMITERS = (";", "\t", "|")


class UnreadableFile(ValueError):
    """The file is not a table this reader can read: truncated, mis-delimited, wrongly encoded."""

    def __init__(self, line: int | None, problem: str) -> None:
        self.line = line
        super().__init__(f"line {line}: {problem}" if line else problem)


def _jsonl_as_text(data: bytes) -> pa.Table:
    """JSON lines with every value as its text (numbers, booleans) or its string, in bulk by DuckDB.

    pyarrow's JSON reader refuses a column that is a number in one line and a string in another,
    which is exactly the bad value the contract must catch and quarantine.
    """
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as handle:
        handle.write(data)
        handle.flush()
        with duckdb.connect() as con:
            try:
                return con.execute(
                    "select json_extract_string(columns(*), '$') from read_json(?, "
                    "format = 'newline_delimited', sample_size = -1, maximum_depth = 1)",
                    [handle.name],
                ).to_arrow_table()
            except duckdb.Error as error:
                raise UnreadableFile(None, f"is not valid JSON lines ({error}); re-export it") from error


def as_utf8(data: bytes, encoding: str) -> bytes:
    """The file's bytes as UTF-8, or `UnreadableFile` naming the first line that is not `encoding`."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(
            line,
            f"byte 0x{data[error.start]:02x} is not {encoding} text; export the file as UTF-8, or set "
            'this source\'s `encoding` (e.g. encoding = "latin-1" under [sources.crm_exports] in '
            ".dlt/config.toml)",
        ) from error
    return data if encoding.replace("-", "").lower() == "utf8" else text.encode("utf-8")


def _csv_as_text(data: bytes) -> pa.Table:
    header = next(csv.reader(io.StringIO(data.split(b"\n", 1)[0].decode("utf-8"))))
    if len(header) == 1 and (delimiter := next((d for d in OTHER_DELIMITERS if d in header[0]), None)):
        raise UnreadableFile(
            1, f"the header is one column, delimited by {delimiter!r}; export the file comma-separated"
        )
    bad_rows: list[pacsv.InvalidRow] = []

    def keep_bad_row(row: pacsv.InvalidRow) -> str:
        bad_rows.append(row)
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(data),
        parse_options=pacsv.ParseOptions(invalid_row_handler=keep_bad_row),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=True, null_values=[""]
        ),
    )
    if bad_rows:
        # A row with another number of fields means a cut-off or mis-delimited file: load none of
        # it rather than a part, which would look complete.
        first = bad_rows[0]
        # pyarrow knows the line number only when it reads serially; otherwise find the line.
        lines = data.decode("utf-8").splitlines()
        number = first.number or next((i + 1 for i, line in enumerate(lines) if line == first.text), None)
        raise UnreadableFile(
            number,
            f"{first.actual_columns} field(s) where the header has {first.expected_columns} "
            f"({first.text[:80]!r}; {len(bad_rows)} such line(s)); the file is cut off or not "
            "comma-separated: export it again whole and drop it in the folder again",
        )
    return table


def read_text_table(handle: IO[bytes], file_name: str = "data.csv", encoding: str = "utf-8") -> pa.Table:
    """Read a file with every column as text; empty fields become nulls. The suffix picks the format."""
    data = handle.read()
    if file_name.endswith(".parquet"):
        try:
            return as_text(pq.read_table(io.BytesIO(data)))
        except pa.ArrowInvalid as error:
            raise UnreadableFile(None, f"is not a readable Parquet file ({error}); re-export it") from error
    data = as_utf8(data, encoding)
    if file_name.endswith(".jsonl"):
        return _jsonl_as_text(data)
    return _csv_as_text(data)
