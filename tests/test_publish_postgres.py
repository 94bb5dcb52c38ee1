"""Publishing on the real PostgreSQL: serving schemas swapped in one transaction, readers never
see a mix nor an error, the BI role reads marts only and the finance role also reads pay."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg2
import pytest
from psycopg2.extensions import parse_dsn

from orchestration.serving.postgres_publish import create_reader_roles, publish_postgres
from orchestration.serving.stores import COMPENSATION, MARTS
from tests.conftest import fresh_pg_database


@pytest.fixture
def database(postgres_dsn: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    suffix = uuid.uuid4().hex[:8]
    roles = (f"bi_{suffix}", f"finance_{suffix}")
    monkeypatch.setenv("SALESOPS_PG_BI_ROLE", roles[0])
    monkeypatch.setenv("SALESOPS_PG_FINANCE_ROLE", roles[1])
    with fresh_pg_database(postgres_dsn, "salesops_serving") as name:
        params = {**parse_dsn(postgres_dsn), "dbname": name}
        with psycopg2.connect(**params) as connection, connection.cursor() as cursor:
            cursor.execute(
                "create schema pipeline; create schema quota; create schema compensation;"
                "create table pipeline.fct_opportunities as select 'O1' as opportunity_id, 100.00 as amount;"
                "create table quota.fct_quota_attainment as select 'R1' as member_id, 50.0 as attainment_pct;"
                "create table compensation.fct_commission_statements"
                " as select 'R1' as user_id, 700.00 as payout;"
                "comment on table pipeline.fct_opportunities is 'One row per deal.';"
                "comment on column pipeline.fct_opportunities.amount is 'Amount in the deal''s currency.';"
            )
        connection.close()
        yield params
    with psycopg2.connect(postgres_dsn) as admin, admin.cursor() as cursor:
        for role in roles:
            cursor.execute(f"drop role if exists {role}")


def _as_role(params: dict[str, Any], role: str, statement: str) -> list[tuple[Any, ...]]:
    with psycopg2.connect(**params) as connection, connection.cursor() as cursor:
        cursor.execute(f"set role {role}")
        cursor.execute(statement)
        return cursor.fetchall() if cursor.description else []


def test_published_tables_carry_the_run_and_roles_read_only_their_share(database: dict[str, Any]) -> None:
    roles = create_reader_roles(database)
    bi, finance = sorted(roles)
    published_at = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert publish_postgres(database, MARTS, "run-1", published_at) == {
        "pipeline.fct_opportunities": 1,
        "quota.fct_quota_attainment": 1,
    }
    publish_postgres(database, COMPENSATION, "run-1", published_at)

    assert _as_role(
        database, bi, "select opportunity_id, amount, _run_id from serving_pipeline.fct_opportunities"
    ) == [("O1", 100, "run-1")]
    for forbidden in (
        "insert into serving_pipeline.fct_opportunities (opportunity_id) values ('O2')",
        "drop table serving_pipeline.fct_opportunities",
        "select * from serving_compensation.fct_commission_statements",
        "select * from pipeline.fct_opportunities",
    ):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            _as_role(database, bi, forbidden)
    assert _as_role(
        database, finance, "select user_id, payout from serving_compensation.fct_commission_statements"
    ) == [("R1", 700)]
    # The marts' descriptions go with them, for BI tools that show them.
    described = _as_role(
        database,
        bi,
        "select obj_description('serving_pipeline.fct_opportunities'::regclass), "
        "col_description('serving_pipeline.fct_opportunities'::regclass, 2), "
        "col_description('serving_pipeline.fct_opportunities'::regclass, 3)",
    )
    assert described == [
        ("One row per deal.", "Amount in the deal's currency.", "The Dagster run that published this row.")
    ]
    # A second publication re-applies the grants on the new tables.
    publish_postgres(database, MARTS, "run-2", published_at)
    assert _as_role(database, bi, "select _run_id from serving_pipeline.fct_opportunities") == [("run-2",)]


def test_readers_see_one_run_and_no_error_while_publications_swap(database: dict[str, Any]) -> None:
    publish_postgres(database, MARTS, "run-0", datetime.now(UTC))
    stop = threading.Event()
    reads: list[list[str]] = []
    errors: list[str] = []

    def read_in_a_loop() -> None:
        connection = psycopg2.connect(**database)
        connection.autocommit = True
        while not stop.is_set():
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "select distinct _run_id from (select _run_id from "
                        "serving_pipeline.fct_opportunities union all select _run_id from "
                        "serving_quota.fct_quota_attainment) as published"
                    )
                    reads.append(sorted(row[0] for row in cursor.fetchall()))
            except psycopg2.Error as error:
                errors.append(str(error))
        connection.close()

    readers = [threading.Thread(target=read_in_a_loop) for _ in range(2)]
    for reader in readers:
        reader.start()
    for run in range(1, 6):
        publish_postgres(database, MARTS, f"run-{run}", datetime.now(UTC))
    stop.set()
    for reader in readers:
        reader.join(timeout=30)
    assert errors == []
    assert reads and all(len(run_ids) == 1 for run_ids in reads)
    # The readers read through the swaps, not before or after them all.
    assert len({run_ids[0] for run_ids in reads}) >= 2
