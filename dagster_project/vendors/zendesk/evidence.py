"""Who is an agent, decided from everything in the Zendesk folder (not from a user's current role).

An agent later downgraded to end-user keeps their replies as agent replies: any users record with
role agent/admin, being an assignee, a private comment, a group membership or a reply_time fulfill
at their comment shows they were one. `context_fingerprint` lets the loader reload the folder's
files when this evidence changes (Adapter.context).
"""

from __future__ import annotations

import hashlib
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.adapters.base import UnreadableFile
from dagster_project.vendors.zendesk.records import (
    AGENT_ROLES,
    COMMENT_KINDS,
    CONTEXT_ENTITIES,
    SYSTEM_USER,
    Record,
    Rejected,
    id_text,
    parse_audit,
    read_records,
    timestamp_text,
)

# --------------------------------------------------------------------------- agent evidence (folder-wide)


@dataclass
class _Evidence:
    agents: set[str] = field(default_factory=set)
    comments: list[tuple[str, str, str]] = field(default_factory=list)  # (ticket_id, at, author) public
    fulfilled: set[tuple[str, str]] = field(default_factory=set)  # reply_time fulfill (ticket_id, at)

    def add(self, user_id: str | None) -> None:
        if user_id is not None and user_id != SYSTEM_USER:
            self.agents.add(user_id)

    def record(self, record: Record) -> None:
        data = record.data
        if not isinstance(data, dict):
            return
        if record.kind == "users" and str(data.get("role") or "").lower() in AGENT_ROLES:
            self.add(id_text(data.get("id")))
        elif record.kind == "tickets":
            self.add(id_text(data.get("assignee_id")))
        elif record.kind == "group_memberships":
            self.add(id_text(data.get("user_id")))
        elif record.kind == "ticket_metric_events":
            if data.get("metric") == "reply_time" and data.get("type") == "fulfill":
                ticket_id = id_text(data.get("ticket_id"))
                at = _safe_timestamp(data.get("time"))
                if ticket_id is not None and at is not None:
                    self.fulfilled.add((ticket_id, at))
        elif record.kind in ("audits", "ticket_events"):
            try:
                audit = parse_audit(record.kind, data)
            except Rejected:
                return
            for child in audit.children:
                if child.field == "assignee_id":
                    self.add(id_text(child.value))
                    self.add(id_text(child.previous))
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
        return timestamp_text(value, "time")
    except Rejected:
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
            records, _lines = read_records(path)
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
