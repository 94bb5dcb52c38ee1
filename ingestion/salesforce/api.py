"""Salesforce REST: OAuth tokens and SOQL through `queryAll`, paged by `nextRecordsUrl`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from ingestion.http import BearerTokenAuth, SourceAuthError, check_response, retrying_session

CREDENTIALS_HINT = (
    "set sources.salesforce.access_token (with instance_url), or token_url, client_id and "
    "client_secret for the client-credentials flow, in .dlt/secrets.toml or as "
    "SOURCES__SALESFORCE__... environment variables"
)


class SalesforceApi:
    """One connected org. With client credentials, a token is fetched at first use and on a 401."""

    def __init__(
        self,
        instance_url: str | None,
        api_version: str,
        access_token: str | None = None,
        token_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> None:
        self._session = retrying_session()
        self._instance_url = instance_url
        self._api_version = api_version
        self._token_request = (token_url, client_id, client_secret)
        self._auth: BearerTokenAuth | None = None
        if access_token:
            self._auth = BearerTokenAuth(token=access_token)
        elif token_url and client_id and client_secret:
            self._auth = BearerTokenAuth(fetch_token=self._client_credentials_token)

    def _checked_auth(self) -> BearerTokenAuth:
        # Checked when a load starts, not when the source is declared: Dagster loads definitions
        # without credentials, and only a run needs them.
        if self._auth is None:
            raise SourceAuthError(f"Salesforce: no credentials configured; {CREDENTIALS_HINT}.")
        if not self._instance_url and not self._token_request[0]:
            raise SourceAuthError(f"Salesforce: no instance_url configured; {CREDENTIALS_HINT}.")
        return self._auth

    def _client_credentials_token(self) -> str:
        token_url, client_id, client_secret = self._token_request
        assert token_url is not None
        response = self._session.post(
            token_url,
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret},
        )
        body = check_response(response, "Salesforce token request", CREDENTIALS_HINT).json()
        # The token answer names the org's instance; it wins over a configured one.
        self._instance_url = body.get("instance_url") or self._instance_url
        return str(body["access_token"])

    def query_all(self, soql: str, what: str) -> Iterator[list[dict[str, Any]]]:
        """Pages of records, deleted ones included (`queryAll` returns rows with IsDeleted = true).

        The loop is ours, not dlt's RESTClient: a response hook there would see a 429 before the
        retry does, and the status is checked only once dlt's retries are done.
        """
        auth = self._checked_auth()
        auth.token()  # a client-credentials token also tells the instance URL
        url: str | None = f"{self._instance_url}/services/data/{self._api_version}/queryAll"
        params: dict[str, str] | None = {"q": soql}
        while url:
            response = self._session.get(url, params=params, auth=auth)
            body = check_response(response, what, CREDENTIALS_HINT).json()
            yield [{k: v for k, v in record.items() if k != "attributes"} for record in body["records"]]
            next_url = body.get("nextRecordsUrl")
            url, params = (urljoin(f"{self._instance_url}/", next_url), None) if next_url else (None, None)
