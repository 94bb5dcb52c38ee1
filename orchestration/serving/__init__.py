"""Serving stores: where audited marts are published for BI and finance."""
