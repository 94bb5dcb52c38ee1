"""Which views a DuckDB build leaves as they are (orchestration/defs/transform/kept_views.py),
against a real DuckDB file: only after a successful build of the same code, only views that exist
and bind, and not those whose query embeds the as-of date once the day has moved."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.transform.kept_views import views_to_keep

BUILT = {"dbt project": "code-1", "target": "duckdb", "selection": "all", "as-of date": "2026-06-30"}


def _view(name: str, macros: list[str], layer: str = "staging") -> dict:
    return {
        "resource_type": "model",
        "name": name,
        "fqn": ["salesops_warehouse", layer, name],
        "schema": layer,
        "alias": name,
        "config": {"materialized": "view"},
        "depends_on": {"macros": macros},
    }


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse with three staging views (one no longer binds) and a mart view, and a manifest
    naming them and a missing view, one dated through a macro that calls `as_of_date`, plus a
    table."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema staging")
        connection.execute("create table staging.raw (id int, amount int, dropped int)")
        connection.execute("create view staging.stg_pure as select id, amount from staging.raw")
        connection.execute("create view staging.stg_dated as select id from staging.raw")
        connection.execute("create view staging.stg_unbound as select id, dropped from staging.raw")
        connection.execute("alter table staging.raw drop column dropped")
        connection.execute("create schema pipeline")
        connection.execute("create view pipeline.fct_view as select id from staging.raw")
    monkeypatch.setenv("SALESOPS_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.delenv("SALESOPS_TARGET", raising=False)
    nodes = {
        "model.p.stg_pure": _view("stg_pure", ["macro.p.money"]),
        "model.p.stg_dated": _view("stg_dated", ["macro.p.days_open"]),
        "model.p.stg_unbound": _view("stg_unbound", []),
        "model.p.stg_missing": _view("stg_missing", []),
        "model.p.fct_table": {**_view("fct_table", []), "config": {"materialized": "table"}},
        "model.p.fct_view": _view("fct_view", [], layer="marts") | {"schema": "pipeline"},
    }
    macros = {
        "macro.salesops_warehouse.as_of_date": {"depends_on": {"macros": []}},
        "macro.p.days_open": {"depends_on": {"macros": ["macro.p.age"]}},
        "macro.p.age": {"depends_on": {"macros": ["macro.salesops_warehouse.as_of_date"]}},
        "macro.p.money": {"depends_on": {"macros": []}},
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": nodes, "macros": macros}))
    return path


def test_same_code_same_day_keeps_every_view_that_exists_and_binds(manifest: Path) -> None:
    assert views_to_keep(manifest, BUILT, dict(BUILT)) == ["stg_dated", "stg_pure"]


def test_a_new_day_rebuilds_the_views_that_embed_the_as_of_date(manifest: Path) -> None:
    assert views_to_keep(manifest, BUILT, {**BUILT, "as-of date": "2026-07-01"}) == ["stg_pure"]


@pytest.mark.parametrize(
    "before",
    [None, {**BUILT, "dbt project": "code-0"}, {**BUILT, "selection": "a subset"}],
    ids=["no successful build", "other code", "other selection"],
)
def test_without_a_build_of_the_same_code_every_view_is_built(manifest: Path, before: dict | None) -> None:
    assert views_to_keep(manifest, before, dict(BUILT)) == []


def test_views_elsewhere_than_duckdb_are_always_built(manifest: Path) -> None:
    """PostgreSQL binds a view to the tables it reads when created (a rebuilt table drops it)."""
    on_postgres = {**BUILT, "target": "postgres"}
    assert views_to_keep(manifest, on_postgres, dict(on_postgres)) == []
