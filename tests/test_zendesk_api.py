"""Zendesk pull against a local replay server: cursor chain, retries, 401/403, expired cursor,
crash between page and state, throttle. No request leaves 127.0.0.1; no test waits for real:
urllib3's waits and the throttle run on a fake clock."""

from __future__ import annotations

import base64
import itertools
import json
import logging
import secrets
from pathlib import Path
from typing import Any

import pytest

from dagster_project.connectors import ConnectorAuthError, ConnectorConfigError, pull_vendor
from dagster_project.connectors.http import Clock, ConnectorError, ConnectorHTTPError, Throttle
from dagster_project.connectors.pages import PageStore
from dagster_project.vendors.zendesk.api import ZendeskConfig, pull_zendesk
from tests.replay_server import ReplayServer, Reply, key, replay_server

START = 1767225600  # SUPPORT_KPI_ZENDESK_START=2026-01-01
NOW = 1772323200.0  # 2026-03-01T00:00:00Z, the wall clock of the pulls
TICKETS = "/api/v2/incremental/tickets/cursor.json"
USERS = "/api/v2/incremental/users/cursor.json"
EVENTS = "/api/v2/incremental/ticket_events.json"
METRICS = "/api/v2/incremental/ticket_metric_events.json"
GROUPS = "/api/v2/groups.json"


class FakeClock(Clock):
    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []
        super().__init__(now=lambda: self.t, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.t += seconds


def ticket(ticket_id: int, updated_at: str, status: str = "open") -> dict[str, Any]:
    return {
        "id": ticket_id,
        "created_at": "2026-01-02T08:00:00Z",
        "updated_at": updated_at,
        "generated_timestamp": 0,
        "status": status,
        "priority": "normal",
        "type": "question",
        "via": {"channel": "email"},
        "requester_id": 501,
        "assignee_id": 401,
        "group_id": 10,
        "organization_id": None,
        "tags": [],
    }


def cursor_page(kind: str, records: list[dict[str, Any]], after: str, end: bool) -> dict[str, Any]:
    return {
        kind: records,
        "after_cursor": after,
        "after_url": f"{{base}}{TICKETS if kind == 'tickets' else USERS}?cursor={after}",
        "before_cursor": None,
        "before_url": None,
        "end_of_stream": end,
    }


LATE_EVENT = {
    "id": 9003,
    "ticket_id": 3,
    "timestamp": 1767500000,
    "created_at": "2026-01-04T04:13:20Z",
    "updater_id": 401,
    "via": "Web form",
    "event_type": "Audit",
    "child_events": [{"id": 9004, "event_type": "Change", "status": "solved", "previous_value": "open"}],
}


def first_pull_routes() -> dict[str, Reply | list[Reply]]:
    t1 = ticket(1, "2026-01-02T09:00:00Z")
    t2 = ticket(2, "2026-01-03T10:00:00Z", "pending")
    t3 = ticket(3, "2026-01-03T12:30:00Z", "solved")
    user = {"id": 401, "name": "Ann Agent", "role": "agent", "updated_at": "2026-01-02T09:00:00Z"}
    event = {
        "id": 9001,
        "ticket_id": 1,
        "timestamp": 1767344400,
        "created_at": "2026-01-02T09:00:00Z",
        "updater_id": 401,
        "via": "Web form",
        "event_type": "Audit",
        "child_events": [{"id": 9002, "event_type": "Comment", "author_id": 401, "public": True, "body": "Hi"}],
    }
    metric = {
        "id": 7001,
        "ticket_id": 1,
        "metric": "reply_time",
        "instance_id": 1,
        "type": "fulfill",
        "time": "2026-01-02T09:30:00Z",
    }
    return {
        key(GROUPS): Reply(body={"groups": [{"id": 10, "name": "Support"}], "next_page": f"{{base}}{GROUPS}?page=2"}),
        key(GROUPS, {"page": 2}): Reply(body={"groups": [{"id": 11, "name": "Billing"}], "next_page": None}),
        key(USERS, {"start_time": START}): Reply(body=cursor_page("users", [user], "u1", False)),
        key(USERS, {"cursor": "u1"}): Reply(body=cursor_page("users", [], "u2", True)),
        key(TICKETS, {"start_time": START}): Reply(body=cursor_page("tickets", [t1, t2], "c1", False)),
        key(TICKETS, {"cursor": "c1"}): Reply(body=cursor_page("tickets", [t3], "c2", False)),
        key(TICKETS, {"cursor": "c2"}): Reply(body=cursor_page("tickets", [], "c3", True)),
        key(EVENTS, {"start_time": START, "include": "comment_events"}): Reply(
            body={"ticket_events": [event], "next_page": "x", "end_time": 1767400000, "end_of_stream": False}
        ),
        key(EVENTS, {"start_time": 1767400000, "include": "comment_events"}): Reply(
            body={"ticket_events": [LATE_EVENT], "end_time": 1767500000, "end_of_stream": True}
        ),
        key(METRICS, {"start_time": START}): Reply(
            body={"ticket_metric_events": [metric], "end_time": 1767450000, "end_of_stream": True, "count": 1}
        ),
    }


FIRST_PULL_ROUTES = [
    key(GROUPS),
    key(GROUPS, {"page": 2}),
    key(USERS, {"start_time": START}),
    key(USERS, {"cursor": "u1"}),
    key(TICKETS, {"start_time": START}),
    key(TICKETS, {"cursor": "c1"}),
    key(TICKETS, {"cursor": "c2"}),
    key(EVENTS, {"start_time": START, "include": "comment_events"}),
    key(EVENTS, {"start_time": 1767400000, "include": "comment_events"}),
    key(METRICS, {"start_time": START}),
]
FIRST_PULL_FILES = [
    "groups-00000001.json",
    "groups-00000002.json",
    "ticket_events-00000001.json",
    "ticket_events-00000002.json",
    "ticket_metric_events-00000001.json",
    "tickets-00000001.json",
    "tickets-00000002.json",
    "users-00000001.json",
]


@pytest.fixture
def token() -> str:
    return f"zd-token-{secrets.token_hex(12)}"


def zendesk_env(server: ReplayServer, token: str, **extra: str) -> dict[str, str]:
    return {
        "ZENDESK_SUBDOMAIN": "acme",
        "SUPPORT_KPI_ZENDESK_BASE_URL": server.url,
        "ZENDESK_EMAIL": "lead@example.com",
        "ZENDESK_API_TOKEN": token,
        "SUPPORT_KPI_ZENDESK_START": "2026-01-01",
        "SUPPORT_KPI_HTTP_RETRIES": "3",
        "SUPPORT_KPI_HTTP_BACKOFF_FACTOR": "0.5",
        **extra,
    }


def pull(tmp_path: Path, env: dict[str, str], clock: FakeClock | None = None):
    return pull_zendesk(
        tmp_path / "landing", tmp_path / "data", env=env, clock=clock or FakeClock(), wall_clock=lambda: NOW
    )


def page_files(tmp_path: Path) -> dict[str, bytes]:
    folder = tmp_path / "landing" / "helpdesk" / "zendesk"
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())} if folder.is_dir() else {}


