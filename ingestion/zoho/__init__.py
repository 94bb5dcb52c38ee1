"""Zoho CRM source (REST API v8): users, accounts, contacts, deals, leads and campaigns, each deal's
stage history, owner changes and contact roles, each lead's status changes, each campaign's members,
the Stage picklist's probabilities and forecast categories, and deleted records.

Modules are read incrementally with `If-Modified-Since`: each run asks for what changed since the
previous run's start, less a lookback; a 304 means nothing did. Records deleted in Zoho (recycle
bin or permanently) are listed by the `deleted` endpoint and kept in `deleted_records`; staging
flags them. Deals changed in the window also bring their Stage_History related list and the owner
changes from their timeline; leads changed in it bring their Lead_Status changes. Everything lands
in `raw_zoho`; staging maps it onto the canonical CRM shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from ingestion.contracts import TableContract, contracted_items, empty_typed_table, text_table, typed_ids
from ingestion.dbt_vars import pass_through_fields
from ingestion.zoho.api import Record, ZohoApi
from ingestion.zoho.objects import (
    CAMPAIGN_MEMBER_MODULES,
    DEALS,
    LEADS,
    MODIFIED,
    MODULES,
    STAGE_HISTORY_FIELDS,
    USERS,
    ZohoModule,
)


def zoho_time(moment: datetime) -> str:
    """Zoho's datetime format: ISO 8601 to the second, with the offset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _flat(record: Record, lookups: tuple[str, ...] = ()) -> Record:
    """Lookups ({"name", "id"}) become `<Field>_id`, empty ones too when `lookups` names them; other
    values stay."""
    return {
        (f"{key}_id" if isinstance(value, dict) or key in lookups else key): (
            (value or {}).get("id") if isinstance(value, dict) or key in lookups else value
        )
        for key, value in record.items()
    }


def _contracted(rows: list[Record], spec: TableContract, where: str) -> Iterator[Any]:
    if rows:
        yield from contracted_items(text_table(rows, spec.columns), spec, where, first_line=1)


def _window_start(state: dict, lookback: timedelta) -> str | None:
    if "window_start" not in state:
        return None
    return zoho_time(datetime.fromisoformat(state["window_start"]) - lookback)


def module_resource(api: ZohoApi, zoho_module: ZohoModule, lookback: timedelta) -> DltResource:
    spec = zoho_module.contract

    @dlt.resource(**spec.resource_hints())
    def records() -> Iterator[Any]:
        # The window start is committed with the load package only: a failed run asks again.
        state = dlt.current.resource_state()
        run_start = datetime.now(UTC)
        since = _window_start(state, lookback)
        pages = api.records(zoho_module.module, zoho_module.fields, since, dict(zoho_module.params))
        read = 0
        for number, page in enumerate(pages, start=1):
            rows = [_flat(r, zoho_module.lookups) for r in page]
            read += len(rows)
            yield from _contracted(rows, spec, f"Zoho {zoho_module.module} page {number}")
        if since is None and not read:  # a module the organisation does not use: its table, empty
            yield empty_typed_table(
                spec, [_flat({f: None}, zoho_module.lookups).popitem()[0] for f in zoho_module.fields]
            )
        state["window_start"] = run_start.isoformat()

    return records


def deleted_records_resource(api: ZohoApi, lookback: timedelta) -> DltResource:
    @dlt.resource(
        name="deleted_records",
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        primary_key=["module", "id"],
    )
    def deleted_records() -> Iterator[list[Record]]:
        state = dlt.current.resource_state()
        run_start = datetime.now(UTC)
        since = _window_start(state, lookback)
        for zoho_module in MODULES:
            pages = api.numbered_pages(
                f"/{zoho_module.module}/deleted",
                f"Zoho deleted {zoho_module.module}",
                "data",
                {"type": "all"},
                since,
            )
            for page in pages:
                yield [
                    {
                        "module": zoho_module.module,
                        "id": row["id"],
                        "deletion_type": row.get("type"),
                        "deleted_time": row.get("deleted_time"),
                    }
                    for row in page
                ]
        state["window_start"] = run_start.isoformat()

    return deleted_records


def users_resource(api: ZohoApi) -> DltResource:
    @dlt.resource(**USERS.resource_hints())
    def users() -> Iterator[Any]:
        pages = api.numbered_pages("/users", "Zoho users", "users", {"type": "AllUsers"})
        for number, page in enumerate(pages, start=1):
            rows = [{k: v for k, v in _flat(user).items() if k in USER_FIELDS} for user in page]
            yield from _contracted(rows, USERS, f"Zoho users page {number}")

    return users


USER_FIELDS = ("id", "full_name", "email", "status", "role_id", "Reporting_To_id", "created_time", MODIFIED)


