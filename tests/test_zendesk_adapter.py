"""Zendesk adapter: exact rows from small hand-written API pages and NDJSON exports.

Every record below is written by hand in the documented Zendesk shapes (Incremental Ticket
Export, Ticket Audits, Incremental Ticket Event Export, Ticket Metric Events, Users, Groups);
each test states the rows the mapping in docs/zendesk.md gives for it.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dagster_project.adapters import get_adapter
from dagster_project.adapters.base import RejectedLine, UnreadableFile
from dagster_project.contract import get_entity
from dagster_project.loading import load_entity
from dagster_project.vendors.zendesk import adapter as zendesk
from dagster_project.vendors.zendesk import evidence as zendesk_evidence
from dagster_project.vendors.zendesk.adapter import read_zendesk
from dagster_project.vendors.zendesk.evidence import context_fingerprint
from dagster_project.vendors.zendesk.settings import (
    CATEGORY_FIELD_ENV,
    CATEGORY_TAG_PREFIX_ENV,
    CHANNEL_MAP_ENV,
    DEFAULT_PRIORITY_ENV,
    ESCALATION_GROUPS_ENV,
    ESCALATION_TAG_ENV,
    ZendeskSettings,
    ZendeskSettingsError,
)

SETTINGS = ZendeskSettings()
AGENT, ADMIN, CUSTOMER, FORMER = 900, 901, 501, 777  # user ids


def _write(folder: Path, name: str, body: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    text = (
        json.dumps(body)
        if name.removesuffix(".gz").endswith(".json")
        else "\n".join(json.dumps(item) for item in body) + "\n"
    )
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def _rows(path: Path, entity: str, settings: ZendeskSettings = SETTINGS) -> list[dict[str, str | None]]:
    output = read_zendesk(path, entity, settings)
    assert output.rejected == []
    return [row for _, row in output.rows]


def _events(path: Path) -> list[tuple[str | None, ...]]:
    """(event_id, occurred_at, event_type, actor_type, actor_id, old_value, new_value, is_public)."""
    keys = ("event_id", "occurred_at", "event_type", "actor_type", "actor_id", "old_value", "new_value", "is_public")
    return [tuple(row[key] for key in keys) for row in _rows(path, "ticket_events")]


def _ticket(ticket_id: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": ticket_id,
        "url": f"https://acme.zendesk.com/api/v2/tickets/{ticket_id}.json",
        "created_at": "2025-10-06T09:00:00Z",
        "updated_at": "2025-10-06T10:00:00Z",
        "type": "question",
        "subject": "Cannot log in",
        "priority": "normal",
        "status": "open",
        "requester_id": CUSTOMER,
        "submitter_id": CUSTOMER,
        "assignee_id": AGENT,
        "organization_id": 3001,
        "group_id": 41,
        "tags": [],
        "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
        "custom_fields": [],
        "generated_timestamp": 1759744800,
    }
    return {**base, **fields}


# --------------------------------------------------------------------------- tickets


def test_ticket_page_maps_every_column(tmp_path: Path) -> None:
    page = {
        "tickets": [
            _ticket(
                101,
                type="task",
                status="hold",
                priority="high",
                tags=["vip", "category_login_failure", "category_other"],
                via={"channel": "web"},
            ),
            _ticket(102, status="deleted", tags=["category_billing"]),
            _ticket(103, status="closed", tags=["closed_by_merge"], via={"channel": "twitter"}),
            _ticket(104, priority=None, type=None, assignee_id=None, group_id=None, updated_at=None),
        ],
        "after_cursor": "MTU3NjYxMzUzOS4wfHw0Njd8",
        "before_cursor": None,
        "after_url": "https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTU3",
        "end_of_stream": True,
    }
    path = _write(tmp_path / "zendesk", "tickets-00000001.json", page)
    output = read_zendesk(path, "tickets", SETTINGS)
    common = {
        "created_at": "2025-10-06T09:00:00Z",
        "updated_at": "2025-10-06T10:00:00Z",
        "requester_id": "501",
        "country_code": None,
        "subject": "Cannot log in",
    }
    assert output.rows == [
        (1, {**common, "ticket_id": "101", "channel": "web_form", "social_network": None, "ticket_type": "other",
             "priority": "high", "status": "on_hold", "category": "login_failure", "group_id": "41",
             "assignee_id": "900", "excluded_reason": None}),
        # deleted: kept with a valid status and excluded_reason = deleted
        (2, {**common, "ticket_id": "102", "channel": "email", "social_network": None, "ticket_type": "question",
             "priority": "normal", "status": "closed", "category": "billing", "group_id": "41",
             "assignee_id": "900", "excluded_reason": "deleted"}),
        # closed by a merge into another ticket
        (3, {**common, "ticket_id": "103", "channel": "social", "social_network": "twitter",
             "ticket_type": "question", "priority": "normal", "status": "closed", "category": None,
             "group_id": "41", "assignee_id": "900", "excluded_reason": "merged"}),
        # no priority -> normal (setting), no type -> empty, no updated_at -> empty (staging: created_at)
        (4, {**common, "ticket_id": "104", "updated_at": None, "channel": "email", "social_network": None,
             "ticket_type": None, "priority": "normal", "status": "open", "category": None, "group_id": None,
             "assignee_id": None, "excluded_reason": None}),
    ]  # fmt: skip
    assert output.rejected == []
    assert output.lines_read == 4
    assert output.stats == {
        "tickets_deleted": 1,
        "tickets_merged": 1,
        "priority_defaulted": 1,
        "organization_id_ignored": 4,
    }
    # The page feeds only tickets.
    for entity in ("ticket_events", "agents", "groups"):
        assert read_zendesk(path, entity, SETTINGS).rows == []


@pytest.mark.parametrize(
    ("via", "expected"),
    [
        ("email", ("email", None)),
        ("web", ("web_form", None)),
        ("help_center", ("web_form", None)),
        ("chat", ("chat", None)),
        ("native_messaging", ("chat", None)),
        ("voice", ("phone", None)),
        ("api", ("api", None)),
        ("answer_bot", ("bot", None)),
        ("forum", ("forum", None)),
        ("facebook", ("social", "facebook")),
        ("instagram_dm", ("social", "instagram")),
        ("whatsapp", ("social", "other")),
        ("rule", ("other", None)),
        ("side_conversation", ("other", None)),
        ("brand_new_channel", ("other", None)),
        (None, ("other", None)),
    ],
)
def test_via_channel(via: str | None, expected: tuple[str, str | None]) -> None:
    assert SETTINGS.channel(via) == expected


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CHANNEL_MAP_ENV, "sms=phone, any_channel=social:linkedin, EMAIL=other")
    monkeypatch.setenv(CATEGORY_FIELD_ENV, "360001")
    monkeypatch.setenv(DEFAULT_PRIORITY_ENV, "Low")
    monkeypatch.setenv(ESCALATION_GROUPS_ENV, "42, 43")
    settings = ZendeskSettings.from_env()
    assert settings.channel("sms") == ("phone", None)
    assert settings.channel("any_channel") == ("social", "linkedin")
    assert settings.channel("email") == ("other", None)
    assert settings.channel("twitter") == ("social", "twitter")  # the defaults stay
    assert settings.escalation_group_ids == frozenset({"42", "43"})
    monkeypatch.setenv(ESCALATION_TAG_ENV, " Tier2_Escalation ")
    monkeypatch.setenv(CATEGORY_TAG_PREFIX_ENV, "topic::")
    assert (ZendeskSettings.from_env().escalation_tag, ZendeskSettings.from_env().category_tag_prefix) == (
        "tier2_escalation",
        "topic::",
    )
    # The category field wins over the tags; a multi-select value gives its first option.
    page = {
        "tickets": [
            _ticket(1, priority=None, tags=["category_x"], custom_fields=[{"id": 360001, "value": "Refund_Request"}]),
            _ticket(2, tags=["category_x"], custom_fields=[{"id": 360001, "value": None}]),
            _ticket(3, custom_fields=[{"id": 7, "value": "y"}, {"id": 360001, "value": ["a_b", "c"]}]),
        ]
    }
    rows = _rows(_write(tmp_path / "zendesk", "t.json", page), "tickets", settings)
    assert [(row["category"], row["priority"]) for row in rows] == [
        ("refund_request", "low"),
        ("x", "normal"),
        ("a_b", "normal"),
    ]


@pytest.mark.parametrize(
    ("env", "value", "message"),
    [
        (CHANNEL_MAP_ENV, "sms", CHANNEL_MAP_ENV),
        (CHANNEL_MAP_ENV, "sms=telegraph", "'telegraph' is not one of"),
        (CHANNEL_MAP_ENV, "sms=email:twitter", "only goes with social"),
        (CHANNEL_MAP_ENV, "x=social:myspace", "only goes with social"),
        (CATEGORY_FIELD_ENV, "custom_field_1", CATEGORY_FIELD_ENV),
        (DEFAULT_PRIORITY_ENV, "medium", DEFAULT_PRIORITY_ENV),
        (ESCALATION_GROUPS_ENV, "42,tier2", ESCALATION_GROUPS_ENV),
    ],
)
def test_bad_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: str, value: str, message: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ZendeskSettingsError, match=message):
        ZendeskSettings.from_env()
    path = _write(tmp_path / "zendesk", "t.json", {"tickets": [_ticket(1)]})
    with pytest.raises(UnreadableFile, match=env):
        read_zendesk(path, "tickets")


# --------------------------------------------------------------------------- ticket events


def _users(*users: tuple[int, str]) -> dict[str, Any]:
    return {
        "users": [
            {"id": user_id, "name": f"User {user_id}", "email": f"u{user_id}@example.com", "role": role}
            for user_id, role in users
        ],
        "end_of_stream": True,
    }


# One ticket's history in the Ticket Audits shape (GET /api/v2/tickets/100/audits).
AUDITS: dict[str, Any] = {
    "audits": [
        {  # created by the customer by e-mail: description comment + Create events
            "id": 1001, "ticket_id": 100, "created_at": "2025-10-06T09:00:00Z", "author_id": CUSTOMER,
            "via": {"channel": "email"},
            "events": [
                {"id": 2001, "type": "Comment", "author_id": CUSTOMER, "body": "I cannot log in", "public": True},
                {"id": 2002, "type": "Create", "field_name": "status", "value": "new"},
                {"id": 2003, "type": "Create", "field_name": "priority", "value": "normal"},
                {"id": 2004, "type": "Create", "field_name": "tags", "value": ["category_login_failure"]},
                {"id": 2005, "type": "Notification", "subject": "Received", "recipients": [CUSTOMER]},
            ],
        },
        {  # the agent takes it and answers publicly
            "id": 1002, "ticket_id": 100, "created_at": "2025-10-06T09:30:00Z", "author_id": AGENT,
            "events": [
                {"id": 2011, "type": "Change", "field_name": "assignee_id", "value": "900", "previous_value": None},
                {"id": 2012, "type": "Change", "field_name": "status", "value": "open", "previous_value": "new"},
                {"id": 2013, "type": "Comment", "author_id": AGENT, "body": "Try this", "public": True},
            ],
        },
        {  # the customer answers
            "id": 1003, "ticket_id": 100, "created_at": "2025-10-06T10:00:00Z", "author_id": CUSTOMER,
            "events": [{"id": 2021, "type": "Comment", "author_id": CUSTOMER, "body": "No luck", "public": True}],
        },
        {  # internal note, priority up, group change, escalation tag, on hold
            "id": 1004, "ticket_id": 100, "created_at": "2025-10-06T10:15:00Z", "author_id": AGENT,
            "events": [
                {"id": 2031, "type": "Comment", "author_id": AGENT, "body": "Asking tier 2", "public": False},
                {"id": 2032, "type": "Change", "field_name": "priority", "value": "urgent", "previous_value": "normal"},
                {"id": 2033, "type": "Change", "field_name": "group_id", "value": "42", "previous_value": "41"},
                {"id": 2034, "type": "Change", "field_name": "tags", "value": ["category_login_failure", "escalated"],
                 "previous_value": ["category_login_failure"]},
                {"id": 2035, "type": "Change", "field_name": "status", "value": "hold", "previous_value": "open"},
                {"id": 2036, "type": "Change", "field_name": "subject", "value": "Login", "previous_value": "x"},
            ],
        },
        {  # a trigger solves it (system author -1)
            "id": 1005, "ticket_id": 100, "created_at": "2025-10-06T11:00:00Z", "author_id": -1,
            "events": [{"id": 2041, "type": "Change", "field_name": "status", "value": "solved",
                        "previous_value": "hold"}],
        },
    ],
    "next_page": None,
    "previous_page": None,
    "count": 5,
}  # fmt: skip

EXPECTED_EVENTS = [
    ("zd:100:created", "2025-10-06T09:00:00Z", "created", "customer", "501", None, None, None),
    ("zd:2011", "2025-10-06T09:30:00Z", "assigned", "agent", "900", None, "900", None),
    ("zd:2012", "2025-10-06T09:30:00Z", "status_changed", "agent", "900", "new", "open", None),
    ("zd:2013", "2025-10-06T09:30:00Z", "agent_reply", "agent", "900", None, None, "true"),
    ("zd:2021", "2025-10-06T10:00:00Z", "customer_reply", "customer", "501", None, None, "true"),
    ("zd:2031", "2025-10-06T10:15:00Z", "internal_note", "agent", "900", None, None, "false"),
    ("zd:2032", "2025-10-06T10:15:00Z", "priority_changed", "agent", "900", "normal", "urgent", None),
    ("zd:2034", "2025-10-06T10:15:00Z", "escalated", "agent", "900", None, "manual", None),
    ("zd:2035", "2025-10-06T10:15:00Z", "status_changed", "agent", "900", "open", "on_hold", None),
    ("zd:2041", "2025-10-06T11:00:00Z", "status_changed", "system", None, "on_hold", "solved", None),
]


def test_ticket_audits(tmp_path: Path) -> None:
    folder = tmp_path / "zendesk"
    _write(folder, "users-00000001.json", _users((AGENT, "agent"), (CUSTOMER, "end-user")))
    path = _write(folder, "audits-00000001.json", AUDITS)
    assert _events(path) == EXPECTED_EVENTS
    output = read_zendesk(path, "ticket_events", SETTINGS)
    assert [line for line, _ in output.rows] == [1, 2, 2, 2, 3, 4, 4, 4, 4, 5]
    assert output.stats == {
        "description_comments": 1,
        "audit_events_ignored": 1,  # the notification
        "group_changes_ignored": 1,
    }


def test_incremental_ticket_events(tmp_path: Path) -> None:
    """The same history as Incremental Ticket Event Export records (include=comment_events):
    `event_type` instead of `type`, the changed field either as field_name/value or as its own key."""

    def audit(audit_id: int, at: str, epoch: int, updater: int, children: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": audit_id, "ticket_id": 100, "timestamp": epoch, "created_at": at, "updater_id": updater,
            "via": "Web form", "system": {}, "metadata": {}, "event_type": "Audit", "child_events": children,
        }  # fmt: skip

    body = {
        "ticket_events": [
            audit(1001, "2025-10-06T09:00:00Z", 1759741200, CUSTOMER, [
                {"id": 2001, "event_type": "Comment", "author_id": CUSTOMER, "body": "I cannot log in",
                 "public": True},
                {"id": 2002, "event_type": "Create", "status": "new", "via": "Mail"},
                {"id": 2003, "event_type": "Create", "priority": "normal"},
            ]),
            audit(1002, "2025-10-06T09:30:00Z", 1759743000, AGENT, [
                {"id": 2011, "event_type": "Change", "assignee_id": AGENT, "previous_value": None},
                {"id": 2012, "event_type": "Change", "field_name": "status", "value": "open",
                 "previous_value": "new"},
                {"id": 2013, "event_type": "Comment", "type": "Comment", "author_id": AGENT, "public": True},
            ]),
            audit(1003, "2025-10-06T10:00:00Z", 1759744800, CUSTOMER, [
                {"id": 2021, "event_type": "Comment", "author_id": CUSTOMER, "public": True},
            ]),
            audit(1004, "2025-10-06T10:15:00Z", 1759745700, AGENT, [
                {"id": 2031, "event_type": "Comment", "author_id": AGENT, "public": False},
                {"id": 2032, "event_type": "Change", "priority": "urgent", "previous_value": "normal"},
                {"id": 2033, "event_type": "Change", "group_id": 42, "previous_value": 41},
                {"id": 2034, "event_type": "Change", "tags": ["category_login_failure", "escalated"],
                 "added_tags": ["escalated"], "removed_tags": []},
                {"id": 2035, "event_type": "Change", "status": "hold", "previous_value": "open"},
                # a change of the ticket-type field: `type` is the field here, not the event kind
                {"id": 2036, "event_type": "Change", "type": "incident", "previous_value": "question"},
            ]),
            # no created_at: the epoch timestamp is used
            audit(1005, "", 1759748400, -1, [
                {"id": 2041, "event_type": "Change", "status": "solved", "previous_value": "hold"},
            ]),
        ],
        "next_page": "https://acme.zendesk.com/api/v2/incremental/ticket_events.json?start_time=1759748401",
        "count": 5,
        "end_of_stream": True,
        "end_time": 1759748401,
    }  # fmt: skip
    folder = tmp_path / "zendesk"
    _write(folder, "users-00000001.json", _users((AGENT, "agent")))
    path = _write(folder, "ticket_events-00000001.json", body)
    assert _events(path) == EXPECTED_EVENTS
    # the ticket-type change is read as a Change of the field `type` (no event, nothing "ignored")
    assert read_zendesk(path, "ticket_events", SETTINGS).stats == {
        "description_comments": 1,
        "group_changes_ignored": 1,
    }


# A ticket moved to the trash and restored: the Ticket Audits API writes the deletion and the
# restore as ordinary status Change events with the value `deleted` (the API's ticket status
# `deleted`, see justeat/ZendeskApiClient PR #135 "Adds deleted status to TicketStatus enum";
# docs/zendesk.md). Neither is a status change of the ticket (issue 12 item 6).
TRASHED_AND_RESTORED: dict[str, Any] = {
    "audits": [
        {"id": 3001, "ticket_id": 300, "created_at": "2025-10-06T09:00:00Z", "author_id": CUSTOMER,
         "events": [{"id": 4001, "type": "Comment", "author_id": CUSTOMER, "body": "Help", "public": True},
                    {"id": 4002, "type": "Create", "field_name": "status", "value": "new"}]},
        {"id": 3002, "ticket_id": 300, "created_at": "2025-10-06T09:30:00Z", "author_id": AGENT,
         "events": [{"id": 4011, "type": "Change", "field_name": "status", "value": "open",
                     "previous_value": "new"}]},
        {"id": 3003, "ticket_id": 300, "created_at": "2025-10-07T12:00:00Z", "author_id": AGENT,
         "events": [{"id": 4021, "type": "Change", "field_name": "status", "value": "deleted",
                     "previous_value": "open"}]},
        {"id": 3004, "ticket_id": 300, "created_at": "2025-10-09T08:00:00Z", "author_id": AGENT,
         "events": [{"id": 4031, "type": "Change", "field_name": "status", "value": "open",
                     "previous_value": "deleted"}]},
    ],
    "next_page": None,
    "previous_page": None,
    "count": 4,
}  # fmt: skip


def test_trash_and_restore_is_no_status_change(tmp_path: Path) -> None:
    """open -> deleted gives no row (before the fix: open -> closed, a resolution); deleted -> open
    gives a row without old_value, so staging takes the status before the deletion (open) as the
    previous status: open -> open, neither a reopen nor a change of spell."""
    folder = tmp_path / "zendesk"
    _write(folder, "users-00000001.json", _users((AGENT, "agent"), (CUSTOMER, "end-user")))
    path = _write(folder, "audits-00000001.json", TRASHED_AND_RESTORED)
    assert _events(path) == [
        ("zd:300:created", "2025-10-06T09:00:00Z", "created", "customer", "501", None, None, None),
        ("zd:4011", "2025-10-06T09:30:00Z", "status_changed", "agent", "900", "new", "open", None),
        ("zd:4031", "2025-10-09T08:00:00Z", "status_changed", "agent", "900", None, "open", None),
    ]
    stats = read_zendesk(path, "ticket_events", SETTINGS).stats
    assert stats["status_changes_to_deleted_skipped"] == 1
    assert stats["status_restores_from_deleted"] == 1
    # the same in the Incremental Ticket Event Export shape (status as its own key)
    body = {
        "ticket_events": [
            {"id": audit["id"], "ticket_id": 300, "created_at": audit["created_at"], "timestamp": 0,
             "updater_id": audit["author_id"], "event_type": "Audit", "via": "Web form",
             "child_events": [
                 {"id": child["id"], "event_type": child["type"], **(
                     {"author_id": child["author_id"], "public": True} if child["type"] == "Comment"
                     else {"status": child["value"], "previous_value": child.get("previous_value")})}
                 for child in audit["events"]
             ]}
            for audit in TRASHED_AND_RESTORED["audits"]
        ],
        "end_of_stream": True,
    }  # fmt: skip
    path = _write(tmp_path / "zendesk", "ticket_events-00000001.json", body)
    assert _events(path) == _events(folder / "audits-00000001.json")


def test_the_same_audit_in_both_shapes_gives_the_same_ids(tmp_path: Path) -> None:
    folder = tmp_path / "zendesk"
    _write(folder, "users.json", _users((AGENT, "agent")))
    first = _write(folder, "audits.json", AUDITS)
    lines = [
        {"id": a["id"], "ticket_id": a["ticket_id"], "created_at": a["created_at"], "updater_id": a["author_id"],
         "event_type": "Audit", "child_events": [{**e, "event_type": e["type"]} for e in a["events"]]}
        for a in AUDITS["audits"]
    ]  # fmt: skip
    second = _write(folder, "events.ndjson", lines)
    assert _events(first) == _events(second) == EXPECTED_EVENTS


def test_ticket_created_by_an_agent(tmp_path: Path) -> None:
    """An agent logging a phone call: created by the agent, open and assigned at once; the
    description comment is still not a reply."""
    body = {
        "audits": [
            {"id": 1, "ticket_id": 7, "created_at": "2025-10-07T08:00:00Z", "author_id": AGENT, "events": [
                {"id": 11, "type": "Comment", "author_id": AGENT, "body": "Customer called", "public": True},
                {"id": 12, "type": "Create", "field_name": "status", "value": "open"},
                {"id": 13, "type": "Create", "field_name": "assignee_id", "value": str(AGENT)},
                {"id": 14, "type": "Create", "field_name": "requester_id", "value": str(CUSTOMER)},
                {"id": 15, "type": "Create", "field_name": "tags", "value": ["escalated"]},
            ]},
            {"id": 2, "ticket_id": 7, "created_at": "2025-10-07T08:05:00Z", "author_id": AGENT, "events": [
                {"id": 21, "type": "Change", "field_name": "assignee_id", "value": None, "previous_value": "900"},
                {"id": 22, "type": "Change", "field_name": "priority", "value": None, "previous_value": "normal"},
                {"id": 23, "type": "Change", "field_name": "priority", "value": "low", "previous_value": None},
            ]},
        ]
    }  # fmt: skip
    path = _write(tmp_path / "zendesk", "a.json", body)
    assert _events(path) == [
        ("zd:7:created", "2025-10-07T08:00:00Z", "created", "agent", "900", None, None, None),
        ("zd:12", "2025-10-07T08:00:00Z", "status_changed", "agent", "900", "new", "open", None),
        ("zd:13", "2025-10-07T08:00:00Z", "assigned", "agent", "900", None, "900", None),
        ("zd:15", "2025-10-07T08:00:00Z", "escalated", "agent", "900", None, "manual", None),
        ("zd:21", "2025-10-07T08:05:00Z", "assigned", "agent", "900", "900", None, None),
        # 22: normal -> none is normal -> normal (default priority): no change
        ("zd:23", "2025-10-07T08:05:00Z", "priority_changed", "agent", "900", "normal", "low", None),
    ]


def test_escalation_group(tmp_path: Path) -> None:
    settings = ZendeskSettings(escalation_group_ids=frozenset({"42"}))
    path = _write(tmp_path / "zendesk", "a.json", AUDITS)
    rows = _rows(path, "ticket_events", settings)
    escalations = [(r["event_id"], r["old_value"], r["new_value"]) for r in rows if r["event_type"] == "escalated"]
    assert escalations == [("zd:2033", "41", "group_transfer"), ("zd:2034", None, "manual")]


def test_side_conversations_are_not_replies(tmp_path: Path) -> None:
    body = {
        "audits": [
            {"id": 5, "ticket_id": 100, "created_at": "2025-10-08T09:00:00Z", "author_id": AGENT, "events": [
                {"id": 51, "type": "CollabThreadCreated", "subject": "Ask billing"},
                {"id": 52, "type": "Comment", "author_id": 333, "public": True,
                 "via": {"channel": "side_conversation"}},
                {"id": 53, "type": "Comment", "author_id": CUSTOMER, "public": True, "via": {"channel": "email"}},
                {"id": 54, "type": "VoiceComment", "author_id": AGENT, "public": True,
                 "data": {"from": "+15551234", "call_duration": 120}},
            ]},
        ]
    }  # fmt: skip
    folder = tmp_path / "zendesk"
    _write(folder, "users.json", _users((AGENT, "agent")))
    output = read_zendesk(_write(folder, "a.json", body), "ticket_events", SETTINGS)
    # A voice comment (a call logged on the ticket) is a reply like any comment.
    assert [(row["event_id"], row["event_type"], row["actor_type"]) for _, row in output.rows] == [
        ("zd:53", "customer_reply", "customer"),
        ("zd:54", "agent_reply", "agent"),
    ]
    assert output.stats["side_conversation_events_skipped"] == 2


def test_metric_events(tmp_path: Path) -> None:
    body = {
        "ticket_metric_events": [
            {"id": 1, "ticket_id": 100, "metric": "reply_time", "instance_id": 1, "type": "activate",
             "time": "2025-10-06T09:00:00Z"},
            {"id": 2, "ticket_id": 100, "metric": "reply_time", "instance_id": 1, "type": "apply_sla",
             "time": "2025-10-06T09:00:00Z", "sla": {"target": 60, "business_hours": False}},
            {"id": 3, "ticket_id": 100, "metric": "reply_time", "instance_id": 1, "type": "breach",
             "time": "2025-10-06T10:00:00Z"},
            {"id": 4, "ticket_id": 100, "metric": "agent_work_time", "instance_id": 1, "type": "breach",
             "time": "2025-10-06T13:00:00Z", "deleted": True},
            {"id": 5, "ticket_id": 100, "metric": "reply_time", "instance_id": 1, "type": "fulfill",
             "time": "2025-10-06T10:30:00Z"},
            {"id": 6, "ticket_id": 100, "metric": "requester_wait_time", "instance_id": 1, "type": "pause",
             "time": "2025-10-06T10:30:00Z"},
        ],
        "next_page": None, "end_of_stream": True, "count": 6,
    }  # fmt: skip
    output = read_zendesk(_write(tmp_path / "zendesk", "m.json", body), "ticket_events", SETTINGS)
    assert output.rows == [
        (3, {"event_id": "zd:metric:3", "ticket_id": "100", "occurred_at": "2025-10-06T10:00:00Z",
             "event_type": "escalated", "actor_type": "system", "actor_id": None, "old_value": "reply_time",
             "new_value": "sla_breach", "is_public": None}),
    ]  # fmt: skip
    assert output.stats == {
        "metric_activate_events": 1,
        "metric_apply_sla_events": 1,
        "breaches_withdrawn": 1,
        "metric_fulfill_events": 1,
        "metric_pause_events": 1,
    }


# --------------------------------------------------------------------------- the downgraded agent


def _former_agent_replies(folder: Path) -> Path:
    """Ticket 200: the customer writes, FORMER (an end-user today) answers publicly at 09:40."""
    body = {
        "audits": [
            {"id": 31, "ticket_id": 200, "created_at": "2025-10-09T09:00:00Z", "author_id": CUSTOMER, "events": [
                {"id": 311, "type": "Comment", "author_id": CUSTOMER, "public": True},
                {"id": 312, "type": "Create", "field_name": "status", "value": "new"},
            ]},
            {"id": 32, "ticket_id": 200, "created_at": "2025-10-09T09:40:00Z", "author_id": FORMER, "events": [
                {"id": 321, "type": "Comment", "author_id": FORMER, "public": True},
            ]},
        ]
    }  # fmt: skip
    _write(folder, "users-00000009.json", _users((FORMER, "end-user"), (CUSTOMER, "end-user")))
    return _write(folder, "audits-00000001.json", body)


EVIDENCE: dict[str, tuple[str, Any]] = {
    "an older users record with role agent": ("users-00000001.json", _users((FORMER, "agent"))),
    "assignee of a ticket": ("tickets.ndjson", [_ticket(300, assignee_id=FORMER)]),
    "assignee in an audit": (
        "audits-00000002.json",
        {"audits": [{"id": 41, "ticket_id": 300, "created_at": "2025-09-01T09:00:00Z", "author_id": ADMIN,
                     "events": [{"id": 411, "type": "Change", "field_name": "assignee_id", "value": "777",
                                 "previous_value": None}]}]},
    ),
    "a private comment": (
        "events.ndjson",
        [{"id": 42, "ticket_id": 300, "created_at": "2025-09-01T09:00:00Z", "updater_id": FORMER,
          "event_type": "Audit", "child_events": [{"id": 421, "event_type": "Comment", "author_id": FORMER,
                                                   "public": False}]}],
    ),
    "a reply_time fulfill at their comment": (
        "ticket_metric_events-00000001.json.gz",
        {"ticket_metric_events": [{"id": 9, "ticket_id": 200, "metric": "reply_time", "instance_id": 1,
                                   "type": "fulfill", "time": "2025-10-09T09:40:00Z"}]},
    ),
    "a group membership": (
        "group_memberships.json",
        {"group_memberships": [{"id": 5, "user_id": FORMER, "group_id": 41, "default": True}]},
    ),
}  # fmt: skip


def test_without_evidence_the_former_agent_looks_like_a_customer(tmp_path: Path) -> None:
    path = _former_agent_replies(tmp_path / "zendesk")
    assert [row[2:5] for row in _events(path)] == [
        ("created", "customer", "501"),
        ("customer_reply", "customer", "777"),
    ]
    assert context_fingerprint(path.parent, "ticket_events") == context_fingerprint(path.parent, "agents")
    assert read_zendesk(path.parent / "users-00000009.json", "agents", SETTINGS).rows == []


@pytest.mark.parametrize("evidence", list(EVIDENCE), ids=list(EVIDENCE))
def test_evidence_anywhere_in_the_folder_makes_the_reply_an_agent_reply(tmp_path: Path, evidence: str) -> None:
    folder = tmp_path / "zendesk"
    path = _former_agent_replies(folder)
    before = context_fingerprint(folder, "ticket_events")
    name, body = EVIDENCE[evidence]
    _write(folder, name, body)
    assert context_fingerprint(folder, "ticket_events") != before
    assert context_fingerprint(folder, "tickets") == context_fingerprint(folder, "groups") == ""
    assert [row[2:5] for row in _events(path)] == [
        ("created", "customer", "501"),
        ("agent_reply", "agent", "777"),
    ]
    # The agents entity keeps them, inactive, from today's users record (role end-user).
    assert _rows(folder / "users-00000009.json", "agents") == [
        {"agent_id": "777", "agent_name": "User 777", "email": "u777@example.com", "group_id": None,
         "hired_at": None, "country_code": None, "is_active": "false"},
    ]  # fmt: skip


def test_evidence_arriving_later_reloads_earlier_files(tmp_path: Path) -> None:
    """Through the loader: the audits load first with user 777 as a customer; the metric events
    page with the fulfill at their comment arrives later, the folder's fingerprint changes and the
    audits file is loaded again, so event zd:321 becomes an agent reply."""
    landing = tmp_path / "landing"
    folder = landing / "helpdesk" / "zendesk"
    _former_agent_replies(folder)
    events = get_entity("helpdesk", "ticket_events")
    con = duckdb.connect(":memory:")
    try:
        first = load_entity(con, landing, events)
        before = con.execute(
            f"select event_type, actor_type from {events.raw_table} where event_id = 'zd:321'"
        ).fetchall()
        name, body = EVIDENCE["a reply_time fulfill at their comment"]
        _write(folder, name, body)
        second = load_entity(con, landing, events)
        after = con.execute(
            f"select event_type, actor_type from {events.raw_table} where event_id = 'zd:321'"
        ).fetchall()
    finally:
        con.close()
    assert (first.rows_loaded, second.rows_loaded) == (2, 2)  # created + the reply, twice; the metric file: 0
    assert before == [("customer_reply", "customer")]
    assert after == [("agent_reply", "agent")]  # the reloaded file's rows replace its earlier ones


def test_folder_scan_is_cached_until_a_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "zendesk"
    path = _former_agent_replies(folder)
    calls: list[str] = []
    real = zendesk_evidence.read_records

    def counting(file: Path) -> Any:
        calls.append(file.name)
        return real(file)

    monkeypatch.setattr(zendesk_evidence, "read_records", counting)
    monkeypatch.setattr(zendesk, "read_records", counting)
    first = context_fingerprint(folder, "ticket_events")
    assert sorted(calls) == ["audits-00000001.json", "users-00000009.json"]
    calls.clear()
    read_zendesk(path, "ticket_events", SETTINGS)
    context_fingerprint(folder, "agents")
    assert calls == ["audits-00000001.json"]  # only the file being read; no folder scan
    _write(folder, ".tmp-users.json", _users((FORMER, "agent")))  # hidden: ignored
    assert context_fingerprint(folder, "ticket_events") == first
    calls.clear()
    _write(folder, "users-00000001.json", _users((FORMER, "agent")))
    assert context_fingerprint(folder, "ticket_events") != first
    assert sorted(calls) == ["audits-00000001.json", "users-00000001.json", "users-00000009.json"]
    # A file rewritten in place (the folder's mtime stays) is seen by the fingerprint's full check.
    second = context_fingerprint(folder, "ticket_events")
    _write(folder, "users-00000001.json", _users((FORMER, "end-user")))
    assert context_fingerprint(folder, "ticket_events") == first != second


def test_registered_with_its_context() -> None:
    adapter = get_adapter("zendesk")
    assert adapter is not None
    assert (adapter.source, adapter.entities) == ("helpdesk", ("tickets", "ticket_events", "agents", "groups"))
    assert adapter.context is context_fingerprint


# --------------------------------------------------------------------------- agents and groups


def test_agents_and_groups(tmp_path: Path) -> None:
    folder = tmp_path / "zendesk"
    users = {
        "users": [
            {"id": ADMIN, "name": "Ada Admin", "email": "ada@acme.test", "role": "admin", "active": True,
             "suspended": False, "default_group_id": 41, "created_at": "2023-04-03T08:00:00Z"},
            {"id": AGENT, "name": "Bo Agent", "email": "bo@acme.test", "role": "agent", "active": True,
             "suspended": True, "default_group_id": None, "created_at": "2024-01-15T12:00:00+02:00"},
            {"id": 902, "name": "", "email": "cy@acme.test", "role": "Agent", "active": False,
             "created_at": "2024-02-01T00:30:00+01:00"},
            {"id": CUSTOMER, "name": "Carla Customer", "email": "carla@example.com", "role": "end-user"},
        ],
        "after_cursor": "xyz", "end_of_stream": False,
    }  # fmt: skip
    path = _write(folder, "users-00000001.json", users)
    output = read_zendesk(path, "agents", SETTINGS)
    assert output.rows == [
        (1, {"agent_id": "901", "agent_name": "Ada Admin", "email": "ada@acme.test", "group_id": "41",
             "hired_at": "2023-04-03", "country_code": None, "is_active": "true"}),
        (2, {"agent_id": "900", "agent_name": "Bo Agent", "email": "bo@acme.test", "group_id": None,
             "hired_at": "2024-01-15", "country_code": None, "is_active": "false"}),  # suspended
        (3, {"agent_id": "902", "agent_name": "cy@acme.test", "email": "cy@acme.test", "group_id": None,
             "hired_at": "2024-01-31", "country_code": None, "is_active": "false"}),  # deactivated
    ]  # fmt: skip
    assert output.stats == {"end_users_skipped": 1}
    groups = {
        "groups": [
            {"id": 41, "name": "Support", "deleted": False, "created_at": "2023-01-01T00:00:00Z"},
            {"id": 42, "name": "Tier 2", "deleted": True},
        ],
        "next_page": None,
    }
    output = read_zendesk(_write(folder, "groups.json", groups), "groups", SETTINGS)
    assert output.rows == [
        (1, {"group_id": "41", "group_name": "Support"}),
        (2, {"group_id": "42", "group_name": "Tier 2"}),
    ]
    assert output.stats == {"deleted_groups_kept": 1}


# --------------------------------------------------------------------------- files and rejects


def test_ndjson_gz_with_bad_lines(tmp_path: Path) -> None:
    folder = tmp_path / "zendesk"
    folder.mkdir()
    lines = [
        json.dumps(_ticket(1)),
        "",
        '{"id": 2, "status": "open", "via": {"channel": "web"}, "created_at": "2025-10-06T09:',  # truncated
        json.dumps(_ticket(None)),  # type: ignore[arg-type]
        json.dumps(_ticket(4, created_at="06/10/2025 09:00")),
        json.dumps(_ticket(5, created_at=None)),
        json.dumps(["not", "a", "record"]),
        json.dumps({"id": 6, "name": "Support"}),  # a group in a tickets export: loads as a group
        json.dumps(_ticket(7, updated_at="2025-10-06T12:00:00+02:00")),
    ]
    path = folder / "tickets-export.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    output = read_zendesk(path, "tickets", SETTINGS)
    assert [(line, row["ticket_id"], row["updated_at"]) for line, row in output.rows] == [
        (1, "1", "2025-10-06T10:00:00Z"),
        (9, "7", "2025-10-06T10:00:00Z"),
    ]
    assert [(r.line, r.rule, r.reason) for r in output.rejected] == [
        (3, "malformed_line", "not valid JSON: Unterminated string starting at (column 70)"),
        (4, "missing_id", "id is empty"),
        (5, "bad_timestamp", "created_at '06/10/2025 09:00' is not a timestamp"),
        (6, "bad_timestamp", "created_at is empty"),
        (7, "unknown_record", "not a Zendesk record"),
    ]
    assert output.rejected[0].text == lines[2]
    assert output.lines_read == 8
    assert read_zendesk(path, "groups", SETTINGS).rows == [(8, {"group_id": "6", "group_name": "Support"})]
    assert read_zendesk(path, "groups", SETTINGS).rejected == []


def test_page_rejects_are_numbered_by_record_ordinal(tmp_path: Path) -> None:
    body = {
        "tickets": [_ticket(1), {"status": "open", "via": {}}],
        "users": [{"role": "agent", "name": "No id"}],
        "audits": [
            {"id": 8, "ticket_id": 1, "created_at": "yesterday", "author_id": AGENT, "events": []},
            {"id": 9, "created_at": "2025-10-06T09:00:00Z", "events": []},
            {"id": 10, "ticket_id": 1, "created_at": "2025-10-06T09:00:00Z", "events": "none"},
        ],
        "ticket_metric_events": [{"id": 11, "ticket_id": 1, "metric": "reply_time", "type": "breach"}],
    }
    path = _write(tmp_path / "zendesk", "mixed.json", body)
    assert [(r.line, r.rule) for r in read_zendesk(path, "tickets", SETTINGS).rejected] == [(2, "missing_id")]
    assert [(r.line, r.rule) for r in read_zendesk(path, "agents", SETTINGS).rejected] == [(3, "missing_id")]
    events = read_zendesk(path, "ticket_events", SETTINGS)
    assert [(r.line, r.rule, r.reason) for r in events.rejected] == [
        (4, "bad_timestamp", "created_at 'yesterday' is not a timestamp"),
        (5, "missing_id", "ticket_id is empty"),
        (6, "malformed_line", "events is not a list"),
        (7, "bad_timestamp", "time is empty"),
    ]
    assert isinstance(events.rejected[0], RejectedLine)
    assert json.loads(events.rejected[1].text) == body["audits"][1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tickets.csv", "id,status\n1,open\n", "not a Zendesk export file"),
        ("tickets.json", '{"results": [], "count": 0}', "must be an API response object"),
        ("tickets.json", "[1, 2, 3]", "must be an API response object"),
        ("tickets.json", '{"tickets": [', "not one JSON document"),
        ("tickets.ndjson", '{"foo": 1}\nnot json\n', "no line is a Zendesk"),
    ],
)
def test_not_a_zendesk_export(tmp_path: Path, name: str, content: str, message: str) -> None:
    folder = tmp_path / "zendesk"
    folder.mkdir()
    (folder / name).write_text(content)
    with pytest.raises(UnreadableFile, match=message):
        read_zendesk(folder / name, "tickets", SETTINGS)


def test_ndjson_named_json_and_pages_on_lines(tmp_path: Path) -> None:
    """A .json file holding one record per line, and an NDJSON file of whole pages, both load."""
    folder = tmp_path / "zendesk"
    folder.mkdir()
    (folder / "t.json").write_text(json.dumps(_ticket(1)) + "\n" + json.dumps(_ticket(2)) + "\n")
    assert [(line, row["ticket_id"]) for line, row in read_zendesk(folder / "t.json", "tickets", SETTINGS).rows] == [
        (1, "1"),
        (2, "2"),
    ]
    pages = [{"tickets": [_ticket(3), _ticket(4)], "end_of_stream": False}, {"tickets": [_ticket(5)]}]
    path = _write(folder, "pages.jsonl", pages)
    assert [(line, row["ticket_id"]) for line, row in read_zendesk(path, "tickets", SETTINGS).rows] == [
        (1, "3"),
        (1, "4"),
        (2, "5"),
    ]


def test_unknown_entity() -> None:
    with pytest.raises(ValueError, match="zendesk feeds"):
        read_zendesk(Path("x.json"), "calls", SETTINGS)
