"""The project's Dagster instance (dagster.yaml's `instance_class`): Dagster's own, whose default
SQLite storage keeps each event-log file's SQLAlchemy engine and connection between events.

Dagster's `SqliteEventLogStorage` creates an engine, opens a connection and closes both for every
event it stores, and SQLAlchemy's cache of compiled statements lives on the engine, so every
event's SQL is compiled again too. A run of this project stores about 2,000 events (an idle run
700: planned materializations, outputs, check results): at scale 10 an idle run took 31 s with
Dagster's storage and 23 s with this one (py-spy showed the per-event set-up as the difference).
Reads, writes, files and schema are Dagster's (a table found once is not looked up again); after
each transaction in a run's file the write-ahead log is checkpointed into it, as closing the
connection did, so what watches that file (the UI's live event log, in another process) sees each
event as before. Nothing watches the index file, which SQLite checkpoints as its log grows. Commits
do not wait for the disk (`synchronous=NORMAL`, SQLite's advice for write-ahead logs): a run
killed at any point loses nothing, and a power cut can lose only the last events, never corrupt
the file (the warehouse, not this history, is what a run resumes from). Only the default storage
changes: an instance configured with `storage:` (PostgreSQL, dagster.postgres.yaml) is Dagster's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import yaml
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

# Files kept open at most: a run writes its own file and the index; the UI reads many runs'.
OPEN_SHARDS = 8


class ReusedEngineSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with one engine, holding one open connection, per file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables_present: set[str] = set()
        self._asset_key_columns_present: set[str] = set()
        super().__init__(base_dir, inst_data)

    def has_table(self, table_name: str) -> bool:
        """Dagster asks before it stores each check event, on a new engine every time (0.5 s of a
        scale-10 run); a table, once there, stays."""
        if table_name in self._tables_present:
            return True
        present = super().has_table(table_name)
        if present:
            self._tables_present.add(table_name)
        return present

    def _has_asset_key_col_on_connection(self, conn: Connection, column_name: str) -> bool:
        """Dagster inspects the asset key table's columns for every asset event it stores; a
        column, once there, stays."""
        if column_name in self._asset_key_columns_present:
            return True
        present = super()._has_asset_key_col_on_connection(conn, column_name)
        if present:
            self._asset_key_columns_present.add(column_name)
        return present

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            # The storage's lock lets one thread at a time use the connection.
            engine = create_engine(
                self.conn_string_for_shard(shard),
                pool_size=1,
                max_overflow=0,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _commit_without_sync)
        self._engines[shard] = engine  # the most recently used last
        while len(self._engines) > OPEN_SHARDS:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            if shard not in self._initialized_dbs:
                # Dagster's schema check opens two connections at once: on an engine of its own.
                init_engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=NullPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                )
                self._initdb(init_engine)
                init_engine.dispose()
                self._initialized_dbs.add(shard)
            with self._engine(shard).connect() as conn:
                with conn.begin():
                    yield conn
                if shard != INDEX_SHARD_NAME:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def delete_events(self, run_id: str) -> None:
        """Dagster's deletes the run's rows and leaves its file, as large as before (SQLite does
        not shrink a file it deletes from): the file goes too. (Its rows in the index free pages
        that later runs fill.)"""
        super().delete_events(run_id)
        with self._db_lock:
            engine = self._engines.pop(run_id, None)
            if engine is not None:
                engine.dispose()
            self._initialized_dbs.discard(run_id)
            path = Path(self.path_for_shard(run_id))
            for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                file.unlink(missing_ok=True)

    def dispose(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()


def _commit_without_sync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class ProjectSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, event logs, schedules under one folder), event log above."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._event_log_storage = ReusedEngineSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]
    ) -> ProjectSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)


class ProjectDagsterInstance(dg.DagsterInstance):
    """Dagster's instance; its default storage (no `storage:` in dagster.yaml) is the one above,
    in Dagster's default folders of the instance's home."""

    @classmethod
    def config_schema(cls) -> dict[str, Any]:
        return {}

    @staticmethod
    def config_defaults(base_dir: str) -> Mapping[str, ConfigurableClassData | None]:
        return {
            **InstanceRef.config_defaults(base_dir),
            "storage": ConfigurableClassData(
                __name__, ProjectSqliteStorage.__name__, yaml.dump({"base_dir": base_dir})
            ),
        }