def deal_stages_resource(api: ZohoApi) -> DltResource:
    """The Stage picklist: each stage's probability, forecast category and type (open, won, lost)."""

    @dlt.resource(name="deal_stages", write_disposition="replace", primary_key=["stage"])
    def deal_stages() -> Iterator[list[Record]]:
        fields = api.get("/settings/fields", "Zoho Deals fields", {"module": "Deals"}).get("fields", [])
        stage = next((f for f in fields if f.get("api_name") == "Stage"), {})
        yield [
            {
                "stage": value.get("actual_value"),
                "display_value": value.get("display_value"),
                "sequence_number": value.get("sequence_number"),
                "probability": value.get("probability"),
                "forecast_category": (value.get("forecast_category") or {}).get("name"),
                "forecast_type": value.get("forecast_type"),
            }
            for value in stage.get("pick_list_values", [])
        ]

    return deal_stages


@dlt.transformer(
    name="deal_stage_history",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    primary_key=["deal_id", "id"],
)
def deal_stage_history(items: Any, api: ZohoApi) -> Iterator[list[Record]]:
    """The Stage_History related list of every deal that changed."""
    for deal_id in typed_ids(items):
        pages = api.numbered_pages(
            f"/Deals/{deal_id}/Stage_History", "Zoho deal stage history", "data",
            {"fields": ",".join(STAGE_HISTORY_FIELDS)},
        )  # fmt: skip
        for page in pages:
            yield [{"deal_id": deal_id, **_flat(row)} for row in page]


def _field_changes(api: ZohoApi, module: str, record_id: str, field: str) -> Iterator[list[Record]]:
    """A record's changes of one field, from its timeline (its audit log of field updates): the
    time, the old value and the new (lookups as {"name", "id"})."""
    pages = api.numbered_pages(
        f"/{module}/{record_id}/__timeline", f"Zoho {module} timeline", "__timeline", {}
    )
    for page in pages:
        yield [
            {
                "changed_at": event["audited_time"],
                "old": change["_value"].get("old"),
                "new": change["_value"].get("new"),
            }
            for event in page
            for change in event.get("field_history") or []
            if change.get("api_name") == field
        ]


@dlt.transformer(
    name="deal_owner_changes",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    primary_key=["deal_id", "changed_at"],
)
def deal_owner_changes(items: Any, api: ZohoApi) -> Iterator[list[Record]]:
    """Owner changes from each changed deal's timeline."""
    for deal_id in typed_ids(items):
        for changes in _field_changes(api, "Deals", deal_id, "Owner"):
            yield [
                {
                    "deal_id": deal_id,
                    "changed_at": change["changed_at"],
                    "old_owner_id": (change["old"] or {}).get("id"),
                    "new_owner_id": (change["new"] or {}).get("id"),
                }
                for change in changes
            ]


@dlt.transformer(
    name="lead_status_changes",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    primary_key=["lead_id", "changed_at"],
)
def lead_status_changes(items: Any, api: ZohoApi) -> Iterator[list[Record]]:
    """Lead_Status changes from each changed lead's timeline: the funnel's stage days."""
    for lead_id in typed_ids(items):
        for changes in _field_changes(api, "Leads", lead_id, "Lead_Status"):
            yield [
                {
                    "lead_id": lead_id,
                    "changed_at": c["changed_at"],
                    "old_status": c["old"],
                    "new_status": c["new"],
                }
                for c in changes
            ]


# Related lists read again replace what was read before for the same parent (dlt deletes the
# parent's rows, then inserts). A parent with nothing listed keeps one row without a child, so the
# removal of its last child is seen too; staging skips those rows.
REPLACED_PER_PARENT = {"disposition": "merge", "strategy": "delete-insert"}
# The parent's id is each list's merge key, which dlt makes not null: said so here too, or dlt
# warns of differing column hints once per batch.
CONTACT_ROLES_SCHEMA = pa.schema(
    [
        pa.field("deal_id", pa.string(), nullable=False),
        ("contact_id", pa.string()),
        ("contact_role", pa.string()),
    ]
)
CAMPAIGN_MEMBERS_SCHEMA = pa.schema(
    [
        pa.field("campaign_id", pa.string(), nullable=False),
        ("member_module", pa.string()),
        ("member_id", pa.string()),
        ("member_status", pa.string()),
    ]
)


