"""End to end: `support-kpi run` pulls Zendesk and Freshdesk from a local replay server (fake
credentials), loads the pages, publishes; a second run asks both APIs again, gets nothing new and
publishes nothing. The credentials appear nowhere: output, run report, logs, page files, state,
warehouse, mart, Dagster storage.

Replayed accounts (January 2026, every time UTC, mid-month):
- Zendesk: tickets 301 (solved), 302 (open), 303 (solved) and 304 (deleted: excluded); agent 601,
  requesters 701-703; group 61. The first tickets request answers 429 with Retry-After: 1 once.
- Freshdesk: tickets 401 (status 4 resolved), 402 (2 open), 403 (5 closed), one agent reply each,
  and 404 in the deleted list (excluded); agent 801, group 81.
So the mart holds tickets 301-303 and 401-403: tickets_created for 2026-01 = 6.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from pathlib import Path
from typing import Any

import pytest

from dagster_project.publish import open_mart
from tests.conftest import run_pipeline, support_kpi
from tests.golden import scorecard_row
from tests.replay_server import Reply, key, replay_server

START = 1767225600  # 2026-01-01T00:00:00Z
SINCE = "2026-01-01T00:00:00Z"
ZD_TICKETS = "/api/v2/incremental/tickets/cursor.json"
ZD_USERS = "/api/v2/incremental/users/cursor.json"
ZD_EVENTS = "/api/v2/incremental/ticket_events.json"
ZD_METRICS = "/api/v2/incremental/ticket_metric_events.json"
ZD_END = 1768388400  # end_time of the event export = its last event, ticket 303 solved 2026-01-14T11:00:00Z


def epoch(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp())


def zd_ticket(ticket_id: int, created: str, updated: str, status: str, requester: int) -> dict[str, Any]:
    return {
        "id": ticket_id,
        "url": f"https://acme.zendesk.com/api/v2/tickets/{ticket_id}.json",
        "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": created,
        "updated_at": updated,
        "type": "question",
        "subject": f"Question {ticket_id}",
        "priority": "normal",
        "status": status,
        "requester_id": requester,
        "submitter_id": requester,
        "assignee_id": 601,
        "organization_id": None,
        "group_id": 61,
        "tags": [],
        "custom_fields": [],
        "generated_timestamp": epoch(updated),
    }


def audit(audit_id: int, ticket_id: int, at: str, updater: int, children: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": audit_id,
        "ticket_id": ticket_id,
        "timestamp": epoch(at),
        "created_at": at,
        "updater_id": updater,
        "via": "Web form",
        "event_type": "Audit",
        "child_events": [{"id": audit_id * 10 + n, "via": "Web form", **child} for n, child in enumerate(children)],
    }


def comment(author: int) -> dict[str, Any]:
    return {"event_type": "Comment", "type": "Comment", "author_id": author, "body": "(text)", "public": True}


def zd_events(ticket_id: int, requester: int, day: str, solved: bool) -> list[dict[str, Any]]:
    base = ticket_id * 100
    events = [
        audit(
            base + 1,
            ticket_id,
            f"{day}T10:00:00Z",
            requester,
            [
                comment(requester),
                {"event_type": "Create", "status": "new"},
                {"event_type": "Create", "priority": "normal"},
            ],
        ),
        audit(
            base + 2,
            ticket_id,
            f"{day}T10:10:00Z",
            601,
            [
                {"event_type": "Change", "assignee_id": "601", "previous_value": None},
                {"event_type": "Change", "status": "open", "previous_value": "new"},
            ],
        ),
        audit(base + 3, ticket_id, f"{day}T10:40:00Z", 601, [comment(601)]),
    ]
    if solved:
        events.append(
            audit(
                base + 4,
                ticket_id,
                f"{day}T11:00:00Z",
                601,
                [
                    {"event_type": "Change", "status": "solved", "previous_value": "open"},
                ],
            )
        )
    return events


def zendesk_routes() -> dict[str, Reply | list[Reply]]:
    users = [
        {
            "id": 601,
            "name": "Ann Agent",
            "email": "ann@acme.test",
            "role": "agent",
            "active": True,
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": "2025-06-01T00:00:00Z",
        },
    ] + [
        {
            "id": 700 + n,
            "name": f"Customer {n}",
            "email": f"c{n}@example.com",
            "role": "end-user",
            "active": True,
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": "2025-06-01T00:00:00Z",
        }
        for n in (1, 2, 3)
    ]
    page_1 = [
        zd_ticket(301, "2026-01-12T10:00:00Z", "2026-01-12T11:00:00Z", "solved", 701),
        zd_ticket(302, "2026-01-13T10:00:00Z", "2026-01-13T10:40:00Z", "open", 702),
    ]
    page_2 = [
        zd_ticket(303, "2026-01-14T10:00:00Z", "2026-01-14T11:00:00Z", "solved", 703),
        zd_ticket(304, "2026-01-15T10:00:00Z", "2026-01-15T12:00:00Z", "deleted", 701),
    ]
    events = zd_events(301, 701, "2026-01-12", True) + zd_events(302, 702, "2026-01-13", False)
    events += zd_events(303, 703, "2026-01-14", True)
    last_event = events[-1]
    assert last_event["timestamp"] == ZD_END

    def cursor_page(kind: str, records: list[Any], after: str, end: bool) -> Reply:
        return Reply(
            body={
                kind: records,
                "after_cursor": after,
                "after_url": None,
                "before_cursor": None,
                "before_url": None,
                "end_of_stream": end,
            }
        )

    groups = {
        "groups": [
            {"id": 61, "name": "Support", "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}
        ],
        "next_page": None,
        "count": 1,
    }
    return {
        key("/api/v2/groups.json"): Reply(body=groups),
        key(ZD_USERS, {"start_time": START}): cursor_page("users", users, "u1", True),
        key(ZD_TICKETS, {"start_time": START}): [
            Reply(429, {"error": "APIRateLimitExceeded"}, {"Retry-After": "1"}),
            cursor_page("tickets", page_1, "z1", False),
        ],
        key(ZD_TICKETS, {"cursor": "z1"}): cursor_page("tickets", page_2, "z2", True),
        key(ZD_EVENTS, {"start_time": START, "include": "comment_events"}): Reply(
            body={
                "ticket_events": events,
                "next_page": None,
                "end_time": ZD_END,
                "end_of_stream": True,
                "count": len(events),
            }
        ),
        key(ZD_METRICS, {"start_time": START}): Reply(
            body={"ticket_metric_events": [], "next_page": None, "end_time": START, "end_of_stream": True, "count": 0}
        ),
        # The second run: nothing new. The cursors answer empty pages; the time-based export serves
        # its last event again (it is at start_time), which adds no page.
        key(ZD_USERS, {"cursor": "u1"}): cursor_page("users", [], "u1", True),
        key(ZD_TICKETS, {"cursor": "z2"}): cursor_page("tickets", [], "z2", True),
        key(ZD_EVENTS, {"start_time": ZD_END, "include": "comment_events"}): Reply(
            body={"ticket_events": [last_event], "end_time": ZD_END, "end_of_stream": True}
        ),
    }


def fd_ticket(ticket_id: int, day: str, status: int, **extra: Any) -> dict[str, Any]:
    resolved = f"{day}T11:00:00Z" if status in (4, 5) else None
    return {
        "id": ticket_id,
        "subject": f"Question {ticket_id}",
        "type": "Question",
        "status": status,
        "priority": 2,
        "source": 1,
        "spam": False,
        "requester_id": 900 + ticket_id % 100,
        "responder_id": 801,
        "group_id": 81,
        "company_id": None,
        "tags": [],
        "custom_fields": {},
        "created_at": f"{day}T10:00:00Z",
        "updated_at": f"{day}T11:00:00Z",
        "stats": {
            "agent_responded_at": f"{day}T10:30:00Z",
            "requester_responded_at": None,
            "first_responded_at": f"{day}T10:30:00Z",
            "status_updated_at": f"{day}T11:00:00Z",
            "reopened_at": None,
            "resolved_at": resolved,
            "closed_at": resolved if status == 5 else None,
            "pending_since": None,
            "first_assigned_at": f"{day}T10:05:00Z",
            "assigned_at": f"{day}T10:05:00Z",
        },
        **extra,
    }


def fd_tickets_params(since: str, filter_name: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "updated_since": since,
        "include": "stats",
        "order_by": "updated_at",
        "order_type": "asc",
        "per_page": 100,
        "page": 1,
    }
    if filter_name:
        params["filter"] = filter_name
    return params


def freshdesk_routes() -> dict[str, Reply | list[Reply]]:
    agent = {
        "id": 801,
        "type": "support_agent",
        "group_ids": [81],
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-01T00:00:00Z",
        "contact": {"name": "Fay Agent", "email": "fay@acme.test", "active": True},
    }
    group = {
        "id": 81,
        "name": "Support",
        "description": None,
        "escalate_to": None,
        "unassigned_for": "30m",
        "business_hour_id": None,
        "group_type": "support_agent_group",
        "auto_ticket_assign": 0,
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-01T00:00:00Z",
    }
    tickets = [fd_ticket(401, "2026-01-12", 4), fd_ticket(402, "2026-01-13", 2), fd_ticket(403, "2026-01-14", 5)]
    deleted = fd_ticket(404, "2026-01-15", 2, deleted=True)
    routes: dict[str, Reply | list[Reply]] = {
        key("/api/v2/agents", {"per_page": 100, "page": 1}): Reply(body=[agent]),
        key("/api/v2/groups", {"per_page": 100, "page": 1}): Reply(body=[group]),
        key("/api/v2/tickets", fd_tickets_params(SINCE)): Reply(body=tickets),
        key("/api/v2/tickets", fd_tickets_params(SINCE, "deleted")): Reply(body=[deleted]),
        key("/api/v2/tickets", fd_tickets_params(SINCE, "spam")): Reply(body=[]),
        # The second run: each list serves its ticket at the watermark again, which adds no page.
        key("/api/v2/tickets", fd_tickets_params("2026-01-14T11:00:00Z")): Reply(body=[tickets[-1]]),
        key("/api/v2/tickets", fd_tickets_params("2026-01-15T11:00:00Z", "deleted")): Reply(body=[deleted]),
    }
    for ticket in tickets:
        day = ticket["created_at"][:10]
        routes[key(f"/api/v2/tickets/{ticket['id']}/conversations", {"per_page": 100, "page": 1})] = Reply(
            body=[
                {
                    "id": ticket["id"] * 10,
                    "ticket_id": ticket["id"],
                    "user_id": 801,
                    "incoming": False,
                    "private": False,
                    "source": 0,
                    "body_text": "Answer",
                    "created_at": f"{day}T10:30:00Z",
                    "updated_at": f"{day}T10:30:00Z",
                }
            ]
        )
    return routes


def _files(folder: Path, since: float) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime >= since] if folder.is_dir() else []


@pytest.mark.slow
def test_run_pulls_both_apis_loads_and_publishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    zd_token = f"zd-secret-{secrets.token_hex(16)}"
    fd_key = f"fd-secret-{secrets.token_hex(16)}"
    landing, data_dir = tmp_path / "landing", tmp_path / "data"
    landing.mkdir()
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    started = time.time() - 1
    with replay_server({**zendesk_routes(), **freshdesk_routes()}) as server:
        for name, value in {
            "DAGSTER_HOME": str(dagster_home),
            "ZENDESK_SUBDOMAIN": "acme",
            "SUPPORT_KPI_ZENDESK_BASE_URL": server.url,
            "ZENDESK_EMAIL": "lead@acme.test",
            "ZENDESK_API_TOKEN": zd_token,
            "SUPPORT_KPI_ZENDESK_START": "2026-01-01",
            "SUPPORT_KPI_ZENDESK_REQUESTS_PER_MINUTE": "600",
            "FRESHDESK_DOMAIN": "acme",
            "SUPPORT_KPI_FRESHDESK_BASE_URL": server.url,
            "FRESHDESK_API_KEY": fd_key,
            "SUPPORT_KPI_FRESHDESK_START": "2026-01-01",
            "SUPPORT_KPI_HTTP_BACKOFF_FACTOR": "0",
        }.items():
            monkeypatch.setenv(name, value)
        first = run_pipeline(landing, data_dir)
        assert first.returncode == 0, first.output
        first_requests = len(server.received)
        second = run_pipeline(landing, data_dir)
        assert second.returncode == 0, second.output
        second_routes = server.routes_received()[first_requests:]

    # 1. The first run pulled every stream, the 429 was retried, and the report says so.
    reports = sorted((data_dir / "reports").glob("run-*.json"))
    assert len(reports) == 2
    report = json.loads(reports[0].read_text())
    assert report["status"] == "success"
    # The pulls are the job's first steps (issue 13: no pull outside the job), each once, then the
    # freshness decision, then the loads.
    steps = [step["step"] for step in report["steps"]]
    assert steps[:3] == ["connectors__freshdesk", "connectors__zendesk", "pipeline__freshness"]
    assert [step for step in steps if step.startswith("connectors")] == steps[:2]
    assert all(step["status"] == "success" for step in report["steps"][:3])
    assert report["dbt"]["tests_run"] > 0 and report["dbt"]["tests_failed"] == 0
    # The job ran with every quality gate.
    assert {"raw/helpdesk/tickets", "raw/helpdesk/ticket_events"} <= set(report["gates"])
    zendesk, freshdesk = report["connectors"]["zendesk"], report["connectors"]["freshdesk"]
    assert zendesk["rows_by_stream"] == {"groups": 1, "ticket_events": 11, "tickets": 4, "users": 4}
    assert (zendesk["requests"], zendesk["retries"]) == (7, 1)
    assert freshdesk["rows_by_stream"] == {
        "agents": 1,
        "conversations": 3,
        "deleted_tickets": 1,
        "groups": 1,
        "tickets": 3,
    }
    assert (freshdesk["requests"], freshdesk["retries"]) == (8, 0)
    assert sorted(path.name for path in (landing / "helpdesk" / "zendesk").iterdir()) == [
        "groups-00000001.json",
        "ticket_events-00000001.json",
        "tickets-00000001.json",
        "tickets-00000002.json",
        "users-00000001.json",
    ]

    # 2. Loaded and published: the six live tickets, the deleted ones left out.
    con = open_mart(first.mart_path)
    try:
        tickets = con.execute("select ticket_id, is_solved from mart.fct_tickets order by ticket_id").fetchall()
        created = scorecard_row(con, "tickets_created", dt.date(2026, 1, 1))
    finally:
        con.close()
    assert tickets == [
        ("301", True),
        ("302", False),
        ("303", True),
        ("401", True),
        ("402", False),
        ("403", True),
    ]
    assert created[0] == 6

    # 3. The second run asked both APIs (cursor, end_time, watermark), found nothing new: no-op.
    assert "nothing to do" in second.output
    # The job's pull steps run in step-key order: connectors__freshdesk, then connectors__zendesk.
    assert second_routes == [
        key("/api/v2/agents", {"per_page": 100, "page": 1}),
        key("/api/v2/groups", {"per_page": 100, "page": 1}),
        key("/api/v2/tickets", fd_tickets_params("2026-01-14T11:00:00Z")),
        key("/api/v2/tickets", fd_tickets_params("2026-01-15T11:00:00Z", "deleted")),
        key("/api/v2/tickets", fd_tickets_params(SINCE, "spam")),
        key("/api/v2/groups.json"),
        key(ZD_USERS, {"cursor": "u1"}),
        key(ZD_TICKETS, {"cursor": "z2"}),
        key(ZD_EVENTS, {"start_time": ZD_END, "include": "comment_events"}),
        key(ZD_METRICS, {"start_time": START}),
    ]
    second_report = json.loads(reports[1].read_text())
    assert second_report["status"] == "skipped"
    assert second_report["connectors"]["zendesk"]["pages"] == 0
    assert second_report["connectors"]["freshdesk"]["pages"] == 0

    # 4. Every request carried credentials in its header; no secret was written anywhere.
    assert all(request.headers.get("authorization", "").startswith("Basic ") for request in server.received)
    assert all(zd_token not in request.path and fd_key not in request.path for request in server.received)
    written = _files(data_dir, started) + _files(dagster_home, started) + _files(landing, started)
    assert any(path.suffix == ".db" for path in _files(dagster_home, started))
    assert any(path.name == "zendesk.json" for path in written)
    for secret in (zd_token, fd_key):
        assert secret not in first.output + second.output
        leaked = [str(path) for path in written if secret.encode() in path.read_bytes()]
        assert leaked == []


def _materialize(vendor: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The Dagster asset connectors/<vendor>, materialized in-process; its metadata as values."""
    import dagster as dg

    from dagster_project.defs.connectors import pull_assets
    from dagster_project.defs.resources import PipelineSettings
    from dagster_project.settings import DATA_DIR_ENV, LANDING_ENV, WAREHOUSE_ENV

    for name in (LANDING_ENV, DATA_DIR_ENV, WAREHOUSE_ENV):  # PipelineSettings exports them: restored after
        monkeypatch.setenv(name, "unset")
    asset = next(a for a in pull_assets if a.key == dg.AssetKey(["connectors", vendor]))
    pipeline = PipelineSettings(landing_dir=str(tmp_path / "landing"), data_dir=str(tmp_path / "data"))
    result = dg.materialize([asset], resources={"pipeline": pipeline})
    assert result.success
    (materialization,) = result.asset_materializations_for_node(asset.node_def.name)
    return {name: getattr(value, "value", value) for name, value in materialization.metadata.items()}


