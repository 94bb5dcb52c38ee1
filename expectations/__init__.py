"""Great Expectations suites, defined in code, and a runner that validates DataFrames."""