def saved_state(tmp_path: Path) -> dict[str, Any]:
    return json.loads((tmp_path / "data" / "connectors" / "zendesk.json").read_text())


def test_cursor_chain_to_end_of_stream_writes_each_body_unchanged(tmp_path: Path, token: str) -> None:
    with replay_server(first_pull_routes()) as server:
        served = {route: replies[0].payload(server.url) for route, replies in server.routes.items()}
        result = pull(tmp_path, zendesk_env(server, token))
    assert server.routes_received() == FIRST_PULL_ROUTES
    expected_auth = "Basic " + base64.b64encode(f"lead@example.com/token:{token}".encode()).decode()
    assert {request.headers.get("authorization") for request in server.received} == {expected_auth}
    files = page_files(tmp_path)
    assert sorted(files) == FIRST_PULL_FILES
    # Bodies byte for byte as served; the empty end-of-stream pages are not written.
    assert files["tickets-00000001.json"] == served[key(TICKETS, {"start_time": START})]
    assert files["tickets-00000002.json"] == served[key(TICKETS, {"cursor": "c1"})]
    assert files["groups-00000002.json"] == served[key(GROUPS, {"page": 2})]
    streams = saved_state(tmp_path)["streams"]
    assert streams["tickets"] == {"cursor": "c3", "watermark": 1767443400, "next_seq": 3}  # t3 at 12:30
    assert streams["users"] == {"cursor": "u2", "watermark": 1767344400, "next_seq": 2}
    assert streams["ticket_events"] == {
        "start_time": 1767500000,
        "boundary": {"stamp": 1767500000, "keys": ["9003@1767500000"]},
        "next_seq": 3,
    }
    assert streams["ticket_metric_events"] == {
        "start_time": 1767450000,
        "boundary": {"stamp": 1767346200, "keys": ["7001@1767346200"]},
        "next_seq": 2,
    }
    assert streams["groups"] == {"next": None, "page": None}
    meta = result.metadata()
    assert (meta["pages"], meta["rows"], meta["requests"], meta["retries"]) == (8, 9, 10, 0)
    assert meta["rows_by_stream"] == {
        "groups": 2,
        "ticket_events": 2,
        "ticket_metric_events": 1,
        "tickets": 3,
        "users": 1,
    }
    assert token not in json.dumps(meta)


