"""Reads what a suite validates, through short-lived read-only warehouse connections."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pandas as pd

from expectations.spec import Rules, SuiteSpec
from orchestration import warehouse


def suite_query(spec: SuiteSpec, columns: list[str] | None = None, changed_after: str | None = None) -> str:
    """The SQL of what a suite validates: the whole table (its newest version per key when
    versioned), or for a sliced suite the rows of its newest `slice_days` days, with `columns`
    only when given. With `changed_after` (a version stamp), a versioned suite's newest versions
    of only the keys that have a newer version than that (see `changed_rows.py`)."""
    table = f'"{spec.schema}"."{spec.table}"'
    if spec.version_column:
        key = ", ".join(f'"{column}"' for column in spec.key)
        source = table if changed_after is None else _keys_changed_after(spec, changed_after)
        # rank, not row_number: two rows of one key and version (which the merge never writes)
        # both stay, so the key check catches them.
        ranked = (
            f"select *, rank() over (partition by {key} "
            f'order by "{spec.version_column}" desc) as _version_rank from {source}'
        )
        rows = f"select * from ({ranked}) as versions where _version_rank = 1"
    elif spec.slice_column:
        column = f'"{spec.slice_column}"'
        rows = (
            f"select * from {table} where {column} > (select max({column}) from {table})"
            f" - cast('{spec.slice_days} days' as interval)"
        )
    else:
        rows = f"select * from {table}"
    selected = [f'suite_rows."{c}"' for c in columns] if columns is not None else ["suite_rows.*"]
    # A table-level suite (row count only) still needs one column to count.
    outputs = selected or ["1 as _row"]
    return f"select {', '.join(outputs)} from ({rows}) as suite_rows"


def _keys_changed_after(spec: SuiteSpec, version: str) -> str:
    """Every version of each key that has one newer than `version` (the newest is ranked among
    all of them), and every row with a missing key part (which no key can match)."""
    table = f'"{spec.schema}"."{spec.table}"'
    same_key = " and ".join(f'newer."{column}" = listed."{column}"' for column in spec.key)
    no_key = " or ".join(f'listed."{column}" is null' for column in spec.key)
    newer = f'newer."{spec.version_column}" > {_literal(version)}'
    return (
        f"(select * from {table} as listed where exists (select 1 from {table} as newer "
        f"where {newer} and {same_key}) or {no_key}) as changed"
    )


def _literal(value: str) -> str:
    """A version stamp as the engine printed it, compared with the column as its own type (both
    engines cast a string literal to the type it is compared with)."""
    return "'" + value.replace("'", "''") + "'"


def newest_version(spec: SuiteSpec) -> str | None:
    """The newest version stamp in a versioned table, as text; None when it is empty."""
    column = f'"{spec.version_column}"'
    ((newest,),) = warehouse.fetch_all(
        f'select cast(max({column}) as varchar) from "{spec.schema}"."{spec.table}"'
    )
    return newest


def row_count(query: str) -> int:
    ((rows,),) = warehouse.fetch_all(f"select count(*) from ({query}) as counted")
    return int(rows)


def validated_columns(spec: SuiteSpec, rules: Rules) -> list[str]:
    """The table's columns the suite reads: its key, recency column and every column a rule
    names, in the table's order. A column the rules name but the table lacks is left for GX to
    report as missing."""
    named = {*spec.key, *([spec.recency_column] if spec.recency_column else [])}
    for expectation, _ in rules:
        kwargs = expectation.kwargs
        named.update(kwargs.get(name) for name in ("column", "column_A", "column_B") if kwargs.get(name))
        named.update(kwargs.get("column_list") or [])
        # A row condition ("is_open == False") reads columns too.
        named.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", str(kwargs.get("row_condition") or "")))
    mark = warehouse.placeholder()
    table_columns = warehouse.fetch_all(
        "select column_name from information_schema.columns "
        f"where table_schema = {mark} and table_name = {mark} order by ordinal_position",
        (spec.schema, spec.table),
    )
    return [column for (column,) in table_columns if column in named]


def read_suite_rows(spec: SuiteSpec, query: str) -> pd.DataFrame:
    return warehouse.read_frame(query).drop(columns="_version_rank", errors="ignore")


def rules_digest(query: str, rules: Rules, today: date | None) -> str:
    """What a validation's outcome depends on besides the rows: the query, the rules with their
    parameters and the day (for a recency rule)."""
    rule_text = json.dumps(
        [(e.expectation_type, e.kwargs, severity) for e, severity in rules],
        default=str,
        sort_keys=True,
    )
    return hashlib.sha256(f"{query}\0{rule_text}\0{today}".encode()).hexdigest()


def table_content(spec: SuiteSpec, columns: list[str], through: str | None = None) -> str:
    """The validated columns of every row of the table (all versions: the newest per key, or the
    newest days, follow from them), hashed in the engine: one plain scan, no window. With
    `through`, of the rows whose version is that one or older (or missing)."""
    ordering = [column for column in (spec.version_column, spec.slice_column) if column]
    read = list(dict.fromkeys([*columns, *ordering]))
    selected = ", ".join(f'"{column}"' for column in read) or "1"
    where = ""
    if through is not None and spec.version_column:
        version = f'"{spec.version_column}"'
        where = f" where {version} <= {_literal(through)} or {version} is null"
    return warehouse.content_fingerprint(f'select {selected} from "{spec.schema}"."{spec.table}"{where}')


def suite_fingerprint(digest: str, content: str) -> str:
    """Of a suite's rules (`rules_digest`) and rows (`table_content`): equal fingerprints give
    equal results, so a check can reuse its last one."""
    return hashlib.sha256(f"{digest}\0{content}".encode()).hexdigest()
