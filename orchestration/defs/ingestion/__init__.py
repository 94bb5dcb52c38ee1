"""dlt sources as Dagster assets: one asset per raw table."""
