"""A fake Zoho CRM speaking API v8 as documented: the OAuth refresh-token flow (its `api_domain`
answer, a 200 with `error` for a bad refresh token), `Zoho-oauthtoken` headers with 401
INVALID_TOKEN once a token expires, records paged by `page_token` (page numbers stop at 2,000
records; a token is bound to the parameters it was issued for), `If-Modified-Since` (304 when
nothing changed), the `deleted` list, users, the Deals Stage picklist in field metadata, each deal's
Stage_History and Contact_Roles related lists and timeline, each lead's timeline, each campaign's
Leads and Contacts related lists (members with their Member_Status, no response date), and Leads
read as documented: only unconverted ones unless `converted` is `true` or `both`. Its data is the
demo company's CRM, translated to Zoho's modules."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from ingestion.demo_company import settings
from ingestion.zoho import zoho_time
from tests.fake_apis.server import FakeApi, Reply, Request

CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN = "1000.FAKECLIENT", "fake-client-secret", "1000.fake-refresh-token"
API = "/crm/v8"
# Zoho's picklist values for the demo's Salesforce deal types: two defaults and a custom option.
DEAL_TYPES = {"New Business": "New Business", "Expansion": "Existing Business", "Renewal": "Renewal"}
# Zoho's standard Lead_Status values for the demo's Salesforce ones. Zoho has no "converted"
# status: a conversion sets Converted__s and leaves the status as it was.
LEAD_STATUSES = {
    "Open - Not Contacted": "Not Contacted",
    "Working - Contacted": "Contacted",
    "Qualified": "Pre-Qualified",
    "Closed - Not Converted": "Not Qualified",
}
CONVERTED_STATUS = "Closed - Converted"


def _zoho_time(value: str | None) -> str | None:
    """A fake-Salesforce timestamp as Zoho's."""
    if value is None:
        return None
    return zoho_time(datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z"))


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


class FakeZoho(FakeApi):
    def __init__(
        self,
        salesforce_org: dict[str, dict[str, dict[str, Any]]],
        records_limit: int = 2000,
        token_lifetime: int | None = None,
    ) -> None:
        super().__init__()
        self.records_limit = records_limit  # how far `page` numbers reach, in records
        self.token_lifetime = token_lifetime  # API requests a token serves before it expires
        self._token_uses: dict[str, int] = defaultdict(int)
        self.valid_tokens: set[str] = set()
        self.issued_tokens: list[str] = []
        self._token_numbers = itertools.count(1)
        self.users: dict[str, dict[str, Any]] = {}
        self.modules: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.deleted: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.stage_history: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.timeline: dict[str, list[dict[str, Any]]] = defaultdict(list)  # of deals and leads
        self.contact_roles: dict[str, list[dict[str, Any]]] = defaultdict(list)  # by deal
        # by (campaign, Leads or Contacts): a converted lead's memberships moved to its contact
        self.campaign_members: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self.ids: dict[str, str] = {}  # Salesforce Id -> Zoho id, for translating plan files
        self._page_tokens: dict[str, tuple[int, dict[str, list[str]]]] = {}
        self._translate(salesforce_org)
        self.route("POST", "/oauth/v2/token", self._token)
        self.route("GET", f"{API}/users", self._users)
        self.route("GET", f"{API}/settings/fields", self._fields)
        self.route("GET", f"{API}/(?P<module>\\w+)/deleted", self._deleted)
        self.route("GET", f"{API}/Deals/(?P<id>\\d+)/Stage_History", self._stage_history)
        self.route("GET", f"{API}/(?:Deals|Leads)/(?P<id>\\d+)/__timeline", self._timeline)
        self.route("GET", f"{API}/Deals/(?P<id>\\d+)/Contact_Roles", self._contact_roles)
        self.route("GET", f"{API}/Campaigns/(?P<id>\\d+)/(?P<module>Leads|Contacts)", self._campaign_members)
        self.route("GET", f"{API}/(?P<module>\\w+)", self._records)

    # --- the demo company as a Zoho organisation ------------------------------------------------
    def _translate(self, org: dict[str, dict[str, dict[str, Any]]]) -> None:
        numbers = itertools.count(1)
        ids: dict[str, str] = defaultdict(lambda: str(5_725_767_000_000_000_000 + next(numbers)))

        def lookup(salesforce_id: str | None) -> dict[str, str] | None:
            return {"id": ids[salesforce_id]} if salesforce_id else None

        for user in org["User"].values():
            self.users[ids[user["Id"]]] = {
                "id": ids[user["Id"]],
                "full_name": user["Name"],
                "email": user["Email"],
                "status": "active" if user["IsActive"] else "disabled",
                "role": {"id": ids[user["UserRoleId"]], "name": "role"} if user["UserRoleId"] else None,
                "Reporting_To": lookup(user["ManagerId"]),
                "created_time": _zoho_time(user["CreatedDate"]),
                "Modified_Time": _zoho_time(user["SystemModstamp"]),
            }
        modules = (
            ("Accounts", org["Account"].values(), lambda a: {
                "Account_Name": a["Name"], "Account_Type": a["Type"], "Industry": a["Industry"],
                "Billing_Country": a["BillingCountry"], "Employees": a["NumberOfEmployees"],
                "Segment": a["Segment__c"],
            }),
            ("Contacts", org["Contact"].values(), lambda c: {
                "First_Name": c["FirstName"], "Last_Name": c["LastName"], "Email": c["Email"],
                "Phone": c["Phone"], "Title": c["Title"], "Account_Name": lookup(c["AccountId"]),
            }),
            ("Deals", org["Opportunity"].values(), lambda o: {
                "Deal_Name": o["Name"], "Account_Name": lookup(o["AccountId"]), "Stage": o["StageName"],
                "Amount": o["Amount"], "Currency": o["CurrencyIsoCode"], "Closing_Date": o["CloseDate"],
                "Type": DEAL_TYPES[o["Type"]], "Probability": o["Probability"],
                "Term_Months": o["Term_Months__c"],
                "Lead_Source": o["LeadSource"], "Contact_Name": lookup(primary_contacts.get(o["Id"])),
            }),
            ("Leads", org["Lead"].values(), lambda lead: {
                "Company": lead["Company"], "Lead_Source": lead["LeadSource"],
                "Lead_Status": LEAD_STATUSES[lead["Status"]] if lead["Status"] != CONVERTED_STATUS
                else LEAD_STATUSES[converted_from[lead["Id"]]],
                "Converted__s": lead["IsConverted"],
                "Converted_Date_Time": converted_at.get(lead["Id"]),
                "Converted_Account": lookup(lead["ConvertedAccountId"]),
                "Converted_Contact": lookup(lead["ConvertedContactId"]),
                "Converted_Deal": lookup(lead["ConvertedOpportunityId"]),
            }),
            ("Campaigns", org["Campaign"].values(), lambda c: {
                "Campaign_Name": c["Name"], "Type": c["Type"], "Status": c["Status"],
                "Start_Date": c["StartDate"], "End_Date": c["EndDate"], "Currency": c["CurrencyIsoCode"],
                "Budgeted_Cost": c["BudgetedCost"], "Actual_Cost": c["ActualCost"],
                "Parent_Campaign": lookup(c["ParentId"]),
            }),
            # Salesforce logs calls and e-mails as Tasks by type: calls are Zoho Calls, the rest
            # Zoho Tasks; events are Zoho Events (meetings). Activities name the deal in What_Id.
            ("Calls", [t for t in org["Task"].values() if t["Type"] == "Call"], lambda t: {
                "Subject": t["Subject"], "Call_Type": "Outbound",
                "Call_Start_Time": f"{t['ActivityDate']}T10:00:00+00:00", "What_Id": lookup(t["WhatId"]),
            }),
            ("Tasks", [t for t in org["Task"].values() if t["Type"] != "Call"], lambda t: {
                "Subject": t["Subject"], "Status": t["Status"], "Due_Date": t["ActivityDate"],
                "What_Id": lookup(t["WhatId"]),
            }),
            ("Events", org["Event"].values(), lambda e: {
                "Event_Title": e["Subject"], "Start_DateTime": _zoho_time(e["StartDateTime"]),
                "End_DateTime": _zoho_time(e["EndDateTime"]), "What_Id": lookup(e["WhatId"]),
            }),
        )  # fmt: skip
        live_roles = [r for r in org["OpportunityContactRole"].values() if not r["IsDeleted"]]
        primary_contacts = {r["OpportunityId"]: r["ContactId"] for r in live_roles if r["IsPrimary"]}
        # A conversion is the status change to "converted": its time, and the status it left.
        status_changes = sorted(
            (h for h in org["LeadHistory"].values() if h["Field"] == "Status" and not h["IsDeleted"]),
            key=lambda h: h["CreatedDate"],
        )
        converted_at = {
            h["LeadId"]: _zoho_time(h["CreatedDate"])
            for h in status_changes
            if h["NewValue"] == CONVERTED_STATUS
        }
        converted_from = {
            h["LeadId"]: h["OldValue"] for h in status_changes if h["NewValue"] == CONVERTED_STATUS
        }
        for module, records, fields in modules:
            for record in records:
                zoho_id = ids[record["Id"]]
                if record["IsDeleted"]:
                    # The API does not return records in the recycle bin: only their ids.
                    self.deleted[module].append(
                        {"id": zoho_id, "type": "recycle", "display_name": record.get("Name"),
                         "deleted_time": _zoho_time(record["SystemModstamp"])}
                    )  # fmt: skip
                    continue
                self.modules[module][zoho_id] = {
                    "id": zoho_id,
                    # Every Zoho record has an owner: the demo's campaigns have none, the first user's.
                    "Owner": lookup(record["OwnerId"] or next(iter(org["User"]))),
                    "Created_Time": _zoho_time(record["CreatedDate"]),
                    "Modified_Time": _zoho_time(record["SystemModstamp"]),
                    **fields(record),
                }
        for role in sorted(live_roles, key=lambda r: r["Id"]):
            self.contact_roles[ids[role["OpportunityId"]]].append(
                {
                    "id": ids[role["ContactId"]],
                    "Contact_Role": {"name": role["Role"], "id": ids[role["Role"]]},
                }
            )
        for member in sorted(org["CampaignMember"].values(), key=lambda m: m["Id"]):
            if member["IsDeleted"]:
                continue
            module, member_id = (
                ("Contacts", member["ContactId"]) if member["ContactId"] else ("Leads", member["LeadId"])
            )
            self.campaign_members[(ids[member["CampaignId"]], module)].append(
                {"id": ids[member_id], "Member_Status": member["Status"]}
            )
        for change in sorted(org["OpportunityHistory"].values(), key=lambda h: h["CreatedDate"]):
            if change["IsDeleted"]:
                continue
            self.stage_history[ids[change["OpportunityId"]]].append(
                {
                    "id": ids[change["Id"]],
                    "Stage": change["StageName"],
                    "Amount": change["Amount"],
                    "Closing_Date": change["CloseDate"],
                    "Probability": change["Probability"],
                    "Modified_Time": _zoho_time(change["CreatedDate"]),
                }
            )
        for change in org["OpportunityFieldHistory"].values():
            if change["Field"] != "Owner" or change["IsDeleted"]:
                continue
            self.timeline[ids[change["OpportunityId"]]].append(
                {
                    "action": "updated",
                    "audited_time": _zoho_time(change["CreatedDate"]),
                    "field_history": [
                        {
                            "api_name": "Owner",
                            "field_label": "Deal Owner",
                            "_value": {"old": lookup(change["OldValue"]), "new": lookup(change["NewValue"])},
                        }
                    ],
                }
            )
        for change in status_changes:
            if change["NewValue"] == CONVERTED_STATUS:
                continue
            self.timeline[ids[change["LeadId"]]].append(
                {
                    "action": "updated",
                    "audited_time": _zoho_time(change["CreatedDate"]),
                    "field_history": [
                        {
                            "api_name": "Lead_Status",
                            "field_label": "Lead Status",
                            "_value": {
                                "old": LEAD_STATUSES[change["OldValue"]],
                                "new": LEAD_STATUSES[change["NewValue"]],
                            },
                        }
                    ],
                }
            )
        self.ids = dict(ids)

    def update(self, module: str, record_id: str, **fields: Any) -> None:
        """A user edits a record: its Modified_Time moves to now."""
        with self.lock:
            self.modules[module][record_id].update(fields, Modified_Time=zoho_time(datetime.now(UTC)))

    def delete(self, module: str, record_id: str) -> None:
        with self.lock:
            record = self.modules[module].pop(record_id)
            self.deleted[module].append(
                {"id": record_id, "type": "recycle", "display_name": str(record.get("Deal_Name")),
                 "deleted_time": zoho_time(datetime.now(UTC))}
            )  # fmt: skip

    def expire_tokens(self) -> None:
        with self.lock:
            self.valid_tokens.clear()

    # --- the API -------------------------------------------------------------------------------
    def authorize(self, request: Request) -> Reply | None:
        if request.path == "/oauth/v2/token":
            return None
        token = request.headers.get("Authorization", "").removeprefix("Zoho-oauthtoken ")
        with self.lock:
            self._token_uses[token] += 1
            if self.token_lifetime is not None and self._token_uses[token] > self.token_lifetime:
                self.valid_tokens.discard(token)
        if token not in self.valid_tokens:
            return Reply(
                401,
                {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"},
            )
        return None

    def _token(self, request: Request, match: re.Match[str]) -> Reply:
        form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
        credentials = (form.get("client_id"), form.get("client_secret"), form.get("refresh_token"))
        if (
            credentials != (CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
            or form.get("grant_type") != "refresh_token"
        ):
            return Reply(200, {"error": "invalid_code"})
        token = f"1000.access-{next(self._token_numbers)}"
        self.valid_tokens.add(token)
        self.issued_tokens.append(token)
        return Reply(
            200, {"access_token": token, "api_domain": self.url, "token_type": "Bearer", "expires_in": 3600}
        )

    @staticmethod
    def _since(request: Request) -> datetime | None:
        value = request.headers.get("If-Modified-Since")
        return _moment(value) if value else None

    def _records(self, request: Request, match: re.Match[str]) -> Reply:
        module, query = match["module"], request.query
        since = self._since(request)
        rows = sorted(self.modules[module].values(), key=lambda r: (r["Modified_Time"], r["id"]))
        if module == "Leads":
            converted = query.get("converted", ["false"])[0]
            rows = [r for r in rows if converted == "both" or str(r["Converted__s"]).lower() == converted]
        if since is not None:
            rows = [r for r in rows if _moment(r["Modified_Time"]) > since]
            if not rows:
                return Reply(304)
        per_page = int(query.get("per_page", ["200"])[0])
        bound = {k: v for k, v in query.items() if k not in ("page_token", "page")}
        if "page_token" in query:
            start, issued_for = self._page_tokens.pop(query["page_token"][0], (None, {}))
            if start is None:
                return Reply(
                    400, {"code": "INVALID_DATA", "message": "invalid page token", "status": "error"}
                )
            if issued_for != bound:
                message = "the page_token is bound to the parameters used in the request"
                return Reply(400, {"code": "TOKEN_BOUND_DATA_MISMATCH", "message": message})
        else:
            start = (int(query.get("page", ["1"])[0]) - 1) * per_page
            if start + per_page > self.records_limit:
                message = f"use page_token to fetch more than {self.records_limit} records"
                return Reply(400, {"code": "DISCRETE_PAGINATION_LIMIT_EXCEEDED", "message": message})
        wanted = {"id", *query.get("fields", [""])[0].split(",")}
        page = [{k: v for k, v in r.items() if k in wanted} for r in rows[start : start + per_page]]
        if not page:
            return Reply(204)
        more = start + per_page < len(rows)
        info: dict[str, Any] = {"per_page": per_page, "count": len(page), "more_records": more}
        if more:
            token = f"{module}-{start + per_page}-{next(self._token_numbers)}"
            self._page_tokens[token] = (start + per_page, bound)
            info["next_page_token"] = token
        return Reply(200, {"data": page, "info": info})

    def _numbered(self, key: str, rows: list[dict[str, Any]], request: Request) -> Reply:
        per_page = int(request.query.get("per_page", ["200"])[0])
        start = (int(request.query.get("page", ["1"])[0]) - 1) * per_page
        page = rows[start : start + per_page]
        if not page:
            return Reply(204)
        more = start + per_page < len(rows)
        return Reply(
            200, {key: page, "info": {"per_page": per_page, "count": len(page), "more_records": more}}
        )

    def _users(self, request: Request, match: re.Match[str]) -> Reply:
        return self._numbered("users", list(self.users.values()), request)

    def _deleted(self, request: Request, match: re.Match[str]) -> Reply:
        since = self._since(request)
        rows = [
            d for d in self.deleted[match["module"]] if since is None or _moment(d["deleted_time"]) > since
        ]
        return self._numbered("data", rows, request) if rows else Reply(304 if since else 204)

    def _stage_history(self, request: Request, match: re.Match[str]) -> Reply:
        return self._numbered("data", self.stage_history.get(match["id"], []), request)

    def _contact_roles(self, request: Request, match: re.Match[str]) -> Reply:
        return self._numbered("data", self.contact_roles.get(match["id"], []), request)

    def _campaign_members(self, request: Request, match: re.Match[str]) -> Reply:
        members = self.campaign_members.get((match["id"], match["module"]), [])
        return self._numbered("data", members, request)

    def _timeline(self, request: Request, match: re.Match[str]) -> Reply:
        return self._numbered("__timeline", self.timeline.get(match["id"], []), request)

    def _fields(self, request: Request, match: re.Match[str]) -> Reply:
        stages = [*settings.OPEN_STAGES, settings.WON_STAGE, settings.LOST_STAGE]
        forecast_types = {settings.WON_STAGE[0]: "Closed Won", settings.LOST_STAGE[0]: "Closed Lost"}
        values = [
            {
                "actual_value": name,
                "display_value": name,
                "sequence_number": number,
                "probability": probability,
                "forecast_category": {"name": category, "id": str(number)},
                "forecast_type": forecast_types.get(name, "Open"),
            }
            for number, (name, probability, category) in enumerate(stages, start=1)
        ]
        return Reply(
            200, {"fields": [{"api_name": "Stage", "data_type": "picklist", "pick_list_values": values}]}
        )
