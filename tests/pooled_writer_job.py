"""A job whose one step writes to a DuckDB file for a while, in the warehouse pool and holding
the warehouse's file lock as every warehouse step does; the concurrency test launches it from
several processes at once."""

import sys
import time
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import settings
from orchestration.warehouse_lock import exclusive_turn


@dg.op(pool=settings.WAREHOUSE_POOL)
def write_for_a_while(context: dg.OpExecutionContext) -> None:
    path = context.run.tags["warehouse"]
    with exclusive_turn(Path(path), context.log.info), duckdb.connect(path) as connection:
        connection.execute("create table if not exists writes (run_id text, written_at timestamp)")
        connection.execute("insert into writes values (?, now())", [context.run_id])
        time.sleep(2)


@dg.job(executor_def=dg.in_process_executor)
def pooled_writer() -> None:
    write_for_a_while()


if __name__ == "__main__":
    with dg.DagsterInstance.get() as instance:
        result = pooled_writer.execute_in_process(instance=instance, tags={"warehouse": sys.argv[1]})
    sys.exit(0 if result.success else 1)