def deal_contact_roles_resource(api: ZohoApi, lookback: timedelta) -> DltResource:
    """The Contact_Roles related list (contacts and their role) of each deal changed since the
    last run. It keeps its own window rather than following the deals resource, so its first run
    reads every deal's: a warehouse loaded before it existed gets them all."""

    @dlt.resource(name="deal_contact_roles", write_disposition=REPLACED_PER_PARENT, merge_key="deal_id")
    def deal_contact_roles() -> Iterator[pa.Table]:
        state = dlt.current.resource_state()
        run_start = datetime.now(UTC)
        since = _window_start(state, lookback)
        read = 0
        for deals in api.records("Deals", (MODIFIED,), since):
            rows: list[Record] = []
            for deal in deals:
                pages = api.numbered_pages(
                    f"/Deals/{deal['id']}/Contact_Roles", "Zoho deal contact roles", "data",
                    {"fields": "Contact_Role"},
                )  # fmt: skip
                listed = [
                    {"deal_id": deal["id"], "contact_id": contact["id"],
                     "contact_role": (contact.get("Contact_Role") or {}).get("name")}
                    for page in pages
                    for contact in page
                ]  # fmt: skip
                rows.extend(listed or [{"deal_id": deal["id"]}])
            read += len(rows)
            if rows:
                yield pa.Table.from_pylist(rows, schema=CONTACT_ROLES_SCHEMA)
        if since is None and not read:  # no deals yet: the table, empty
            yield CONTACT_ROLES_SCHEMA.empty_table()
        state["window_start"] = run_start.isoformat()

    return deal_contact_roles


def campaign_members_resource(api: ZohoApi, live_days: int) -> DltResource:
    """Every campaign's members: its Leads and Contacts related lists, with their Member_Status.

    Zoho does not mark a campaign modified when its members change, so the members of a campaign
    are read again on every run until `live_days` after its end date (and whenever the campaign
    itself changes); an older campaign's, once."""

    @dlt.resource(name="campaign_members", write_disposition=REPLACED_PER_PARENT, merge_key="campaign_id")
    def campaign_members() -> Iterator[pa.Table]:
        # Each campaign's Modified_Time when its members were last read; committed with the load.
        read: dict[str, str] = dlt.current.resource_state().setdefault("members_read_at", {})
        settled_before = (datetime.now(UTC).date() - timedelta(days=live_days)).isoformat()
        for page in api.records("Campaigns", ("End_Date", MODIFIED), None):
            rows: list[Record] = []
            for campaign in page:
                campaign_id, version, ended = campaign["id"], campaign.get(MODIFIED), campaign.get("End_Date")
                if read.get(campaign_id) == version and ended and ended < settled_before:
                    continue
                listed = [
                    {"campaign_id": campaign_id, "member_module": module, "member_id": member["id"],
                     "member_status": member.get("Member_Status")}
                    for module in CAMPAIGN_MEMBER_MODULES
                    for members in api.numbered_pages(
                        f"/Campaigns/{campaign_id}/{module}", f"Zoho campaign {module.lower()}", "data",
                        {"fields": "Member_Status"},
                    )
                    for member in members
                ]  # fmt: skip
                rows.extend(listed or [{"campaign_id": campaign_id}])
                read[campaign_id] = version
            if rows:
                yield pa.Table.from_pylist(rows, schema=CAMPAIGN_MEMBERS_SCHEMA)

    return campaign_members


@dlt.source(name="zoho")
def zoho(
    client_id: str | None = dlt.secrets.value,
    client_secret: str | None = dlt.secrets.value,
    refresh_token: str | None = dlt.secrets.value,
    accounts_url: str = "https://accounts.zoho.com",
    api_version: str = "v8",
    lookback_seconds: int = 300,
    page_size: int = 200,
    extra_fields: dict[str, tuple[str, ...]] | None = None,
    campaign_members_live_days: int = 90,
) -> Iterator[DltResource]:
    """The CRM of the Zoho organisation the refresh token belongs to. `extra_fields` (module ->
    API names) defaults to the fields the dbt var `crm_pass_through_fields` carries through to the
    marts. A campaign's members are read again on every run until `campaign_members_live_days`
    after it ended."""
    api = ZohoApi(accounts_url, client_id, client_secret, refresh_token, api_version, page_size)
    lookback = timedelta(seconds=lookback_seconds)
    extra = pass_through_fields("zoho") if extra_fields is None else extra_fields
    yield users_resource(api)
    yield deal_stages_resource(api)
    yield deleted_records_resource(api, lookback)
    yield campaign_members_resource(api, campaign_members_live_days)
    yield deal_contact_roles_resource(api, lookback)
    for zoho_module in MODULES:
        asked = tuple(dict.fromkeys((*zoho_module.fields, *extra.get(zoho_module.module, ()))))
        resource = module_resource(api, replace(zoho_module, fields=asked), lookback)
        yield resource
        if zoho_module is DEALS:
            # Fed by the deals resource: details are read for the deals that changed.
            yield resource | deal_stage_history(api=api)
            yield resource | deal_owner_changes(api=api)
        if zoho_module is LEADS:
            yield resource | lead_status_changes(api=api)
