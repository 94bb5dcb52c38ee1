"""The `divide` macro every money ratio goes through, run by dbt on each engine (`dbt show`): exact
quotients rounded half away from zero, worked by hand. DuckDB divides decimals in double precision;
through it, 16,471.53 / 2 came out 8,235.76."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.dbt_runner import dbt_command

# (numerator, denominator, decimals, the quotient worked by hand)
CASES = (
    ("16471.53", "2", 2, "8235.77"),  # 8,235.765: a half cent, half up
    ("-16471.53", "2", 2, "-8235.77"),  # and half away from zero below zero
    ("1", "-8", 2, "-0.13"),  # -0.125
    ("100000", "3", 6, "33333.333333"),
    ("3960000", "91", 2, "43516.48"),  # a quota of 90,000 prorated over 44 of 91 days: 43,516.4835...
    ("123456789012.345678", "7", 6, "17636684144.620811"),  # 17,636,684,144.62081114...
    ("5", "0", 2, None),  # no denominator: no ratio
)


def show(target_env: dict[str, str], tmp_path: Path) -> list[str | None]:
    cases = " union all ".join(
        f'select {i} as case_number, cast({{{{ divide("cast(\'{n}\' as decimal(38, 12))", "{d}", {s}) }}}} '
        f"as {{{{ dbt.type_string() }}}}) as quotient"
        for i, (n, d, s, _) in enumerate(CASES)
    )
    # Through the tests' dbt runner: on DuckDB it starts from the project's last parse (a fresh
    # target parsed the whole project, 8-9 s of CPU).
    result = dbt_command(
        tmp_path, target_env, "show", "--inline", f"select * from ({cases}) as cases order by case_number",
        "--limit", "-1", "--output", "json", "--log-format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    (shown,) = [
        json.loads(line)["data"]["preview"] for line in result.stdout.splitlines() if '"ShowNode"' in line
    ]
    return [row["quotient"] for row in json.loads(shown)]


def expected() -> list[str | None]:
    return [quotient for *_, quotient in CASES]


def test_duckdb_divides_exactly(tmp_path: Path) -> None:
    env = {"SALESOPS_TARGET": "duckdb", "SALESOPS_WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb")}
    assert show(env, tmp_path) == expected()


def test_postgres_divides_exactly(postgres_dsn: str, tmp_path: Path) -> None:
    params = dict(part.split("=", 1) for part in postgres_dsn.split())
    env = {
        "SALESOPS_TARGET": "postgres",
        "SALESOPS_PG_HOST": params.get("host", "127.0.0.1"),
        "SALESOPS_PG_PORT": params.get("port", "5432"),
        "SALESOPS_PG_USER": params.get("user", "postgres"),
        "SALESOPS_PG_DATABASE": params.get("dbname", "postgres"),
    }
    assert show(env, tmp_path) == expected()


@pytest.mark.parametrize("case", CASES, ids=[f"{n}/{d}" for n, d, _, _ in CASES])
def test_the_cases_are_worked_right(case: tuple[str, str, int, str | None]) -> None:
    """The hand-worked quotients themselves, by Python's decimal arithmetic (half up)."""
    from decimal import ROUND_HALF_UP, Decimal

    numerator, denominator, decimals, quotient = case
    if Decimal(denominator) == 0:
        assert quotient is None
        return
    exact = Decimal(numerator) / Decimal(denominator)
    assert str(exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)) == quotient
