"""Which rows of a versioned raw table a suite must validate again.

A CRM or finance table keeps every version of a record and a suite validates the newest per key.
When a day adds versions, the keys without a new version keep the rows the last validation read:
if it passed every rule and each rule judges a row alone (present, within a range), those rows
pass again. So the suite reads only the keys with a version newer than the newest the last
validation saw (at scale 100, tens of thousands of a million rows). That holds only while the
rows up to that version are exactly the ones it read: a late row with an older version (a re-sent
file, a backfill) changes them, and then every row is validated again. The table's row count is
still judged on the whole table.
"""

from __future__ import annotations

import dagster as dg

from expectations.runner import is_row_count_rule
from expectations.spec import Rules, SuiteSpec
from orchestration.defs.quality.warehouse_reader import table_content

# Stored on both check results of a validation.
NEWEST_VERSION = "newest_version_validated"  # the newest version stamp the table held
TABLE_CONTENT = "table_content"  # `table_content` of the whole table then
RULES = "rules_fingerprint"  # `rules_digest` of the query and rules it ran
ROWS_READ = "rows_read"  # rows it read: all the suite covers, or only the changed keys'

# Rules a row passes or fails on its own values.
ROW_BY_ROW = {
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_between",
    "expect_column_pair_values_a_to_be_greater_than_b",
}


def judges_rows_one_by_one(spec: SuiteSpec, rules: Rules) -> bool:
    """A versioned suite whose every rule but the row count judges each row alone (a share of
    rows, `mostly`, or a recency over the table does not)."""
    return bool(spec.version_column) and all(
        is_row_count_rule(rule) or (rule[0].expectation_type in ROW_BY_ROW and "mostly" not in rule[0].kwargs)
        for rule in rules
    )


def changed_after(
    spec: SuiteSpec, columns: list[str], rules: str, previous: list[dg.AssetCheckResult]
) -> str | None:
    """The newest version the last validation saw, when only keys with a newer one can change its
    outcome: both its checks passed, it ran the same query and rules (`rules`), and the table's
    rows up to that version are those it read. None: validate every row."""
    if len(previous) != 2 or not all(result.passed for result in previous):
        return None
    marks = (NEWEST_VERSION, TABLE_CONTENT, RULES)
    stored = {tuple(_text(result, name) for name in marks) for result in previous}
    if len(stored) != 1:
        return None  # the two results are not of one validation
    ((newest, content, stored_rules),) = stored
    if newest is None or content is None or stored_rules != rules:
        return None
    return newest if table_content(spec, columns, through=newest) == content else None


def _text(result: dg.AssetCheckResult, name: str) -> str | None:
    value = (result.metadata or {}).get(name)
    return None if value is None else str(value.value)
