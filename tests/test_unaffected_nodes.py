"""Which dbt nodes a build leaves out because nothing they read changed
(orchestration/defs/transform/unaffected.py), against a real DuckDB file: a CRM source and a plan
source, a staging model over each, a dated intermediate model and marts over them, with tests."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.defs.transform.build_key import last_build_day
from orchestration.defs.transform.unaffected import nodes_to_leave_out

AS_OF = "macro.salesops_warehouse.as_of_date"
BUILT = {
    "dbt project": "code-1",
    "target": "duckdb",
    "selection": "all",
    "as-of date": "2026-06-30",
    "raw_crm.opportunity": "100:1",
    "raw_plans.quotas": "10:2",
    "mart pipeline.fct_pipeline": "50:3",
    "mart quota.fct_quotas": "10:4",
    "mart quota.fct_attainment": "20:5",
}


def _node(kind: str, name: str, schema: str, parents: list[str], **config: object) -> dict:
    return {
        "unique_id": f"{kind}.p.{name}",
        "resource_type": kind,
        "name": name,
        "schema": schema,
        "alias": name,
        "config": {"enabled": True, **config},
        "depends_on": {"nodes": parents, "macros": []},
    }


def _model(name: str, schema: str, parents: list[str], kind: str, macros: tuple[str, ...] = ()) -> dict:
    node = _node("model", name, schema, parents, materialized=kind)
    node["depends_on"]["macros"] = list(macros)
    return node


def _test(name: str, parent: str) -> dict:
    return _node("test", name, "dbt_test__audit", [parent])


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tables that exist in the warehouse: every stored model but `int_missing`."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        for schema, table in [
            ("staging", "stg_quotas_table"),
            ("intermediate", "int_dated"),
            ("pipeline", "fct_pipeline"),
            ("quota", "fct_quotas"),
            ("quota", "fct_attainment"),
        ]:
            connection.execute(f"create schema if not exists {schema}")
            connection.execute(f"create table {schema}.{table} (id int)")
    monkeypatch.setenv("SALESOPS_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.delenv("SALESOPS_TARGET", raising=False)
    sources = {
        "source.p.crm.opportunity": {
            "resource_type": "source", "schema": "raw_crm", "identifier": "opportunity",
        },
        "source.p.plans.quotas": {"resource_type": "source", "schema": "raw_plans", "identifier": "quotas"},
    }  # fmt: skip
    models = [
        _model("stg_opportunities", "staging", ["source.p.crm.opportunity"], "view"),
        _model("stg_quotas", "staging", ["source.p.plans.quotas"], "view"),
        _model("stg_quotas_table", "staging", ["source.p.plans.quotas"], "table"),
        _model("int_missing", "intermediate", ["model.p.stg_quotas"], "table"),
        _model("int_dated", "intermediate", ["model.p.stg_quotas"], "table", macros=("macro.p.age",)),
        _model("fct_pipeline", "pipeline", ["model.p.stg_opportunities"], "table"),
        _model("fct_quotas", "quota", ["model.p.stg_quotas"], "table"),
        _model("fct_attainment", "quota", ["model.p.fct_quotas", "model.p.fct_pipeline"], "table"),
    ]
    tests = [
        _test("primary_key_stg_opportunities_id", "model.p.stg_opportunities"),
        _test("primary_key_stg_quotas_id", "model.p.stg_quotas"),
        _test("accepted_values_fct_quotas_kind", "model.p.fct_quotas"),
        _test("not_null_int_dated_day", "model.p.int_dated"),
        # Two tests of one name (dbt selects by name): one reads the CRM, one the plans.
        _test("same_name", "model.p.fct_pipeline"),
        _test("same_name", "model.p.fct_quotas") | {"unique_id": "test.p.same_name.2"},
    ]
    disabled = _model("stg_disabled", "staging", [], "view") | {"config": {"enabled": False}}
    macros = {
        AS_OF: {"depends_on": {"macros": []}},
        "macro.p.age": {"depends_on": {"macros": [AS_OF]}},
    }
    path = tmp_path / "manifest.json"
    nodes = {node["unique_id"]: node for node in [*models, *tests, disabled]}
    path.write_text(json.dumps({"nodes": nodes, "sources": sources, "macros": macros}))
    return path


def test_a_day_when_only_the_crm_changed_leaves_out_what_reads_only_the_plans(manifest: Path) -> None:
    now = BUILT | {"raw_crm.opportunity": "120:9"}
    left_out = nodes_to_leave_out(manifest, BUILT, now, kept_views=["stg_quotas"])
    assert left_out == [
        "accepted_values_fct_quotas_kind",
        "fct_quotas",
        "int_dated",  # the day did not move
        "not_null_int_dated_day",
        "primary_key_stg_quotas_id",
        "stg_quotas",  # kept: a view not kept would be built (it may be missing)
        "stg_quotas_table",
    ]
    # Not left out: what reads the CRM (fct_attainment through fct_pipeline), a table that is
    # missing (int_missing), a disabled model, and a name shared with a test that reads the CRM.


KEPT = ["stg_opportunities", "stg_quotas"]


def test_a_new_day_builds_what_embeds_the_as_of_date_and_what_reads_it(manifest: Path) -> None:
    now = BUILT | {"as-of date": "2026-07-01"}
    left_out = nodes_to_leave_out(manifest, BUILT, now, kept_views=KEPT)
    assert "int_dated" not in left_out and "not_null_int_dated_day" not in left_out
    assert {"fct_pipeline", "fct_quotas", "fct_attainment", "same_name"} <= set(left_out)


def test_a_mart_changed_since_its_build_is_built_again_with_what_reads_it(manifest: Path) -> None:
    now = BUILT | {"mart quota.fct_quotas": "11:0"}
    left_out = nodes_to_leave_out(manifest, BUILT, now, kept_views=KEPT)
    assert not {"fct_quotas", "fct_attainment", "accepted_values_fct_quotas_kind"} & set(left_out)
    assert "fct_pipeline" in left_out


def test_nothing_below_a_node_dbt_builds_is_left_out(manifest: Path) -> None:
    """Where views are built every time (PostgreSQL, Spark), what reads them is built too: Dagster
    takes the outputs in dependency order, and a left-out mart is reported before dbt starts (the
    Spark parity run's second build failed on exactly that)."""
    now = BUILT | {"raw_crm.opportunity": "120:9"}
    left_out = nodes_to_leave_out(manifest, BUILT, now, kept_views=[])
    # stg_quotas is built (not kept): fct_quotas, its test and int_dated read it.
    assert left_out == ["stg_quotas_table"]


@pytest.mark.parametrize("changed", ["dbt project", "target", "selection"])
def test_nothing_is_left_out_after_other_code_or_without_a_build(manifest: Path, changed: str) -> None:
    now = BUILT | {changed: "other"}
    assert nodes_to_leave_out(manifest, BUILT, now, kept_views=["stg_quotas"]) == []
    assert nodes_to_leave_out(manifest, None, BUILT, kept_views=["stg_quotas"]) == []


def test_the_incremental_facts_tests_read_from_the_last_builds_day_only_when_it_continues() -> None:
    """The day the tests of the incremental facts read from (minus their lookback, in dbt): the
    last successful build's, when this build continues it; otherwise none (whole tables)."""
    now = BUILT | {"as-of date": "2026-07-01", "raw_crm.opportunity": "101:9"}
    assert last_build_day(BUILT, now) == "2026-06-30"
    assert last_build_day(None, now) is None
    for changed in ("dbt project", "target", "selection"):
        assert last_build_day(BUILT, now | {changed: "other"}) is None
    # A mart rewritten since that build (by hand), or gone: its old rows were not tested as they are.
    assert last_build_day(BUILT, now | {"mart pipeline.fct_pipeline": "51:0"}) is None
    assert last_build_day(BUILT, now | {"mart pipeline.fct_pipeline": "missing"}) is None


def test_only_a_duckdb_build_that_continues_the_last_one_picks_two_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two dbt threads for a DuckDB build that continues the last one; the profile's (one) for a
    first build; a thread count the data engineer set, or another engine's default, always wins."""
    monkeypatch.delenv("SALESOPS_DBT_THREADS", raising=False)
    monkeypatch.setenv("SALESOPS_TARGET", "duckdb")
    assert settings.dbt_threads(continues_last_build=True) == 2
    assert settings.dbt_threads(continues_last_build=False) is None
    monkeypatch.setenv("SALESOPS_TARGET", "postgres")
    assert settings.dbt_threads(continues_last_build=True) is None
    monkeypatch.setenv("SALESOPS_TARGET", "duckdb")
    monkeypatch.setenv("SALESOPS_DBT_THREADS", "1")
    assert settings.dbt_threads(continues_last_build=True) is None
