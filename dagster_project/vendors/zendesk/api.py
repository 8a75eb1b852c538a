"""Pull Zendesk Support through its Incremental Export API into ``<landing>/helpdesk/zendesk/``.

Streams (each page written unchanged as ``<stream>-<seq:08d>.json``, docs/connectors.md):
- ``tickets``, ``users``: cursor-based incremental export: ``start_time`` on the first request,
  then ``cursor=<after_cursor>`` until ``end_of_stream``; the last ``after_cursor`` is kept for the
  next pull. An expired or invalid cursor (HTTP 400/422 to a ``cursor=`` request) restarts the
  stream once with ``start_time`` = the highest ``updated_at`` already stored for it.
- ``ticket_events`` (``include=comment_events``), ``ticket_metric_events``: time-based export:
  ``start_time``, then the page's ``end_time``, until ``end_of_stream``.
- ``groups``: the full list on every pull, following ``next_page``.
At most ``SUPPORT_KPI_ZENDESK_REQUESTS_PER_MINUTE`` (default 10, the incremental export limit)
requests a minute, retries included.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from requests.auth import AuthBase

from dagster_project.connectors.base import (
    Log,
    PullResult,
    account_base_url,
    default_log,
    env_rate,
    env_start,
    environ,
    parse_timestamp,
)
from dagster_project.connectors.http import (
    ApiClient,
    Clock,
    ConnectorConfigError,
    ConnectorError,
    ConnectorHTTPError,
    HttpSettings,
    Throttle,
    relative_url,
)
from dagster_project.connectors.pages import PageStore, boundary_keys, only_seen

VENDOR = "zendesk"
SUBDOMAIN_ENV = "ZENDESK_SUBDOMAIN"
EMAIL_ENV = "ZENDESK_EMAIL"
TOKEN_ENV = "ZENDESK_API_TOKEN"
OAUTH_ENV = "ZENDESK_OAUTH_TOKEN"
BASE_URL_ENV = "SUPPORT_KPI_ZENDESK_BASE_URL"
RATE_ENV = "SUPPORT_KPI_ZENDESK_REQUESTS_PER_MINUTE"
START_ENV = "SUPPORT_KPI_ZENDESK_START"
DEFAULT_REQUESTS_PER_MINUTE = 10.0
# Zendesk refuses a start_time less than a minute old ("data isn't provided for the most recent minute").
MIN_START_AGE_SECONDS = 61
# What Zendesk answers to a cursor it no longer accepts (expired or malformed).
INVALID_CURSOR_STATUSES = frozenset({400, 422})

CURSOR_STREAMS: tuple[tuple[str, str], ...] = (
    ("users", "/api/v2/incremental/users/cursor.json"),
    ("tickets", "/api/v2/incremental/tickets/cursor.json"),
)
TIME_STREAMS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("ticket_events", "/api/v2/incremental/ticket_events.json", (("include", "comment_events"),)),
    ("ticket_metric_events", "/api/v2/incremental/ticket_metric_events.json", ()),
)
GROUPS_PATH = "/api/v2/groups.json"


def _epoch(value: Any) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    moment = parse_timestamp(value)
    return int(moment.timestamp()) if moment is not None else None


# The time (epoch seconds) a time-based export orders a record by.
TIME_STAMPS: dict[str, Callable[[dict[str, Any]], int | None]] = {
    "ticket_events": lambda record: _epoch(record.get("timestamp")) or _epoch(record.get("created_at")),
    "ticket_metric_events": lambda record: _epoch(record.get("time")),
}
STREAMS = ("groups", "users", "tickets", "ticket_events", "ticket_metric_events")


class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>`` (an OAuth access token)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


@dataclass(frozen=True)
class ZendeskConfig:
    base_url: str
    auth: AuthBase | tuple[str, str]
    credential_hint: str
    secrets: tuple[str, ...]
    requests_per_minute: float
    start: datetime

    def __repr__(self) -> str:  # never print the credentials
        return f"ZendeskConfig(base_url={self.base_url!r}, requests_per_minute={self.requests_per_minute})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ZendeskConfig | None:
        """The settings from the environment; None when no Zendesk account is configured."""
        env = environ(env)
        base_url = account_base_url(env, SUBDOMAIN_ENV, BASE_URL_ENV, "zendesk.com")
        if base_url is None:
            return None
        oauth = env.get(OAUTH_ENV, "").strip()
        email = env.get(EMAIL_ENV, "").strip()
        token = env.get(TOKEN_ENV, "").strip()
        if oauth:
            auth: AuthBase | tuple[str, str] = BearerAuth(oauth)
            hint, secrets = OAUTH_ENV, (oauth,)
        elif email and token:
            auth = (f"{email}/token", token)
            hint, secrets = f"{EMAIL_ENV} and {TOKEN_ENV}", (token,)
        else:
            raise ConnectorConfigError(
                f"{SUBDOMAIN_ENV} is set but no credentials: set {EMAIL_ENV} and {TOKEN_ENV} (API token) or {OAUTH_ENV}"
            )
        return cls(
            base_url=base_url,
            auth=auth,
            credential_hint=hint,
            secrets=secrets,
            requests_per_minute=env_rate(env, RATE_ENV, DEFAULT_REQUESTS_PER_MINUTE),
            start=env_start(env, START_ENV),
        )


def _max_updated(records: list[Any], current: int | None) -> int | None:
    best = current
    for record in records:
        moment = parse_timestamp(record.get("updated_at")) if isinstance(record, dict) else None
        if moment is not None:
            stamp = int(moment.timestamp())
            best = stamp if best is None else max(best, stamp)
    return best


def _records(data: Any, key: str, path: str) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ConnectorError(f"Zendesk: GET {path} did not answer an object with a {key!r} array")
    return data.get(key) or []


def _json(body: bytes, path: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise ConnectorError(f"Zendesk: GET {path} answered a body that is not JSON") from None


class ZendeskPull:
    def __init__(
        self,
        client: ApiClient,
        store: PageStore,
        start: datetime,
        log: Log = default_log,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.store = store
        self.log = log
        self.wall_clock = wall_clock
        self.notes: list[str] = []
        first = store.setting("first_start_time")
        self.first_start = int(first) if first is not None else int(start.timestamp())
        self._settings = {"first_start_time": self.first_start}

    def latest_start(self) -> int:
        return int(self.wall_clock()) - MIN_START_AGE_SECONDS

    def run(self) -> None:
        self.pull_groups()
        for stream, path in CURSOR_STREAMS:
            self.pull_cursor_stream(stream, path)
        for stream, path, extra in TIME_STREAMS:
            self.pull_time_stream(stream, path, dict(extra))

    def pull_cursor_stream(self, stream: str, path: str) -> None:
        state = self.store.stream(stream)
        restarted = False
        while True:
            cursor = state.get("cursor")
            if cursor:
                params: dict[str, Any] = {"cursor": cursor}
            else:
                start = state.get("watermark") or self.first_start
                params = {"start_time": min(int(start), self.latest_start())}
            try:
                response = self.client.get(path, params)
            except ConnectorHTTPError as error:
                if not cursor or restarted or error.status not in INVALID_CURSOR_STATUSES:
                    raise
                restart = state.get("watermark") or self.first_start
                note = (
                    f"{stream}: the saved cursor was refused (HTTP {error.status}); restarting from "
                    f"start_time={restart}, the highest updated_at already stored"
                )
                self.log.warning(note)
                self.notes.append(note)
                self.store.commit(
                    stream, None, {"cursor": None, "cursor_restarts": int(state.get("cursor_restarts", 0)) + 1}
                )
                state = self.store.stream(stream)
                restarted = True
                continue
            body = response.content
            data = _json(body, path)
            records = _records(data, stream, path)
            after = data.get("after_cursor") or cursor
            updates = {"cursor": after, "watermark": _max_updated(records, state.get("watermark"))}
            self.store.commit(stream, body if records else None, updates, rows=len(records), settings=self._settings)
            state = self.store.stream(stream)
            if data.get("end_of_stream") or not data.get("after_cursor") or after == cursor:
                return

    def pull_time_stream(self, stream: str, path: str, extra: dict[str, str]) -> None:
        state = self.store.stream(stream)
        start = int(state.get("start_time") or self.first_start)
        while True:
            if start > self.latest_start():
                self.log.info(f"{VENDOR}/{stream}: start_time {start} is less than a minute old, nothing to ask")
                return
            response = self.client.get(path, {"start_time": start, **extra})
            body = response.content
            data = _json(body, path)
            records = _records(data, stream, path)
            end_time = data.get("end_time")
            next_start = int(end_time) if isinstance(end_time, int | float) else start
            # A time-based export serves the records at start_time again: a page of only those adds nothing.
            stamp_of = TIME_STAMPS[stream]
            seen = state.get("boundary")
            page = None if not records or only_seen(records, stamp_of, seen) else body
            updates = {"start_time": next_start, "boundary": boundary_keys(records, stamp_of, seen) if page else seen}
            self.store.commit(stream, page, updates, rows=len(records), settings=self._settings)
            state = self.store.stream(stream)
            end = data.get("end_of_stream")
            if end is None:  # an export without the flag: the last page has no next_page
                end = not data.get("next_page") or not records
            if end or end_time is None:
                return
            if next_start <= start:
                raise ConnectorError(
                    f"Zendesk: GET {path} with start_time={start} did not move forward (end_time={end_time})"
                )
            start = next_start

    def pull_groups(self) -> None:
        """The full group list (small), page by page, written by page number; a crash resumes at
        the saved page."""
        stream = "groups"
        state = self.store.stream(stream)
        request = state.get("next") or GROUPS_PATH
        page = int(state.get("page") or 1) if state.get("next") else 1
        while request:
            response = self.client.get(request)
            body = response.content
            data = _json(body, request)
            records = _records(data, stream, request)
            next_page = data.get("next_page")
            following = relative_url(next_page) if next_page and records else None
            self.store.commit(
                stream,
                body if records else None,
                {"next": following, "page": page + 1 if following else None},
                rows=len(records),
                page_number=page,
            )
            request, page = following, page + 1


def pull_zendesk(
    landing: Path,
    data_dir: Path,
    env: Mapping[str, str] | None = None,
    log: Log = default_log,
    clock: Clock | None = None,
    wall_clock: Callable[[], float] = time.time,
) -> PullResult:
    """Pull every stream into the landing folder; a no-op when no account is configured."""
    env = environ(env)
    config = ZendeskConfig.from_env(env)
    if config is None:
        return PullResult(VENDOR, configured=False, reason=f"not configured: {SUBDOMAIN_ENV} is not set")
    started = time.monotonic()
    client = ApiClient(
        VENDOR,
        config.base_url,
        config.auth,
        config.credential_hint,
        config.secrets,
        http=HttpSettings.from_env(env),
        throttle=Throttle(config.requests_per_minute, clock),
    )
    store = PageStore(landing, data_dir, VENDOR)
    pull = ZendeskPull(client, store, config.start, log=log, wall_clock=wall_clock)
    result = PullResult(VENDOR, configured=True, stats=client.stats)
    try:
        pull.run()
    finally:
        client.close()
        result.pages = dict(store.pages_written)
        result.rows = dict(store.rows_written)
        result.pages_unchanged = dict(store.pages_unchanged)
        result.streams = {name: store.stream(name) for name in STREAMS if name in store.state["streams"]}
        result.notes = pull.notes
        result.seconds = time.monotonic() - started
    log.info(
        f"{VENDOR}: {sum(result.pages.values())} page(s), {sum(result.rows.values())} row(s) written; "
        f"{client.stats.requests} request(s), {client.stats.retries} retried"
    )
    return result
