"""One process at a time in the DuckDB warehouse, across runs.

The `warehouse` pool of dagster.yaml is meant to do this, but on Dagster's default SQLite storage
two runs starting together can both claim its one slot (the claim is a select, then an update,
with no row lock in SQLite), and DuckDB then refuses the second process. Every step that opens the
warehouse also holds an OS lock on a file beside it: the kernel drops it when the process ends,
killed runs included, so it can never be left behind. Reads outside steps (the closing summary,
`status`, `close-month`) take the same turn, since a DuckDB reader blocks a writer too.
"""

from __future__ import annotations

import fcntl
import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import ParamSpec, TypeVar

from orchestration.warehouse_location import location

P = ParamSpec("P")
R = TypeVar("R")

# Turns this thread holds, by lock file: a step that holds the turn reads through helpers that
# take it again, and a second flock on another descriptor would wait for the first forever.
_held = threading.local()


@contextmanager
def exclusive_turn(database: Path, log: Callable[[str], object] | None = None) -> Iterator[None]:
    """Hold `<database>.lock` for the block, waiting for whoever holds it (re-entrant)."""
    lock_path = database.resolve().with_name(database.name + ".lock")
    held: set[Path] = _held.__dict__.setdefault("paths", set())
    if lock_path in held:
        yield
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            started = time.monotonic()
            if log is not None:
                log(f"Waiting for another run to release the warehouse {database.name}")
            fcntl.flock(handle, fcntl.LOCK_EX)
            if log is not None:
                log(f"Warehouse released after {time.monotonic() - started:.1f} s")
        held.add(lock_path)
        try:
            yield
        finally:
            held.discard(lock_path)
            fcntl.flock(handle, fcntl.LOCK_UN)


def warehouse_turn(log: Callable[[str], object] | None = None) -> AbstractContextManager[None]:
    """The warehouse's turn for a step; PostgreSQL serves many processes, so nothing to hold."""
    where = location()
    if where.is_postgres:
        return nullcontext()
    return exclusive_turn(where.lock_path, log)


def holding_the_warehouse(function: Callable[P, R]) -> Callable[P, R]:
    """`function` runs in one warehouse turn: what it reads is still true when it writes."""

    @functools.wraps(function)
    def in_one_turn(*args: P.args, **kwargs: P.kwargs) -> R:
        with warehouse_turn():
            return function(*args, **kwargs)

    return in_one_turn