def test_next_pull_continues_from_the_saved_cursors_and_seqs(tmp_path: Path, token: str) -> None:
    with replay_server(first_pull_routes()) as server:
        pull(tmp_path, zendesk_env(server, token))
        server.received.clear()
        server.add(
            key(TICKETS, {"cursor": "c3"}),
            Reply(body=cursor_page("tickets", [ticket(2, "2026-01-04T08:00:00Z")], "c4", True)),
        )
        server.add(key(USERS, {"cursor": "u2"}), Reply(body=cursor_page("users", [], "u2", True)))
        # The time-based export serves the event at start_time again: nothing new, no file.
        server.add(
            key(EVENTS, {"start_time": 1767500000, "include": "comment_events"}),
            Reply(body={"ticket_events": [LATE_EVENT], "end_time": 1767500000, "end_of_stream": True}),
        )
        server.add(
            key(METRICS, {"start_time": 1767450000}),
            Reply(body={"ticket_metric_events": [], "end_time": 1767450000, "end_of_stream": True}),
        )
        result = pull(tmp_path, zendesk_env(server, token))
    assert server.routes_received() == [
        key(GROUPS),
        key(GROUPS, {"page": 2}),
        key(USERS, {"cursor": "u2"}),
        key(TICKETS, {"cursor": "c3"}),
        key(EVENTS, {"start_time": 1767500000, "include": "comment_events"}),
        key(METRICS, {"start_time": 1767450000}),
    ]
    # The unchanged group list is not rewritten; the re-served event is not stored again.
    new_files = sorted(set(page_files(tmp_path)) - set(FIRST_PULL_FILES))
    assert new_files == ["tickets-00000003.json"]
    assert saved_state(tmp_path)["streams"]["tickets"] == {"cursor": "c4", "watermark": 1767513600, "next_seq": 4}
    assert result.rows == {"tickets": 1}
    assert result.metadata()["pages_unchanged"] == {"groups": 2}


def test_429_with_retry_after_is_waited_out_then_retried(tmp_path: Path, token: str) -> None:
    routes = first_pull_routes()
    ok = routes[key(TICKETS, {"start_time": START})]
    limited = Reply(429, {"error": "APIRateLimitExceeded"}, {"Retry-After": "37"})
    routes[key(TICKETS, {"start_time": START})] = [limited, ok]
    clock = FakeClock()
    with replay_server(routes) as server:
        result = pull(tmp_path, zendesk_env(server, token), clock)
    assert server.routes_received().count(key(TICKETS, {"start_time": START})) == 2
    assert 37 in clock.sleeps  # the Retry-After, on the (fake) clock
    assert (result.stats.retries, result.stats.requests) == (1, 11)
    assert result.stats.status_counts == {"200": 10}  # the 429 was absorbed by the retry
    assert sorted(page_files(tmp_path)) == FIRST_PULL_FILES


def test_500_in_the_middle_of_the_chain_is_retried(tmp_path: Path, token: str) -> None:
    routes = first_pull_routes()
    routes[key(TICKETS, {"cursor": "c1"})] = [
        Reply(500, {"error": "boom"}),
        Reply(502, b"bad gateway"),
        routes[key(TICKETS, {"cursor": "c1"})],
    ]
    clock = FakeClock()
    with replay_server(routes) as server:
        result = pull(tmp_path, zendesk_env(server, token), clock)
    assert server.routes_received().count(key(TICKETS, {"cursor": "c1"})) == 3
    assert result.stats.retries == 2
    # urllib3's backoff: none before the first retry, factor * 2 before the second.
    assert 1.0 in clock.sleeps
    assert sorted(page_files(tmp_path)) == FIRST_PULL_FILES
    assert saved_state(tmp_path)["streams"]["tickets"]["cursor"] == "c3"


