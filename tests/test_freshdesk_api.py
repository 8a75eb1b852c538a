"""Freshdesk pull against a local replay server: updated_since paging by Link header, the page
limit restart, conversations of every ticket, deleted/spam lists, retries, 401/403, crash between
page and state. No request leaves 127.0.0.1; waits run on a fake clock."""

from __future__ import annotations

import base64
import json
import logging
import secrets
from pathlib import Path
from typing import Any

import pytest

from dagster_project.connectors import ConnectorAuthError, ConnectorConfigError
from dagster_project.connectors.pages import PageStore
from dagster_project.vendors.freshdesk.api import FreshdeskConfig, pull_freshdesk
from tests.replay_server import ReplayServer, Reply, key, replay_server
from tests.test_zendesk_api import Crash, FakeClock

SINCE = "2026-01-01T00:00:00Z"  # SUPPORT_KPI_FRESHDESK_START=2026-01-01
AGENTS = "/api/v2/agents"
GROUPS = "/api/v2/groups"
TICKETS = "/api/v2/tickets"


def tickets_params(since: str, page: int, filter_name: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "updated_since": since,
        "include": "stats",
        "order_by": "updated_at",
        "order_type": "asc",
        "per_page": 100,
        "page": page,
    }
    if filter_name:
        params["filter"] = filter_name
    return params


def conversations(ticket_id: int, page: int = 1) -> str:
    return key(f"/api/v2/tickets/{ticket_id}/conversations", {"per_page": 100, "page": page})


def next_link(path: str, params: dict[str, Any]) -> dict[str, str]:
    return {"Link": f'<{{base}}{key(path, params)}>; rel="next"'}


def fd_ticket(ticket_id: int, updated_at: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "subject": f"ticket {ticket_id}",
        "status": 2,
        "priority": 1,
        "source": 1,
        "requester_id": 901,
        "responder_id": 801,
        "group_id": 71,
        "created_at": "2026-01-02T08:00:00Z",
        "updated_at": updated_at,
        "tags": [],
        "stats": {"first_responded_at": None, "resolved_at": None, "closed_at": None, "reopened_at": None},
        **extra,
    }


def note(note_id: int, ticket_id: int) -> dict[str, Any]:
    return {
        "id": note_id,
        "ticket_id": ticket_id,
        "user_id": 801,
        "incoming": False,
        "private": False,
        "source": 0,
        "body_text": "Hello",
        "created_at": "2026-01-02T09:00:00Z",
        "updated_at": "2026-01-02T09:00:00Z",
    }


def routes() -> dict[str, Reply | list[Reply]]:
    return {
        key(AGENTS, {"per_page": 100, "page": 1}): Reply(
            body=[{"id": 801, "contact": {"name": "Ann"}}], headers=next_link(AGENTS, {"per_page": 100, "page": 2})
        ),
        key(AGENTS, {"per_page": 100, "page": 2}): Reply(body=[{"id": 802, "contact": {"name": "Bob"}}]),
        key(GROUPS, {"per_page": 100, "page": 1}): Reply(body=[{"id": 71, "name": "Support"}]),
        key(TICKETS, tickets_params(SINCE, 1)): Reply(
            body=[fd_ticket(1, "2026-01-02T09:00:00Z"), fd_ticket(2, "2026-01-03T10:00:00Z")],
            headers=next_link(TICKETS, tickets_params(SINCE, 2)),
        ),
        key(TICKETS, tickets_params(SINCE, 2)): Reply(body=[fd_ticket(3, "2026-01-03T12:30:00Z")]),
        conversations(1): Reply(body=[note(11, 1), note(12, 1)], headers={"Link": '<{base}/x?page=2>; rel="next"'}),
        conversations(1, 2): Reply(body=[note(13, 1)]),
        conversations(2): Reply(body=[]),
        conversations(3): Reply(body=[note(31, 3)]),
        key(TICKETS, tickets_params(SINCE, 1, "deleted")): Reply(
            body=[fd_ticket(4, "2026-01-03T11:00:00Z", deleted=True)]
        ),
        key(TICKETS, tickets_params(SINCE, 1, "spam")): Reply(body=[]),
    }


EXPECTED_ROUTES = [
    key(AGENTS, {"per_page": 100, "page": 1}),
    key(AGENTS, {"per_page": 100, "page": 2}),
    key(GROUPS, {"per_page": 100, "page": 1}),
    key(TICKETS, tickets_params(SINCE, 1)),
    conversations(1),
    conversations(1, 2),
    conversations(2),
    key(TICKETS, tickets_params(SINCE, 2)),
    conversations(3),
    key(TICKETS, tickets_params(SINCE, 1, "deleted")),
    key(TICKETS, tickets_params(SINCE, 1, "spam")),
]
EXPECTED_FILES = [
    "agents-00000001.json",
    "agents-00000002.json",
    "conversations-00000001.json",
    "conversations-00000002.json",
    "conversations-00000003.json",
    "deleted_tickets-00000001.json",
    "groups-00000001.json",
    "tickets-00000001.json",
    "tickets-00000002.json",
]


