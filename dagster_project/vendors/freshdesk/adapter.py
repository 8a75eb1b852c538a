"""Adapter: Freshdesk API responses / exports (`helpdesk/freshdesk/`) -> helpdesk rows.

A file is either one API response body (`*.json`: the top-level JSON array a list endpoint
returns, the `results` array of a search response, or one object) or one record per line
(`*.jsonl`, `*.ndjson`); each optionally `.gz`. A record's kind comes from its shape, never from
the file name: tickets (`GET /api/v2/tickets?include=stats`) feed `tickets` and, through their
`stats`, `ticket_events`; conversations (`GET /api/v2/tickets/{id}/conversations`) feed
`ticket_events`; agents and groups feed their entities. Line numbers: the file line (NDJSON) or
the record's 1-based ordinal in the array (JSON).
Mapping decisions: docs/freshdesk.md.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagster_project.adapters.base import AdapterOutput, RejectedLine, Row, UnreadableFile, iso_utc, open_text
from dagster_project.contract.helpdesk import TICKET_TYPES
from dagster_project.vendors.freshdesk.settings import STATUSES_ENV, FreshdeskSettings, FreshdeskSettingsError

NAME = "freshdesk"
ENTITIES = ("tickets", "ticket_events", "agents", "groups")
ID_PREFIX = "fd:"
SUFFIXES = (".json", ".jsonl", ".ndjson")

KIND_ENTITY = {"ticket": "tickets", "conversation": "ticket_events", "agent": "agents", "group": "groups"}
IGNORED_KINDS = ("contact", "company")  # Freshdesk records no helpdesk entity takes: counted, not rejected
GROUP_KEYS = ("escalate_to", "unassigned_for", "group_type", "auto_ticket_assign", "agent_ids", "business_hour_id")
PRIORITIES = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
OUTBOUND_EMAIL_SOURCE = 10
FORWARD_SOURCE = 8  # conversation source "Forwarded email": sent to a third party, not to the requester
MERGE_NOTE = "merged into"  # Freshdesk's note on a secondary ticket: "closed and merged into ticket #..."
RESOLVED_STATUSES = ("solved", "closed")

MALFORMED = "malformed_line"
MISSING_ID = "missing_id"
BAD_TIMESTAMP = "bad_timestamp"
UNKNOWN_STATUS = "unknown_status"
UNKNOWN_RECORD = "unknown_record"


class _Rejected(ValueError):
    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule


@dataclass(frozen=True)
class _Record:
    line: int
    value: Any  # the decoded record (a dict when well-formed)
    text: str | None  # the NDJSON line as read; None for a record of a JSON array
    error: str | None = None  # why the line is not JSON

    def dump(self) -> str:
        return self.text if self.text is not None else json.dumps(self.value, ensure_ascii=False, default=str)


# ----------------------------------------------------------------------------- reading the file


def _check_name(path: Path) -> None:
    if not path.name.lower().removesuffix(".gz").endswith(SUFFIXES):
        raise UnreadableFile(
            f"not a Freshdesk export file: expected {', '.join(SUFFIXES)} (optionally .gz) — "
            "an API response body (JSON array) or one record per line"
        )


def _read_records(path: Path) -> tuple[list[_Record], int]:
    """The file's records and the number of lines read (NDJSON lines, or records of a JSON body)."""
    lines = list(open_text(path))
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    text = "\n".join(lines)
    start = text.lstrip()[:1]
    if start in ("[", "{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            if start == "[":
                raise UnreadableFile(
                    f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno}); "
                    "a Freshdesk API response must be one JSON array"
                ) from error
        else:
            if isinstance(document, dict) and isinstance(document.get("results"), list):
                document = document["results"]  # the search API (`/api/v2/search/tickets`) wraps its page
            values = document if isinstance(document, list) else [document]
            return [_Record(number, value, None) for number, value in enumerate(values, start=1)], len(values)
    records: list[_Record] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(_Record(number, json.loads(line), line))
        except json.JSONDecodeError as error:
            records.append(_Record(number, None, line, f"not valid JSON: {error.msg} (column {error.colno})"))
    return records, len(records)


def _kind(value: object) -> str | None:
    """ticket, conversation, agent, group, an ignored kind, or None (not a Freshdesk record)."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("contact"), dict):
        return "agent"
    if "ticket_id" in value and ("incoming" in value or "private" in value):
        return "conversation"
    if "status" in value and "priority" in value and ("requester_id" in value or "source" in value):
        return "ticket"
    if "name" in value and any(key in value for key in GROUP_KEYS):
        return "group"
    if "domains" in value:
        return "company"
    if "active" in value and ("email" in value or "phone" in value):
        return "contact"
    return None


def _main_entity(kinds: list[str | None]) -> str:
    """The entity most of the file's records feed: malformed and unknown records are reported there."""
    counted = Counter(KIND_ENTITY[kind] for kind in kinds if kind in KIND_ENTITY)
    return counted.most_common(1)[0][0] if counted else "tickets"