def test_5xx_left_after_the_retries_is_a_clear_error(tmp_path: Path, token: str) -> None:
    routes = first_pull_routes()
    routes[key(TICKETS, {"cursor": "c1"})] = Reply(503, {"error": "unavailable"})
    with replay_server(routes) as server, pytest.raises(ConnectorHTTPError) as raised:
        pull(tmp_path, zendesk_env(server, token))
    assert str(raised.value) == (
        "Zendesk answered HTTP 503 after 3 retries for GET /api/v2/incremental/tickets/cursor.json: "
        '{"error": "unavailable"}'
    )
    assert server.routes_received().count(key(TICKETS, {"cursor": "c1"})) == 4
    # The first tickets page is stored and its cursor saved: a rerun continues at c1.
    assert saved_state(tmp_path)["streams"]["tickets"] == {"cursor": "c1", "watermark": 1767434400, "next_seq": 2}


def test_a_server_too_slow_to_answer_times_out_then_is_retried(tmp_path: Path, token: str) -> None:
    routes = first_pull_routes()
    routes[key(GROUPS)] = [Reply(body={"groups": []}, delay_seconds=1.0), routes[key(GROUPS)]]
    with replay_server(routes) as server:
        result = pull(tmp_path, zendesk_env(server, token, SUPPORT_KPI_HTTP_TIMEOUT_SECONDS="0.3"))
    assert server.routes_received()[:2] == [key(GROUPS), key(GROUPS)]
    assert result.stats.retries == 1
    assert sorted(page_files(tmp_path)) == FIRST_PULL_FILES


def test_a_body_that_is_not_an_api_page_is_not_stored(tmp_path: Path, token: str) -> None:
    routes = first_pull_routes()
    routes[key(GROUPS)] = Reply(body=b"<html>maintenance</html>")
    with replay_server(routes) as server, pytest.raises(ConnectorError) as raised:
        pull(tmp_path, zendesk_env(server, token))
    assert str(raised.value) == "Zendesk: GET /api/v2/groups.json answered a body that is not JSON"
    routes[key(GROUPS)] = Reply(body={"tickets": []})
    with replay_server(routes) as server, pytest.raises(ConnectorError) as raised:
        pull(tmp_path, zendesk_env(server, token))
    assert str(raised.value) == "Zendesk: GET /api/v2/groups.json did not answer an object with a 'groups' array"
    assert page_files(tmp_path) == {}


