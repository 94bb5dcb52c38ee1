"""What a suite is here: the table it validates, its key, and its expectations with a severity.

Expectations that need other tables (referential integrity, currencies with a rate) get their
value sets from `Lookup` at validation time, so a suite is built fresh for every run. They are
plain records of a GX expectation class and its arguments, made into GX objects only when a
suite validates: importing Great Expectations costs 3.5 s, and a check whose inputs did not
change reuses its last result without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

# Blocking stops everything downstream, publishing included; a warning only shows in the UI.
Severity = Literal["blocking", "warning"]
# (schema, table, column) -> the distinct non-null values of that column in the warehouse.
Lookup = Callable[[str, str, str], list[object]]


@dataclass(frozen=True)
class Expect:
    """A GX expectation: its class in `great_expectations.expectations` and its arguments."""

    gx_class: str  # e.g. "ExpectColumnValuesToNotBeNull"
    kwargs: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] | None = None

    @property
    def expectation_type(self) -> str:
        """GX's own name for it, as results carry it: expect_column_values_to_not_be_null."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.gx_class).lower()

    def to_gx(self, severity: Severity) -> Any:
        import great_expectations.expectations as gxe

        return getattr(gxe, self.gx_class)(**self.kwargs, meta={**(self.meta or {}), "severity": severity})


def expect(gx_class: str, **kwargs: Any) -> Expect:
    return Expect(gx_class, kwargs)


Rules = list[tuple[Expect, Severity]]


@dataclass(frozen=True)
class SuiteSpec:
    schema: str
    table: str
    key: tuple[str, ...]
    rules: Callable[[Lookup], Rules] = field(default=lambda lookup: [])
    # Tables too big for one in-memory batch are validated on the days a run can change:
    # rows whose `slice_column` is within `slice_days` of the newest value.
    slice_column: str | None = None
    slice_days: int = 0
    # Versioned raw tables keep every version of a record; a suite validates the newest version
    # per key (what staging reads), so a superseded bad version does not fail checks forever.
    version_column: str | None = None
    # The newest value of this timestamp/date column must be at most `recent_days` old.
    recency_column: str | None = None
    recent_days: int = 3

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def check_name(self) -> str:
        """The blocking check: its failures stop everything downstream."""
        return f"{self.table}_expectations"

    @property
    def warning_check_name(self) -> str:
        """The warnings: they show in the UI, named as warnings, and stop nothing."""
        return f"{self.table}_warnings"


def required_fields(*columns: str) -> Rules:
    """Fields a row is of no use without: present, blocking."""
    return [(expect("ExpectColumnValuesToNotBeNull", column=column), "blocking") for column in columns]


def key_rules(key: tuple[str, ...], required: tuple[str, ...] = ()) -> Rules:
    """Keys present and unique, required fields present: blocking, since merges rely on them. For
    raw tables only: a loader that bypassed dlt's merge would leave duplicates that staging's
    newest-version pick hides. The marts' grain is dbt's to test (unique, not_null,
    unique_combination), so their suites do not check it again."""
    rules = required_fields(*dict.fromkeys([*key, *required]))
    if len(key) == 1:
        rules.append((expect("ExpectColumnValuesToBeUnique", column=key[0]), "blocking"))
    else:
        rules.append((expect("ExpectCompoundColumnsToBeUnique", column_list=list(key)), "blocking"))
    return rules


def non_negative(*columns: str, severity: Severity = "blocking") -> Rules:
    return [
        (expect("ExpectColumnValuesToBeBetween", column=column, min_value=0), severity) for column in columns
    ]


def percentage(*columns: str, severity: Severity = "blocking") -> Rules:
    return [
        (expect("ExpectColumnValuesToBeBetween", column=column, min_value=0, max_value=100), severity)
        for column in columns
    ]


def one_of(column: str, values: list[object], severity: Severity = "blocking") -> Rules:
    return [(expect("ExpectColumnValuesToBeInSet", column=column, value_set=values), severity)]


@dataclass(frozen=True)
class Reference:
    """`column` points at schema.table.parent_column (a foreign key)."""

    column: str
    schema: str
    table: str
    parent_column: str

    @property
    def flag(self) -> str:
        """The column the reader adds: the value when it is not found in the parent, else empty."""
        return f"{self.column} missing from {self.schema}.{self.table}"


def refers_to(
    column: str, schema: str, table: str, parent_column: str, severity: Severity = "blocking"
) -> Rules:
    """Every non-null `column` value exists in schema.table.parent_column.

    Checked in SQL where the data is: the suite's reader adds a column per reference holding the
    values not found in the parent (a semi-join), and GX expects it empty, naming the offending
    rows by key and value. A parent key list inside the expectation cost seconds and megabytes
    per check at scale.
    """
    reference = Reference(column, schema, table, parent_column)
    expectation = Expect(
        "ExpectColumnValuesToBeNull", {"column": reference.flag}, {"reference": reference.__dict__}
    )
    return [(expectation, severity)]


def references(rules: Rules) -> list[Reference]:
    """The references among `rules`, for the reader to add their flag columns."""
    return [
        Reference(**expectation.meta["reference"])
        for expectation, _ in rules
        if expectation.meta and "reference" in expectation.meta
    ]