# ----------------------------------------------------------------------------- field parsing


def _id(value: object, field: str, required: bool = True) -> str | None:
    """A Freshdesk id (a JSON number, or a string of one) as text."""
    if isinstance(value, bool):
        raise _Rejected(MALFORMED, f"{field} is not an id: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    if value is None or value == "":
        if required:
            raise _Rejected(MISSING_ID, f"record without {field}")
        return None
    raise _Rejected(MALFORMED, f"{field} is not an id: {str(value)[:40]!r}")


def _timestamp(value: object, field: str, required: bool = False) -> datetime | None:
    """An ISO 8601 timestamp (Freshdesk writes `2026-02-03T09:00:00Z`); without offset it is UTC."""
    if value is None or value == "":
        if required:
            raise _Rejected(BAD_TIMESTAMP, f"{field} is missing")
        return None
    if not isinstance(value, str):
        raise _Rejected(BAD_TIMESTAMP, f"{field} {str(value)[:40]!r} is not an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise _Rejected(BAD_TIMESTAMP, f"{field} {value[:40]!r} is not an ISO 8601 timestamp") from error
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _code(value: object, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _Rejected(MALFORMED, f"{field} {str(value)[:40]!r} is not a Freshdesk code")
    text = str(value).strip()
    if not text.isdigit():
        raise _Rejected(MALFORMED, f"{field} {text[:40]!r} is not a Freshdesk code")
    return int(text)


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _bool_text(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


# ----------------------------------------------------------------------------- tickets


@dataclass
class _Ticket:
    row: Row
    events: list[Row]


class _TicketMapper:
    def __init__(self, settings: FreshdeskSettings) -> None:
        self.settings = settings
        self.stats: Counter[str] = Counter()  # about the tickets rows
        self.event_stats: Counter[str] = Counter()  # about the events derived from them

    def status(self, record: dict[str, Any]) -> str:
        code = _code(record.get("status"), "status")
        if code is None:
            raise _Rejected(MALFORMED, "status is missing")
        status = self.settings.statuses.get(code)
        if status is None:
            raise _Rejected(
                UNKNOWN_STATUS,
                f"ticket status {code} is a custom Freshdesk status without a mapping: "
                f'set {STATUSES_ENV} (e.g. "{code}=pending" or "{code}=on_hold")',
            )
        return status

    def priority(self, record: dict[str, Any]) -> str:
        code = _code(record.get("priority"), "priority")
        if code not in PRIORITIES:
            raise _Rejected(MALFORMED, f"priority {code} is not a Freshdesk priority (1-4)")
        return PRIORITIES[code]

    def channel(self, code: int | None) -> tuple[str, str | None]:
        mapped = self.settings.sources.get(code) if code is not None else None
        if mapped is None:
            self.stats[f"source_as_other: {code}"] += 1
            return "other", None
        return mapped

    def ticket_type(self, value: object) -> str | None:
        name = _text(value)
        if name is None:
            return None
        mapped = self.settings.types.get(name.lower())
        if mapped is not None:
            return mapped
        normalised = name.lower().replace(" ", "_").replace("-", "_")
        if normalised in TICKET_TYPES:
            return normalised
        self.stats[f"type_as_other: {name}"] += 1
        return "other"

    def category(self, record: dict[str, Any]) -> str | None:
        fields = record.get("custom_fields")
        if not self.settings.category_field or not isinstance(fields, dict):
            return None
        return _text(fields.get(self.settings.category_field))

    def excluded_reason(self, record: dict[str, Any]) -> str | None:
        tags = record.get("tags")
        tag_set = {str(tag).strip().lower() for tag in tags} if isinstance(tags, list) else set()
        if _flag(record.get("deleted")):
            return "deleted"
        if _flag(record.get("spam")):
            return "spam"
        if tag_set & self.settings.merged_tags:
            return "merged"
        return None

    def map(self, record: dict[str, Any]) -> _Ticket:
        ticket_id = _id(record.get("id"), "id")
        assert ticket_id is not None
        created = _timestamp(record.get("created_at"), "created_at", required=True)
        assert created is not None
        updated = _timestamp(record.get("updated_at"), "updated_at") or created
        status = self.status(record)
        priority = self.priority(record)
        source = _code(record.get("source"), "source")
        channel, network = self.channel(source)
        requester = _id(record.get("requester_id"), "requester_id", required=False)
        responder = _id(record.get("responder_id"), "responder_id", required=False)
        stats = record.get("stats") or {}
        if not isinstance(stats, dict):
            raise _Rejected(MALFORMED, "stats is not an object")
        moments = {
            name: _timestamp(stats.get(name), f"stats.{name}")
            for name in ("resolved_at", "closed_at", "reopened_at", "first_assigned_at", "assigned_at")
        }
        moments["status_updated_at"] = _timestamp(stats.get("status_updated_at"), "stats.status_updated_at")
        due_by = _timestamp(record.get("due_by"), "due_by")
        fr_due_by = _timestamp(record.get("fr_due_by"), "fr_due_by")
        excluded = self.excluded_reason(record)
        if excluded is not None:
            self.stats[f"excluded: {excluded}"] += 1
        row: Row = {
            "ticket_id": ticket_id,
            "created_at": iso_utc(created),
            "updated_at": iso_utc(updated),
            "channel": channel,
            "social_network": network,
            "ticket_type": self.ticket_type(record.get("type")),
            "priority": priority,
            "status": status,
            "category": self.category(record),
            "requester_id": requester,
            "group_id": _id(record.get("group_id"), "group_id", required=False),
            "assignee_id": responder,
            "country_code": None,
            "subject": _text(record.get("subject")),
            "excluded_reason": excluded,
        }
        events = _TicketEvents(ticket_id, self.event_stats)
        outbound = source == OUTBOUND_EMAIL_SOURCE
        events.add(
            "created", created, "created", "agent" if outbound else "customer", responder if outbound else requester
        )
        self.status_events(events, status, moments)
        self.assignment_events(events, responder, moments["first_assigned_at"], moments["assigned_at"])
        if _flag(record.get("fr_escalated")):
            events.add("fr_escalated", min(fr_due_by or updated, updated), "escalated", new="sla_breach")
        if _flag(record.get("is_escalated")):
            events.add("escalated", min(due_by or updated, updated), "escalated", new="sla_breach")
        return _Ticket(row, events.rows)

    @staticmethod
    def status_events(events: _TicketEvents, status: str, moments: dict[str, datetime | None]) -> None:
        """resolved_at -> solved, closed_at -> closed, reopened_at -> solved to open, and the
        current status at status_updated_at when it is not a resolved one."""
        if moments["resolved_at"] is not None:
            events.add("resolved", moments["resolved_at"], "status_changed", new="solved")
        if moments["closed_at"] is not None:
            events.add("closed", moments["closed_at"], "status_changed", new="closed")
        if moments["reopened_at"] is not None:
            events.add("reopened", moments["reopened_at"], "status_changed", old="solved", new="open")
        changed = moments["status_updated_at"]
        if changed is not None and status not in RESOLVED_STATUSES:
            events.add(f"status:{status}", changed, "status_changed", new=status)

    def assignment_events(
        self, events: _TicketEvents, responder: str | None, first: datetime | None, last: datetime | None
    ) -> None:
        """assigned_at (the latest assignment) -> the current responder. A first_assigned_at
        before it is a first assignment of an agent the stats do not name: it is given the current
        responder too (its own event id), so the first-assignment time is right and no
        reassignment is invented; an earlier version of the ticket may name the real first agent."""
        if first is None and last is None:
            return
        if responder is None:
            self.event_stats["assignments_without_responder"] += 1
            return
        if last is not None:
            events.add("assigned", last, "assigned", new=responder)
        if first is not None and first != last:
            events.add("assigned" if last is None else "first_assigned", first, "assigned", new=responder)


class _TicketEvents:
    def __init__(self, ticket_id: str, stats: Counter[str]) -> None:
        self.ticket_id = ticket_id
        self.stats = stats
        self.rows: list[Row] = []

    def add(
        self,
        fact: str,
        moment: datetime | None,
        event_type: str,
        actor_type: str = "system",
        actor_id: str | None = None,
        old: str | None = None,
        new: str | None = None,
    ) -> None:
        assert moment is not None
        at = iso_utc(moment)
        key = fact if fact == "created" else f"{fact}:{at}"
        self.stats[f"events: {event_type}"] += 1
        self.rows.append(
            {
                "event_id": f"{ID_PREFIX}{self.ticket_id}:{key}",
                "ticket_id": self.ticket_id,
                "occurred_at": at,
                "event_type": event_type,
                "actor_type": actor_type,
                "actor_id": actor_id,
                "old_value": old,
                "new_value": new,
                "is_public": None,
            }
        )


# ----------------------------------------------------------------------------- conversations, agents, groups


def _conversation_row(record: dict[str, Any], stats: Counter[str]) -> Row:
    conversation_id = _id(record.get("id"), "id")
    ticket_id = _id(record.get("ticket_id"), "ticket_id")
    created = _timestamp(record.get("created_at"), "created_at", required=True)
    assert created is not None
    incoming, private = _flag(record.get("incoming")), _flag(record.get("private"))
    source = _code(record.get("source"), "source")
    if private or source == FORWARD_SOURCE:
        event_type, is_public = "internal_note", False
        if source == FORWARD_SOURCE and not private:
            stats["forwards_as_internal_note"] += 1
        body = str(record.get("body_text") or record.get("body") or "")
        if MERGE_NOTE in body.lower():
            stats["merge_notes"] += 1
    elif incoming:
        event_type, is_public = "customer_reply", True
    else:
        event_type, is_public = "agent_reply", True
    stats[f"events: {event_type}"] += 1
    return {
        "event_id": f"{ID_PREFIX}{ticket_id}:conversation:{conversation_id}",
        "ticket_id": ticket_id,
        "occurred_at": iso_utc(created),
        "event_type": event_type,
        "actor_type": "customer" if incoming else "agent",
        "actor_id": _id(record.get("user_id"), "user_id", required=False),
        "old_value": None,
        "new_value": None,
        "is_public": _bool_text(is_public),
    }


def _agent_row(record: dict[str, Any]) -> Row:
    agent_id = _id(record.get("id"), "id")
    contact = record["contact"]
    created = _timestamp(record.get("created_at"), "created_at")
    groups = record.get("group_ids")
    group = _id(groups[0], "group_ids[0]", required=False) if isinstance(groups, list) and groups else None
    active = contact.get("active")
    is_active: bool | None = None if active is None else _flag(active)
    if "deactivated" in record and record["deactivated"] is not None:
        is_active = (is_active is not False) and not _flag(record["deactivated"])
    return {
        "agent_id": agent_id,
        "agent_name": _text(contact.get("name")) or _text(contact.get("email")),
        "email": _text(contact.get("email")),
        "group_id": group,
        "hired_at": created.date().isoformat() if created is not None else None,
        "country_code": None,
        "is_active": _bool_text(is_active),
    }


def _group_row(record: dict[str, Any]) -> Row:
    return {"group_id": _id(record.get("id"), "id"), "group_name": _text(record.get("name"))}


# ----------------------------------------------------------------------------- entry point


def _map(kind: str, value: dict[str, Any], mapper: _TicketMapper, entity: str, stats: Counter[str]) -> list[Row]:
    if kind == "ticket":
        ticket = mapper.map(value)
        return [ticket.row] if entity == "tickets" else ticket.events
    if kind == "conversation":
        return [_conversation_row(value, stats)]
    if kind == "agent":
        return [_agent_row(value)]
    return [_group_row(value)]


def read_freshdesk(path: Path, entity: str, settings: FreshdeskSettings | None = None) -> AdapterOutput:
    """Rows of `entity` from one Freshdesk file; UnreadableFile if it is not one (or a setting is bad).

    A rejected record is reported under the entity it feeds (a ticket under `tickets`, though it
    would have given events too); a malformed or unknown line under the entity most of the file's
    records feed, so each is quarantined once.
    """
    if entity not in ENTITIES:
        raise ValueError(f"{NAME} feeds {', '.join(ENTITIES)}, not {entity}")
    try:
        settings = settings or FreshdeskSettings.from_env()
    except FreshdeskSettingsError as error:
        raise UnreadableFile(str(error)) from error
    _check_name(path)
    records, lines_read = _read_records(path)
    kinds = [_kind(record.value) for record in records]
    if records and not any(kind is not None for kind in kinds):
        first = records[0].value
        shape = f"keys {', '.join(sorted(first)[:8])}" if isinstance(first, dict) else "no JSON object"
        raise UnreadableFile(
            f"not a Freshdesk export: no record is a ticket, conversation, agent or group (first record: {shape})"
        )
    main = _main_entity(kinds)
    output = AdapterOutput(lines_read=lines_read)
    mapper = _TicketMapper(settings)
    for record, kind in zip(records, kinds, strict=True):
        if kind in IGNORED_KINDS:
            if entity == main:
                output.stats[f"records_ignored: {kind}"] += 1
            continue
        target = KIND_ENTITY.get(kind or "", main)
        if kind == "ticket" and entity == "ticket_events":
            target = entity  # a ticket also gives events; its rejection is reported under tickets
        if target != entity:
            continue
        try:
            if record.error is not None:
                raise _Rejected(MALFORMED, record.error)
            if kind is None:
                if not isinstance(record.value, dict):
                    raise _Rejected(MALFORMED, "not a JSON object")
                raise _Rejected(UNKNOWN_RECORD, "not a Freshdesk ticket, conversation, agent or group")
            rows = _map(kind, record.value, mapper, entity, output.stats)
        except _Rejected as error:
            if not (kind == "ticket" and entity == "ticket_events"):
                output.rejected.append(RejectedLine(record.line, error.rule, str(error), record.dump()))
            continue
        output.rows.extend((record.line, row) for row in rows)
    if entity == "tickets":
        output.stats.update(mapper.stats)
    elif entity == "ticket_events":
        output.stats.update(mapper.event_stats)
    return output
