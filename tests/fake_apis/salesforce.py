"""A fake Salesforce org speaking the REST API as documented: OAuth client-credentials tokens,
`queryAll` with SOQL (select list, `WHERE <field> >= <datetime>`, `ORDER BY`), paging through
`nextRecordsUrl` / `query/<locator>`, `IsDeleted` rows, 401 for unknown or expired tokens."""

from __future__ import annotations

import csv
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pyarrow as pa

from ingestion.salesforce.objects import CRM_TABLES
from tests.fake_apis.server import FakeApi, Reply, Request

API = "/services/data/v60.0"
SOQL = re.compile(
    r"SELECT (?P<fields>.+) FROM (?P<object>\w+)"
    r"(?: WHERE (?P<cursor>\w+) >= (?P<since>[0-9T:\-]+Z))? ORDER BY (?P<order>\w+), Id$"
)


def salesforce_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def _json_value(text: str | None, declared: pa.DataType | None) -> Any:
    """A CSV field as the API would send it: typed JSON, timestamps in Salesforce's format."""
    if text is None or text == "":
        return None
    if declared == pa.bool_():
        return text == "true"
    if declared is not None and pa.types.is_integer(declared):
        return int(text)
    if declared is not None and pa.types.is_decimal(declared):
        return float(text)
    if declared is not None and pa.types.is_timestamp(declared):
        return salesforce_time(datetime.fromisoformat(text.replace("Z", "+00:00")))
    return text


def org_from_exports(crm_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The newest version of every record in the demo's export files, by object and Id."""
    org: dict[str, dict[str, dict[str, Any]]] = {}
    for spec in CRM_TABLES:
        records: dict[str, dict[str, Any]] = {}
        for path in sorted((crm_dir / spec.origin).glob("*.csv")):
            with path.open(newline="") as handle:
                for row in csv.DictReader(handle):
                    record = {k: _json_value(v, spec.types.get(k)) for k, v in row.items()}
                    current = records.get(record["Id"])
                    if current is None or record[spec.cursor] >= current[spec.cursor]:
                        records[record["Id"]] = record
        org[spec.origin] = records
    return org


class FakeSalesforce(FakeApi):
    def __init__(self, org: dict[str, dict[str, dict[str, Any]]], page_size: int = 500) -> None:
        super().__init__()
        self.org = org
        self.page_size = page_size
        self.client = ("salesops-client", "s3cret-client-value")
        self.valid_tokens: set[str] = {"static-token"}
        self.issued_tokens: list[str] = []  # by the client-credentials flow
        self._token_numbers = itertools.count(1)
        self._cursors: dict[str, list[dict[str, Any]]] = {}
        self.route("POST", "/services/oauth2/token", self._token)
        self.route("GET", f"{API}/queryAll", self._query_all)
        self.route("GET", f"{API}/query/(?P<locator>[\\w-]+)", self._more)

    def authorize(self, request: Request) -> Reply | None:
        if request.path == "/services/oauth2/token":
            return None
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.valid_tokens:
            return Reply(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        return None

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    def _token(self, request: Request, match: re.Match[str]) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        presented = (form.get("client_id"), form.get("client_secret"))
        if form.get("grant_type") != "client_credentials" or presented != self.client:
            return Reply(400, {"error": "invalid_client", "error_description": "invalid client credentials"})
        token = f"token-{next(self._token_numbers)}"
        self.valid_tokens.add(token)
        self.issued_tokens.append(token)
        return Reply(200, {"access_token": token, "instance_url": self.url, "token_type": "Bearer"})

    def _query_all(self, request: Request, match: re.Match[str]) -> Reply:
        soql = request.query["q"][0]
        parsed = SOQL.match(soql)
        if not parsed or parsed["object"] not in self.org:
            return Reply(400, [{"message": f"unsupported query: {soql}", "errorCode": "MALFORMED_QUERY"}])
        fields = [f.strip() for f in parsed["fields"].split(",")]
        records = list(self.org[parsed["object"]].values())
        if parsed["since"]:
            since = salesforce_time(datetime.fromisoformat(parsed["since"].replace("Z", "+00:00")))
            records = [r for r in records if r[parsed["cursor"]] >= since]
        records.sort(key=lambda r: (r[parsed["order"]], r["Id"]))
        rows = [
            {"attributes": {"type": parsed["object"], "url": f"{API}/sobjects/{parsed['object']}/{r['Id']}"}}
            | {f: r.get(f) for f in fields}
            for r in records
        ]
        return self._page(rows, 0)

    def _page(self, rows: list[dict[str, Any]], start: int) -> Reply:
        end = start + self.page_size
        body: dict[str, Any] = {"totalSize": len(rows), "done": end >= len(rows), "records": rows[start:end]}
        if end < len(rows):
            locator = f"01g{len(self._cursors):012d}"
            self._cursors[locator] = rows
            body["nextRecordsUrl"] = f"{API}/query/{locator}-{end}"
        return Reply(200, body)

    def _more(self, request: Request, match: re.Match[str]) -> Reply:
        locator, _, start = match["locator"].rpartition("-")
        if locator not in self._cursors:
            return Reply(400, [{"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}])
        return self._page(self._cursors[locator], int(start))

    def update(self, sobject: str, record_id: str, **changes: Any) -> None:
        """Change a record as a user would: SystemModstamp moves to now."""
        now = salesforce_time(datetime.now(UTC))
        with self.lock:
            self.org[sobject][record_id].update(changes, LastModifiedDate=now, SystemModstamp=now)
