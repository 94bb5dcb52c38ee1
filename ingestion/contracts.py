"""Data contracts of raw tables: declared types, keys and required fields, and the split of incoming
rows into those that honour them and those that go to `<table>__rejected` with the reason.

Every source reads its rows as text first, then declared columns are cast in bulk. Only when a bulk
cast fails does it look value by value, to name the rows that broke it. Columns not declared load
as text, so a new column evolves the table instead of failing the load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.normalizers.naming.snake_case import NamingConvention

# dlt's own naming, so table names and key hints match the columns dlt creates.
SNAKE_CASE = NamingConvention()

MONEY = pa.decimal128(18, 2)
RATE = pa.decimal128(18, 6)
DATE = pa.date32()
TIMESTAMP = pa.timestamp("us", tz="UTC")
BOOL = pa.bool_()
INT = pa.int64()

SOURCE_FILE = "_source_file"
SOURCE_LINE = "_source_line"
REJECTED_REASON = "_rejected_reason"
REJECTED_ID = "_rejected_id"


@dataclass(frozen=True)
class TableContract:
    """One raw table: rows from `origin` (a file folder or an API object) load into table `name`."""

    origin: str
    name: str
    primary_key: tuple[str, ...]
    cursor: str  # a record's version stamp: the newest version of a key wins, by this column
    types: dict[str, pa.DataType] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    pii: tuple[str, ...] = ()  # personal data (contact emails, phones): salted-hashed on arrival

    @property
    def columns(self) -> tuple[str, ...]:
        """Declared columns, keys first."""
        return tuple(dict.fromkeys([*self.primary_key, *self.required, *self.types]))

    @property
    def version_key(self) -> tuple[str, ...]:
        """What identifies one version of a record: its key and its version stamp."""
        return tuple(dict.fromkeys([*self.primary_key, self.cursor]))

    def resource_hints(self) -> dict[str, Any]:
        """dlt resource hints every source of a versioned table uses.

        Raw keeps every version a source sends: rows merge on key + version stamp, so the same
        version sent twice (a re-sent file, an API lookback) is stored once, and an older version
        arriving late sits beside the newer one instead of replacing it. Staging reads the newest
        version per key (macro `newest_versions`), whatever the arrival order.
        """
        return {
            "name": self.name,
            "primary_key": [SNAKE_CASE.normalize_identifier(c) for c in self.version_key],
            "write_disposition": {"disposition": "merge", "strategy": "delete-insert"},
            "columns": {SNAKE_CASE.normalize_identifier(self.cursor): {"dedup_sort": "desc"}},
        }


DEMO_PII_SALT = "demo-only-salt"


def pii_salt() -> str:
    """The salt for contact PII: `salesops_pii_salt` in .dlt/secrets.toml or the environment
    variable SALESOPS_PII_SALT (the demo's salt when neither is set)."""
    return dlt.secrets.get("salesops_pii_salt") or DEMO_PII_SALT


def hash_pii(text: pa.Table, spec: TableContract) -> pa.Table:
    """Personal columns replaced by sha256(salt + lower(trim(value))), before anything is stored
    or logged: no clear contact PII reaches the warehouse, its rejected rows or dbt, and the salt
    never reaches dbt's compiled SQL or logs. Equal values still join."""
    present = [column for column in spec.pii if column in text.column_names]
    if not present:
        return text
    salt = pii_salt()
    for column in present:
        hashed = [
            None if value is None else hashlib.sha256((salt + value.strip().lower()).encode()).hexdigest()
            for value in text[column].cast(pa.string()).to_pylist()
        ]
        text = text.set_column(text.column_names.index(column), column, pa.array(hashed, pa.string()))
    return text


def required_columns(spec: TableContract) -> tuple[str, ...]:
    """Required fields; a merged table's version stamp too, since raw rows are keyed by it."""
    return tuple(dict.fromkeys([*spec.required, spec.cursor]))


def _value_fits(value: str, target: pa.DataType) -> bool:
    try:
        pa.array([value], pa.string()).cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def as_text(table: pa.Table) -> pa.Table:
    """Every column cast to text: typed sources (Parquet, a database) then meet the same casts as CSV."""
    return table.cast(pa.schema([pa.field(name, pa.string()) for name in table.column_names]))


def text_table(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pa.Table:
    """API records as a text table with `columns` first, then any other field the records carry.

    JSON booleans become `true`/`false` and numbers their JSON text, which the bulk casts read back.
    """
    names = list(dict.fromkeys([*columns, *(key for record in records for key in record)]))

    def as_text(value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return pa.table({name: pa.array([as_text(r.get(name)) for r in records], pa.string()) for name in names})


def split_typed_and_rejected(
    text: pa.Table, spec: TableContract, origin: str, first_line: int = 2
) -> tuple[pa.Table, pa.Table]:
    """Cast declared columns; return (typed rows, rejected rows as text with their reason).

    `origin` and `first_line` say where the rows came from (a file and the line of its first data
    row, 2 after a CSV header; or an API request and the row's position in the page).
    """
    text = hash_pii(text, spec)
    rows = text.num_rows
    reasons: list[str | None] = [None] * rows
    for column in required_columns(spec):
        if column not in text.column_names:
            raise ValueError(
                f"{origin}: required column {column!r} is missing; "
                f"the data must have the columns of a {spec.origin} record."
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
    rejected_mask = pa.array([reason is not None for reason in reasons], pa.bool_())
    rejected = text.filter(rejected_mask)
    # Rejected rows say where they came from, so whoever fixes the source can find them.
    lines = pc.filter(pa.array(range(first_line, rows + first_line), pa.int64()), rejected_mask)
    rejected = (
        rejected.append_column(SOURCE_FILE, pa.array([origin] * rejected.num_rows, pa.string()))
        .append_column(SOURCE_LINE, lines)
        .append_column(REJECTED_REASON, pa.array([r for r in reasons if r is not None], pa.string()))
    )
    typed = text.filter(pc.invert(rejected_mask))
    for column, target in spec.types.items():
        if column in typed.column_names:
            position = typed.column_names.index(column)
            typed = typed.set_column(position, column, typed[column].cast(target))
    # Required fields hold no nulls now; saying so matches dlt's non-nullable primary keys.
    required = required_columns(spec)
    schema = pa.schema([f.with_nullable(f.name not in required) for f in typed.schema])
    return typed.cast(schema), rejected


def _with_rejected_id(rejected: pa.Table) -> pa.Table:
    """A stable id per rejected source row (where it came from, its values, why), so loading the
    same file or API page again stores the row once."""
    names = rejected.column_names
    ids = [
        hashlib.sha256("\x1f".join(str(row[name]) for name in names).encode()).hexdigest()
        for row in rejected.to_pylist()
    ]
    # Not nullable, as dlt makes a primary key: otherwise dlt warns of differing hints each batch.
    field = pa.field(REJECTED_ID, pa.string(), nullable=False)
    return rejected.append_column(field, pa.array(ids, pa.string()))


def _rejected_variant(rejected: pa.Table, spec: TableContract) -> Any:
    """Rejected rows for `<table>__rejected`, merged on their id. A table variant: plain
    with_hints would retarget the whole resource, sending the typed rows that follow into the
    rejected table. Columns stay text, as the rows arrived."""
    rejected = _with_rejected_id(rejected)
    columns: dict[str, Any] = {
        SNAKE_CASE.normalize_identifier(name): {"data_type": "bigint" if name == SOURCE_LINE else "text"}
        for name in rejected.column_names
    }
    # Merged on the rejected row's id: the resource's "newest cursor wins" hint means nothing here.
    if (cursor := SNAKE_CASE.normalize_identifier(spec.cursor)) in columns:
        columns[cursor]["dedup_sort"] = None
    hints = dlt.mark.make_hints(
        table_name=f"{spec.name}__rejected",
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        primary_key=[REJECTED_ID],
        columns=columns,
    )
    return dlt.mark.with_hints(rejected, hints, create_table_variant=True)


def contracted_items(text: pa.Table, spec: TableContract, origin: str, first_line: int = 2) -> Iterator[Any]:
    """The typed rows for the resource's own table, then the rejected rows for `<table>__rejected`."""
    typed, rejected = split_typed_and_rejected(text, spec, origin, first_line)
    # Even an empty batch is yielded: a header-only file still creates its (empty) table.
    yield typed
    if rejected.num_rows:
        yield _rejected_variant(rejected, spec)


def empty_typed_table(spec: TableContract, columns: Sequence[str] = ()) -> pa.Table:
    """No rows, the contract's columns (and `columns`, as text): yielded so that a table exists,
    with every column its models read, before its first data."""
    names = dict.fromkeys([*spec.columns, *columns])
    empty = pa.table({name: pa.array([], pa.string()) for name in names})
    return split_typed_and_rejected(empty, spec, spec.origin)[0]


def rejected_file_item(spec: TableContract, origin: str, line: int | None, reason: str) -> Any:
    """A whole file held back (unreadable): one row in `<table>__rejected` saying where and why."""
    row = pa.table(
        {
            # The version stamp column is there (empty) because the table's hints name it.
            SNAKE_CASE.normalize_identifier(spec.cursor): pa.array([None], pa.string()),
            SOURCE_FILE: pa.array([origin], pa.string()),
            SOURCE_LINE: pa.array([line], pa.int64()),
            REJECTED_REASON: pa.array([reason], pa.string()),
        }
    )
    return _rejected_variant(row, spec)


def typed_ids(items: Any, column: str = "id") -> list[str]:
    """The ids in what a contracted resource yielded: its typed tables, not its rejected rows (for
    transformers that read details of the records that changed)."""
    tables = items if isinstance(items, list) else [items]
    return [
        record_id
        for table in tables
        if isinstance(table, pa.Table) and REJECTED_REASON not in table.column_names
        for record_id in table[column].to_pylist()
    ]