def test_no_server_at_all_is_a_clear_error(tmp_path: Path, token: str) -> None:
    with replay_server() as server:
        env = zendesk_env(server, token, SUPPORT_KPI_HTTP_RETRIES="1")
    # The server is stopped: nothing listens on its port any more.
    with pytest.raises(
        ConnectorHTTPError, match=r"^Zendesk: no answer for GET /api/v2/groups\.json after 1 retries: "
    ) as raised:
        pull(tmp_path, env)
    assert raised.value.status is None
    assert token not in str(raised.value)


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_stop_the_pull_with_a_clear_message(
    tmp_path: Path, token: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    routes = first_pull_routes()
    routes[key(TICKETS, {"start_time": START})] = Reply(status, {"error": "Couldn't authenticate you"})
    caplog.set_level(logging.DEBUG)
    with replay_server(routes) as server, pytest.raises(ConnectorAuthError) as raised:
        pull(tmp_path, zendesk_env(server, token))
    assert str(raised.value) == (
        f"Zendesk refused the credentials (HTTP {status}) for GET /api/v2/incremental/tickets/cursor.json: "
        "check ZENDESK_EMAIL and ZENDESK_API_TOKEN"
    )
    # Not retried, and nothing asked or written after it.
    assert server.routes_received()[-1] == key(TICKETS, {"start_time": START})
    assert server.routes_received().count(key(TICKETS, {"start_time": START})) == 1
    files = page_files(tmp_path)
    assert sorted(files) == ["groups-00000001.json", "groups-00000002.json", "users-00000001.json"]
    assert "tickets" not in saved_state(tmp_path)["streams"]
    stored = b"".join(files.values()) + (tmp_path / "data" / "connectors" / "zendesk.json").read_bytes()
    assert token.encode() not in stored
    assert token not in caplog.text
    assert token not in repr(raised.value)


def test_refused_first_request_writes_nothing(tmp_path: Path, token: str) -> None:
    with replay_server({key(GROUPS): Reply(401, {"error": "Couldn't authenticate you"})}) as server:
        with pytest.raises(ConnectorAuthError):
            pull(tmp_path, zendesk_env(server, token))
        assert server.routes_received() == [key(GROUPS)]
    assert page_files(tmp_path) == {}
    assert not (tmp_path / "data" / "connectors" / "zendesk.json").exists()


def test_expired_cursor_restarts_from_the_stored_watermark(tmp_path: Path, token: str) -> None:
    with replay_server(first_pull_routes()) as server:
        pull(tmp_path, zendesk_env(server, token))
        server.received.clear()
        expired = Reply(422, {"error": "InvalidPaginationParameter", "description": "cursor is expired"})
        server.add(key(TICKETS, {"cursor": "c3"}), expired)
        server.add(
            key(TICKETS, {"start_time": 1767443400}),  # t3's updated_at, the highest stored
            Reply(
                body=cursor_page(
                    "tickets", [ticket(3, "2026-01-03T12:30:00Z"), ticket(4, "2026-01-04T08:00:00Z")], "d1", True
                )
            ),
        )
        server.add(key(USERS, {"cursor": "u2"}), Reply(body=cursor_page("users", [], "u2", True)))
        # The time-based export serves the event at start_time again: nothing new, no file.
        server.add(
            key(EVENTS, {"start_time": 1767500000, "include": "comment_events"}),
            Reply(body={"ticket_events": [LATE_EVENT], "end_time": 1767500000, "end_of_stream": True}),
        )
        server.add(
            key(METRICS, {"start_time": 1767450000}),
            Reply(body={"ticket_metric_events": [], "end_time": 1767450000, "end_of_stream": True}),
        )
        result = pull(tmp_path, zendesk_env(server, token))
    tickets_requests = [route for route in server.routes_received() if route.startswith(TICKETS)]
    assert tickets_requests == [key(TICKETS, {"cursor": "c3"}), key(TICKETS, {"start_time": 1767443400})]
    assert saved_state(tmp_path)["streams"]["tickets"] == {
        "cursor": "d1",
        "watermark": 1767513600,
        "cursor_restarts": 1,
        "next_seq": 4,
    }
    assert json.loads(page_files(tmp_path)["tickets-00000003.json"])["tickets"][1]["id"] == 4
    assert result.notes == [
        "tickets: the saved cursor was refused (HTTP 422); restarting from start_time=1767443400, "
        "the highest updated_at already stored"
    ]


def test_a_cursor_refused_twice_is_an_error_not_a_loop(tmp_path: Path, token: str) -> None:
    with replay_server(first_pull_routes()) as server:
        pull(tmp_path, zendesk_env(server, token))
        server.add(key(TICKETS, {"cursor": "c3"}), Reply(400, {"error": "InvalidPaginationParameter"}))
        server.add(key(TICKETS, {"start_time": 1767443400}), Reply(400, {"error": "InvalidPaginationParameter"}))
        server.add(key(USERS, {"cursor": "u2"}), Reply(body=cursor_page("users", [], "u2", True)))
        with pytest.raises(ConnectorHTTPError, match=r"HTTP 400 for GET /api/v2/incremental/tickets/cursor\.json"):
            pull(tmp_path, zendesk_env(server, token))


class Crash(BaseException):
    """Stands for a kill: raised after a page file is written, before its state is saved."""


def records_by_stream(files: dict[str, bytes]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for name, content in files.items():
        stream = name.rsplit("-", 1)[0]
        found.setdefault(stream, []).extend(json.loads(content)[stream])
    return found


def test_crash_between_page_and_state_rewrites_the_same_page_and_continues(
    tmp_path: Path, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = tmp_path / "clean"
    crashed = tmp_path / "crashed"
    original = PageStore.save_state

    def crash_after_second_tickets_page(self: PageStore, state: dict[str, Any]) -> None:
        if state["streams"].get("tickets", {}).get("next_seq") == 3:
            raise Crash
        original(self, state)

    with replay_server(first_pull_routes()) as server:
        pull(clean, zendesk_env(server, token))
        server.received.clear()
        monkeypatch.setattr(PageStore, "save_state", crash_after_second_tickets_page)
        with pytest.raises(Crash):
            pull(crashed, zendesk_env(server, token))
        assert "tickets-00000002.json" in page_files(crashed)  # written, its cursor (c2) not saved
        assert saved_state(crashed)["streams"]["tickets"]["cursor"] == "c1"
        monkeypatch.setattr(PageStore, "save_state", original)
        server.add(key(USERS, {"cursor": "u2"}), Reply(body=cursor_page("users", [], "u2", True)))
        server.received.clear()
        pull(crashed, zendesk_env(server, token))
    tickets_requests = [route for route in server.routes_received() if route.startswith(TICKETS)]
    assert tickets_requests == [key(TICKETS, {"cursor": "c1"}), key(TICKETS, {"cursor": "c2"})]
    clean_files, crashed_files = page_files(clean), page_files(crashed)
    # The same files, byte for byte, as the uninterrupted pull.
    assert crashed_files == clean_files
    rows = records_by_stream(crashed_files)
    assert [t["id"] for t in rows["tickets"]] == [1, 2, 3]
    assert saved_state(crashed)["streams"]["tickets"] == saved_state(clean)["streams"]["tickets"]


def test_throttle_never_lets_more_than_10_requests_into_a_minute(tmp_path: Path, token: str) -> None:
    routes = first_pull_routes()
    routes[key(TICKETS, {"cursor": "c1"})] = [Reply(500, {}), routes[key(TICKETS, {"cursor": "c1"})]]
    clock = FakeClock()
    with replay_server(routes) as server:
        result = pull(tmp_path, zendesk_env(server, token), clock)
    throttle_granted = result.stats.requests
    assert throttle_granted == len(server.received) == 11  # the retry went through the throttle too
    assert clock.t - 1000.0 >= 60.0  # 11 requests need at least 10 intervals of 6 s


def test_throttle_window_on_a_fake_clock() -> None:
    clock = FakeClock()
    throttle = Throttle(10, clock)
    for _ in range(25):
        throttle.wait()
        clock.t += 0.5  # the request itself
    times = throttle.granted
    assert len(times) == 25
    assert all(later - earlier >= 6.0 - 1e-9 for earlier, later in itertools.pairwise(times))
    assert max(sum(1 for t in times if start <= t < start + 60) for start in times) == 10
    unlimited = Throttle(None, FakeClock())
    for _ in range(5):
        unlimited.wait()
    assert unlimited.waited_seconds == 0


def test_oauth_token_is_sent_as_bearer(tmp_path: Path, token: str) -> None:
    with replay_server(first_pull_routes()) as server:
        env = zendesk_env(server, "", ZENDESK_OAUTH_TOKEN=token)
        pull(tmp_path, env)
    assert {request.headers.get("authorization") for request in server.received} == {f"Bearer {token}"}


def test_not_configured_is_a_noop_that_says_so(tmp_path: Path) -> None:
    result = pull_vendor("zendesk", tmp_path / "landing", tmp_path / "data", env={})
    assert (result.configured, result.reason) == (False, "not configured: ZENDESK_SUBDOMAIN is not set")
    assert result.metadata()["requests"] == 0
    assert not (tmp_path / "landing").exists() and not (tmp_path / "data").exists()


def test_configuration_errors_name_the_variable(token: str) -> None:
    with pytest.raises(ConnectorConfigError, match="ZENDESK_EMAIL and ZENDESK_API_TOKEN"):
        ZendeskConfig.from_env({"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "a@example.com"})
    base = {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "a@example.com", "ZENDESK_API_TOKEN": token}
    with pytest.raises(ConnectorConfigError, match="SUPPORT_KPI_ZENDESK_REQUESTS_PER_MINUTE='ten'"):
        ZendeskConfig.from_env({**base, "SUPPORT_KPI_ZENDESK_REQUESTS_PER_MINUTE": "ten"})
    with pytest.raises(ConnectorConfigError, match="SUPPORT_KPI_ZENDESK_START='yesterday'"):
        ZendeskConfig.from_env({**base, "SUPPORT_KPI_ZENDESK_START": "yesterday"})
    config = ZendeskConfig.from_env(base)
    assert config is not None
    assert config.base_url == "https://acme.zendesk.com"
    assert config.requests_per_minute == 10
    assert token not in repr(config)
