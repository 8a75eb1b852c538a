"""Adapter: Zendesk exports and API pages (`helpdesk/zendesk/`) -> tickets, ticket_events, agents, groups.

Reads Zendesk API response bodies as returned (`*.json`: one page, an object with arrays under
`tickets`, `users`, `groups`, `group_memberships`, `audits`, `ticket_events`,
`ticket_metric_events`) and one-record-per-line exports (`*.jsonl`, `*.ndjson`, the kind told
from the record's shape), each optionally `.gz`. Whether a comment author is an agent is decided
from the whole folder (an agent later downgraded to end-user keeps their agent replies).
Mapping decisions: docs/zendesk.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagster_project.adapters.base import AdapterOutput, RejectedLine, Row, UnreadableFile, iso_utc, open_text
from dagster_project.adapters.zendesk_settings import ZendeskSettings, ZendeskSettingsError

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


class _Rejected(ValueError):
    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule


@dataclass(frozen=True)
class _Record:
    line: int  # NDJSON: the file line; JSON page: the record's ordinal in the file, from 1
    kind: str  # a KIND_ENTITY key, or "" when the line is not a Zendesk record
    data: Any
    text: str | None  # the line as read (NDJSON)
    error: str | None = None


@dataclass(frozen=True)
class _Child:
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
class _Audit:
    id: str
    ticket_id: str
    at: str
    author: str | None
    children: tuple[_Child, ...]

    @property
    def is_create(self) -> bool:
        return any(child.kind == "create" for child in self.children)


# --------------------------------------------------------------------------- values


def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _id(value: object) -> str | None:
    return None if isinstance(value, bool) else _text(value)


def _required_id(data: dict[str, Any], key: str) -> str:
    value = _id(data.get(key))
    if value is None:
        raise _Rejected("missing_id", f"{key} is empty")
    return value


def _timestamp(value: object, name: str) -> str | None:
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
    raise _Rejected("bad_timestamp", f"{name} {str(value)[:40]!r} is not a timestamp")


def _required_timestamp(data: dict[str, Any], *names: str) -> str:
    for name in names:
        moment = _timestamp(data.get(name), name)
        if moment is not None:
            return moment
    raise _Rejected("bad_timestamp", f"{' / '.join(names)} is empty")


def _tags(value: object) -> list[str]:
    """Tags as a list (API) or a space-separated string (some audit values), lower-case."""
    if isinstance(value, list):
        return [tag.strip().lower() for tag in value if isinstance(tag, str) and tag.strip()]
    if isinstance(value, str):
        return [tag.lower() for tag in value.split()]
    return []


def _status(value: object) -> str | None:
    text = _text(value)
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


def _page_records(body: object, line: int | None, start: int) -> list[_Record]:
    """Records of one API response body; line None = number them by ordinal from start + 1."""
    records: list[_Record] = []
    if not isinstance(body, dict):
        return records
    for key, items in body.items():
        if key not in KIND_ENTITY or not isinstance(items, list):
            continue
        for item in items:
            number = line if line is not None else start + len(records) + 1
            records.append(_Record(number, key, item, None))
    return records


def _is_page(value: object) -> bool:
    return isinstance(value, dict) and any(isinstance(value.get(key), list) for key in KIND_ENTITY)


def _line_records(lines: Iterable[tuple[int, str]]) -> tuple[list[_Record], int]:
    records: list[_Record] = []
    lines_read = 0
    for number, text in lines:
        if not text.strip():
            continue
        lines_read += 1
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            records.append(_Record(number, "", None, text, f"not valid JSON: {error.msg} (column {error.colno})"))
            continue
        if _is_page(value):  # a whole response body on one line
            records.extend(_page_records(value, number, 0))
            continue
        kind = _shape_kind(value)
        records.append(_Record(number, kind, value, text, None if kind else "not a Zendesk record"))
    return records, lines_read


def _numbered_lines(path: Path) -> list[tuple[int, str]]:
    return [
        (number, line.lstrip("\ufeff") if number == 1 else line) for number, line in enumerate(open_text(path), start=1)
    ]


def _read_records(path: Path) -> tuple[list[_Record], int]:
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


def _child(raw: dict[str, Any], audit_author: str | None) -> _Child:
    # Incremental events name the kind in event_type (there `type` may be the ticket-type field).
    kind = str(raw.get("event_type") or raw.get("type") or "").strip().lower()
    field_name = _text(raw.get("field_name"))
    value, previous = raw.get("value"), raw.get("previous_value")
    if field_name is None and kind in ("create", "change"):
        field_name = next((key for key in KEYED_FIELDS if key in raw), None)
        value = raw.get(field_name) if field_name else None
    added = raw.get("added_tags")
    via = raw.get("via")
    via_channel = _text(via.get("channel")) if isinstance(via, dict) else None
    public = raw.get("public", raw.get("comment_public", True))
    return _Child(
        id=_id(raw.get("id")),
        kind=kind,
        field=field_name.lower() if field_name else None,
        value=value,
        previous=previous,
        added_tags=tuple(_tags(added)) if isinstance(added, list) else None,
        author=_id(raw.get("author_id")) or audit_author,
        public=_public(public),
        via_channel=via_channel.lower() if via_channel else None,
    )


def _audit(kind: str, data: object) -> _Audit:
    """An audit of the Ticket Audits API or an Audit of the Incremental Ticket Event Export."""
    if not isinstance(data, dict):
        raise _Rejected("malformed_line", "not a JSON object")
    audit_id = _required_id(data, "id")
    ticket_id = _required_id(data, "ticket_id")
    if kind == "audits":
        at = _required_timestamp(data, "created_at")
        author, raw_children = _id(data.get("author_id")), data.get("events")
    else:
        at = _required_timestamp(data, "created_at", "timestamp")
        author, raw_children = _id(data.get("updater_id")), data.get("child_events")
    if not isinstance(raw_children, list):
        raise _Rejected("malformed_line", f"{'events' if kind == 'audits' else 'child_events'} is not a list")
    children = tuple(_child(raw, author) for raw in raw_children if isinstance(raw, dict))
    return _Audit(audit_id, ticket_id, at, author, children)


def _is_side_conversation(child: _Child) -> bool:
    kind = child.kind.replace("_", "")
    return "collab" in kind or "sideconversation" in kind or child.via_channel == SIDE_CONVERSATION_CHANNEL


# --------------------------------------------------------------------------- agent evidence (folder-wide)


@dataclass
class _Evidence:
    agents: set[str] = field(default_factory=set)
    comments: list[tuple[str, str, str]] = field(default_factory=list)  # (ticket_id, at, author) public
    fulfilled: set[tuple[str, str]] = field(default_factory=set)  # reply_time fulfill (ticket_id, at)

    def add(self, user_id: str | None) -> None:
        if user_id is not None and user_id != SYSTEM_USER:
            self.agents.add(user_id)

    def record(self, record: _Record) -> None:
        data = record.data
        if not isinstance(data, dict):
            return
        if record.kind == "users" and str(data.get("role") or "").lower() in AGENT_ROLES:
            self.add(_id(data.get("id")))
        elif record.kind == "tickets":
            self.add(_id(data.get("assignee_id")))
        elif record.kind == "group_memberships":
            self.add(_id(data.get("user_id")))
        elif record.kind == "ticket_metric_events":
            if data.get("metric") == "reply_time" and data.get("type") == "fulfill":
                ticket_id = _id(data.get("ticket_id"))
                at = _safe_timestamp(data.get("time"))
                if ticket_id is not None and at is not None:
                    self.fulfilled.add((ticket_id, at))
        elif record.kind in ("audits", "ticket_events"):
            try:
                audit = _audit(record.kind, data)
            except _Rejected:
                return
            for child in audit.children:
                if child.field == "assignee_id":
                    self.add(_id(child.value))
                    self.add(_id(child.previous))
                elif child.kind in COMMENT_KINDS and not child.public:
                    self.add(child.author)
                elif child.kind in COMMENT_KINDS and child.author is not None:
                    self.comments.append((audit.ticket_id, audit.at, child.author))

    def agent_ids(self) -> frozenset[str]:
        for ticket_id, at, author in self.comments:
            if (ticket_id, at) in self.fulfilled:
                self.add(author)
        return frozenset(self.agents)


def _safe_timestamp(value: object) -> str | None:
    try:
        return _timestamp(value, "time")
    except _Rejected:
        return None


_FileKey = tuple[str, int, int]  # name, size, mtime (ns)


def _folder_files(folder: Path) -> list[tuple[Path, _FileKey]]:
    """The folder's visible files, sorted by name, with their (name, size, mtime)."""
    if not folder.is_dir():
        return []
    found: list[tuple[Path, _FileKey]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_file():
                continue
            stat = entry.stat()
            found.append((Path(entry.path), (entry.name, stat.st_size, stat.st_mtime_ns)))
    return sorted(found, key=lambda item: item[1][0])


@dataclass(frozen=True)
class _CachedEvidence:
    folder_mtime_ns: int
    files: frozenset[_FileKey]
    agents: frozenset[str]


_EVIDENCE_CACHE: dict[Path, _CachedEvidence] = {}


def agent_evidence(folder: Path, reading: Path | None = None) -> frozenset[str]:
    """Ids of every user the folder shows to be (or to have been) an agent.

    Cached per folder until a file is added, removed or changed (name, size, mtime), which every
    call without `reading` checks file by file (the loader's fingerprint, once per entity and
    scan). A call while reading one file (`reading`, once per file) only checks the folder's
    mtime (files added, removed or renamed in, as the API writer does) and that file, so a
    folder of thousands of pages is not listed thousands of times.
    """
    key = folder.resolve()
    cached = _EVIDENCE_CACHE.get(key)
    if cached is not None and reading is not None and folder.stat().st_mtime_ns == cached.folder_mtime_ns:
        stat = reading.stat()
        if (reading.name, stat.st_size, stat.st_mtime_ns) in cached.files:
            return cached.agents
    folder_mtime = folder.stat().st_mtime_ns if folder.is_dir() else 0
    files = _folder_files(folder)
    file_keys = frozenset(file_key for _, file_key in files)
    if cached is not None and cached.files == file_keys:
        _EVIDENCE_CACHE[key] = _CachedEvidence(folder_mtime, file_keys, cached.agents)
        return cached.agents
    evidence = _Evidence()
    for path, _ in files:
        try:
            records, _lines = _read_records(path)
        except (UnreadableFile, OSError, EOFError, zlib.error):
            continue  # the file's own load reports it
        for record in records:
            evidence.record(record)
    agents = evidence.agent_ids()
    _EVIDENCE_CACHE[key] = _CachedEvidence(folder_mtime, file_keys, agents)
    return agents


def context_fingerprint(folder: Path, entity: str) -> str:
    """What rows of `entity` depend on beyond their own file: for ticket_events and agents a hash
    of the folder's agent evidence (when it changes, every file of the folder is read again);
    '' for the other entities."""
    if entity not in CONTEXT_ENTITIES:
        return ""
    ids = sorted(agent_evidence(folder))
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- rows


class _Mapper:
    def __init__(self, settings: ZendeskSettings, agents: frozenset[str], stats: Counter[str]) -> None:
        self.settings = settings
        self.agents = agents
        self.stats = stats

    # ---- tickets

    def _priority(self, value: object) -> str:
        text = _text(value)
        if text is None:
            self.stats["priority_defaulted"] += 1
            return self.settings.default_priority
        return text.lower()

    def _category(self, data: dict[str, Any], tags: list[str]) -> str | None:
        field_id = self.settings.category_field_id
        if field_id is not None:
            for item in data.get("custom_fields") or data.get("fields") or []:
                if isinstance(item, dict) and _id(item.get("id")) == field_id:
                    value = item.get("value")
                    value = value[0] if isinstance(value, list) and value else value
                    if _text(value) is not None:
                        return str(_text(value)).lower()
        prefix = self.settings.category_tag_prefix.lower()
        for tag in tags:
            if tag.startswith(prefix) and len(tag) > len(prefix):
                return tag[len(prefix) :]
        return None

    def ticket(self, data: object) -> Row:
        if not isinstance(data, dict):
            raise _Rejected("malformed_line", "not a JSON object")
        ticket_id = _required_id(data, "id")
        created_at = _required_timestamp(data, "created_at")
        updated_at = _timestamp(data.get("updated_at"), "updated_at")
        raw_status = (_text(data.get("status")) or "").lower()
        tags = _tags(data.get("tags"))
        excluded = None
        if raw_status == "deleted":
            excluded = "deleted"
        elif MERGE_TAG in tags:
            excluded = "merged"
        if excluded:
            self.stats[f"tickets_{excluded}"] += 1
        via = data.get("via")
        channel, network = self.settings.channel(_text(via.get("channel")) if isinstance(via, dict) else _text(via))
        raw_type = (_text(data.get("type")) or "").lower()
        if data.get("organization_id") is not None:
            self.stats["organization_id_ignored"] += 1
        return {
            "ticket_id": ticket_id,
            "created_at": created_at,
            "updated_at": updated_at,
            "channel": channel,
            "social_network": network,
            "ticket_type": TICKET_TYPES.get(raw_type, "other") if raw_type else None,
            "priority": self._priority(data.get("priority")),
            "status": STATUSES.get(raw_status, raw_status) if raw_status else None,
            "category": self._category(data, tags),
            "requester_id": _id(data.get("requester_id")),
            "group_id": _id(data.get("group_id")),
            "assignee_id": _id(data.get("assignee_id")),
            "country_code": None,
            "subject": _text(data.get("subject")),
            "excluded_reason": excluded,
        }

    # ---- agents and groups

    def agent(self, data: object) -> Row | None:
        if not isinstance(data, dict):
            raise _Rejected("malformed_line", "not a JSON object")
        user_id = _required_id(data, "id")
        is_staff = str(data.get("role") or "").lower() in AGENT_ROLES
        if not is_staff and user_id not in self.agents:
            self.stats["end_users_skipped"] += 1
            return None
        if not is_staff:
            self.stats["downgraded_agents"] += 1
        created_at = _timestamp(data.get("created_at"), "created_at")
        active = data.get("active", True) is not False and not data.get("suspended")
        return {
            "agent_id": user_id,
            "agent_name": _text(data.get("name")) or _text(data.get("email")) or user_id,
            "email": _text(data.get("email")),
            "group_id": _id(data.get("default_group_id")),
            "hired_at": created_at[:10] if created_at else None,
            "country_code": None,
            "is_active": "true" if active and is_staff else "false",
        }

    def group(self, data: object) -> Row:
        if not isinstance(data, dict):
            raise _Rejected("malformed_line", "not a JSON object")
        group_id = _required_id(data, "id")
        if data.get("deleted") is True:
            self.stats["deleted_groups_kept"] += 1
        return {"group_id": group_id, "group_name": _text(data.get("name")) or f"group {group_id}"}

    # ---- ticket events

    def _actor(self, user_id: str | None) -> tuple[str, str | None]:
        if user_id is None or user_id == SYSTEM_USER:
            return "system", None
        return ("agent" if user_id in self.agents else "customer"), user_id

    @staticmethod
    def _event(
        event_id: str,
        audit: _Audit,
        event_type: str,
        actor: tuple[str, str | None],
        old: str | None = None,
        new: str | None = None,
        is_public: str | None = None,
    ) -> Row:
        return {
            "event_id": event_id,
            "ticket_id": audit.ticket_id,
            "occurred_at": audit.at,
            "event_type": event_type,
            "actor_type": actor[0],
            "actor_id": actor[1],
            "old_value": old,
            "new_value": new,
            "is_public": is_public,
        }

    def _comment(self, audit: _Audit, child: _Child, event_id: str) -> Row | None:
        if audit.is_create:
            self.stats["description_comments"] += 1  # the request itself, not a reply
            return None
        if not child.public:  # a private comment is always an agent's (or the system's)
            actor = ("agent", child.author) if child.author not in (None, SYSTEM_USER) else ("system", None)
            return self._event(event_id, audit, "internal_note", actor, is_public="false")
        actor = self._actor(child.author)
        event_type = "customer_reply" if actor[0] == "customer" else "agent_reply"
        return self._event(event_id, audit, event_type, actor, is_public="true")

    def _field(self, audit: _Audit, child: _Child, event_id: str, create: bool) -> Row | None:
        actor = self._actor(audit.author)
        name = child.field
        if name == "status":
            new = _status(child.value)
            if new is None or (create and new == "new"):
                return None
            return self._event(
                event_id, audit, "status_changed", actor, "new" if create else _status(child.previous), new
            )
        if name == "assignee_id":
            new_id = _id(child.value)
            if create and new_id is None:
                return None
            return self._event(event_id, audit, "assigned", actor, None if create else _id(child.previous), new_id)
        if name == "priority" and not create:
            old, new = self._priority(child.previous), self._priority(child.value)
            return None if old == new else self._event(event_id, audit, "priority_changed", actor, old, new)
        if name == "group_id":
            new_group = _id(child.value)
            if new_group in self.settings.escalation_group_ids and new_group != _id(child.previous):
                return self._event(event_id, audit, "escalated", actor, _id(child.previous), "group_transfer")
            self.stats["group_changes_ignored"] += 1
            return None
        if name == "tags":
            added = child.added_tags
            if added is None:
                added = tuple(set(_tags(child.value)) - set(_tags(child.previous)))
            if self.settings.escalation_tag in added:
                return self._event(event_id, audit, "escalated", actor, None, "manual")
        return None

    def audit_events(self, kind: str, data: object) -> list[Row]:
        audit = _audit(kind, data)
        rows: list[Row] = []
        create = audit.is_create
        if create:
            rows.append(
                self._event(f"{ID_PREFIX}{audit.ticket_id}:created", audit, "created", self._actor(audit.author))
            )
        for ordinal, child in enumerate(audit.children, start=1):
            event_id = f"{ID_PREFIX}{child.id}" if child.id else f"{ID_PREFIX}{audit.id}:{ordinal}"
            if _is_side_conversation(child):
                self.stats["side_conversation_events_skipped"] += 1
                continue
            if child.kind in COMMENT_KINDS:
                row = self._comment(audit, child, event_id)
            elif child.kind in ("create", "change"):
                row = self._field(audit, child, event_id, child.kind == "create")
            else:
                self.stats["audit_events_ignored"] += 1
                continue
            if row is not None:
                rows.append(row)
        return rows

    def metric_events(self, data: object) -> list[Row]:
        if not isinstance(data, dict):
            raise _Rejected("malformed_line", "not a JSON object")
        metric_id = _required_id(data, "id")
        ticket_id = _required_id(data, "ticket_id")
        at = _required_timestamp(data, "time")
        if data.get("type") != "breach":
            self.stats[f"metric_{data.get('type')}_events"] += 1
            return []
        if data.get("deleted") is True:
            self.stats["breaches_withdrawn"] += 1  # Zendesk withdrew a predicted breach
            return []
        return [
            {
                "event_id": f"{ID_PREFIX}metric:{metric_id}",
                "ticket_id": ticket_id,
                "occurred_at": at,
                "event_type": "escalated",
                "actor_type": "system",
                "actor_id": None,
                "old_value": _text(data.get("metric")),
                "new_value": "sla_breach",
                "is_public": None,
            }
        ]

    def rows(self, record: _Record) -> list[Row]:
        if record.kind == "tickets":
            return [self.ticket(record.data)]
        if record.kind in ("audits", "ticket_events"):
            return self.audit_events(record.kind, record.data)
        if record.kind == "ticket_metric_events":
            return self.metric_events(record.data)
        if record.kind == "users":
            row = self.agent(record.data)
            return [row] if row is not None else []
        if record.kind == "groups":
            return [self.group(record.data)]
        return []  # group_memberships: agent evidence only


def _dominant_entity(records: list[_Record]) -> str:
    """The entity a line that is not a Zendesk record is reported under: the file's main entity."""
    counts = Counter(KIND_ENTITY[record.kind] for record in records if record.kind)
    return counts.most_common(1)[0][0] if counts else "tickets"


def _record_text(record: _Record) -> str:
    return record.text if record.text is not None else json.dumps(record.data, default=str, ensure_ascii=False)


def read_zendesk(path: Path, entity: str, settings: ZendeskSettings | None = None) -> AdapterOutput:
    """Rows of `entity` from one Zendesk file; UnreadableFile if it is not one (or a setting is bad)."""
    if entity not in ENTITIES:
        raise ValueError(f"{NAME} feeds {', '.join(ENTITIES)}, not {entity}")
    try:
        settings = settings or ZendeskSettings.from_env()
    except ZendeskSettingsError as error:
        raise UnreadableFile(str(error)) from error
    records, lines_read = _read_records(path)
    output = AdapterOutput(lines_read=lines_read)
    agents = agent_evidence(path.parent, reading=path) if entity in CONTEXT_ENTITIES else frozenset()
    mapper = _Mapper(settings, agents, output.stats)
    fallback = _dominant_entity(records)
    for record in _for_entity(records, entity, fallback):
        try:
            if record.error is not None:
                raise _Rejected("malformed_line" if record.data is None else "unknown_record", record.error)
            rows = mapper.rows(record)
        except _Rejected as error:
            output.rejected.append(RejectedLine(record.line, error.rule, str(error), _record_text(record)))
            continue
        output.rows.extend((record.line, row) for row in rows)
    return output


def _for_entity(records: list[_Record], entity: str, fallback: str) -> Iterator[_Record]:
    for record in records:
        if KIND_ENTITY.get(record.kind, fallback) == entity:
            yield record
