"""The demo company is deterministic, cut only by the as-of date, and internally consistent."""

from __future__ import annotations

import csv
import filecmp
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ingestion.demo_company.company import generate, generate_unless_current


def _rows(folder: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def _latest(rows: list[dict[str, str]], key: str, stamp: str) -> dict[str, dict[str, str]]:
    latest: dict[str, dict[str, str]] = {}
    for row in rows:
        if row[key] not in latest or row[stamp] >= latest[row[key]][stamp]:
            latest[row[key]] = row
    return latest


def _all_files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_same_seed_and_as_of_give_byte_identical_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=7, as_of=date(2026, 3, 31), scale=0.05)
    generate(tmp_path / "b", seed=7, as_of=date(2026, 3, 31), scale=0.05)
    files = _all_files(tmp_path / "a")
    assert files == _all_files(tmp_path / "b")
    assert len(files) > 100
    _, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "a", tmp_path / "b", [str(f) for f in files], shallow=False
    )
    assert mismatch == [] and errors == []


def test_a_current_demo_is_not_written_again(tmp_path: Path) -> None:
    """`cli run` reuses the demo it wrote when the settings and the generator are unchanged."""
    out = tmp_path / "demo"
    assert generate_unless_current(out, seed=7, as_of=date(2026, 3, 31), scale=0.05)
    marker = out / "crm" / "Opportunity" / "zz-added-by-hand.csv"
    marker.write_text("Id\n")
    assert not generate_unless_current(out, seed=7, as_of=date(2026, 3, 31), scale=0.05)
    assert marker.exists()  # nothing was rewritten
    assert generate_unless_current(out, seed=7, as_of=date(2026, 4, 30), scale=0.05)
    assert not marker.exists()  # a new as-of writes the demo again, as generated


def test_a_different_seed_gives_a_different_company(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=7, as_of=date(2026, 3, 31), scale=0.05)
    generate(tmp_path / "b", seed=8, as_of=date(2026, 3, 31), scale=0.05)
    assert not filecmp.cmp(
        tmp_path / "a/crm/Opportunity/2025-01.csv", tmp_path / "b/crm/Opportunity/2025-01.csv", shallow=False
    )


def test_a_later_as_of_keeps_every_earlier_row(tmp_path: Path) -> None:
    early, late = date(2026, 2, 14), date(2026, 6, 30)
    generate(tmp_path / "early", seed=7, as_of=early, scale=0.05)
    generate(tmp_path / "late", seed=7, as_of=late, scale=0.05)
    for relative in _all_files(tmp_path / "early"):
        if relative.parts[0] == "plans":
            continue
        early_file, late_file = tmp_path / "early" / relative, tmp_path / "late" / relative
        assert late_file.exists(), relative
        if relative.stem < f"{early:%Y-%m}":
            assert filecmp.cmp(early_file, late_file, shallow=False), relative
        else:  # the as-of month: the later file extends the earlier one
            early_lines = early_file.read_text().splitlines()
            late_lines = late_file.read_text().splitlines()
            late_iter = iter(late_lines)
            assert all(line in late_iter for line in early_lines), relative
            assert len(late_lines) >= len(early_lines)
    # Nothing in the early export is dated after its as-of.
    for row in _rows(tmp_path / "early/crm/Opportunity"):
        assert row["SystemModstamp"][:10] <= early.isoformat()


def test_rerunning_into_the_same_folder_leaves_unchanged_files_untouched(tmp_path: Path) -> None:
    generate(tmp_path, seed=7, as_of=date(2026, 3, 31), scale=0.05)
    closed_month = tmp_path / "crm/Opportunity/2025-01.csv"
    before = closed_month.stat().st_mtime_ns
    generate(tmp_path, seed=7, as_of=date(2026, 4, 2), scale=0.05)
    assert closed_month.stat().st_mtime_ns == before
    assert (tmp_path / "crm/Opportunity/2026-04.csv").exists()


