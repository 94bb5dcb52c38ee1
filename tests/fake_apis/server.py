"""A small threaded HTTP server for fake APIs: routing, a request log, and injected failures."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)
    status: int = 0

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request, re.Match[str]], Reply]


class FakeApi:
    """Subclasses add routes; tests read `requests` and queue failures with `fail_next`."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[Request] = []
        self.failures: list[Reply] = []
        self.lock = threading.Lock()
        self.delay_when: Callable[[Request], float] = lambda request: 0.0
        api = self

        class _Handler(BaseHTTPRequestHandler):
            # Keep-alive, as the real APIs: a client's session sends its requests on one
            # connection (HTTP/1.0 opened a connection and a server thread per request).
            protocol_version = "HTTP/1.1"
            # The headers and the body go out as two writes: with Nagle's algorithm the second
            # waits for the client's delayed ACK (40 ms a request on a kept connection).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parsed = urlparse(self.path)
                request = Request(
                    self.command,
                    parsed.path,
                    parse_qs(parsed.query),
                    dict(self.headers.items()),
                    self.rfile.read(length),
                )
                reply = api.dispatch(request)
                payload = b"" if reply.body is None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _serve
            do_POST = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(pattern + "$"), handler))

    def fail_next(self, *replies: Reply) -> None:
        """The next requests (any route, after auth) get these replies, in order."""
        with self.lock:
            self.failures.extend(replies)

    def dispatch(self, request: Request) -> Reply:
        with self.lock:
            self.requests.append(request)
        time.sleep(self.delay_when(request))
        reply = self._dispatch(request)
        request.status = reply.status
        return reply

    def _dispatch(self, request: Request) -> Reply:
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if method == request.method and match:
                denied = self.authorize(request)
                if denied:
                    return denied
                with self.lock:
                    failure = self.failures.pop(0) if self.failures else None
                if failure:
                    return failure
                with self.lock:
                    return handler(request, match)
        return Reply(404, [{"message": f"no route for {request.method} {request.path}"}])

    def authorize(self, request: Request) -> Reply | None:
        return None

    def requests_to(self, fragment: str) -> list[Request]:
        return [r for r in self.requests if fragment in r.path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
