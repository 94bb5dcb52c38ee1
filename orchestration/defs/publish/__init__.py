"""Publishing audited marts to the serving stores BI reads."""
