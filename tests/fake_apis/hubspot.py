"""A fake HubSpot portal speaking CRM v3 as documented: private-app bearer token, list endpoints
with `paging.next.after`, the search API (GTE/LT filters on a last-modified property, ascending
sort, `total`, and a 400 past its result ceiling), batch read with `propertiesWithHistory`, v4
association batch read, deal pipelines, and `archived=true` lists. Its data is the demo company's
CRM, translated to HubSpot's objects."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from ingestion.demo_company import settings
from tests.fake_apis.server import FakeApi, Reply, Request

TOKEN = "pat-na1-test-token"


def stage_id(stage_name: str) -> str:
    return re.sub(r"[^a-z]+", "", stage_name.lower())


# HubSpot's internal values for the demo's Salesforce picklists: forecast categories are HubSpot's
# own enumeration; deal types are its two defaults plus a custom `renewal` option.
FORECAST_CATEGORIES = {
    "Pipeline": "PIPELINE",
    "Best Case": "BEST_CASE",
    "Commit": "COMMIT",
    "Closed": "CLOSED",
    "Omitted": "OMIT",
}
DEAL_TYPES = {"New Business": "newbusiness", "Expansion": "existingbusiness", "Renewal": "renewal"}
# The demo's lead statuses -> the HubSpot lifecycle stages a lead has reached when it takes them.
LEAD_STATUS_STAGES = {
    "Working - Contacted": ("marketingqualifiedlead",),
    "Qualified": ("marketingqualifiedlead", "salesqualifiedlead"),
    "Closed - Converted": ("marketingqualifiedlead", "salesqualifiedlead", "opportunity"),
}
# The demo's lead sources as HubSpot's original-source values.
ORIGINAL_SOURCES = {
    "Web": "ORGANIC_SEARCH",
    "Outbound": "OFFLINE",
    "Partner": "REFERRALS",
    "Event": "OTHER_CAMPAIGNS",
    "Referral": "DIRECT_TRAFFIC",
}


def _ms(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def hubspot_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _iso(value: Any) -> str | None:
    """A Salesforce JSON value (fake Salesforce's format) as HubSpot's ISO text."""
    if value is None:
        return None
    if len(str(value)) == 10:
        return f"{value}T00:00:00.000Z"
    return hubspot_time(datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S.%f%z"))


class FakeHubSpot(FakeApi):
    def __init__(
        self, salesforce_org: dict[str, dict[str, dict[str, Any]]], search_limit: int = 10_000
    ) -> None:
        super().__init__()
        self.search_limit = search_limit
        self.objects: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.owners: dict[str, dict[str, Any]] = {}
        self.history: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        self.deal_companies: dict[str, list[str]] = {}
        self.deal_contacts: dict[str, list[str]] = defaultdict(list)
        self.engagement_deals: dict[str, list[str]] = defaultdict(list)  # the deals it is logged on
        self.ids: dict[str, str] = {}  # Salesforce Id -> HubSpot id, for translating plan files
        self._translate(salesforce_org)
        self.route("GET", "/crm/v3/owners", self._owners)
        self.route("GET", "/crm/v3/pipelines/deals", self._pipelines)
        self.route("POST", "/crm/v3/objects/(?P<type>\\w+)/search", self._search)
        self.route("POST", "/crm/v3/objects/deals/batch/read", self._batch_read)
        associations = (
            "/crm/v4/associations/(?P<from>deals|calls|emails|meetings|tasks)/(?P<to>companies|contacts|deals)"
            "/batch/read"
        )
        self.route("POST", associations, self._associations)
        self.route("GET", "/crm/v3/objects/(?P<type>\\w+)", self._list)

    # --- the demo company as a HubSpot portal -------------------------------------------------
    def _translate(self, org: dict[str, dict[str, dict[str, Any]]]) -> None:
        numbers = itertools.count(1001)
        ids: dict[str, str] = defaultdict(lambda: str(next(numbers)))
        for user in org["User"].values():
            self.owners[ids[user["Id"]]] = {
                "id": ids[user["Id"]],
                "email": user["Email"],
                "firstName": user["FirstName"],
                "lastName": user["LastName"],
                "userId": int(ids[user["Id"]]) + 5000,
                "createdAt": _iso(user["CreatedDate"]),
                "updatedAt": _iso(user["SystemModstamp"]),
                "archived": not user["IsActive"],
                "teams": [],
            }
        for account in org["Account"].values():
            self._put(
                "companies",
                ids[account["Id"]],
                account["IsDeleted"],
                account,
                {
                    "name": account["Name"],
                    "industry": account["Industry"],
                    "country": account["BillingCountry"],
                    "numberofemployees": account["NumberOfEmployees"],
                    "hubspot_owner_id": ids[account["OwnerId"]],
                    "segment": account["Segment__c"],
                    "domain": (account["Website"] or "").removeprefix("https://www.") or None,
                },
            )
        for contact in org["Contact"].values():
            self._put(
                "contacts",
                ids[contact["Id"]],
                contact["IsDeleted"],
                contact,
                {
                    "firstname": contact["FirstName"],
                    "lastname": contact["LastName"],
                    "email": contact["Email"],
                    "phone": contact["Phone"],
                    "associatedcompanyid": ids[contact["AccountId"]],
                    "hubspot_owner_id": ids[contact["OwnerId"]],
                },
                modified="lastmodifieddate",
            )
        self._translate_leads(org, ids)
        for role in org["OpportunityContactRole"].values():
            if not role["IsDeleted"]:
                self.deal_contacts[ids[role["OpportunityId"]]].append(ids[role["ContactId"]])
        for opp in org["Opportunity"].values():
            deal_id = ids[opp["Id"]]
            self._put(
                "deals",
                deal_id,
                opp["IsDeleted"],
                opp,
                {
                    "dealname": opp["Name"],
                    "dealstage": stage_id(opp["StageName"]),
                    "pipeline": "default",
                    "amount": opp["Amount"],
                    "deal_currency_code": opp["CurrencyIsoCode"],
                    "closedate": _iso(opp["CloseDate"]),
                    "dealtype": DEAL_TYPES[opp["Type"]],
                    "hubspot_owner_id": ids[opp["OwnerId"]],
                    "hs_forecast_category": FORECAST_CATEGORIES[opp["ForecastCategoryName"]],
                    "hs_deal_stage_probability": (opp["Probability"] or 0) / 100,
                    "hs_is_closed": opp["IsClosed"],
                    "hs_is_closed_won": opp["IsWon"],
                    "contract_term_months": opp["Term_Months__c"],
                },
            )
            self.deal_companies[deal_id] = [ids[opp["AccountId"]]]
        for change in sorted(org["OpportunityHistory"].values(), key=lambda h: h["CreatedDate"]):
            deal_id = ids[change["OpportunityId"]]
            for prop, value in (
                ("dealstage", stage_id(change["StageName"])),
                ("amount", change["Amount"]),
                ("closedate", _iso(change["CloseDate"])),
                ("hs_forecast_category", FORECAST_CATEGORIES[change["ForecastCategory"]]),
            ):
                self._record_history(deal_id, prop, str(value), _iso(change["CreatedDate"]))
        # Owner history: the first owner from the deal's creation, then every reassignment.
        owner_changes = sorted(
            (
                c
                for c in org["OpportunityFieldHistory"].values()
                if c["Field"] == "Owner" and not c["IsDeleted"]
            ),
            key=lambda c: c["CreatedDate"],
        )
        first_owner: dict[str, str] = {}
        for change in owner_changes:
            first_owner.setdefault(change["OpportunityId"], change["OldValue"])
        for opp in org["Opportunity"].values():
            owner = first_owner.get(opp["Id"], opp["OwnerId"])
            self._record_history(ids[opp["Id"]], "hubspot_owner_id", ids[owner], _iso(opp["CreatedDate"]))
        for change in owner_changes:
            self._record_history(
                ids[change["OpportunityId"]],
                "hubspot_owner_id",
                ids[change["NewValue"]],
                _iso(change["CreatedDate"]),
            )
        # Salesforce logs calls as Tasks of type Call; HubSpot has a calls object for them.
        # Salesforce logs calls and e-mails as Tasks by type; HubSpot has objects for them. A
        # proposal sent by e-mail is a to-do here (a task, with its status).
        for task in org["Task"].values():
            kind, subject = {"Call": ("calls", "hs_call_title"), "Email": ("emails", "hs_email_subject")}.get(
                task["Type"], ("tasks", "hs_task_subject")
            )
            if task["Type"] == "Email" and task["Subject"] == "Send proposal":
                kind, subject = "tasks", "hs_task_subject"
            properties = {
                subject: task["Subject"],
                "hs_timestamp": _iso(task["ActivityDate"]),
                "hubspot_owner_id": ids[task["OwnerId"]],
            }
            if kind == "tasks":
                properties["hs_task_status"] = "COMPLETED" if task["Status"] == "Completed" else "NOT_STARTED"
            self._put(kind, ids[task["Id"]], task["IsDeleted"], task, properties)
            if task["WhatId"]:
                self.engagement_deals[ids[task["Id"]]].append(ids[task["WhatId"]])
        for event in org["Event"].values():
            self._put(
                "meetings",
                ids[event["Id"]],
                event["IsDeleted"],
                event,
                {
                    "hs_meeting_title": event["Subject"],
                    "hs_timestamp": _iso(event["StartDateTime"]),
                    "hubspot_owner_id": ids[event["OwnerId"]],
                },
            )
            if event["WhatId"]:
                self.engagement_deals[ids[event["Id"]]].append(ids[event["WhatId"]])
        self.ids = dict(ids)

    def _translate_leads(self, org: dict[str, dict[str, dict[str, Any]]], ids: dict[str, str]) -> None:
        """HubSpot has no lead object: a lead is a contact in an early lifecycle stage. A converted
        Salesforce lead's stages go to the contact it became; a lead never converted is a contact
        of its own. Each stage's date is when the lead first took that status or a later one."""
        stage_dates: dict[str, dict[str, str]] = defaultdict(dict)
        for change in sorted(org["LeadHistory"].values(), key=lambda h: h["CreatedDate"]):
            reached = LEAD_STATUS_STAGES.get(change["NewValue"], ())
            for stage in reached:
                stage_dates[change["LeadId"]].setdefault(stage, change["CreatedDate"])
        for lead in org["Lead"].values():
            dates = {"lead": lead["CreatedDate"], **stage_dates[lead["Id"]]}
            lifecycle = {
                f"hs_lifecyclestage_{stage}_date": _iso(dates.get(stage))
                for stage in ("lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity")
            }
            lifecycle["lifecyclestage"] = next(
                stage
                for stage in ("opportunity", "salesqualifiedlead", "marketingqualifiedlead", "lead")
                if dates.get(stage)
            )
            lifecycle["hs_analytics_source"] = ORIGINAL_SOURCES.get(lead["LeadSource"])
            if lead["IsConverted"]:
                contact = self.objects["contacts"][ids[lead["ConvertedContactId"]]]
                contact["properties"].update(lifecycle)
                continue
            self._put(
                "contacts",
                ids[lead["Id"]],
                lead["IsDeleted"],
                lead,
                {
                    "firstname": lead["FirstName"],
                    "lastname": lead["LastName"],
                    "email": lead["Email"],
                    "hubspot_owner_id": ids[lead["OwnerId"]],
                    **lifecycle,
                },
                modified="lastmodifieddate",
            )

    def _record_history(self, record_id: str, prop: str, value: str, timestamp: str | None) -> None:
        """HubSpot lists a property's history newest first."""
        self.history[record_id][prop].insert(
            0, {"value": value, "timestamp": timestamp, "sourceType": "CRM_UI"}
        )

    def _put(
        self,
        kind: str,
        record_id: str,
        archived: bool,
        source: dict[str, Any],
        properties: dict[str, Any],
        modified: str = "hs_lastmodifieddate",
    ) -> None:
        properties = {
            k: None if v is None else str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in properties.items()
        }
        properties |= {
            "createdate": _iso(source["CreatedDate"]),
            modified: _iso(source["SystemModstamp"]),
            "hs_object_id": record_id,
        }
        self.objects[kind][record_id] = {
            "id": record_id,
            "properties": properties,
            "archived": bool(archived),
        }

    @staticmethod
    def modified_property(kind: str) -> str:
        return "lastmodifieddate" if kind == "contacts" else "hs_lastmodifieddate"

    def update(self, kind: str, record_id: str, **properties: str) -> None:
        """A user edits a record: its last-modified property moves to now; history grows."""
        now = hubspot_time(datetime.now(UTC))
        with self.lock:
            record = self.objects[kind][record_id]
            record["properties"].update(properties, **{self.modified_property(kind): now})
            for prop, value in properties.items():
                self._record_history(record_id, prop, value, now)

    def archive(self, kind: str, record_id: str) -> None:
        with self.lock:
            record = self.objects[kind][record_id]
            record["archived"] = True
            record["archivedAt"] = hubspot_time(datetime.now(UTC))

    # --- the API -------------------------------------------------------------------------------
    def authorize(self, request: Request) -> Reply | None:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Reply(
                401,
                {
                    "status": "error",
                    "category": "INVALID_AUTHENTICATION",
                    "message": "Authentication credentials not found.",
                },
            )
        return None

    def _paged(self, rows: list[dict[str, Any]], request: Request, limit: int, after: int) -> Reply:
        body: dict[str, Any] = {"results": rows[after : after + limit]}
        if after + limit < len(rows):
            body["paging"] = {"next": {"after": str(after + limit), "link": "..."}}
        return Reply(200, body)

    def _owners(self, request: Request, match: re.Match[str]) -> Reply:
        archived = request.query.get("archived", ["false"])[0] == "true"
        rows = [o for o in self.owners.values() if o["archived"] == archived]
        return self._paged(
            rows,
            request,
            int(request.query.get("limit", ["100"])[0]),
            int(request.query.get("after", ["0"])[0]),
        )

    def _pipelines(self, request: Request, match: re.Match[str]) -> Reply:
        stages = [*settings.OPEN_STAGES, settings.WON_STAGE, settings.LOST_STAGE]
        return Reply(
            200,
            {
                "results": [
                    {
                        "id": "default",
                        "label": "Sales Pipeline",
                        "displayOrder": 0,
                        "archived": False,
                        "stages": [
                            {
                                "id": stage_id(name),
                                "label": name,
                                "displayOrder": order,
                                "archived": False,
                                "metadata": {
                                    "probability": str(probability / 100),
                                    "isClosed": str(name.startswith("Closed")).lower(),
                                },
                            }
                            for order, (name, probability, _) in enumerate(stages)
                        ],
                    }
                ]
            },
        )

    def _search(self, request: Request, match: re.Match[str]) -> Reply:
        kind, body = match["type"], request.json()
        limit, after = body.get("limit", 10), int(body.get("after", 0))
        if after + limit > self.search_limit:
            return Reply(
                400,
                {
                    "status": "error",
                    "category": "VALIDATION_ERROR",
                    "message": f"paging past {self.search_limit} results is not supported",
                },
            )
        rows = [r for r in self.objects[kind].values() if not r["archived"]]
        for f in body["filterGroups"][0]["filters"]:
            value = int(f["value"])
            compare = {"GTE": lambda a, v=value: a >= v, "LT": lambda a, v=value: a < v}[f["operator"]]
            rows = [r for r in rows if compare(_ms(r["properties"][f["propertyName"]]))]
        sort = body["sorts"][0]["propertyName"]
        rows.sort(key=lambda r: (_ms(r["properties"][sort]), r["id"]))
        wanted = set(body.get("properties", []))
        shaped = [
            {
                "id": r["id"],
                "archived": False,
                "properties": {k: v for k, v in r["properties"].items() if k in wanted},
            }
            for r in rows
        ]
        reply = self._paged(shaped, request, limit, after)
        reply.body["total"] = len(rows)
        return reply

    def _list(self, request: Request, match: re.Match[str]) -> Reply:
        kind = match["type"]
        archived = request.query.get("archived", ["false"])[0] == "true"
        wanted = set(request.query.get("properties", [""])[0].split(","))
        rows = [
            {
                "id": r["id"],
                "archived": r["archived"],
                "archivedAt": r.get("archivedAt"),
                "properties": {k: v for k, v in r["properties"].items() if k in wanted},
            }
            for r in self.objects[kind].values()
            if r["archived"] == archived
        ]
        return self._paged(
            rows,
            request,
            int(request.query.get("limit", ["10"])[0]),
            int(request.query.get("after", ["0"])[0]),
        )

    def _batch_read(self, request: Request, match: re.Match[str]) -> Reply:
        body = request.json()
        results = []
        for item in body["inputs"]:
            record = self.objects["deals"].get(item["id"])
            if record and not record["archived"]:
                results.append(
                    {
                        "id": record["id"],
                        "properties": {p: record["properties"].get(p) for p in body.get("properties", [])},
                        "propertiesWithHistory": {
                            p: self.history[record["id"]][p] for p in body.get("propertiesWithHistory", [])
                        },
                    }
                )
        return Reply(200, {"status": "COMPLETE", "results": results})

    def _associations(self, request: Request, match: re.Match[str]) -> Reply:
        # Deal to primary company is type 5, deal to contact type 3; call, e-mail, meeting and task
        # to deal 206, 210, 212 and 216.
        if match["from"] == "deals":
            targets, type_id = (
                (self.deal_companies, 5) if match["to"] == "companies" else (self.deal_contacts, 3)
            )
        elif match["to"] == "deals":
            targets = self.engagement_deals
            type_id = {"calls": 206, "emails": 210, "meetings": 212, "tasks": 216}[match["from"]]
        else:
            return Reply(400, {"status": "error", "message": "unsupported association in this fake"})
        results = [
            {
                "from": {"id": item["id"]},
                "to": [
                    {
                        "toObjectId": int(c),
                        "associationTypes": [
                            {"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": None}
                        ],
                    }
                    for c in targets.get(item["id"], [])
                ],
            }
            for item in request.json()["inputs"]
            if not self.objects[match["from"]].get(item["id"], {"archived": True})["archived"]
        ]
        return Reply(200, {"status": "COMPLETE", "results": results})