def test_pull_asset_writes_pages_and_reports_them_without_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fd_key = f"fd-secret-{secrets.token_hex(16)}"
    with replay_server(freshdesk_routes()) as server:
        monkeypatch.setenv("FRESHDESK_DOMAIN", "acme")
        monkeypatch.setenv("SUPPORT_KPI_FRESHDESK_BASE_URL", server.url)
        monkeypatch.setenv("FRESHDESK_API_KEY", fd_key)
        monkeypatch.setenv("SUPPORT_KPI_FRESHDESK_START", "2026-01-01")
        meta = _materialize("freshdesk", tmp_path, monkeypatch)
    assert (meta["configured"], meta["pages"], meta["rows"], meta["requests"]) == (
        True,
        7,
        9,
        8,
    )  # pages: agents, groups, tickets, 3 conversations, deleted; records 1 + 1 + 3 + 3 + 1
    assert meta["streams"]["tickets"]["watermark"] == "2026-01-14T11:00:00Z"
    assert fd_key not in json.dumps(meta)
    assert len(list((tmp_path / "landing" / "helpdesk" / "freshdesk").glob("*.json"))) == 7


def test_pull_asset_without_an_account_is_a_noop_that_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ZENDESK_SUBDOMAIN", "SUPPORT_KPI_ZENDESK_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    meta = _materialize("zendesk", tmp_path, monkeypatch)
    assert (meta["configured"], meta["reason"], meta["pages"], meta["requests"]) == (
        False,
        "not configured: ZENDESK_SUBDOMAIN is not set",
        0,
        0,
    )
    assert not (tmp_path / "landing").exists()


