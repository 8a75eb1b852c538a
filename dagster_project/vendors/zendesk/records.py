"""Reading Zendesk files (`helpdesk/zendesk/`): record kinds, values and the two audit shapes.

Used by the adapter (zendesk.py) and the folder-wide agent evidence (zendesk_evidence.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagster_project.adapters.base import UnreadableFile, iso_utc, open_text

NAME = "zendesk"
ENTITIES = ("tickets", "ticket_events", "agents", "groups")
ID_PREFIX = "zd:"
PAGE_SUFFIX = ".json"
LINE_SUFFIXES = (".jsonl", ".ndjson")

# Page key (= record kind) -> the entity its records feed. group_memberships only add agent evidence.
KIND_ENTITY = {
    "tickets": "tickets",
    "ticket_events": "ticket_events",
    "audits": "ticket_events",
    "ticket_metric_events": "ticket_events",
    "users": "agents",
    "group_memberships": "agents",
    "groups": "groups",
}
AGENT_ROLES = ("agent", "admin")
SYSTEM_USER = "-1"  # Zendesk's author id of triggers, automations and other system updates
STATUSES = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "hold": "on_hold",
    "on_hold": "on_hold",
    "solved": "solved",
    "closed": "closed",
    "deleted": "closed",  # a deleted ticket gets excluded_reason = deleted; its status only has to be valid
}
TICKET_TYPES = {"question": "question", "incident": "incident", "problem": "problem", "task": "other"}
MERGE_TAG = "closed_by_merge"
COMMENT_KINDS = ("comment", "voicecomment")
# Child-event fields when the incremental ticket event export names the field as the key.
KEYED_FIELDS = ("status", "assignee_id", "priority", "group_id", "tags", "type", "requester_id", "subject")
SIDE_CONVERSATION_CHANNEL = "side_conversation"
CONTEXT_ENTITIES = ("ticket_events", "agents")


class Rejected(ValueError):
    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule


@dataclass(frozen=True)
class Record:
    line: int  # NDJSON: the file line; JSON page: the record's ordinal in the file, from 1
    kind: str  # a KIND_ENTITY key, or "" when the line is not a Zendesk record
    data: Any
    text: str | None  # the line as read (NDJSON)
    error: str | None = None


@dataclass(frozen=True)
class Child:
    id: str | None
    kind: str  # lower-case: create, change, comment, voicecomment, notification, ...
    field: str | None
    value: Any
    previous: Any
    added_tags: tuple[str, ...] | None
    author: str | None
    public: bool
    via_channel: str | None


@dataclass(frozen=True)
class Audit:
    id: str
    ticket_id: str
    at: str
    author: str | None
    children: tuple[Child, ...]

    @property
    def is_create(self) -> bool:
        return any(child.kind == "create" for child in self.children)


# --------------------------------------------------------------------------- values


def text_value(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def id_text(value: object) -> str | None:
    return None if isinstance(value, bool) else text_value(value)


def required_id(data: dict[str, Any], key: str) -> str:
    value = id_text(data.get(key))
    if value is None:
        raise Rejected("missing_id", f"{key} is empty")
    return value


def timestamp_text(value: object, name: str) -> str | None:
    """ISO 8601 (offset or Z; none = UTC) or epoch seconds -> ISO 8601 UTC with Z; None when empty."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return iso_utc(float(value))
        if isinstance(value, str):
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
            return iso_utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    except (ValueError, OverflowError, OSError):
        pass
    raise Rejected("bad_timestamp", f"{name} {str(value)[:40]!r} is not a timestamp")


def required_timestamp(data: dict[str, Any], *names: str) -> str:
    for name in names:
        moment = timestamp_text(data.get(name), name)
        if moment is not None:
            return moment
    raise Rejected("bad_timestamp", f"{' / '.join(names)} is empty")


def tags_of(value: object) -> list[str]:
    """Tags as a list (API) or a space-separated string (some audit values), lower-case."""
    if isinstance(value, list):
        return [tag.strip().lower() for tag in value if isinstance(tag, str) and tag.strip()]
    if isinstance(value, str):
        return [tag.lower() for tag in value.split()]
    return []


def status_value(value: object) -> str | None:
    text = text_value(value)
    return None if text is None else STATUSES.get(text.lower(), text.lower())