@pytest.fixture
def api_key() -> str:
    return f"fd-key-{secrets.token_hex(12)}"


def freshdesk_env(server: ReplayServer, api_key: str, **extra: str) -> dict[str, str]:
    return {
        "FRESHDESK_DOMAIN": "acme",
        "SUPPORT_KPI_FRESHDESK_BASE_URL": server.url,
        "FRESHDESK_API_KEY": api_key,
        "SUPPORT_KPI_FRESHDESK_START": "2026-01-01",
        "SUPPORT_KPI_HTTP_RETRIES": "3",
        "SUPPORT_KPI_HTTP_BACKOFF_FACTOR": "0.5",
        **extra,
    }


def pull(tmp_path: Path, env: dict[str, str], clock: FakeClock | None = None):
    return pull_freshdesk(tmp_path / "landing", tmp_path / "data", env=env, clock=clock or FakeClock())


def page_files(tmp_path: Path) -> dict[str, bytes]:
    folder = tmp_path / "landing" / "helpdesk" / "freshdesk"
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())} if folder.is_dir() else {}


def saved_state(tmp_path: Path) -> dict[str, Any]:
    return json.loads((tmp_path / "data" / "connectors" / "freshdesk.json").read_text())


def test_tickets_follow_the_link_header_and_fetch_every_conversation(tmp_path: Path, api_key: str) -> None:
    with replay_server(routes()) as server:
        served = {route: replies[0].payload(server.url) for route, replies in server.routes.items()}
        result = pull(tmp_path, freshdesk_env(server, api_key))
    assert server.routes_received() == EXPECTED_ROUTES
    expected_auth = "Basic " + base64.b64encode(f"{api_key}:X".encode()).decode()
    assert {request.headers.get("authorization") for request in server.received} == {expected_auth}
    files = page_files(tmp_path)
    assert sorted(files) == EXPECTED_FILES  # ticket 2's empty conversation list and the empty spam list: no file
    assert files["tickets-00000002.json"] == served[key(TICKETS, tickets_params(SINCE, 2))]
    assert files["conversations-00000002.json"] == served[conversations(1, 2)]
    assert [c["id"] for c in json.loads(files["conversations-00000003.json"])] == [31]
    streams = saved_state(tmp_path)["streams"]
    assert streams["tickets"] == {
        "page": None,
        "updated_since": None,
        "watermark": "2026-01-03T12:30:00Z",
        "boundary": {"stamp": 1767443400, "keys": ["3@1767443400"]},
        "next_seq": 3,
    }
    assert streams["conversations"] == {"queue": [], "page": None, "next_seq": 4}
    assert streams["deleted_tickets"]["watermark"] == "2026-01-03T11:00:00Z"
    assert result.rows == {"agents": 2, "groups": 1, "tickets": 3, "conversations": 4, "deleted_tickets": 1}
    assert result.stats.requests == 11
    assert api_key not in json.dumps(result.metadata())


def test_next_pull_asks_for_tickets_updated_since_the_watermark(tmp_path: Path, api_key: str) -> None:
    watermark = "2026-01-03T12:30:00Z"
    with replay_server(routes()) as server:
        pull(tmp_path, freshdesk_env(server, api_key))
        server.received.clear()
        server.add(key(TICKETS, tickets_params(watermark, 1)), Reply(body=[fd_ticket(3, "2026-01-05T08:00:00Z")]))
        server.add(conversations(3), Reply(body=[note(31, 3), note(32, 3)]))
        server.add(key(TICKETS, tickets_params("2026-01-03T11:00:00Z", 1, "deleted")), Reply(body=[]))
        server.add(key(TICKETS, tickets_params(SINCE, 1, "spam")), Reply(body=[]))
        second = pull(tmp_path, freshdesk_env(server, api_key))
    assert [r for r in server.routes_received() if r.startswith(TICKETS)] == [
        key(TICKETS, tickets_params(watermark, 1)),
        conversations(3),
        key(TICKETS, tickets_params("2026-01-03T11:00:00Z", 1, "deleted")),
        key(TICKETS, tickets_params(SINCE, 1, "spam")),  # nothing seen yet: still from the first start
    ]
    # Unchanged agent and group lists are not rewritten.
    new = sorted(set(page_files(tmp_path)) - set(EXPECTED_FILES))
    assert new == ["conversations-00000004.json", "tickets-00000003.json"]
    assert second.pages_unchanged == {"agents": 2, "groups": 1}
    assert saved_state(tmp_path)["streams"]["tickets"]["watermark"] == "2026-01-05T08:00:00Z"


