"""One module per asset family; each exposes `build_<asset>_suite() -> gx.ExpectationSuite`."""
