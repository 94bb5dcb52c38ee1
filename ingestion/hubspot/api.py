"""HubSpot CRM v3 over HTTP: a private-app token, `paging.next.after` cursors, and the search API
with its 10,000-result ceiling handled by splitting the time window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ingestion.http import BearerTokenAuth, SourceAuthError, check_response, retrying_session

CREDENTIALS_HINT = (
    "set sources.hubspot.access_token (a private app token with crm.objects.*.read and "
    "crm.schemas.deals.read scopes) in .dlt/secrets.toml or as SOURCES__HUBSPOT__ACCESS_TOKEN"
)
Record = dict[str, Any]


class HubSpotApi:
    def __init__(self, base_url: str, access_token: str | None, page_size: int, search_limit: int) -> None:
        self._base_url = base_url.rstrip("/")
        self._auth = BearerTokenAuth(token=access_token) if access_token else None
        self._session = retrying_session()
        self.page_size = page_size
        self.search_limit = search_limit

    def _send(self, method: str, path: str, what: str, **kwargs: Any) -> Record:
        if self._auth is None:  # checked when a load starts, so definitions load without secrets
            raise SourceAuthError(f"HubSpot: no access token configured; {CREDENTIALS_HINT}.")
        response = self._session.request(method, f"{self._base_url}{path}", auth=self._auth, **kwargs)
        return check_response(response, what, CREDENTIALS_HINT).json()

    def post(self, path: str, body: Record, what: str) -> Record:
        return self._send("POST", path, what, json=body)

    def get(self, path: str, what: str, params: Record | None = None) -> Record:
        return self._send("GET", path, what, params=params)

    def list_pages(self, path: str, what: str, params: Record) -> Iterator[list[Record]]:
        """GET pages, following `paging.next.after` until there is none."""
        params = {**params, "limit": self.page_size}
        while True:
            body = self.get(path, what, params)
            yield body.get("results", [])
            after = body.get("paging", {}).get("next", {}).get("after")
            if not after:
                return
            params = {**params, "after": after}

    def search(
        self,
        object_type: str,
        modified_property: str,
        properties: tuple[str, ...],
        start_ms: int,
        end_ms: int,
    ) -> Iterator[list[Record]]:
        """Records modified in [start_ms, end_ms), oldest first.

        The search API stops at `search_limit` results (10,000) per query; a window holding more is
        split in two, and again, until each half fits.
        """
        what = f"HubSpot {object_type} search"
        path = f"/crm/v3/objects/{object_type}/search"
        body: Record = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": modified_property, "operator": "GTE", "value": str(start_ms)},
                        {"propertyName": modified_property, "operator": "LT", "value": str(end_ms)},
                    ]
                }
            ],
            "sorts": [{"propertyName": modified_property, "direction": "ASCENDING"}],
            "properties": list(properties),
            "limit": self.page_size,
        }
        page = self.post(path, body, what)
        if page.get("total", 0) > self.search_limit and end_ms - start_ms > 1:
            middle = (start_ms + end_ms) // 2
            yield from self.search(object_type, modified_property, properties, start_ms, middle)
            yield from self.search(object_type, modified_property, properties, middle, end_ms)
            return
        while True:
            yield page.get("results", [])
            after = page.get("paging", {}).get("next", {}).get("after")
            if not after:
                return
            page = self.post(path, {**body, "after": after}, what)
