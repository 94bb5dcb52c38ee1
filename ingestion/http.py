"""HTTP for the API connectors: dlt's retrying session, bearer tokens that refresh once on a 401,
and errors that say what to fix without printing a secret.

Retries (429, 5xx, connection errors and timeouts) are dlt's own: exponential backoff that honours
`Retry-After`, configured like any dlt runtime setting (`[runtime] request_max_attempts`,
`request_backoff_factor`, `request_max_retry_delay`, `request_timeout` in `.dlt/config.toml`, or
`RUNTIME__REQUEST_BACKOFF_FACTOR` ... in the environment), so tests can wait milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import requests
from dlt.common.configuration import resolve_configuration
from dlt.common.configuration.specs import RuntimeConfiguration
from dlt.sources.helpers.requests import Client
from requests.auth import AuthBase


class SourceAuthError(RuntimeError):
    """The API refused our credentials; the message names the setting to fix."""


def retrying_session() -> requests.Session:
    """A session that retries 429 / 5xx / timeouts with dlt's configured backoff; errors are not raised."""
    client = Client(raise_for_status=False)
    client.update_from_config(resolve_configuration(RuntimeConfiguration()))
    return client.session


class BearerTokenAuth(AuthBase):
    """`Authorization: Bearer <token>` (or another scheme: Zoho's is `Zoho-oauthtoken`); with
    `fetch_token`, a 401 fetches a new token and retries once."""

    def __init__(
        self, token: str | None = None, fetch_token: Callable[[], str] | None = None, scheme: str = "Bearer"
    ) -> None:
        if not token and fetch_token is None:
            raise ValueError("BearerTokenAuth needs a token or a way to fetch one")
        self._token = token
        self._fetch_token = fetch_token
        self._scheme = scheme

    def token(self) -> str:
        if not self._token:
            assert self._fetch_token is not None
            self._token = self._fetch_token()
        return self._token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"{self._scheme} {self.token()}"
        if self._fetch_token is not None:
            request.register_hook("response", self._refresh_once_on_401)
        return request

    def _refresh_once_on_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401 or response.request.headers.get("X-Token-Refreshed"):
            return response
        assert self._fetch_token is not None
        self._token = self._fetch_token()
        retry = response.request.copy()
        retry.headers["Authorization"] = f"{self._scheme} {self._token}"
        retry.headers["X-Token-Refreshed"] = "1"
        response.close()
        connection: Any = response.connection
        second = connection.send(retry, **kwargs)
        second.history.append(response)
        second.request = retry
        return second


def check_response(response: requests.Response, what: str, credentials_hint: str) -> requests.Response:
    """Raise a clear error for a failed response (after dlt's retries gave up)."""
    if response.status_code in (401, 403):
        raise SourceAuthError(
            f"{what}: the API answered {response.status_code} {response.reason} at "
            f"{response.request.method} {_without_query(response.url)}. The credentials were refused: "
            f"{credentials_hint}. Nothing was loaded from this source and its incremental state is unchanged."
        )
    if not response.ok:
        raise RuntimeError(
            f"{what}: {response.request.method} {_without_query(response.url)} failed with "
            f"{response.status_code} {response.reason} after retries{_api_message(response)}"
        )
    return response


def _api_message(response: requests.Response) -> str:
    """The API's own error message and code, if it sent JSON, short and with credentials blanked.
    Never the raw body: a server that echoes the request would put the bearer token in the error."""
    try:
        body = response.json()
    except ValueError:
        return ""
    first = body[0] if isinstance(body, list) and body else body
    if not isinstance(first, dict):
        return ""
    parts = [str(first[key]) for key in ("errorCode", "category", "code", "message") if first.get(key)]
    text = " - ".join(parts)
    # Whatever follows a credential's name is cut off, whatever it is.
    if (found := re.search(r"(?i)bearer|authorization|token|secret|password", text)) is not None:
        text = f"{text[: found.start()]}[redacted]"
    return f": {text[:200]}" if text else ""


def _without_query(url: str) -> str:
    # Query strings can hold tokens on some APIs; never print them.
    return url.split("?", 1)[0]
