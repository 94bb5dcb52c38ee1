"""Dagster's SQLite event log (one file per run, plus an index file), with each file's SQLAlchemy
engine and connection kept between events instead of built for every event.

Dagster's `SqliteEventLogStorage` creates an engine, opens a connection, and closes both for each
event it stores; SQLAlchemy's cache of compiled statements lives on the engine, so every event's
SQL is compiled again too, and each close checkpoints the file's write-ahead log. A run of this
project stores about 2,000 events (an idle run 700: planned materializations, outputs, check
results), and that per-event set-up was a third of an idle run's time (py-spy, scale 10: 31 s,
21 s with this storage). Reads, writes, files and schema are Dagster's own; the rest of the
instance (runs, schedules) is unchanged. dagster.yaml selects it.

With the connection kept open, a run's writes land in its file's write-ahead log (`<run>.db-wal`)
until SQLite checkpoints them; Dagster's watcher of a run's file (the UI's live event log) wakes
on that log too.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.base import EventHandlerFn
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorageWatchdog
from dagster._core.storage.sql import create_engine
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool
from watchdog.events import FileSystemEvent
from watchdog.observers import Observer

# Each shard (file) kept open at most: a run writes its own file and the index; `dagster dev`
# reads many runs' files, so older engines are closed.
OPEN_SHARDS = 8
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def default_base_dir() -> str:
    """Where Dagster puts event logs when dagster.yaml names no storage: $DAGSTER_HOME/history/runs."""
    return os.path.join(os.environ["DAGSTER_HOME"], "history", "runs")


class ReusedEngineSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` that keeps one engine (with one pooled connection) per file."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir or default_base_dir(), inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> ReusedEngineSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            # One connection, kept open (the storage's lock lets one thread use it at a time).
            engine = create_engine(
                self.conn_string_for_shard(shard),
                pool_size=1,
                max_overflow=0,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
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
            with self._engine(shard).connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()

    def watch(self, run_id: str, cursor: str | None, callback: EventHandlerFn) -> None:
        if not self._obs:
            self._obs = Observer()
            self._obs.start()
        watchdog = RunFileWatchdog(self, run_id, callback, cursor)
        self._watchers[run_id][callback] = (
            watchdog,
            self._obs.schedule(watchdog, self._base_dir, recursive=True),
        )


class RunFileWatchdog(SqliteEventLogStorageWatchdog):
    """Dagster's watcher of a run's file, woken by its write-ahead log as well."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paths = (self._log_path, f"{self._log_path}-wal")
        self._patterns = list(self._paths)

    def on_modified(self, event: FileSystemEvent) -> None:
        if event.src_path in self._paths:
            self._process_log()
