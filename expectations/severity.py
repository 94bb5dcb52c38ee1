"""Each expectation carries a severity in its meta: blocking stops publishing, warning only shows."""

from __future__ import annotations

from typing import Literal

import great_expectations as gx

Severity = Literal["blocking", "warning"]


def with_severity(
    expectation: gx.expectations.Expectation, severity: Severity
) -> gx.expectations.Expectation:
    expectation.meta = {**(expectation.meta or {}), "severity": severity}
    return expectation