def test_tickets_served_again_at_the_watermark_add_no_page_and_no_conversation_request(
    tmp_path: Path, api_key: str
) -> None:
    watermark, deleted_at = "2026-01-03T12:30:00Z", "2026-01-03T11:00:00Z"
    with replay_server(routes()) as server:
        pull(tmp_path, freshdesk_env(server, api_key))
        before = page_files(tmp_path)
        server.received.clear()
        # updated_since=<watermark> serves ticket 3 (at the watermark) again, unchanged; same for ticket 4.
        server.add(key(TICKETS, tickets_params(watermark, 1)), Reply(body=[fd_ticket(3, watermark)]))
        server.add(
            key(TICKETS, tickets_params(deleted_at, 1, "deleted")),
            Reply(body=[fd_ticket(4, deleted_at, deleted=True)]),
        )
        result = pull(tmp_path, freshdesk_env(server, api_key))
        assert page_files(tmp_path) == before
        assert result.pages == {}
        assert not any("/conversations" in route for route in server.routes_received())
        # Another ticket updated in the watermark's second is new: stored, its conversations asked.
        server.add(
            key(TICKETS, tickets_params(watermark, 1)), Reply(body=[fd_ticket(3, watermark), fd_ticket(2, watermark)])
        )
        server.add(conversations(2), Reply(body=[note(21, 2)]))
        server.received.clear()
        result = pull(tmp_path, freshdesk_env(server, api_key))
    assert result.pages == {"tickets": 1, "conversations": 2}  # tickets 3 and 2 (ticket 3's one note, ticket 2's)
    assert [route for route in server.routes_received() if "/conversations" in route] == [
        conversations(3),
        conversations(2),
    ]


def test_page_limit_restarts_from_the_highest_updated_at(tmp_path: Path, api_key: str) -> None:
    """With at most 2 pages served (300 on a real account), page 2 still linking to a next page
    starts a new chain at page 1 from the highest updated_at seen: no gap, only overlap."""
    script = routes()
    script[key(TICKETS, tickets_params(SINCE, 2))] = Reply(
        body=[fd_ticket(3, "2026-01-03T12:30:00Z")], headers=next_link(TICKETS, tickets_params(SINCE, 3))
    )
    restart = "2026-01-03T12:30:00Z"
    script[key(TICKETS, tickets_params(restart, 1))] = Reply(
        body=[fd_ticket(3, "2026-01-03T12:30:00Z"), fd_ticket(5, "2026-01-04T08:00:00Z")]
    )
    script[conversations(5)] = Reply(body=[])
    with replay_server(script) as server:
        pull(tmp_path, freshdesk_env(server, api_key, SUPPORT_KPI_FRESHDESK_MAX_PAGE="2"))
    assert [r for r in server.routes_received() if r.startswith(f"{TICKETS}?")] == [
        key(TICKETS, tickets_params(SINCE, 1)),
        key(TICKETS, tickets_params(SINCE, 2)),
        key(TICKETS, tickets_params(restart, 1)),
        key(TICKETS, tickets_params(SINCE, 1, "deleted")),
        key(TICKETS, tickets_params(SINCE, 1, "spam")),
    ]
    state = saved_state(tmp_path)["streams"]["tickets"]
    assert (state["restarts"], state["watermark"], state["next_seq"]) == (1, "2026-01-04T08:00:00Z", 4)
    assert server.routes_received().count(conversations(3)) == 2  # ticket 3 came twice


def test_429_and_500_are_retried(tmp_path: Path, api_key: str) -> None:
    script = routes()
    script[key(GROUPS, {"per_page": 100, "page": 1})] = [
        Reply(429, {"code": "rate_limited"}, {"Retry-After": "12"}),
        script[key(GROUPS, {"per_page": 100, "page": 1})],
    ]
    script[conversations(1, 2)] = [Reply(500, {}), script[conversations(1, 2)]]
    clock = FakeClock()
    with replay_server(script) as server:
        result = pull(tmp_path, freshdesk_env(server, api_key), clock)
    assert 12 in clock.sleeps
    assert (result.stats.retries, result.stats.requests) == (2, 13)
    assert sorted(page_files(tmp_path)) == EXPECTED_FILES


