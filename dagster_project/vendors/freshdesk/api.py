"""Pull Freshdesk through its REST API v2 into ``<landing>/helpdesk/freshdesk/``.

Streams (each page written unchanged as ``<stream>-<seq:08d>.json``, docs/connectors.md):
- ``tickets``: ``GET /api/v2/tickets?updated_since=<watermark>&include=stats&order_by=updated_at
  &order_type=asc&per_page=100&page=N``; the ``Link: rel="next"`` header says whether a next page
  exists. Freshdesk serves at most ``SUPPORT_KPI_FRESHDESK_MAX_PAGE`` (300) pages of a list: after
  the last one the chain restarts at page 1 with ``updated_since`` = the highest ``updated_at`` seen.
- ``conversations``: ``GET /api/v2/tickets/{id}/conversations`` (paged) of every ticket of each
  tickets page; the ticket ids wait in a queue saved with the tickets page, so a crash neither skips
  nor repeats a conversation page.
- ``deleted_tickets``, ``spam_tickets``: the same incremental list with ``filter=deleted`` /
  ``filter=spam`` (the default list leaves them out); an account that refuses it (HTTP 400) is
  noted and skipped.
- ``agents``, ``groups``: the full lists on every pull.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dagster_project.connectors.base import (
    Log,
    PullResult,
    account_base_url,
    default_log,
    env_int,
    env_rate,
    env_start,
    environ,
    iso_z,
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
)
from dagster_project.connectors.pages import PageStore, boundary_keys, only_seen

VENDOR = "freshdesk"
DOMAIN_ENV = "FRESHDESK_DOMAIN"
API_KEY_ENV = "FRESHDESK_API_KEY"
BASE_URL_ENV = "SUPPORT_KPI_FRESHDESK_BASE_URL"
RATE_ENV = "SUPPORT_KPI_FRESHDESK_REQUESTS_PER_MINUTE"
START_ENV = "SUPPORT_KPI_FRESHDESK_START"
MAX_PAGE_ENV = "SUPPORT_KPI_FRESHDESK_MAX_PAGE"
DEFAULT_MAX_PAGE = 300
PER_PAGE = 100

TICKETS_PATH = "/api/v2/tickets"
TICKET_LISTS: tuple[tuple[str, str | None], ...] = (
    ("tickets", None),
    ("deleted_tickets", "deleted"),
    ("spam_tickets", "spam"),
)
FULL_LISTS: tuple[tuple[str, str], ...] = (("agents", "/api/v2/agents"), ("groups", "/api/v2/groups"))
STREAMS = ("agents", "groups", "tickets", "conversations", "deleted_tickets", "spam_tickets")


@dataclass(frozen=True)
class FreshdeskConfig:
    base_url: str
    api_key: str
    requests_per_minute: float
    start: datetime
    max_page: int

    def __repr__(self) -> str:  # never print the API key
        return f"FreshdeskConfig(base_url={self.base_url!r}, max_page={self.max_page})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FreshdeskConfig | None:
        """The settings from the environment; None when no Freshdesk account is configured."""
        env = environ(env)
        base_url = account_base_url(env, DOMAIN_ENV, BASE_URL_ENV, "freshdesk.com")
        if base_url is None:
            return None
        api_key = env.get(API_KEY_ENV, "").strip()
        if not api_key:
            raise ConnectorConfigError(f"{DOMAIN_ENV} is set but {API_KEY_ENV} is not")
        return cls(
            base_url=base_url,
            api_key=api_key,
            requests_per_minute=env_rate(env, RATE_ENV, 0.0),
            start=env_start(env, START_ENV),
            max_page=env_int(env, MAX_PAGE_ENV, DEFAULT_MAX_PAGE, 1),
        )


def _array(body: bytes, path: str) -> list[Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise ConnectorError(f"Freshdesk: GET {path} answered a body that is not JSON") from None
    if not isinstance(data, list):
        raise ConnectorError(f"Freshdesk: GET {path} did not answer a JSON array")
    return data


def _updated_epoch(record: dict[str, Any]) -> int | None:
    moment = parse_timestamp(record.get("updated_at"))
    return int(moment.timestamp()) if moment is not None else None


def _max_updated(records: list[Any], current: str | None) -> str | None:
    best = parse_timestamp(current)
    for record in records:
        moment = parse_timestamp(record.get("updated_at")) if isinstance(record, dict) else None
        if moment is not None and (best is None or moment > best):
            best = moment
    return iso_z(best) if best is not None else None


class FreshdeskPull:
    def __init__(self, client: ApiClient, store: PageStore, config: FreshdeskConfig, log: Log = default_log) -> None:
        self.client = client
        self.store = store
        self.max_page = config.max_page
        self.log = log
        self.notes: list[str] = []
        self.first_start = store.setting("first_updated_since") or iso_z(config.start)
        self._settings = {"first_updated_since": self.first_start}

    def run(self) -> None:
        for stream, path in FULL_LISTS:
            self.pull_full_list(stream, path)
        self.pull_conversations()  # a queue left by an interrupted pull first
        for stream, filter_name in TICKET_LISTS:
            self.pull_tickets(stream, filter_name)

    def pull_full_list(self, stream: str, path: str) -> None:
        state = self.store.stream(stream)
        page = int(state.get("page") or 1)
        while True:
            response = self.client.get(path, {"per_page": PER_PAGE, "page": page})
            records = _array(response.content, path)
            following = page + 1 if "next" in response.links and records else None
            body = response.content if records else None
            self.store.commit(stream, body, {"page": following}, rows=len(records), page_number=page)
            if following is None:
                return
            page = following

    def pull_tickets(self, stream: str, filter_name: str | None) -> None:
        state = self.store.stream(stream)
        if state.get("unsupported"):
            return
        with_conversations = filter_name is None
        while True:
            page = int(state.get("page") or 1)
            since = state.get("updated_since") if state.get("page") else None
            since = since or state.get("watermark") or self.first_start
            params: dict[str, Any] = {
                "updated_since": since,
                "include": "stats",
                "order_by": "updated_at",
                "order_type": "asc",
                "per_page": PER_PAGE,
                "page": page,
            }
            if filter_name:
                params["filter"] = filter_name
            try:
                response = self.client.get(TICKETS_PATH, params)
            except ConnectorHTTPError as error:
                if filter_name and error.status == 400 and page == 1:
                    note = f"{stream}: the account refuses filter={filter_name} with updated_since (HTTP 400); skipped"
                    self.log.warning(note)
                    self.notes.append(note)
                    self.store.commit(stream, None, {"unsupported": True})
                    return
                raise
            records = _array(response.content, TICKETS_PATH)
            watermark = _max_updated(records, state.get("watermark"))
            # updated_since=<watermark> serves the tickets at the watermark again: a page of only those adds nothing.
            seen = state.get("boundary")
            fresh = bool(records) and not only_seen(records, _updated_epoch, seen)
            more = "next" in response.links or (page >= self.max_page and len(records) >= PER_PAGE)
            if not more:
                following: dict[str, Any] = {"page": None, "updated_since": None}
            elif page < self.max_page:
                following = {"page": page + 1, "updated_since": since}
            else:
                if watermark == since:
                    raise ConnectorError(
                        f"Freshdesk: more than {self.max_page * PER_PAGE} tickets updated at {since}; "
                        f"raise {MAX_PAGE_ENV} if the account serves more pages"
                    )
                # Freshdesk serves no page past max_page: a new chain from the highest updated_at.
                following = {"page": 1, "updated_since": watermark, "restarts": int(state.get("restarts", 0)) + 1}
            other = None
            if with_conversations and fresh:
                queue = self.store.stream("conversations").get("queue") or []
                ids = [record["id"] for record in records if isinstance(record, dict) and "id" in record]
                other = {"conversations": {"queue": queue + [i for i in ids if i not in queue]}}
            boundary = boundary_keys(records, _updated_epoch, seen) if fresh else seen
            self.store.commit(
                stream,
                response.content if fresh else None,
                {**following, "watermark": watermark, "boundary": boundary},
                rows=len(records),
                other_streams=other,
                settings=self._settings,
            )
            if with_conversations:
                self.pull_conversations()
            state = self.store.stream(stream)
            if not more:
                return

    def pull_conversations(self) -> None:
        stream = "conversations"
        state = self.store.stream(stream)
        while state.get("queue"):
            ticket_id = state["queue"][0]
            page = int(state.get("page") or 1)
            path = f"/api/v2/tickets/{ticket_id}/conversations"
            try:
                response = self.client.get(path, {"per_page": PER_PAGE, "page": page})
            except ConnectorHTTPError as error:
                if error.status != 404:
                    raise
                self.log.warning(f"{VENDOR}: ticket {ticket_id} is gone (HTTP 404), its conversations are skipped")
                self.store.commit(stream, None, {"queue": state["queue"][1:], "page": None})
                state = self.store.stream(stream)
                continue
            records = _array(response.content, path)
            if "next" in response.links and records:
                updates: dict[str, Any] = {"page": page + 1}
            else:
                updates = {"queue": state["queue"][1:], "page": None}
            self.store.commit(stream, response.content if records else None, updates, rows=len(records))
            state = self.store.stream(stream)


def pull_freshdesk(
    landing: Path,
    data_dir: Path,
    env: Mapping[str, str] | None = None,
    log: Log = default_log,
    clock: Clock | None = None,
    wall_clock: Callable[[], float] = time.time,
) -> PullResult:
    """Pull every stream into the landing folder; a no-op when no account is configured."""
    del wall_clock  # Freshdesk has no "too recent" start: same signature as pull_zendesk
    env = environ(env)
    config = FreshdeskConfig.from_env(env)
    if config is None:
        return PullResult(VENDOR, configured=False, reason=f"not configured: {DOMAIN_ENV} is not set")
    started = time.monotonic()
    client = ApiClient(
        VENDOR,
        config.base_url,
        (config.api_key, "X"),
        API_KEY_ENV,
        (config.api_key,),
        http=HttpSettings.from_env(env),
        throttle=Throttle(config.requests_per_minute, clock),
    )
    store = PageStore(landing, data_dir, VENDOR)
    pull = FreshdeskPull(client, store, config, log=log)
    result = PullResult(VENDOR, configured=True, stats=client.stats)
    try:
        pull.run()
    finally:
        client.close()
        result.pages = dict(store.pages_written)
        result.rows = dict(store.rows_written)
        result.pages_unchanged = dict(store.pages_unchanged)
        result.streams = {name: _summary(store.stream(name)) for name in STREAMS if name in store.state["streams"]}
        result.notes = pull.notes
        result.seconds = time.monotonic() - started
    log.info(
        f"{VENDOR}: {sum(result.pages.values())} page(s), {sum(result.rows.values())} row(s) written; "
        f"{client.stats.requests} request(s), {client.stats.retries} retried"
    )
    return result


def _summary(state: dict[str, Any]) -> dict[str, Any]:
    """A stream's state for the metadata: the conversations queue as its length."""
    if "queue" in state:
        state = {**state, "queue": len(state.get("queue") or [])}
    return state
