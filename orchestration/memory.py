"""Handing freed memory back to the system after a step that held a table in memory.

The command line runs every step in one process, and dbt's DuckDB runs beside it: what a load or
a check freed but the allocators kept (glibc's arenas, Arrow's pool) would otherwise count
against the machine for the rest of the run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys


def release_freed_memory() -> None:
    """Cheap (milliseconds): a full garbage collection would cost 0.2 s a step here, and the
    tables are freed by reference counting anyway."""
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and libc:
        ctypes.CDLL(libc).malloc_trim(0)
