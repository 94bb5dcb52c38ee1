"""HubSpot CRM v3 source: owners, companies, contacts (with their lifecycle-stage dates), deals
with their company and contact associations and property history, deal pipelines and stages,
and activities (calls, meetings, tasks).

Objects are read incrementally through the search API on their last-modified property: each run
searches the window from the previous run's end, less a lookback (the search index trails writes
by seconds to minutes), to the run's start. Archived records are listed separately
(`archived=true`) and kept, flagged `archived`. Deals changed in the window also bring their
property history (stage, amount, close date, owner: the deal's life, like Salesforce's
OpportunityHistory) and their company and contact associations. Everything lands in
`raw_hubspot`; staging maps it onto the same entities as Salesforce.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from ingestion.contracts import TableContract, contracted_items, text_table, typed_ids
from ingestion.dbt_vars import pass_through_fields
from ingestion.hubspot.api import HubSpotApi, Record
from ingestion.hubspot.objects import DEALS, HISTORY_PROPERTIES, OWNERS, SEARCHED_OBJECTS, CrmObject

BATCH = 100  # the batch read and association APIs take at most 100 ids per call


def _flat(record: Record) -> Record:
    return {"id": record["id"], "archived": record.get("archived", False), **record.get("properties", {})}


def _table_items(rows: list[Record], spec: TableContract, where: str) -> Iterator[Any]:
    if rows:
        yield from contracted_items(text_table(rows, spec.columns), spec, where, first_line=1)


@dlt.transformer(
    name="deal_property_history",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    primary_key=["deal_id", "property", "changed_at"],
)
def deal_property_history(items: Any, api: HubSpotApi) -> Iterator[list[Record]]:
    """Every change of the history properties of each changed deal, 100 deals per batch read."""
    deal_ids = typed_ids(items)
    for start in range(0, len(deal_ids), BATCH):
        inputs = [{"id": deal_id} for deal_id in deal_ids[start : start + BATCH]]
        read = api.post(
            "/crm/v3/objects/deals/batch/read",
            {
                "inputs": inputs,
                "properties": ["dealstage"],
                "propertiesWithHistory": list(HISTORY_PROPERTIES),
            },
            "HubSpot deal history",
        )
        history = [
            {
                "deal_id": deal["id"],
                "property": prop,
                "value": change.get("value"),
                "changed_at": change["timestamp"],
                "source_type": change.get("sourceType"),
            }
            for deal in read.get("results", [])
            for prop, changes in deal.get("propertiesWithHistory", {}).items()
            for change in changes
        ]
        yield history


def associations(
    from_object: str, from_entity: str, to_object: str, to_entity: str, primary_type_id: int | None
) -> Any:
    """A transformer reading the associations of the `from_object` records that changed (deals,
    engagements) to `to_object` (companies, contacts, deals), flagging the type HubSpot uses for the
    primary one, if any."""
    from_key, to_key = f"{from_entity}_id", f"{to_entity}_id"

    @dlt.transformer(
        name=f"{from_entity}_{to_entity}_associations",
        # Replacing a record's rows (merge key: its id) also drops associations removed in HubSpot.
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        primary_key=[from_key, to_key],
        merge_key=from_key,
    )
    def read(items: Any, api: HubSpotApi) -> Iterator[list[Record]]:
        ids = typed_ids(items)
        for start in range(0, len(ids), BATCH):
            inputs = [{"id": record_id} for record_id in ids[start : start + BATCH]]
            links = api.post(
                f"/crm/v4/associations/{from_object}/{to_object}/batch/read",
                {"inputs": inputs},
                f"HubSpot {from_entity}-{to_object} associations",
            )
            yield [
                {
                    from_key: str(result["from"]["id"]),
                    to_key: str(to["toObjectId"]),
                    "is_primary": any(
                        kind.get("typeId") == primary_type_id for kind in to.get("associationTypes", [])
                    ),
                }
                for result in links.get("results", [])
                for to in result.get("to", [])
            ]

    return read


# HubSpot's association type id for a deal's primary company; a deal's contacts have no primary.
deal_company_associations = associations("deals", "deal", "companies", "company", primary_type_id=5)
deal_contact_associations = associations("deals", "deal", "contacts", "contact", primary_type_id=None)
# The deals each changed engagement is logged on (rep activity's deal links), read from the
# engagement's side: logging a call on a deal need not change the deal.
ENGAGEMENT_DEAL_ASSOCIATIONS = {
    kind: associations(kind, kind.removesuffix("s"), "deals", "deal", primary_type_id=None)
    for kind in ("calls", "emails", "meetings", "tasks")
}


def searched_object(api: HubSpotApi, crm_object: CrmObject, lookback_ms: int, start_ms: int) -> DltResource:
    spec = crm_object.contract
    hints = spec.resource_hints()
    # Every asked-for property gets a column, even when no record has a value for it yet.
    hints["columns"] = {
        **{
            name: {"data_type": "text", "nullable": True}
            for name in crm_object.properties
            if name not in spec.types
        },
        **hints["columns"],
    }

    @dlt.resource(**hints)
    def records() -> Iterator[Any]:
        # The window end is committed with the load package only: a failed run searches it again.
        state = dlt.current.resource_state()
        window_start = max(0, state["window_end_ms"] - lookback_ms) if "window_end_ms" in state else start_ms
        window_end = int(time.time() * 1000)
        pages = api.search(
            crm_object.object_type,
            crm_object.modified_property,
            crm_object.properties,
            window_start,
            window_end,
        )
        for number, page in enumerate(pages, start=1):
            rows = [_flat(record) for record in page]
            yield from _table_items(rows, spec, f"HubSpot {crm_object.object_type} search page {number}")
        archived = api.list_pages(
            f"/crm/v3/objects/{crm_object.object_type}",
            f"HubSpot archived {crm_object.object_type}",
            {"archived": "true", "properties": ",".join(crm_object.properties)},
        )
        for number, page in enumerate(archived, start=1):
            rows = [_flat(record) for record in page]
            yield from _table_items(rows, spec, f"HubSpot archived {crm_object.object_type} page {number}")
        state["window_end_ms"] = window_end

    return records


def owners_resource(api: HubSpotApi) -> DltResource:
    @dlt.resource(**OWNERS.resource_hints())
    def owners() -> Iterator[Any]:
        for archived in ("false", "true"):
            pages = api.list_pages("/crm/v3/owners", "HubSpot owners", {"archived": archived})
            for number, page in enumerate(pages, start=1):
                rows = [{k: v for k, v in owner.items() if k != "teams"} for owner in page]
                yield from _table_items(rows, OWNERS, f"HubSpot owners (archived={archived}) page {number}")

    return owners


def pipeline_stages_resource(api: HubSpotApi) -> DltResource:
    @dlt.resource(
        name="deal_pipeline_stages", write_disposition="replace", primary_key=["pipeline_id", "stage_id"]
    )
    def deal_pipeline_stages() -> Iterator[Record]:
        for pipeline in api.get("/crm/v3/pipelines/deals", "HubSpot deal pipelines").get("results", []):
            for stage in pipeline.get("stages", []):
                metadata = stage.get("metadata", {})
                yield {
                    "pipeline_id": pipeline["id"],
                    "pipeline_label": pipeline.get("label"),
                    "stage_id": stage["id"],
                    "stage_label": stage.get("label"),
                    "display_order": stage.get("displayOrder"),
                    "probability": float(metadata.get("probability", 0)),
                    "is_closed": str(metadata.get("isClosed", "false")).lower() == "true",
                    "archived": stage.get("archived", False),
                }

    return deal_pipeline_stages


@dlt.source(name="hubspot")
def hubspot(
    access_token: str | None = dlt.secrets.value,
    base_url: str = "https://api.hubapi.com",
    lookback_seconds: int = 300,
    start_date: str = "2000-01-01",
    page_size: int = 100,
    search_limit: int = 10_000,
    extra_properties: dict[str, tuple[str, ...]] | None = None,
) -> Iterator[DltResource]:
    """The CRM of the HubSpot portal the private-app token belongs to. `extra_properties` (object
    type -> property names) defaults to the fields the dbt var `crm_pass_through_fields` carries
    through to the marts."""
    api = HubSpotApi(base_url, access_token, page_size, search_limit)
    start_ms = int(datetime.fromisoformat(start_date).replace(tzinfo=UTC).timestamp() * 1000)
    extra = pass_through_fields("hubspot") if extra_properties is None else extra_properties
    yield owners_resource(api)
    yield pipeline_stages_resource(api)
    for crm_object in SEARCHED_OBJECTS:
        asked = tuple(dict.fromkeys((*crm_object.properties, *extra.get(crm_object.object_type, ()))))
        resource = searched_object(
            api, replace(crm_object, properties=asked), lookback_seconds * 1000, start_ms
        )
        yield resource
        if crm_object is DEALS:
            # Fed by the deals resource: details are read for the deals that changed.
            yield resource | deal_property_history(api=api)
            yield resource | deal_company_associations(api=api)
            yield resource | deal_contact_associations(api=api)
        if crm_object.object_type in ENGAGEMENT_DEAL_ASSOCIATIONS:
            yield resource | ENGAGEMENT_DEAL_ASSOCIATIONS[crm_object.object_type](api=api)
