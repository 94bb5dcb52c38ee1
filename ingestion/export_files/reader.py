"""Reads one export file into an arrow table of typed rows and an arrow table of rejected rows.

Everything is read as text first, then declared columns are cast in bulk. Only when a bulk cast
fails does it look value by value, to name the rows that broke it; those rows are kept, with the
reason, for the `<table>__rejected` table, and the rest load.
"""

from __future__ import annotations

import csv
import io
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ingestion.export_files.settings import ExportTable

SOURCE_FILE = "_source_file"
SOURCE_LINE = "_source_line"
REJECTED_REASON = "_rejected_reason"


def read_text_table(handle: IO[bytes]) -> pa.Table:
    """Read a CSV with every column as text; empty fields become nulls."""
    data = handle.read()
    header = next(csv.reader(io.StringIO(data.split(b"\n", 1)[0].decode("utf-8"))))
    return pacsv.read_csv(
        io.BytesIO(data),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header}, strings_can_be_null=True, null_values=[""]
        ),
    )


def _value_fits(value: str, target: pa.DataType) -> bool:
    try:
        pa.array([value], pa.string()).cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def split_typed_and_rejected(text: pa.Table, spec: ExportTable, file_name: str) -> tuple[pa.Table, pa.Table]:
    """Cast declared columns; return (typed rows, rejected rows as text with their reason)."""
    rows = text.num_rows
    text = text.append_column(SOURCE_FILE, pa.array([file_name] * rows, pa.string()))
    # Line 1 is the header, so data row i sits on line i + 2.
    text = text.append_column(SOURCE_LINE, pa.array(range(2, rows + 2), pa.int64()))
    reasons: list[str | None] = [None] * rows
    for column in spec.required:
        if column not in text.column_names:
            raise ValueError(
                f"{file_name}: required column {column!r} is missing from the header; "
                f"the file must have the columns of a {spec.folder} export."
            )
        for index in pc.indices_nonzero(pc.is_null(text[column])).to_pylist():
            reasons[index] = reasons[index] or f"{column} is required but empty"
    for column, target in spec.types.items():
        if column not in text.column_names:
            continue
        try:
            text[column].cast(target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            for index, value in enumerate(text[column].to_pylist()):
                if value is not None and not _value_fits(value, target):
                    reasons[index] = reasons[index] or (f"{column}={value!r} is not a valid {target}")
    rejected_mask = pa.array([reason is not None for reason in reasons])
    rejected = text.filter(rejected_mask).append_column(
        REJECTED_REASON, pa.array([r for r in reasons if r is not None], pa.string())
    )
    typed = text.filter(pc.invert(rejected_mask))
    for column, target in spec.types.items():
        if column in typed.column_names:
            position = typed.column_names.index(column)
            typed = typed.set_column(position, column, typed[column].cast(target))
    # Required fields hold no nulls now; saying so matches dlt's non-nullable primary keys.
    schema = pa.schema([f.with_nullable(f.name not in spec.required) for f in typed.schema])
    return typed.cast(schema), rejected