def _public(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no")
    return value is not False


# --------------------------------------------------------------------------- reading files


def _shape_kind(value: object) -> str:
    """The kind of one NDJSON record, told from its shape (the file name does not matter)."""
    if not isinstance(value, dict):
        return ""
    if "child_events" in value:
        return "ticket_events"
    if isinstance(value.get("events"), list) and "ticket_id" in value:
        return "audits"
    if "metric" in value and "ticket_id" in value:
        return "ticket_metric_events"
    if "role" in value:
        return "users"
    if "ticket_id" not in value and "status" in value and ("via" in value or "requester_id" in value):
        return "tickets"
    if "user_id" in value and "group_id" in value:
        return "group_memberships"
    if "id" in value and "name" in value and "email" not in value:
        return "groups"
    return ""


def _page_records(body: object, line: int | None, start: int) -> list[Record]:
    """Records of one API response body; line None = number them by ordinal from start + 1."""
    records: list[Record] = []
    if not isinstance(body, dict):
        return records
    for key, items in body.items():
        if key not in KIND_ENTITY or not isinstance(items, list):
            continue
        for item in items:
            number = line if line is not None else start + len(records) + 1
            records.append(Record(number, key, item, None))
    return records


def _is_page(value: object) -> bool:
    return isinstance(value, dict) and any(isinstance(value.get(key), list) for key in KIND_ENTITY)


def _line_records(lines: Iterable[tuple[int, str]]) -> tuple[list[Record], int]:
    records: list[Record] = []
    lines_read = 0
    for number, text in lines:
        if not text.strip():
            continue
        lines_read += 1
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            records.append(Record(number, "", None, text, f"not valid JSON: {error.msg} (column {error.colno})"))
            continue
        if _is_page(value):  # a whole response body on one line
            records.extend(_page_records(value, number, 0))
            continue
        kind = _shape_kind(value)
        records.append(Record(number, kind, value, text, None if kind else "not a Zendesk record"))
    return records, lines_read


def _numbered_lines(path: Path) -> list[tuple[int, str]]:
    return [
        (number, line.lstrip("\ufeff") if number == 1 else line) for number, line in enumerate(open_text(path), start=1)
    ]


def read_records(path: Path) -> tuple[list[Record], int]:
    """(records, lines_read) of one file; UnreadableFile when it is not a Zendesk export."""
    name = path.name.lower().removesuffix(".gz")
    if not name.endswith((PAGE_SUFFIX, *LINE_SUFFIXES)):
        raise UnreadableFile(
            f"not a Zendesk export file: expected {PAGE_SUFFIX} (an API page) or "
            f"{', '.join(LINE_SUFFIXES)} (one record per line), optionally .gz"
        )
    lines = _numbered_lines(path)
    if name.endswith(PAGE_SUFFIX):
        try:
            body = json.loads("\n".join(text for _, text in lines))
        except json.JSONDecodeError as error:
            records, lines_read = _line_records(lines)  # NDJSON saved as .json
            if any(record.kind for record in records) and len(records) > 1:
                return records, lines_read
            raise UnreadableFile(
                f"not a Zendesk export: not one JSON document ({error.msg} at line {error.lineno})"
            ) from error
        if not _is_page(body):
            raise UnreadableFile(
                "not a Zendesk export: a .json file must be an API response object with an array under "
                + ", ".join(KIND_ENTITY)
            )
        records = _page_records(body, None, 0)
        return records, len(records)
    records, lines_read = _line_records(lines)
    if records and not any(record.kind for record in records):
        raise UnreadableFile("not a Zendesk export: no line is a Zendesk ticket, user, group, audit or event record")
    return records, lines_read


# --------------------------------------------------------------------------- audits (both shapes)


def _child(raw: dict[str, Any], audit_author: str | None) -> Child:
    # Incremental events name the kind in event_type (there `type` may be the ticket-type field).
    kind = str(raw.get("event_type") or raw.get("type") or "").strip().lower()
    field_name = text_value(raw.get("field_name"))
    value, previous = raw.get("value"), raw.get("previous_value")
    if field_name is None and kind in ("create", "change"):
        field_name = next((key for key in KEYED_FIELDS if key in raw), None)
        value = raw.get(field_name) if field_name else None
    added = raw.get("added_tags")
    via = raw.get("via")
    via_channel = text_value(via.get("channel")) if isinstance(via, dict) else None
    public = raw.get("public", raw.get("comment_public", True))
    return Child(
        id=id_text(raw.get("id")),
        kind=kind,
        field=field_name.lower() if field_name else None,
        value=value,
        previous=previous,
        added_tags=tuple(tags_of(added)) if isinstance(added, list) else None,
        author=id_text(raw.get("author_id")) or audit_author,
        public=_public(public),
        via_channel=via_channel.lower() if via_channel else None,
    )


def parse_audit(kind: str, data: object) -> Audit:
    """An audit of the Ticket Audits API or an Audit of the Incremental Ticket Event Export."""
    if not isinstance(data, dict):
        raise Rejected("malformed_line", "not a JSON object")
    audit_id = required_id(data, "id")
    ticket_id = required_id(data, "ticket_id")
    if kind == "audits":
        at = required_timestamp(data, "created_at")
        author, raw_children = id_text(data.get("author_id")), data.get("events")
    else:
        at = required_timestamp(data, "created_at", "timestamp")
        author, raw_children = id_text(data.get("updater_id")), data.get("child_events")
    if not isinstance(raw_children, list):
        raise Rejected("malformed_line", f"{'events' if kind == 'audits' else 'child_events'} is not a list")
    children = tuple(_child(raw, author) for raw in raw_children if isinstance(raw, dict))
    return Audit(audit_id, ticket_id, at, author, children)


def is_side_conversation(child: Child) -> bool:
    kind = child.kind.replace("_", "")
    return "collab" in kind or "sideconversation" in kind or child.via_channel == SIDE_CONVERSATION_CHANNEL