def test_scale_one_is_about_forty_reps_and_ten_thousand_opportunities(tmp_path: Path) -> None:
    generate(tmp_path, seed=42, as_of=date(2026, 11, 23), scale=1)
    opportunities = _latest(_rows(tmp_path / "crm/Opportunity"), "Id", "SystemModstamp")
    users = _latest(_rows(tmp_path / "crm/User"), "Id", "SystemModstamp")
    active_aes = [u for u in users.values() if u["Title"] == "Account Executive" and u["IsActive"] == "true"]
    assert 8_000 <= len(opportunities) <= 13_000
    assert 30 <= len(active_aes) <= 55
    currencies = {o["CurrencyIsoCode"] for o in opportunities.values()}
    assert {"USD", "EUR", "GBP"} <= currencies
    assert {o["Type"] for o in opportunities.values()} == {"New Business", "Expansion", "Renewal"}
    won = sum(o["IsWon"] == "true" for o in opportunities.values())
    closed = sum(o["IsClosed"] == "true" for o in opportunities.values())
    assert 0.15 < won / closed < 0.6  # realistic blended win rate
    # No two users share a display name (at this seed and scale, 600 first/last pairs repeat).
    names = [f"{u['FirstName']} {u['LastName']}" for u in users.values()]
    assert len(names) == len(set(names))
    assert any(". " in name for name in names)  # a repeated pair got its middle initial


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate(folder, seed=42, as_of=date(2026, 6, 30), scale=0.2)
    return folder


def test_every_invoice_belongs_to_a_won_deal_and_sums_to_its_amount(demo_files: Path) -> None:
    opportunities = _latest(_rows(demo_files / "crm/Opportunity"), "Id", "SystemModstamp")
    invoiced: dict[str, Decimal] = defaultdict(Decimal)
    invoice_counts: dict[str, int] = defaultdict(int)
    for invoice in _rows(demo_files / "finance/invoices"):
        deal = opportunities[invoice["opportunity_id"]]
        assert deal["IsWon"] == "true" and deal["IsDeleted"] == "false"
        invoiced[invoice["opportunity_id"]] += Decimal(invoice["total_amount"])
        invoice_counts[invoice["opportunity_id"]] += 1
    assert invoiced
    for opportunity_id, total in invoiced.items():
        deal = opportunities[opportunity_id]
        years = int(deal["Term_Months__c"]) // 12
        if invoice_counts[opportunity_id] == years:  # fully billed by the as-of date
            assert total == Decimal(deal["Amount"]), opportunity_id


def test_stage_history_ends_in_the_current_stage(demo_files: Path) -> None:
    opportunities = _latest(_rows(demo_files / "crm/Opportunity"), "Id", "SystemModstamp")
    last_history = _latest(_rows(demo_files / "crm/OpportunityHistory"), "OpportunityId", "CreatedDate")
    assert set(last_history) == set(opportunities)
    for opportunity_id, history in last_history.items():
        assert history["StageName"] == opportunities[opportunity_id]["StageName"]
        assert history["Amount"] == opportunities[opportunity_id]["Amount"]


def test_imperfections_are_present_at_small_rates(demo_files: Path) -> None:
    rows = _rows(demo_files / "crm/Opportunity")
    opportunities = _latest(rows, "Id", "SystemModstamp")
    deleted = sum(o["IsDeleted"] == "true" for o in opportunities.values())
    keys = [tuple(r.values()) for r in rows]
    duplicates = len(keys) - len(set(keys))
    assert 0 < deleted < 0.05 * len(opportunities)
    assert 0 < duplicates < 0.02 * len(rows)
    assert any(r["LeadSource"] == "" for r in opportunities.values())
    owner_changes = _rows(demo_files / "crm/OpportunityFieldHistory")
    assert owner_changes and all(r["Field"] == "Owner" for r in owner_changes)


def test_new_hires_have_ramped_quotas(demo_files: Path) -> None:
    with (demo_files / "plans/quotas.csv").open() as handle:
        ramps = {Decimal(r["ramp_pct"]) for r in csv.DictReader(handle)}
    assert Decimal("100.00") in ramps
    assert any(r < Decimal("100") for r in ramps)


def test_an_as_of_before_eight_quarters_of_history_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least eight quarters"):
        generate(tmp_path, seed=1, as_of=date(2025, 6, 30), scale=0.05)
