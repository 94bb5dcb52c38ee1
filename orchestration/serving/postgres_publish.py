"""Publishing to PostgreSQL serving schemas: built aside, swapped in by one short transaction.

Each mart schema is published as `serving_<schema>` (pipeline → serving_pipeline), with the
descriptions dbt persisted on the marts. The new tables are built in `<schema>__next` while BI
keeps reading `<schema>`; a store's schemas swap together. The swap takes an exclusive lock on
the published tables (waiting at most `lock_timeout` for running queries), renames the old
schemas away and the new ones in, and commits: a query sees the old publication or the new one,
never a mix, and waits only for the swap itself (milliseconds). Grants are on the new tables
before the swap; the old schemas are dropped afterwards, outside the swap.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import psycopg2
from psycopg2 import sql

from orchestration.serving.stores import (
    PUBLICATION_COLUMN_DESCRIPTIONS,
    PUBLISHED_AT_COLUMN,
    RUN_ID_COLUMN,
    STORES,
    ServingStore,
    postgres_schema,
)

SWAP_LOCK_TIMEOUT = "5s"


def reader_roles() -> dict[str, str]:
    """audience -> PostgreSQL role: BI reads the marts; finance reads marts and compensation."""
    return {
        "bi": os.environ.get("SALESOPS_PG_BI_ROLE", "salesops_bi"),
        "finance": os.environ.get("SALESOPS_PG_FINANCE_ROLE", "salesops_finance"),
    }


def readers_of(store: ServingStore) -> list[str]:
    roles = reader_roles()
    return [roles["finance"]] if store.audience == "finance" else [roles["bi"], roles["finance"]]


def _existing_roles(cursor: Any, roles: list[str]) -> list[str]:
    cursor.execute("select rolname from pg_roles where rolname = any(%s)", (roles,))
    return sorted(row[0] for row in cursor.fetchall())


def _grant_read(cursor: Any, schema: str, roles: list[str]) -> None:
    for role in _existing_roles(cursor, roles):
        cursor.execute(
            sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(schema), sql.Identifier(role))
        )
        cursor.execute(
            sql.SQL("grant select on all tables in schema {} to {}").format(
                sql.Identifier(schema), sql.Identifier(role)
            )
        )


def publish_postgres(
    connection_params: dict[str, Any], store: ServingStore, run_id: str, published_at: datetime
) -> dict[str, int]:
    """Each of the store's mart schemas is built as serving_<schema>__next, then all are swapped
    in together."""
    counts: dict[str, int] = {}
    connection = psycopg2.connect(**connection_params)
    try:
        with connection, connection.cursor() as cursor:
            for mart_schema in store.mart_schemas:
                counts |= _build_staged(cursor, mart_schema, run_id, published_at)
                _grant_read(cursor, _staged(mart_schema), readers_of(store))
        with connection, connection.cursor() as cursor:
            cursor.execute(sql.SQL("set local lock_timeout = {}").format(sql.Literal(SWAP_LOCK_TIMEOUT)))
            cursor.execute(
                "select quote_ident(table_schema) || '.' || quote_ident(table_name) "
                "from information_schema.tables where table_schema = any(%s)",
                (list(store.postgres_schemas),),
            )
            current = [row[0] for row in cursor.fetchall()]
            if current:
                cursor.execute(f"lock table {', '.join(current)} in access exclusive mode")
            for mart_schema in store.mart_schemas:
                live, retired = postgres_schema(mart_schema), _retired(mart_schema)
                cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(retired)))
                if _schema_exists(cursor, live):
                    cursor.execute(
                        sql.SQL("alter schema {} rename to {}").format(
                            sql.Identifier(live), sql.Identifier(retired)
                        )
                    )
                cursor.execute(
                    sql.SQL("alter schema {} rename to {}").format(
                        sql.Identifier(_staged(mart_schema)), sql.Identifier(live)
                    )
                )
        with connection, connection.cursor() as cursor:
            for mart_schema in store.mart_schemas:
                cursor.execute(
                    sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(_retired(mart_schema)))
                )
    finally:
        connection.close()
    return counts


def _staged(mart_schema: str) -> str:
    return f"{postgres_schema(mart_schema)}__next"


def _retired(mart_schema: str) -> str:
    return f"{postgres_schema(mart_schema)}__previous"


def _build_staged(cursor: Any, mart_schema: str, run_id: str, published_at: datetime) -> dict[str, int]:
    """Copies of the schema's marts with their descriptions, in its staged serving schema."""
    staged = _staged(mart_schema)
    cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(staged)))
    cursor.execute(sql.SQL("create schema {}").format(sql.Identifier(staged)))
    cursor.execute(
        "select table_name, obj_description(format('%%I.%%I', table_schema, table_name)::regclass) "
        "from information_schema.tables where table_schema = %s and table_type = 'BASE TABLE' "
        "order by table_name",
        (mart_schema,),
    )
    counts = {}
    for table, description in cursor.fetchall():
        target = sql.SQL("{}.{}").format(sql.Identifier(staged), sql.Identifier(table))
        cursor.execute(
            sql.SQL("create table {} as select *, %s::text as {}, %s::timestamptz as {} from {}.{}").format(
                target,
                sql.Identifier(RUN_ID_COLUMN),
                sql.Identifier(PUBLISHED_AT_COLUMN),
                sql.Identifier(mart_schema),
                sql.Identifier(table),
            ),
            (run_id, published_at),
        )
        counts[f"{mart_schema}.{table}"] = cursor.rowcount
        if description:
            cursor.execute(sql.SQL("comment on table {} is %s").format(target), (description.strip(),))
        cursor.execute(
            "select column_name, col_description(format('%%I.%%I', table_schema, table_name)::regclass, "
            "ordinal_position) from information_schema.columns where table_schema = %s and table_name = %s",
            (mart_schema, table),
        )
        described = [(c, d) for c, d in cursor.fetchall() if d] + list(
            PUBLICATION_COLUMN_DESCRIPTIONS.items()
        )
        for column, text in described:
            cursor.execute(
                sql.SQL("comment on column {}.{} is %s").format(target, sql.Identifier(column)),
                (text.strip(),),
            )
    return counts


def _schema_exists(cursor: Any, schema: str) -> bool:
    cursor.execute("select 1 from information_schema.schemata where schema_name = %s", (schema,))
    return cursor.fetchone() is not None


def create_reader_roles(connection_params: dict[str, Any]) -> list[str]:
    """Creates the BI and finance roles (no login; grant them to real users) and their grants on
    what is already published. Publishing re-grants on every swap."""
    roles = reader_roles()
    connection = psycopg2.connect(**connection_params)
    try:
        with connection, connection.cursor() as cursor:
            for role in roles.values():
                if not _existing_roles(cursor, [role]):
                    cursor.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
            for store in STORES:
                for schema in store.postgres_schemas:
                    if _schema_exists(cursor, schema):
                        _grant_read(cursor, schema, readers_of(store))
    finally:
        connection.close()
    return sorted(roles.values())