def test_pull_command_prints_what_it_fetched_and_fails_clearly_on_a_refused_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fd_key = f"fd-secret-{secrets.token_hex(16)}"
    routes = freshdesk_routes()
    with replay_server(routes) as server:
        monkeypatch.setenv("FRESHDESK_DOMAIN", "acme")
        monkeypatch.setenv("SUPPORT_KPI_FRESHDESK_BASE_URL", server.url)
        monkeypatch.setenv("FRESHDESK_API_KEY", fd_key)
        monkeypatch.setenv("SUPPORT_KPI_FRESHDESK_START", "2026-01-01")
        args = ("pull", "freshdesk", "--landing", str(tmp_path / "landing"), "--data-dir", str(tmp_path / "data"))
        done = support_kpi(*args)
        assert done.returncode == 0, done.stdout + done.stderr
        meta = json.loads(done.stdout)
        assert (meta["pages"], meta["rows"], meta["requests"]) == (7, 9, 8)
        server.add(key("/api/v2/agents", {"per_page": 100, "page": 1}), Reply(401, {"code": "invalid_credentials"}))
        refused = support_kpi(*args)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "Freshdesk refused the credentials (HTTP 401) for GET /api/v2/agents: check FRESHDESK_API_KEY"
    )
    assert fd_key not in done.stdout + done.stderr + refused.stdout + refused.stderr
