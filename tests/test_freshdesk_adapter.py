"""Freshdesk adapter: exact rows from small hand-written API records, file shapes, rejects, settings."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from dagster_project.adapters.base import AdapterOutput, UnreadableFile
from dagster_project.adapters.registry import adapters_for, get_adapter
from dagster_project.contract.helpdesk import TICKETS
from dagster_project.vendors.freshdesk.adapter import read_freshdesk
from dagster_project.vendors.freshdesk.settings import (
    CATEGORY_FIELD_ENV,
    MERGED_TAGS_ENV,
    SOURCES_ENV,
    STATUSES_ENV,
    TYPES_ENV,
    FreshdeskSettings,
    FreshdeskSettingsError,
)

ENV_VARS = (STATUSES_ENV, SOURCES_ENV, TYPES_ENV, CATEGORY_FIELD_ENV, MERGED_TAGS_ENV)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def _ticket(**fields: Any) -> dict[str, Any]:
    """A ticket as `GET /api/v2/tickets?include=stats` returns it (fields not used here left out)."""
    record: dict[str, Any] = {
        "id": 42,
        "subject": "Cannot log in",
        "status": 2,
        "priority": 2,
        "source": 1,
        "type": "Question",
        "requester_id": 9001,
        "responder_id": None,
        "group_id": 7001,
        "company_id": None,
        "tags": [],
        "custom_fields": {"cf_category": "login_failure"},
        "fr_escalated": False,
        "is_escalated": False,
        "spam": False,
        "due_by": "2026-02-05T09:00:00Z",
        "fr_due_by": "2026-02-03T17:00:00Z",
        "created_at": "2026-02-03T09:00:00Z",
        "updated_at": "2026-02-03T09:00:00Z",
        "stats": {
            "first_responded_at": None,
            "resolved_at": None,
            "closed_at": None,
            "reopened_at": None,
            "first_assigned_at": None,
            "assigned_at": None,
            "status_updated_at": None,
            "pending_since": None,
            "agent_responded_at": None,
            "requester_responded_at": None,
        },
    }
    stats = fields.pop("stats", {})
    record.update(fields)
    record["stats"].update(stats)
    return record


def _conversation(id_: int, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": id_,
        "ticket_id": 42,
        "user_id": 5001,
        "incoming": False,
        "private": False,
        "source": 0,
        "body": "<div>Hello</div>",
        "body_text": "Hello",
        "created_at": "2026-02-03T10:00:00Z",
        "updated_at": "2026-02-03T10:00:00Z",
    }
    record.update(fields)
    return record


def _agent(**fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": 5001,
        "available": True,
        "occasional": False,
        "group_ids": [7002, 7001],
        "created_at": "2024-03-01T08:00:00Z",
        "updated_at": "2024-03-01T08:00:00Z",
        "contact": {"name": "Alice Agent", "email": "alice@example.com", "active": True, "time_zone": "UTC"},
    }
    record.update(fields)
    return record


GROUP = {"id": 7001, "name": "Billing", "escalate_to": None, "unassigned_for": "30m", "group_type": "support"}


def _json(tmp_path: Path, records: object, name: str = "page.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(records, indent=2))
    return path


def _ndjson(tmp_path: Path, lines: list[str], name: str = "export.ndjson") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _rows(output: AdapterOutput) -> list[dict[str, str | None]]:
    return [row for _, row in output.rows]


def _events(output: AdapterOutput) -> list[tuple[str | None, ...]]:
    """(event_id, occurred_at, event_type, actor_type, actor_id, old_value, new_value, is_public)."""
    columns = ("event_id", "occurred_at", "event_type", "actor_type", "actor_id", "old_value", "new_value", "is_public")
    return sorted(tuple(row[c] for c in columns) for row in _rows(output))


# ----------------------------------------------------------------------------- tickets


def test_ticket_row(tmp_path: Path) -> None:
    record = _ticket(
        status=4,
        priority=3,
        source=2,
        type="Feature Request",
        responder_id=5002,
        updated_at="2026-02-03T12:00:00+01:00",
    )
    output = read_freshdesk(_json(tmp_path, [record]), "tickets")
    assert output.rows == [
        (
            1,
            {
                "ticket_id": "42",
                "created_at": "2026-02-03T09:00:00Z",
                "updated_at": "2026-02-03T11:00:00Z",
                "channel": "web_form",
                "social_network": None,
                "ticket_type": "feature_request",
                "priority": "high",
                "status": "solved",
                "category": "login_failure",
                "requester_id": "9001",
                "group_id": "7001",
                "assignee_id": "5002",
                "country_code": None,
                "subject": "Cannot log in",
                "excluded_reason": None,
            },
        )
    ]
    assert set(output.rows[0][1]) == {column.name for column in TICKETS.columns}
    assert output.rejected == []
    assert output.lines_read == 1


@pytest.mark.parametrize(
    ("status", "expected"), [(2, "open"), (3, "pending"), (4, "solved"), (5, "closed"), ("5", "closed")]
)
def test_builtin_statuses(tmp_path: Path, status: object, expected: str) -> None:
    output = read_freshdesk(_json(tmp_path, [_ticket(status=status)]), "tickets")
    assert _rows(output)[0]["status"] == expected


@pytest.mark.parametrize(("priority", "expected"), [(1, "low"), (2, "normal"), (3, "high"), (4, "urgent")])
def test_priorities(tmp_path: Path, priority: int, expected: str) -> None:
    output = read_freshdesk(_json(tmp_path, [_ticket(priority=priority)]), "tickets")
    assert _rows(output)[0]["priority"] == expected


@pytest.mark.parametrize(
    ("source", "channel"),
    [(1, "email"), (2, "web_form"), (3, "phone"), (7, "chat"), (9, "web_form"), (10, "email")],
)
def test_builtin_sources(tmp_path: Path, source: int, channel: str) -> None:
    output = read_freshdesk(_json(tmp_path, [_ticket(source=source)]), "tickets")
    assert (_rows(output)[0]["channel"], _rows(output)[0]["social_network"]) == (channel, None)
    assert not output.stats


def test_unknown_source_is_other_and_counted(tmp_path: Path) -> None:
    output = read_freshdesk(_json(tmp_path, [_ticket(source=12), _ticket(id=43, source=12)]), "tickets")
    assert [row["channel"] for row in _rows(output)] == ["other", "other"]
    assert output.stats == {"source_as_other: 12": 2}


def test_sources_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SOURCES_ENV, "5=social:twitter, 12=bot,1=api")
    records = [_ticket(id=1, source=5), _ticket(id=2, source=12), _ticket(id=3, source=1), _ticket(id=4, source=3)]
    output = read_freshdesk(_json(tmp_path, records), "tickets")
    assert [(row["channel"], row["social_network"]) for row in _rows(output)] == [
        ("social", "twitter"),
        ("bot", None),
        ("api", None),  # a built-in code can be overridden
        ("phone", None),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Question", "question"),
        ("incident", "incident"),
        ("Problem", "problem"),
        ("Feature Request", "feature_request"),
        ("Refund", "refund"),
        ("Bug Report", "bug_report"),  # a contract type name, spelled as a label
        ("Complaint", "complaint"),
        (None, None),
    ],
)
def test_ticket_types(tmp_path: Path, name: str | None, expected: str | None) -> None:
    output = read_freshdesk(_json(tmp_path, [_ticket(type=name)]), "tickets")
    assert _rows(output)[0]["ticket_type"] == expected
    assert not output.stats


def test_unknown_type_is_other_and_counted_and_types_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _json(tmp_path, [_ticket(id=1, type="Billing issue"), _ticket(id=2, type="Outage")])
    output = read_freshdesk(path, "tickets")
    assert [row["ticket_type"] for row in _rows(output)] == ["other", "other"]
    assert output.stats == {"type_as_other: Billing issue": 1, "type_as_other: Outage": 1}
    monkeypatch.setenv(TYPES_ENV, "Billing issue=question,outage=incident")
    output = read_freshdesk(path, "tickets")
    assert [row["ticket_type"] for row in _rows(output)] == ["question", "incident"]


def test_category_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = _ticket(custom_fields={"cf_category": " login_failure ", "cf_topic": "billing"})
    path = _json(tmp_path, [record, _ticket(id=43, custom_fields=None)])
    assert [row["category"] for row in _rows(read_freshdesk(path, "tickets"))] == ["login_failure", None]
    monkeypatch.setenv(CATEGORY_FIELD_ENV, "cf_topic")
    assert [row["category"] for row in _rows(read_freshdesk(path, "tickets"))] == ["billing", None]
    monkeypatch.setenv(CATEGORY_FIELD_ENV, "")
    assert [row["category"] for row in _rows(read_freshdesk(path, "tickets"))] == [None, None]


def test_deleted_spam_and_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [
        _ticket(id=1, deleted=True),
        _ticket(id=2, spam=True),
        _ticket(id=3, deleted=True, spam=True),  # deleted wins
        _ticket(id=4, status=5, tags=["Merged", "vip"]),
        _ticket(id=5, deleted=False, spam=False),
    ]
    path = _json(tmp_path, records)
    output = read_freshdesk(path, "tickets")
    assert [row["excluded_reason"] for row in _rows(output)] == ["deleted", "spam", "deleted", None, None]
    assert output.stats == {"excluded: deleted": 2, "excluded: spam": 1}
    monkeypatch.setenv(MERGED_TAGS_ENV, "merged, closed_by_merge")
    assert [row["excluded_reason"] for row in _rows(read_freshdesk(path, "tickets"))] == [
        "deleted",
        "spam",
        "deleted",
        "merged",
        None,
    ]


def test_excluded_tickets_still_give_their_events(tmp_path: Path) -> None:
    """dbt staging drops them with their events; the adapter passes everything on."""
    output = read_freshdesk(_json(tmp_path, [_ticket(deleted=True)]), "ticket_events")
    assert [row["event_id"] for row in _rows(output)] == ["fd:42:created"]


def test_unknown_status_is_rejected_naming_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _json(tmp_path, [_ticket(id=1), _ticket(id=2, status=6)])
    output = read_freshdesk(path, "tickets")
    assert [row["ticket_id"] for row in _rows(output)] == ["1"]
    assert [(r.line, r.rule) for r in output.rejected] == [(2, "unknown_status")]
    assert STATUSES_ENV in output.rejected[0].reason
    assert '"6=pending"' in output.rejected[0].reason
    assert json.loads(output.rejected[0].text)["id"] == 2
    # The rejected ticket gives no events and is not reported a second time.
    events = read_freshdesk(path, "ticket_events")
    assert {row["ticket_id"] for row in _rows(events)} == {"1"}
    assert events.rejected == []
    monkeypatch.setenv(STATUSES_ENV, "6=on_hold,7=pending")
    assert [row["status"] for row in _rows(read_freshdesk(path, "tickets"))] == ["open", "on_hold"]


# ----------------------------------------------------------------------------- events from ticket stats


def test_events_from_stats(tmp_path: Path) -> None:
    record = _ticket(
        status=5,
        responder_id=5002,
        fr_escalated=True,
        is_escalated=True,
        updated_at="2026-02-05T09:00:00Z",
        stats={
            "first_assigned_at": "2026-02-03T09:10:00Z",
            "assigned_at": "2026-02-03T11:00:00Z",
            "resolved_at": "2026-02-04T10:00:00Z",
            "reopened_at": "2026-02-04T09:00:00Z",
            "closed_at": "2026-02-05T09:00:00Z",
            "status_updated_at": "2026-02-05T09:00:00Z",
            "first_responded_at": "2026-02-03T10:00:00Z",
        },
    )
    output = read_freshdesk(_json(tmp_path, [record]), "ticket_events")
    events = {
        row["event_id"]: (row["occurred_at"], row["event_type"], row["old_value"], row["new_value"])
        for row in _rows(output)
    }
    assert events == {
        "fd:42:created": ("2026-02-03T09:00:00Z", "created", None, None),
        "fd:42:assigned:2026-02-03T11:00:00Z": ("2026-02-03T11:00:00Z", "assigned", None, "5002"),
        # the first assignment's agent is not in the stats: the current responder, own id
        "fd:42:first_assigned:2026-02-03T09:10:00Z": ("2026-02-03T09:10:00Z", "assigned", None, "5002"),
        "fd:42:resolved:2026-02-04T10:00:00Z": ("2026-02-04T10:00:00Z", "status_changed", None, "solved"),
        "fd:42:reopened:2026-02-04T09:00:00Z": ("2026-02-04T09:00:00Z", "status_changed", "solved", "open"),
        "fd:42:closed:2026-02-05T09:00:00Z": ("2026-02-05T09:00:00Z", "status_changed", None, "closed"),
        # first-response escalation at fr_due_by, resolution escalation at due_by
        "fd:42:fr_escalated:2026-02-03T17:00:00Z": ("2026-02-03T17:00:00Z", "escalated", None, "sla_breach"),
        "fd:42:escalated:2026-02-05T09:00:00Z": ("2026-02-05T09:00:00Z", "escalated", None, "sla_breach"),
    }
    actors = {(row["actor_type"], row["actor_id"], row["is_public"]) for row in _rows(output)}
    assert actors == {("customer", "9001", None), ("system", None, None)}  # created by the requester
    # no reply is made from first_responded_at; a closed ticket gets no extra status event
    assert output.stats == {
        "events: created": 1,
        "events: status_changed": 3,
        "events: assigned": 2,
        "events: escalated": 2,
    }


def test_escalation_time_is_capped_at_the_version_time(tmp_path: Path) -> None:
    """A due_by moved into the future after the breach (e.g. a lower priority) is not used."""
    record = _ticket(is_escalated=True, due_by="2026-03-01T09:00:00Z", updated_at="2026-02-04T12:00:00Z")
    output = read_freshdesk(_json(tmp_path, [record]), "ticket_events")
    assert [row["occurred_at"] for row in _rows(output) if row["event_type"] == "escalated"] == ["2026-02-04T12:00:00Z"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (2, [("fd:42:status:open:2026-02-03T09:30:00Z", "open")]),
        (3, [("fd:42:status:pending:2026-02-03T09:30:00Z", "pending")]),
        (4, []),  # the resolution comes from resolved_at
        (5, []),
    ],
)
def test_current_status_event(tmp_path: Path, status: int, expected: list[tuple[str, str]]) -> None:
    record = _ticket(status=status, stats={"status_updated_at": "2026-02-03T09:30:00Z"})
    output = read_freshdesk(_json(tmp_path, [record]), "ticket_events")
    assert [(row["event_id"], row["new_value"]) for row in _rows(output) if row["event_type"] == "status_changed"] == (
        expected
    )


def test_one_assignment_when_first_and_latest_agree(tmp_path: Path) -> None:
    same = "2026-02-03T09:10:00Z"
    records = [
        _ticket(id=1, responder_id=5001, stats={"first_assigned_at": same, "assigned_at": same}),
        _ticket(id=2, responder_id=5001, stats={"first_assigned_at": same}),
        _ticket(id=3, responder_id=None, stats={"first_assigned_at": same, "assigned_at": same}),
    ]
    output = read_freshdesk(_json(tmp_path, records), "ticket_events")
    assert [(row["event_id"], row["new_value"]) for row in _rows(output) if row["event_type"] == "assigned"] == [
        ("fd:1:assigned:2026-02-03T09:10:00Z", "5001"),
        ("fd:2:assigned:2026-02-03T09:10:00Z", "5001"),
    ]
    # ticket 3 was assigned and later unassigned: the agent is unknown, no assignment event
    assert output.stats["assignments_without_responder"] == 1


def test_outbound_email_is_created_by_the_agent(tmp_path: Path) -> None:
    output = read_freshdesk(_json(tmp_path, [_ticket(source=10, responder_id=5003)]), "ticket_events")
    created = [row for row in _rows(output) if row["event_type"] == "created"]
    assert [(row["actor_type"], row["actor_id"]) for row in created] == [("agent", "5003")]


def test_two_versions_keep_both_resolutions(tmp_path: Path) -> None:
    """Stats keep only the latest resolved_at; each pulled version adds its facts under stable ids."""
    first = _ticket(status=4, updated_at="2026-02-03T12:00:00Z", stats={"resolved_at": "2026-02-03T12:00:00Z"})
    second = _ticket(
        status=4,
        updated_at="2026-02-04T11:00:00Z",
        stats={"resolved_at": "2026-02-04T11:00:00Z", "reopened_at": "2026-02-04T09:00:00Z"},
    )
    ids = set()
    for number, record in enumerate((first, second, first)):  # the first page again, after a crash
        output = read_freshdesk(_json(tmp_path, [record], f"tickets-{number}.json"), "ticket_events")
        ids |= {row["event_id"] for row in _rows(output)}
    assert sorted(ids) == [
        "fd:42:created",
        "fd:42:reopened:2026-02-04T09:00:00Z",
        "fd:42:resolved:2026-02-03T12:00:00Z",
        "fd:42:resolved:2026-02-04T11:00:00Z",
    ]


# ----------------------------------------------------------------------------- conversations


def test_conversations(tmp_path: Path) -> None:
    records = [
        _conversation(1, user_id=9001, incoming=True, created_at="2026-02-03T09:30:00Z"),
        _conversation(2, private=True, source=2, created_at="2026-02-03T09:40:00Z"),
        _conversation(3, created_at="2026-02-03T10:00:00Z"),
        _conversation(4, user_id=9001, incoming=True, private=True, source=2, created_at="2026-02-03T10:10:00Z"),
        _conversation(5, source=8, created_at="2026-02-03T10:20:00Z"),  # forwarded to a third party
    ]
    output = read_freshdesk(_json(tmp_path, records), "ticket_events")
    assert [line for line, _ in output.rows] == [1, 2, 3, 4, 5]
    assert _events(output) == [
        ("fd:42:conversation:1", "2026-02-03T09:30:00Z", "customer_reply", "customer", "9001", None, None, "true"),
        ("fd:42:conversation:2", "2026-02-03T09:40:00Z", "internal_note", "agent", "5001", None, None, "false"),
        ("fd:42:conversation:3", "2026-02-03T10:00:00Z", "agent_reply", "agent", "5001", None, None, "true"),
        ("fd:42:conversation:4", "2026-02-03T10:10:00Z", "internal_note", "customer", "9001", None, None, "false"),
        ("fd:42:conversation:5", "2026-02-03T10:20:00Z", "internal_note", "agent", "5001", None, None, "false"),
    ]
    assert output.stats["forwards_as_internal_note"] == 1
    for entity in ("tickets", "agents", "groups"):
        assert read_freshdesk(tmp_path / "page.json", entity).rows == []


def test_agent_turned_into_a_contact_keeps_agent_replies(tmp_path: Path) -> None:
    """`incoming` is fixed when the message is written: Dave (5004) answered as an agent and was
    later made a contact; his replies stay agent replies whatever the agents list says now."""
    (tmp_path / "agents.json").write_text(json.dumps([_agent()]))  # Dave is not an agent any more
    conversations = [
        _conversation(11, user_id=5004, created_at="2026-02-10T11:00:00Z"),
        _conversation(12, user_id=9002, incoming=True, created_at="2026-02-10T13:00:00Z"),
    ]
    output = read_freshdesk(_json(tmp_path, conversations, "conversations.json"), "ticket_events")
    assert [(row["actor_id"], row["event_type"], row["actor_type"]) for row in _rows(output)] == [
        ("5004", "agent_reply", "agent"),
        ("9002", "customer_reply", "customer"),
    ]


def test_merge_note_is_counted(tmp_path: Path) -> None:
    note = _conversation(7, private=True, source=2, body_text="This ticket is closed and merged into ticket #41")
    output = read_freshdesk(_json(tmp_path, [note]), "ticket_events")
    assert _rows(output)[0]["event_type"] == "internal_note"
    assert output.stats["merge_notes"] == 1


# ----------------------------------------------------------------------------- agents and groups


def test_agent_rows(tmp_path: Path) -> None:
    records = [
        _agent(),
        _agent(id=5002, group_ids=[], deactivated=True, contact={"name": "Bob", "email": "b@x.io", "active": True}),
        _agent(id=5003, contact={"name": None, "email": "carol@example.com", "active": False}),
        _agent(id=5004, contact={"name": "Eve"}, created_at=None),
    ]
    del records[3]["group_ids"]
    output = read_freshdesk(_json(tmp_path, records), "agents")
    assert _rows(output) == [
        {
            "agent_id": "5001",
            "agent_name": "Alice Agent",
            "email": "alice@example.com",
            "group_id": "7002",  # the first of group_ids
            "hired_at": "2024-03-01",
            "country_code": None,
            "is_active": "true",
        },
        {
            "agent_id": "5002",
            "agent_name": "Bob",
            "email": "b@x.io",
            "group_id": None,
            "hired_at": "2024-03-01",
            "country_code": None,
            "is_active": "false",  # deactivated
        },
        {
            "agent_id": "5003",
            "agent_name": "carol@example.com",  # no name: the e-mail address
            "email": "carol@example.com",
            "group_id": "7002",
            "hired_at": "2024-03-01",
            "country_code": None,
            "is_active": "false",
        },
        {
            "agent_id": "5004",
            "agent_name": "Eve",
            "email": None,
            "group_id": None,
            "hired_at": None,
            "country_code": None,
            "is_active": None,
        },
    ]


def test_group_rows(tmp_path: Path) -> None:
    path = _json(tmp_path, [GROUP, {**GROUP, "id": "7002", "name": " Tech "}])
    assert _rows(read_freshdesk(path, "groups")) == [
        {"group_id": "7001", "group_name": "Billing"},
        {"group_id": "7002", "group_name": "Tech"},
    ]


# ----------------------------------------------------------------------------- file shapes


def test_mixed_ndjson_with_line_numbers_gz_and_blank_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(_ticket()),
        "",
        json.dumps(_conversation(1)),
        json.dumps(_agent()),
        "   ",
        json.dumps(GROUP),
    ]
    plain = _ndjson(tmp_path, lines)
    packed = tmp_path / "export.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    for path in (plain, packed):
        assert [line for line, _ in read_freshdesk(path, "tickets").rows] == [1]
        assert [line for line, _ in read_freshdesk(path, "ticket_events").rows] == [1, 3]  # created, conversation
        assert [line for line, _ in read_freshdesk(path, "agents").rows] == [4]
        assert [line for line, _ in read_freshdesk(path, "groups").rows] == [6]
        assert read_freshdesk(path, "groups").lines_read == 4


def test_single_object_search_page_and_empty_page(tmp_path: Path) -> None:
    single = tmp_path / "ticket-42.json"
    single.write_text("\ufeff" + json.dumps(_ticket(), indent=2))  # a BOM and a pretty-printed object
    assert [row["ticket_id"] for row in _rows(read_freshdesk(single, "tickets"))] == ["42"]
    search = _json(tmp_path, {"results": [_ticket(id=7), _ticket(id=8)], "total": 2}, "search.json")
    assert [(line, row["ticket_id"]) for line, row in read_freshdesk(search, "tickets").rows] == [(1, "7"), (2, "8")]
    empty = _json(tmp_path, [], "tickets-00000009.json")  # the last, empty page of a pull
    output = read_freshdesk(empty, "tickets")
    assert (output.rows, output.rejected, output.lines_read) == ([], [], 0)


def test_content_decides_not_the_suffix(tmp_path: Path) -> None:
    """NDJSON in a `.json` file and a JSON array in a `.ndjson` file are both read."""
    lines = [json.dumps(_ticket(id=1)), json.dumps(_ticket(id=2))]
    ndjson_as_json = _ndjson(tmp_path, lines, "tickets.json")
    array_as_ndjson = _json(tmp_path, [_ticket(id=1), _ticket(id=2)], "tickets.ndjson")
    for path in (ndjson_as_json, array_as_ndjson):
        output = read_freshdesk(path, "tickets")
        assert [(line, row["ticket_id"]) for line, row in output.rows] == [(1, "1"), (2, "2")]


def test_contacts_and_companies_are_ignored(tmp_path: Path) -> None:
    contact = {"id": 9001, "name": "Cleo", "email": "cleo@example.com", "active": True, "phone": None}
    company = {"id": 3, "name": "ACME", "domains": ["acme.test"]}
    output = read_freshdesk(_json(tmp_path, [GROUP, contact, company]), "groups")
    assert len(output.rows) == 1 and output.rejected == []
    assert output.stats == {"records_ignored: contact": 1, "records_ignored: company": 1}


# ----------------------------------------------------------------------------- rejects and unreadable files


def test_rejected_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(_ticket(id=1)),
        '{"id": 2, "status": 2, "priority": 2, "source": 1, "requester_id"',  # truncated
        json.dumps(_ticket(id=None)),
        json.dumps(_ticket(id=4, created_at="yesterday")),
        json.dumps(_ticket(id=5, stats={"resolved_at": "2026-13-01T00:00:00Z"})),
        json.dumps({"id": 6, "foo": "bar"}),
        "[1, 2]",
        json.dumps(_ticket(id=8, priority=5)),
        json.dumps(_conversation(9, created_at=17)),
    ]
    path = _ndjson(tmp_path, lines)
    tickets = read_freshdesk(path, "tickets")
    assert [row["ticket_id"] for row in _rows(tickets)] == ["1"]
    assert [(r.line, r.rule) for r in tickets.rejected] == [
        (2, "malformed_line"),  # most records are tickets: malformed lines are reported here
        (3, "missing_id"),
        (4, "bad_timestamp"),
        (5, "bad_timestamp"),
        (6, "unknown_record"),
        (7, "malformed_line"),
        (8, "malformed_line"),
    ]
    assert tickets.rejected[0].text == lines[1]
    assert "stats.resolved_at" in tickets.rejected[3].reason
    assert "not a JSON object" in tickets.rejected[5].reason
    assert "priority 5" in tickets.rejected[6].reason
    events = read_freshdesk(path, "ticket_events")
    assert [(r.line, r.rule) for r in events.rejected] == [(9, "bad_timestamp")]
    assert {row["ticket_id"] for row in _rows(events)} == {"1"}
    assert tickets.lines_read == events.lines_read == 9


def test_malformed_lines_go_to_the_main_entity_of_the_file(tmp_path: Path) -> None:
    path = _ndjson(tmp_path, [json.dumps(_conversation(1)), "{not json", json.dumps(_conversation(2))])
    assert [(r.line, r.rule) for r in read_freshdesk(path, "ticket_events").rejected] == [(2, "malformed_line")]
    assert read_freshdesk(path, "tickets").rejected == []


def test_truncated_json_page_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "tickets-00000003.json"
    path.write_text(json.dumps([_ticket(), _ticket(id=43)], indent=2)[:-40])
    with pytest.raises(UnreadableFile, match=r"not valid JSON .* one JSON array"):
        read_freshdesk(path, "tickets")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("users.json", json.dumps([{"id": 1, "foo": 2}]), "not a Freshdesk export: .* keys foo, id"),
        ("zendesk.json", json.dumps({"tickets": [], "end_of_stream": True}), "keys end_of_stream, tickets"),
        ("export.ndjson", "id,subject\n1,hello\n", "not a Freshdesk export: .* no JSON object"),
        ("tickets.csv", "id,subject\n1,hello\n", "not a Freshdesk export file: expected .json"),
    ],
)
def test_not_a_freshdesk_file(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(UnreadableFile, match=message):
        read_freshdesk(path, "tickets")


def test_unknown_entity() -> None:
    with pytest.raises(ValueError, match="freshdesk feeds"):
        read_freshdesk(Path("x.json"), "calls")


# ----------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (STATUSES_ENV, "6=waiting", "'waiting' is not one of"),
        (STATUSES_ENV, "6", "code=value"),
        (STATUSES_ENV, "six=pending", "'six' is not a Freshdesk numeric code"),
        (SOURCES_ENV, "5=fax", "'fax' is not one of"),
        (SOURCES_ENV, "5=email:twitter", "only allowed as social"),
        (SOURCES_ENV, "5=social:myspace", "only allowed as social"),
        (TYPES_ENV, "Billing=money", "'money' is not one of"),
    ],
)
def test_settings_errors_name_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(FreshdeskSettingsError, match=variable) as error:
        FreshdeskSettings.from_env()
    assert error.match(message)
    with pytest.raises(UnreadableFile, match=variable):
        read_freshdesk(_json(tmp_path, [_ticket()]), "tickets")


def test_settings_defaults() -> None:
    settings = FreshdeskSettings.from_env()
    assert dict(settings.statuses) == {2: "open", 3: "pending", 4: "solved", 5: "closed"}
    assert settings.category_field == "cf_category"
    assert settings.merged_tags == frozenset()


def test_registered_for_the_helpdesk_entities() -> None:
    adapter = get_adapter("freshdesk")
    assert adapter is not None
    assert adapter.source == "helpdesk"
    assert adapter.entities == ("tickets", "ticket_events", "agents", "groups")
    assert adapter in adapters_for(TICKETS)
