"""What a suite is here: the table it validates, its key, and its expectations with a severity.

One owner per rule: dbt's tests own keys, references and accepted values (they read the models
in SQL, where the data is); the suites own what GX is good at: completeness of required fields,
plausible ranges, row counts against the last good run and the recency of the newest change.
Expectations are plain records of a GX expectation class and its arguments, made into GX objects
only when a suite validates: importing Great Expectations costs 3.5 s, and a check whose inputs
did not change reuses its last result without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

# Blocking stops everything downstream, publishing included; a warning only shows in the UI.
Severity = Literal["blocking", "warning"]


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
    rules: Rules = field(default_factory=list)
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


def non_negative(*columns: str, severity: Severity = "blocking") -> Rules:
    return [
        (expect("ExpectColumnValuesToBeBetween", column=column, min_value=0), severity) for column in columns
    ]


def percentage(*columns: str, severity: Severity = "blocking") -> Rules:
    return [
        (expect("ExpectColumnValuesToBeBetween", column=column, min_value=0, max_value=100), severity)
        for column in columns
    ]


def rate(*columns: str, severity: Severity = "blocking") -> Rules:
    """A share or a conversion rate: between 0 and 1."""
    return [
        (expect("ExpectColumnValuesToBeBetween", column=column, min_value=0, max_value=1), severity)
        for column in columns
    ]


def at_most(column: str, limit_column: str, severity: Severity = "blocking") -> Rules:
    """`column` never exceeds `limit_column` in the same row (a stage within the one before it)."""
    return [
        (
            expect(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                column_A=limit_column,
                column_B=column,
                or_equal=True,
            ),
            severity,
        )
    ]
