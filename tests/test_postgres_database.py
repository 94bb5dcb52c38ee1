"""The PostgreSQL target on day one: the database is created when missing, and a server that
cannot be reached is named in one line that says what to set."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import psycopg2
import pytest
from psycopg2.extensions import parse_dsn

from orchestration.warehouse import WarehouseUnreachable, ensure_pg_database


def _point_settings_at(dsn: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    params = parse_dsn(dsn)
    monkeypatch.setenv("SALESOPS_PG_HOST", params.get("host", "127.0.0.1"))
    monkeypatch.setenv("SALESOPS_PG_PORT", params.get("port", "5432"))
    monkeypatch.setenv("SALESOPS_PG_USER", params.get("user", "postgres"))
    return params


def test_a_missing_database_is_created_once(postgres_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    params = _point_settings_at(postgres_dsn, monkeypatch)
    name = f"salesops_new_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("SALESOPS_PG_DATABASE", name)
    try:
        assert ensure_pg_database() is True
        assert ensure_pg_database() is False  # already there: left alone
        psycopg2.connect(**{**params, "dbname": name}).close()
    finally:
        admin = psycopg2.connect(postgres_dsn)
        admin.autocommit = True
        admin.cursor().execute(f"drop database if exists {name} with (force)")
        admin.close()


def test_run_on_an_unreachable_server_fails_in_one_line_saying_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("SALESOPS_TARGET", "postgres")
    monkeypatch.setenv("SALESOPS_PG_HOST", "127.0.0.1")
    monkeypatch.setenv("SALESOPS_PG_PORT", str(port))
    monkeypatch.setenv("SALESOPS_DATA_DIR", str(tmp_path))
    with pytest.raises(WarehouseUnreachable, match=f"127.0.0.1:{port} .* is not reachable"):
        ensure_pg_database()
    from orchestration.cli import main

    capfd.readouterr()
    assert main(["run"]) == 2
    error = capfd.readouterr().err.splitlines()
    assert error[0].startswith(f"salesops run: PostgreSQL at 127.0.0.1:{port} as user")
    assert "set SALESOPS_PG_HOST, SALESOPS_PG_PORT" in error[0] and len(error) <= 2
    assert not (tmp_path / "demo").exists()  # it stopped before doing anything
