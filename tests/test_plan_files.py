"""Plan files load strictly: a bad plan names file, path and problem; versions ignore comments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingestion.contracts import TableContract
from ingestion.demo_company.plan_files import COMP_PLAN_TEMPLATES
from ingestion.plans import PLAN_TABLES, plan_files, read_plan_csv
from ingestion.plans.comp_plans import PlanFileError, comp_plan_rows, load_comp_plan
from tests.raw_tables import duckdb_pipeline, row_counts

ENTERPRISE = COMP_PLAN_TEMPLATES / "ae-enterprise.yaml"


def test_shipped_demo_plans_are_valid() -> None:
    for path in COMP_PLAN_TEMPLATES.glob("*.yaml"):
        assert load_comp_plan(path)["plan_id"] == path.stem


def test_a_bad_plan_names_the_file_and_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(ENTERPRISE.read_text().replace("rate: 0.11", "rate: eleven"))
    with pytest.raises(PlanFileError, match=r"bad.yaml: .*at tiers/1/rate: 'eleven' is not of type"):
        load_comp_plan(bad)


def test_gapped_tiers_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "gap.yaml"
    bad.write_text(
        ENTERPRISE.read_text().replace(
            "{from_attainment: 1.0, to_attainment: 1.25", "{from_attainment: 1.1, to_attainment: 1.25"
        )
    )
    with pytest.raises(PlanFileError, match="tiers must be contiguous"):
        load_comp_plan(bad)


def test_version_ignores_comments_and_key_order_but_not_substance(tmp_path: Path) -> None:
    original = comp_plan_rows(ENTERPRISE)[0]["plan_version"]
    reordered = tmp_path / "reordered.yaml"
    lines = ENTERPRISE.read_text().splitlines()
    body = [line for line in lines if not line.startswith("#")]
    reordered.write_text("# a new comment\n" + "\n".join([body[1], body[0], *body[2:]]) + "\n")
    assert comp_plan_rows(reordered)[0]["plan_version"] == original
    changed = tmp_path / "changed.yaml"
    changed.write_text(ENTERPRISE.read_text().replace("rate: 0.14", "rate: 0.15"))
    assert comp_plan_rows(changed)[0]["plan_version"] != original


def test_a_quota_file_with_a_bad_row_loads_nothing_and_says_which_line(tmp_path: Path) -> None:
    (tmp_path / "quotas.csv").write_text(
        "user_id,period_start,period_end,quota_amount,currency,ramp_pct\n"
        "005A,2025-01-01,2025-03-31,300000.00,USD,100.00\n"
        "005B,2025-01-01,2025-03-31,lots,USD,100.00\n"
    )
    spec: TableContract = next(t for t in PLAN_TABLES if t.name == "quotas")
    with pytest.raises(
        PlanFileError,
        match=r"quotas.csv: 1 bad row\(s\), nothing of this file "
        r"was loaded.*line 3: quota_amount='lots'",
    ):
        read_plan_csv(tmp_path, spec)


def test_plan_fx_rates_and_spiffs_load_without_a_warning(
    tmp_path: Path, dlt_log: pytest.LogCaptureFixture
) -> None:
    """Their key columns are declared as dlt declares a primary key: dlt warned at every load."""
    shutil.copytree(COMP_PLAN_TEMPLATES, tmp_path / "plans" / "comp_plans")
    source = plan_files(str(tmp_path / "plans")).with_resources("comp_plan_fx_rates", "comp_plan_spiffs")
    duckdb_pipeline(tmp_path, "plans", "raw_plans").run(source)
    counts = row_counts(tmp_path / "warehouse.duckdb", "raw_plans")
    assert counts["comp_plan_fx_rates"] > 0 and counts["comp_plan_spiffs"] > 0
    assert "hints were different" not in dlt_log.text
