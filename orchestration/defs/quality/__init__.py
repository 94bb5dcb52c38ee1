"""Great Expectations suites run as Dagster asset checks."""
