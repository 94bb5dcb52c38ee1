"""Export files as they really arrive: late older versions, copies that keep old modification
times, re-sent and touched files, and broken files that must hold back only themselves."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from ingestion.export_files import crm_exports
from ingestion.retention import keep_superseded_days, prune_superseded_versions
from tests.raw_tables import duckdb_pipeline

HEADER = "Id,AccountId,StageName,Amount,CloseDate,OwnerId,SystemModstamp\n"
NEWER = "006A,001A,Negotiation/Review,5000.00,2026-03-31,005A,2026-02-10T09:00:00Z\n"
OLDER = "006A,001A,Prospecting,1.00,2026-03-31,005A,2026-01-05T09:00:00Z\n"
OTHER = "006B,001A,Prospecting,700.00,2026-04-30,005A,2026-02-01T09:00:00Z\n"
OLD_MTIME = 1_600_000_000  # 2020-09-13: what `cp -p` keeps from a file made long ago


def write(exports: Path, name: str, text: str | bytes, mtime: int | None = None) -> Path:
    path = exports / "crm" / "Opportunity" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def load(workdir: Path, exports: Path, encoding: str = "utf-8") -> None:
    source = crm_exports(str(exports), encoding=encoding).with_resources("opportunity", "task")
    duckdb_pipeline(workdir, "crm_files", "raw_salesforce").run(source)


def query(workdir: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def versions(workdir: Path) -> list[tuple]:
    return query(
        workdir,
        "select id, strftime(system_modstamp, '%Y-%m-%d'), amount from raw_salesforce.opportunity "
        "order by id, system_modstamp",
    )


@pytest.mark.parametrize("newer_first", [True, False], ids=["newer-then-older", "older-then-newer"])
def test_every_version_is_kept_whatever_the_arrival_order(tmp_path: Path, newer_first: bool) -> None:
    """Raw keeps both versions side by side (staging picks the newest: see the dbt unit test
    `stg_salesforce__opportunities_newest_version_wins`); the late older one replaces nothing."""
    exports = tmp_path / "exports"
    first, second = (NEWER, OLDER) if newer_first else (OLDER, NEWER)
    write(exports, "2026-02.csv", HEADER + first)
    load(tmp_path, exports)
    write(exports, "zz-late.csv", HEADER + second)
    load(tmp_path, exports)
    assert versions(tmp_path) == [
        ("006A", "2026-01-05", pytest.approx(1.00)),
        ("006A", "2026-02-10", pytest.approx(5000.00)),
    ]
    # The newest version per key, as staging and the raw checks read it.
    newest = query(
        tmp_path,
        "select amount from (select *, row_number() over (partition by id order by system_modstamp desc) "
        "as r from raw_salesforce.opportunity) where r = 1",
    )
    assert newest == [(pytest.approx(5000.00),)]


def test_a_new_file_with_an_old_modification_time_is_loaded(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    write(exports, "2026-02.csv", HEADER + NEWER)
    load(tmp_path, exports)
    write(exports, "copied-with-cp-p.csv", HEADER + OTHER, mtime=OLD_MTIME)
    load(tmp_path, exports)
    assert [row[0] for row in versions(tmp_path)] == ["006A", "006B"]


def test_touched_and_resent_files_add_nothing_and_rejected_rows_are_kept_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    exports = tmp_path / "exports"
    bad = "006C,001A,Prospecting,twelve,2026-04-30,005A,2026-02-01T09:00:00Z\n"
    path = write(exports, "2026-02.csv", HEADER + NEWER + bad)
    load(tmp_path, exports)
    caplog.set_level(logging.INFO, logger="salesops.ingestion")
    os.utime(path, (OLD_MTIME, OLD_MTIME))  # touched: same content
    write(exports, "2026-02-resent.csv", HEADER + NEWER + bad)  # re-sent under another name
    load(tmp_path, exports)
    assert "2026-02.csv skipped: touched, its content is unchanged" in caplog.text
    assert "2026-02-resent.csv skipped: same content as Opportunity/2026-02.csv" in caplog.text
    # The file changes (a row added): it is read again, its bad row is still stored once.
    write(exports, "2026-02.csv", HEADER + NEWER + bad + OTHER)
    load(tmp_path, exports)
    assert [row[0] for row in versions(tmp_path)] == ["006A", "006B"]
    assert query(tmp_path, "select id, _source_line from raw_salesforce.opportunity__rejected") == [
        ("006C", 3)
    ]


def test_rejected_rows_of_several_files_load_without_a_warning(
    tmp_path: Path, dlt_log: pytest.LogCaptureFixture
) -> None:
    """Each file's rejected rows are a batch of `<table>__rejected`; a batch whose columns differ
    from the declared ones made dlt warn once per batch, in every run."""
    exports = tmp_path / "exports"
    write(
        exports,
        "2026-02.csv",
        HEADER + NEWER + "006C,001A,Prospecting,twelve,2026-04-30,005A,2026-02-01T09:00:00Z\n",
    )
    write(
        exports,
        "2026-03.csv",
        HEADER + OTHER + "006D,001A,Prospecting,eleven,2026-04-30,005A,2026-02-01T09:00:00Z\n",
    )
    load(tmp_path, exports)
    assert query(tmp_path, "select id from raw_salesforce.opportunity__rejected order by id") == [
        ("006C",),
        ("006D",),
    ]
    assert "hints were different" not in dlt_log.text


BROKEN_FILES = {
    "empty.csv": (b"", "is empty"),
    "header-only.csv": (HEADER.encode(), "has a header and no rows"),
    "truncated.csv": (
        (HEADER + OTHER + "006D,001A,Prosp").encode(),
        "line 3: 3 field(s) where the header has 7",
    ),
    "latin1.csv": (
        (HEADER + "006E,001A,Prospecting,10.00,2026-04-30,005A,2026-02-01T09:00:00Z\n").encode()
        + "006F,001A,Négociation,10.00,2026-04-30,005A,2026-02-01T09:00:00Z\n".encode("latin-1"),
        "line 3: byte 0xe9 is not utf-8 text",
    ),
    "semicolons.csv": (
        HEADER.replace(",", ";").encode() + NEWER.replace(",", ";").encode(),
        "delimited by ';'",
    ),
}


def test_broken_files_hold_back_only_themselves(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    exports = tmp_path / "exports"
    write(exports, "good.csv", HEADER + NEWER)
    for name, (content, _) in BROKEN_FILES.items():
        write(exports, name, content)
    caplog.set_level(logging.INFO, logger="salesops.ingestion")
    load(tmp_path, exports)
    # The good file loaded; no row of a broken file did.
    assert [row[0] for row in versions(tmp_path)] == ["006A"]
    for name, (_, message) in BROKEN_FILES.items():
        assert any(name in line and message in line for line in caplog.text.splitlines()), name
    held_back = dict(
        query(tmp_path, "select _source_file, _rejected_reason from raw_salesforce.opportunity__rejected")
    )
    assert sorted(held_back) == [
        "Opportunity/latin1.csv",
        "Opportunity/semicolons.csv",
        "Opportunity/truncated.csv",
    ]
    assert "export it again whole" in held_back["Opportunity/truncated.csv"]
    # A missing object folder (no Task export at all) is an empty table, not a crash.
    assert query(tmp_path, "select count(*) from raw_salesforce.task") == [(0,)]
    # Fixed: the truncated file is complete now; it loads on the next run, its reject stays once.
    write(exports, "truncated.csv", HEADER + OTHER)
    load(tmp_path, exports)
    assert [row[0] for row in versions(tmp_path)] == ["006A", "006B"]


def test_a_latin1_export_loads_with_the_encoding_setting(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    write(
        exports,
        "latin1.csv",
        HEADER.encode()
        + "006F,001A,Négociation,10.00,2026-04-30,005A,2026-02-01T09:00:00Z\n".encode("latin-1"),
    )
    load(tmp_path, exports, encoding="latin-1")
    assert query(tmp_path, "select stage_name from raw_salesforce.opportunity") == [("Négociation",)]


def test_retention_deletes_only_versions_superseded_before_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """006A: 2026-01-05 (superseded on 2026-02-10, 50 days before "now") and 2026-02-10 (newest).
    006B: 2026-02-01, superseded on 2026-03-25, 7 days before "now": inside a 30-day window."""
    exports = tmp_path / "exports"
    recent = "006B,001A,Closed Won,900.00,2026-04-30,005A,2026-03-25T09:00:00Z\n"
    write(exports, "2026-03.csv", HEADER + NEWER + OLDER + OTHER + recent)
    pipeline = duckdb_pipeline(tmp_path, "crm_files", "raw_salesforce")
    pipeline.run(crm_exports(str(exports)).with_resources("opportunity"))
    monkeypatch.setenv("RAW_VERSIONS__KEEP_SUPERSEDED_DAYS", "30")
    assert keep_superseded_days() == 30
    now = datetime(2026, 4, 1, tzinfo=UTC)
    pruned = prune_superseded_versions(pipeline, keep_superseded_days() or 0, now)
    assert pruned == {"opportunity": 1}
    assert versions(tmp_path) == [
        ("006A", "2026-02-10", pytest.approx(5000.00)),
        ("006B", "2026-02-01", pytest.approx(700.00)),
        ("006B", "2026-03-25", pytest.approx(900.00)),
    ]
    # With no window set, every version is kept.
    monkeypatch.delenv("RAW_VERSIONS__KEEP_SUPERSEDED_DAYS")
    assert keep_superseded_days() is None
