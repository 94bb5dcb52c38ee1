"""Salesforce REST API source: one resource per object, SOQL over `queryAll`, incremental on
`SystemModstamp` (or `CreatedDate` for history objects, which never change).

Each run asks for records modified since the newest cursor value of the last completed load, less
a lookback (`lookback_seconds`), so a record saved with a slightly older timestamp while the last
run read (clock skew, long transactions) is not missed; what the lookback re-reads merges to the
same values. Deleted records come back from `queryAll` with `IsDeleted = true` and are kept,
flagged. Records land in the same raw tables, with the same contracts, as the Salesforce export
files, so staging reads either.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import dlt
import pyarrow.compute as pc
from dlt.extract.resource import DltResource

from ingestion.contracts import TableContract, contracted_items, text_table
from ingestion.dbt_vars import pass_through_fields
from ingestion.salesforce.api import SalesforceApi
from ingestion.salesforce.fields import SOBJECT_FIELDS
from ingestion.salesforce.objects import CRM_TABLES

SALESFORCE_TIME = "%Y-%m-%dT%H:%M:%S.%f%z"


def soql_since(spec: TableContract, fields: tuple[str, ...], since: str | None, lookback: timedelta) -> str:
    """The SOQL for records changed at or after `since` less the lookback (all records without one)."""
    query = f"SELECT {', '.join(fields)} FROM {spec.origin}"
    if since:
        start = datetime.strptime(since, SALESFORCE_TIME).astimezone(UTC) - lookback
        query += f" WHERE {spec.cursor} >= {start:%Y-%m-%dT%H:%M:%SZ}"
    return f"{query} ORDER BY {spec.cursor}, Id"


def sobject_resource(
    api: SalesforceApi, spec: TableContract, lookback: timedelta, extra_fields: tuple[str, ...] = ()
) -> DltResource:
    fields = tuple(dict.fromkeys((*SOBJECT_FIELDS[spec.origin], *extra_fields)))

    @dlt.resource(**spec.resource_hints())
    def records() -> Iterator[object]:
        # The cursor lives in the resource state, which dlt commits with the load package: a run
        # that fails before its package is complete leaves it where it was.
        state = dlt.current.resource_state()
        since: str | None = state.get("last_cursor")
        newest = since
        what = f"Salesforce {spec.origin}"
        for number, page in enumerate(
            api.query_all(soql_since(spec, fields, since, lookback), what), start=1
        ):
            text = text_table(page, fields)
            yield from contracted_items(text, spec, f"{what} queryAll page {number}", first_line=1)
            # Salesforce writes timestamps in one fixed-width format, so text order is time order.
            page_newest = pc.max(text[spec.cursor]).as_py()
            newest = max(filter(None, (newest, page_newest)), default=None)
        if newest:
            state["last_cursor"] = newest

    return records


@dlt.source(name="salesforce")
def salesforce(
    instance_url: str | None = dlt.config.value,
    access_token: str | None = dlt.secrets.value,
    token_url: str | None = dlt.config.value,
    client_id: str | None = dlt.secrets.value,
    client_secret: str | None = dlt.secrets.value,
    api_version: str = "v60.0",
    lookback_seconds: int = 300,
    extra_fields: dict[str, tuple[str, ...]] | None = None,
) -> Iterator[DltResource]:
    """Every object the warehouse reads, from the org at `instance_url` (or the token's instance).
    `extra_fields` (object -> API names) defaults to the fields the dbt var
    `crm_pass_through_fields` carries through to the marts."""
    api = SalesforceApi(instance_url, api_version, access_token, token_url, client_id, client_secret)
    extra = pass_through_fields("salesforce") if extra_fields is None else extra_fields
    for spec in CRM_TABLES:
        yield sobject_resource(api, spec, timedelta(seconds=lookback_seconds), extra.get(spec.origin, ()))
