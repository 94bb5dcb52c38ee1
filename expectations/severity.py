"""Each expectation carries a severity in its meta: blocking stops publishing, warning only shows."""

from __future__ import annotations

from typing import Literal

import great_expectations as gx

Severity = Literal["blocking", "warning"]


def suite_with_severities(
    name: str, expectations: list[tuple[gx.expectations.Expectation, Severity]]
) -> gx.ExpectationSuite:
    """A suite whose expectations each carry their severity in `meta`."""
    for expectation, severity in expectations:
        expectation.meta = {**(expectation.meta or {}), "severity": severity}
    return gx.ExpectationSuite(name=name, expectations=[e for e, _ in expectations])