@pytest.mark.parametrize("status", [401, 403])
def test_refused_key_is_a_clear_error_and_nothing_more_is_written(
    tmp_path: Path, api_key: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    script = routes()
    script[key(TICKETS, tickets_params(SINCE, 2))] = Reply(status, {"code": "access_denied"})
    caplog.set_level(logging.DEBUG)
    with replay_server(script) as server, pytest.raises(ConnectorAuthError) as raised:
        pull(tmp_path, freshdesk_env(server, api_key))
    assert str(raised.value) == (
        f"Freshdesk refused the credentials (HTTP {status}) for GET /api/v2/tickets: check FRESHDESK_API_KEY"
    )
    assert server.routes_received()[-1] == key(TICKETS, tickets_params(SINCE, 2))
    files = page_files(tmp_path)
    assert "tickets-00000002.json" not in files
    assert saved_state(tmp_path)["streams"]["tickets"]["page"] == 2  # a rerun asks page 2 again
    assert api_key not in caplog.text
    assert (
        api_key.encode()
        not in b"".join(files.values()) + (tmp_path / "data").joinpath("connectors", "freshdesk.json").read_bytes()
    )


def test_crash_after_a_tickets_page_resumes_its_conversations_without_gap_or_duplicate(
    tmp_path: Path, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    original = PageStore.save_state
    crashes = {"conversation page 2": True}

    def crash_once(self: PageStore, state: dict[str, Any]) -> None:
        # Right after conversations-00000002.json (ticket 1, page 2) is written.
        if state["streams"].get("conversations", {}).get("next_seq") == 3 and crashes.pop("conversation page 2", None):
            raise Crash
        original(self, state)

    with replay_server(routes()) as server:
        pull(clean, freshdesk_env(server, api_key))
        monkeypatch.setattr(PageStore, "save_state", crash_once)
        with pytest.raises(Crash):
            pull(crashed, freshdesk_env(server, api_key))
        server.received.clear()
        pull(crashed, freshdesk_env(server, api_key))
    received = server.routes_received()
    # The rerun asks the same conversation page again, then goes on; no ticket page is asked twice.
    assert received[3:7] == [
        conversations(1, 2),
        conversations(2),
        key(TICKETS, tickets_params(SINCE, 2)),
        conversations(3),
    ]
    assert page_files(crashed) == page_files(clean)
    assert saved_state(crashed)["streams"]["conversations"] == saved_state(clean)["streams"]["conversations"]


def test_an_account_refusing_the_spam_filter_is_noted_and_skipped(tmp_path: Path, api_key: str) -> None:
    script = routes()
    script[key(TICKETS, tickets_params(SINCE, 1, "spam"))] = Reply(400, {"description": "Validation failed"})
    with replay_server(script) as server:
        result = pull(tmp_path, freshdesk_env(server, api_key))
        assert result.notes == ["spam_tickets: the account refuses filter=spam with updated_since (HTTP 400); skipped"]
        server.received.clear()
        server.add(key(TICKETS, tickets_params("2026-01-03T12:30:00Z", 1)), Reply(body=[]))
        server.add(key(TICKETS, tickets_params("2026-01-03T11:00:00Z", 1, "deleted")), Reply(body=[]))
        pull(tmp_path, freshdesk_env(server, api_key))
    assert not any("filter=spam" in route for route in server.routes_received())


def test_throttle_when_configured(tmp_path: Path, api_key: str) -> None:
    clock = FakeClock()
    with replay_server(routes()) as server:
        pull(tmp_path, freshdesk_env(server, api_key, SUPPORT_KPI_FRESHDESK_REQUESTS_PER_MINUTE="30"), clock)
    assert clock.sleeps == [2.0] * 10  # 11 requests, 2 s apart


def test_configuration(api_key: str) -> None:
    assert FreshdeskConfig.from_env({}) is None
    with pytest.raises(ConnectorConfigError, match="FRESHDESK_API_KEY is not"):
        FreshdeskConfig.from_env({"FRESHDESK_DOMAIN": "acme"})
    with pytest.raises(ConnectorConfigError, match="SUPPORT_KPI_FRESHDESK_MAX_PAGE='0'"):
        FreshdeskConfig.from_env(
            {"FRESHDESK_DOMAIN": "acme", "FRESHDESK_API_KEY": api_key, "SUPPORT_KPI_FRESHDESK_MAX_PAGE": "0"}
        )
    config = FreshdeskConfig.from_env({"FRESHDESK_DOMAIN": "acme.freshdesk.com", "FRESHDESK_API_KEY": api_key})
    assert config is not None
    assert (config.base_url, config.max_page, config.requests_per_minute) == ("https://acme.freshdesk.com", 300, 0)
    assert api_key not in repr(config)
