"""Adapter: Zendesk exports and API pages (`helpdesk/zendesk/`) -> tickets, ticket_events, agents, groups.

Reads Zendesk API response bodies as returned (`*.json`: one page, an object with arrays under
`tickets`, `users`, `groups`, `group_memberships`, `audits`, `ticket_events`,
`ticket_metric_events`) and one-record-per-line exports (`*.jsonl`, `*.ndjson`, the kind told
from the record's shape), each optionally `.gz`. Whether a comment author is an agent is decided
from the whole folder (an agent later downgraded to end-user keeps their agent replies).
Mapping decisions: docs/zendesk.md.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster_project.adapters.base import AdapterOutput, RejectedLine, Row, UnreadableFile
from dagster_project.vendors.zendesk.evidence import agent_evidence
from dagster_project.vendors.zendesk.records import (
    AGENT_ROLES,
    COMMENT_KINDS,
    CONTEXT_ENTITIES,
    ENTITIES,
    ID_PREFIX,
    KIND_ENTITY,
    MERGE_TAG,
    NAME,
    STATUSES,
    SYSTEM_USER,
    TICKET_TYPES,
    Audit,
    Child,
    Record,
    Rejected,
    id_text,
    is_side_conversation,
    parse_audit,
    read_records,
    required_id,
    required_timestamp,
    status_value,
    tags_of,
    text_value,
    timestamp_text,
)
from dagster_project.vendors.zendesk.settings import ZendeskSettings, ZendeskSettingsError

# --------------------------------------------------------------------------- rows


class _Mapper:
    def __init__(self, settings: ZendeskSettings, agents: frozenset[str], stats: Counter[str]) -> None:
        self.settings = settings
        self.agents = agents
        self.stats = stats

    # ---- tickets

    def _priority(self, value: object) -> str:
        text = text_value(value)
        if text is None:
            self.stats["priority_defaulted"] += 1
            return self.settings.default_priority
        return text.lower()

    def _category(self, data: dict[str, Any], tags: list[str]) -> str | None:
        field_id = self.settings.category_field_id
        if field_id is not None:
            for item in data.get("custom_fields") or data.get("fields") or []:
                if isinstance(item, dict) and id_text(item.get("id")) == field_id:
                    value = item.get("value")
                    value = value[0] if isinstance(value, list) and value else value
                    if text_value(value) is not None:
                        return str(text_value(value)).lower()
        prefix = self.settings.category_tag_prefix.lower()
        for tag in tags:
            if tag.startswith(prefix) and len(tag) > len(prefix):
                return tag[len(prefix) :]
        return None

    def ticket(self, data: object) -> Row:
        if not isinstance(data, dict):
            raise Rejected("malformed_line", "not a JSON object")
        ticket_id = required_id(data, "id")
        created_at = required_timestamp(data, "created_at")
        updated_at = timestamp_text(data.get("updated_at"), "updated_at")
        raw_status = (text_value(data.get("status")) or "").lower()
        tags = tags_of(data.get("tags"))
        excluded = None
        if raw_status == "deleted":
            excluded = "deleted"
        elif MERGE_TAG in tags:
            excluded = "merged"
        if excluded:
            self.stats[f"tickets_{excluded}"] += 1
        via = data.get("via")
        channel, network = self.settings.channel(
            text_value(via.get("channel")) if isinstance(via, dict) else text_value(via)
        )
        raw_type = (text_value(data.get("type")) or "").lower()
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
            "requester_id": id_text(data.get("requester_id")),
            "group_id": id_text(data.get("group_id")),
            "assignee_id": id_text(data.get("assignee_id")),
            "country_code": None,
            "subject": text_value(data.get("subject")),
            "excluded_reason": excluded,
        }

    # ---- agents and groups

    def agent(self, data: object) -> Row | None:
        if not isinstance(data, dict):
            raise Rejected("malformed_line", "not a JSON object")
        user_id = required_id(data, "id")
        is_staff = str(data.get("role") or "").lower() in AGENT_ROLES
        if not is_staff and user_id not in self.agents:
            self.stats["end_users_skipped"] += 1
            return None
        if not is_staff:
            self.stats["downgraded_agents"] += 1
        created_at = timestamp_text(data.get("created_at"), "created_at")
        active = data.get("active", True) is not False and not data.get("suspended")
        return {
            "agent_id": user_id,
            "agent_name": text_value(data.get("name")) or text_value(data.get("email")) or user_id,
            "email": text_value(data.get("email")),
            "group_id": id_text(data.get("default_group_id")),
            "hired_at": created_at[:10] if created_at else None,
            "country_code": None,
            "is_active": "true" if active and is_staff else "false",
        }

    def group(self, data: object) -> Row:
        if not isinstance(data, dict):
            raise Rejected("malformed_line", "not a JSON object")
        group_id = required_id(data, "id")
        if data.get("deleted") is True:
            self.stats["deleted_groups_kept"] += 1
        return {"group_id": group_id, "group_name": text_value(data.get("name")) or f"group {group_id}"}

    # ---- ticket events

    def _actor(self, user_id: str | None) -> tuple[str, str | None]:
        if user_id is None or user_id == SYSTEM_USER:
            return "system", None
        return ("agent" if user_id in self.agents else "customer"), user_id

    @staticmethod
    def _event(
        event_id: str,
        audit: Audit,
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

    def _comment(self, audit: Audit, child: Child, event_id: str) -> Row | None:
        if audit.is_create:
            self.stats["description_comments"] += 1  # the request itself, not a reply
            return None
        if not child.public:  # a private comment is always an agent's (or the system's)
            actor = ("agent", child.author) if child.author not in (None, SYSTEM_USER) else ("system", None)
            return self._event(event_id, audit, "internal_note", actor, is_public="false")
        actor = self._actor(child.author)
        event_type = "customer_reply" if actor[0] == "customer" else "agent_reply"
        return self._event(event_id, audit, event_type, actor, is_public="true")

    def _status(
        self, audit: Audit, child: Child, event_id: str, create: bool, actor: tuple[str, str | None]
    ) -> Row | None:
        """A status change; moving a ticket to the trash (and restoring it) is no status change.

        Into `deleted`: no row. Out of `deleted` (a restore): a row without old_value, so the
        ticket returns to the status it had before the deletion (staging's previous status is then
        the previous change's new status, and a restore to that status changes nothing).
        """
        raw_new = (text_value(child.value) or "").lower()
        raw_old = (text_value(child.previous) or "").lower()
        if raw_new == "deleted":
            self.stats["status_changes_to_deleted_skipped"] += 1
            return None
        new = status_value(child.value)
        if new is None or (create and new == "new"):
            return None
        if raw_old == "deleted":
            self.stats["status_restores_from_deleted"] += 1
            return self._event(event_id, audit, "status_changed", actor, None, new)
        return self._event(
            event_id, audit, "status_changed", actor, "new" if create else status_value(child.previous), new
        )

    def _field(self, audit: Audit, child: Child, event_id: str, create: bool) -> Row | None:
        actor = self._actor(audit.author)
        name = child.field
        if name == "status":
            return self._status(audit, child, event_id, create, actor)
        if name == "assignee_id":
            new_id = id_text(child.value)
            if create and new_id is None:
                return None
            return self._event(event_id, audit, "assigned", actor, None if create else id_text(child.previous), new_id)
        if name == "priority" and not create:
            old, new = self._priority(child.previous), self._priority(child.value)
            return None if old == new else self._event(event_id, audit, "priority_changed", actor, old, new)
        if name == "group_id":
            new_group = id_text(child.value)
            if new_group in self.settings.escalation_group_ids and new_group != id_text(child.previous):
                return self._event(event_id, audit, "escalated", actor, id_text(child.previous), "group_transfer")
            self.stats["group_changes_ignored"] += 1
            return None
        if name == "tags":
            added = child.added_tags
            if added is None:
                added = tuple(set(tags_of(child.value)) - set(tags_of(child.previous)))
            if self.settings.escalation_tag in added:
                return self._event(event_id, audit, "escalated", actor, None, "manual")
        return None

    def audit_events(self, kind: str, data: object) -> list[Row]:
        audit = parse_audit(kind, data)
        rows: list[Row] = []
        create = audit.is_create
        if create:
            rows.append(
                self._event(f"{ID_PREFIX}{audit.ticket_id}:created", audit, "created", self._actor(audit.author))
            )
        for ordinal, child in enumerate(audit.children, start=1):
            event_id = f"{ID_PREFIX}{child.id}" if child.id else f"{ID_PREFIX}{audit.id}:{ordinal}"
            if is_side_conversation(child):
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
            raise Rejected("malformed_line", "not a JSON object")
        metric_id = required_id(data, "id")
        ticket_id = required_id(data, "ticket_id")
        at = required_timestamp(data, "time")
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
                "old_value": text_value(data.get("metric")),
                "new_value": "sla_breach",
                "is_public": None,
            }
        ]

    def rows(self, record: Record) -> list[Row]:
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


def _dominant_entity(records: list[Record]) -> str:
    """The entity a line that is not a Zendesk record is reported under: the file's main entity."""
    counts = Counter(KIND_ENTITY[record.kind] for record in records if record.kind)
    return counts.most_common(1)[0][0] if counts else "tickets"


def _record_text(record: Record) -> str:
    return record.text if record.text is not None else json.dumps(record.data, default=str, ensure_ascii=False)


def read_zendesk(path: Path, entity: str, settings: ZendeskSettings | None = None) -> AdapterOutput:
    """Rows of `entity` from one Zendesk file; UnreadableFile if it is not one (or a setting is bad)."""
    if entity not in ENTITIES:
        raise ValueError(f"{NAME} feeds {', '.join(ENTITIES)}, not {entity}")
    try:
        settings = settings or ZendeskSettings.from_env()
    except ZendeskSettingsError as error:
        raise UnreadableFile(str(error)) from error
    records, lines_read = read_records(path)
    output = AdapterOutput(lines_read=lines_read)
    agents = agent_evidence(path.parent, reading=path) if entity in CONTEXT_ENTITIES else frozenset()
    mapper = _Mapper(settings, agents, output.stats)
    fallback = _dominant_entity(records)
    for record in _for_entity(records, entity, fallback):
        try:
            if record.error is not None:
                raise Rejected("malformed_line" if record.data is None else "unknown_record", record.error)
            rows = mapper.rows(record)
        except Rejected as error:
            output.rejected.append(RejectedLine(record.line, error.rule, str(error), _record_text(record)))
            continue
        output.rows.extend((record.line, row) for row in rows)
    return output


def _for_entity(records: list[Record], entity: str, fallback: str) -> Iterator[Record]:
    for record in records:
        if KIND_ENTITY.get(record.kind, fallback) == entity:
            yield record
