"""A local HTTP server for the API tests: replays scripted responses and records every request.

Routes are keyed by ``path?query`` with the query's parameters sorted (``key(path, params)``); a
route holds one reply or a list of replies served in turn (the last one then repeats), so "429,
then 200" or "500 in the middle" is a list. ``{base}`` in a reply's headers or body is replaced by
the server's URL (``next_page`` links, ``Link`` headers). Anything not scripted answers 404.
Listens on 127.0.0.1 only, on a free port, in a daemon thread.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # bytes are sent as they are; anything else as JSON
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0  # wait before answering (a slow server: timeouts)

    def payload(self, base: str) -> bytes:
        if isinstance(self.body, bytes):
            return self.body.replace(b"{base}", base.encode())
        if self.body is None:
            return b""
        return json.dumps(self.body).replace("{base}", base).encode()


@dataclass(frozen=True)
class Received:
    path: str
    params: dict[str, str]
    headers: dict[str, str]

    @property
    def route(self) -> str:
        return key(self.path, self.params)


def key(path: str, params: Mapping[str, Any] | None = None) -> str:
    """The route of a request: its path and its parameters sorted by name."""
    if not params:
        return path
    return f"{path}?{urlencode(sorted((name, str(value)) for name, value in params.items()))}"


class ReplayServer:
    def __init__(self, routes: Mapping[str, Reply | list[Reply]] | None = None) -> None:
        self.routes: dict[str, list[Reply]] = {}
        for route, replies in (routes or {}).items():
            self.add(route, replies)
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def add(self, route: str, replies: Reply | list[Reply]) -> None:
        self.routes[route] = list(replies) if isinstance(replies, list) else [replies]

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def routes_received(self) -> list[str]:
        return [request.route for request in self.received]

    def _reply(self, request: Received) -> Reply:
        with self._lock:
            self.received.append(request)
            queue = self.routes.get(request.route)
            if not queue:
                return Reply(404, {"error": "RecordNotFound", "description": f"not scripted: {request.route}"})
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                request = Received(
                    path=parts.path,
                    params=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={name.lower(): value for name, value in self.headers.items()},
                )
                reply = server._reply(request)
                if reply.delay_seconds:
                    time.sleep(reply.delay_seconds)
                payload = reply.payload(server.url)
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value.replace("{base}", server.url))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def replay_server(routes: Mapping[str, Reply | list[Reply]] | None = None) -> Iterator[ReplayServer]:
    server = ReplayServer(routes)
    server.start()
    try:
        yield server
    finally:
        server.stop()
