"""Zoho CRM over HTTP: the OAuth refresh-token flow at the account's data centre, `Zoho-oauthtoken`
headers, `If-Modified-Since` reads, and paging by `page_token` (page numbers stop at 2,000 records)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests

from ingestion.http import BearerTokenAuth, SourceAuthError, check_response, retrying_session

CREDENTIALS_HINT = (
    "set sources.zoho.client_id, client_secret and refresh_token (a Zoho API console client with the "
    "ZohoCRM.modules.READ, ZohoCRM.users.READ and ZohoCRM.settings.fields.READ scopes), and "
    "sources.zoho.accounts_url for the account's data centre (https://accounts.zoho.eu, .in, "
    ".com.au, .jp, .ca), in .dlt/secrets.toml or as SOURCES__ZOHO__... environment variables"
)
Record = dict[str, Any]


class ZohoApi:
    """One Zoho CRM organisation. An access token is fetched at first use and again on a 401."""

    def __init__(
        self,
        accounts_url: str,
        client_id: str | None,
        client_secret: str | None,
        refresh_token: str | None,
        api_version: str,
        page_size: int,
    ) -> None:
        self._session = retrying_session()
        self._accounts_url = accounts_url.rstrip("/")
        self._credentials = (client_id, client_secret, refresh_token)
        self._api_version = api_version
        self._api_domain: str | None = None
        self.page_size = page_size
        self._auth = (
            BearerTokenAuth(fetch_token=self._access_token, scheme="Zoho-oauthtoken")
            if all(self._credentials)
            else None
        )

    def _access_token(self) -> str:
        client_id, client_secret, refresh_token = self._credentials
        response = self._session.post(
            f"{self._accounts_url}/oauth/v2/token",
            data={
                "grant_type": "refresh_token",
                "client_id": client_id,
                "client_secret": client_secret,
                "refresh_token": refresh_token,
            },
        )
        body = check_response(response, "Zoho token refresh", CREDENTIALS_HINT).json()
        # A refused refresh token comes back as 200 with an `error` field, not as a 4xx.
        if "access_token" not in body:
            raise SourceAuthError(
                f"Zoho token refresh at {self._accounts_url} was refused ({body.get('error', 'no token')}); "
                f"{CREDENTIALS_HINT}. Nothing was loaded from this source."
            )
        # The token answer names the data centre's API domain (www.zohoapis.eu, ...).
        self._api_domain = str(body.get("api_domain") or self._api_domain)
        return str(body["access_token"])

    def _get(self, path: str, what: str, params: Record, modified_since: str | None = None) -> Record | None:
        """One GET; None when there is nothing (204) or nothing changed since (304)."""
        if self._auth is None:  # checked when a load starts, so definitions load without secrets
            raise SourceAuthError(f"Zoho: no credentials configured; {CREDENTIALS_HINT}.")
        self._auth.token()  # the first token also tells the API domain
        headers = {"If-Modified-Since": modified_since} if modified_since else {}
        response: requests.Response = self._session.get(
            f"{self._api_domain}/crm/{self._api_version}{path}",
            params=params,
            headers=headers,
            auth=self._auth,
        )
        if response.status_code in (204, 304):
            return None
        return check_response(response, what, CREDENTIALS_HINT).json()

    def records(
        self, module: str, fields: tuple[str, ...], modified_since: str | None, params: Record | None = None
    ) -> Iterator[list[Record]]:
        """Pages of a module's records (modified since `modified_since`, if given), by page_token."""
        what = f"Zoho {module}"
        base = {"fields": ",".join(fields), "per_page": self.page_size, **(params or {})}
        params: Record = base
        while (body := self._get(f"/{module}", what, params, modified_since)) is not None:
            yield body.get("data", [])
            info = body.get("info", {})
            if not info.get("more_records"):
                return
            params = {**base, "page_token": info["next_page_token"]}

    def numbered_pages(
        self, path: str, what: str, key: str, params: Record, modified_since: str | None = None
    ) -> Iterator[list[Record]]:
        """Pages of a list that pages by number (users, deleted records, related lists)."""
        page = 1
        while (
            body := self._get(
                path, what, {**params, "page": page, "per_page": self.page_size}, modified_since
            )
        ) is not None:
            yield body.get(key, [])
            if not body.get("info", {}).get("more_records"):
                return
            page += 1

    def get(self, path: str, what: str, params: Record) -> Record:
        return self._get(path, what, params) or {}
