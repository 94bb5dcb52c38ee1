"""Dagster definitions and operations for the sales-ops warehouse."""
