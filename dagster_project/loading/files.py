"""Landing files of an entity and which of them still need loading (the file ledger)."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import duckdb

from dagster_project.adapters import adapters_for
from dagster_project.config import adapter_fingerprint, changes, default_settings, describe_changes
from dagster_project.contract import Entity
from dagster_project.loading.schema import LEDGER_TABLE, ledger_exists

if TYPE_CHECKING:
    from dagster_project.settings import Settings

logger = logging.getLogger(__name__)

FileFormat = Literal["csv", "parquet", "jsonl"]

SUFFIXES: dict[str, FileFormat] = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
}


@dataclass(frozen=True)
class LandingFile:
    """A file in `<landing>/<source>/<entity>/` that is new or changed since its last load."""

    path: Path
    relative_path: str  # POSIX path relative to the landing folder, e.g. helpdesk/tickets/a.csv
    format: str  # a FileFormat, or the name of the adapter that reads the file
    size_bytes: int
    mtime_ns: int
    previously_loaded: bool
    sha256: str | None = None  # known when it had to be computed to detect a change
    # Adapter files whose reading depends on folder-wide facts (Adapter.context): the fingerprint
    # of those facts now; stored in the ledger with the load.
    adapter_context: str | None = None
    # Why a loaded, unchanged file is read again (its adapter's settings or folder-wide facts changed).
    reload_reason: str | None = None


@dataclass(frozen=True)
class _LedgerEntry:
    size_bytes: int
    mtime_ns: int
    sha256: str
    adapter_context: str | None


def file_format(path: Path) -> FileFormat | None:
    name = path.name.lower()
    for suffix, fmt in SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def entity_folder(landing: Path, entity: Entity) -> Path:
    return landing / entity.source / entity.name


def _visible_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.iterdir()) if not path.name.startswith(".") and path.is_file()]


def _adapter_contexts(landing: Path, entity: Entity, settings: Settings) -> dict[str, str]:
    """Adapter name -> what its files of this entity were read under: the fingerprint of the
    adapter's settings (config.adapter_fingerprint: mappings, time zones, layouts) and of the
    folder-wide facts they depend on (Adapter.context), as JSON stored in the ledger."""
    contexts: dict[str, str] = {}
    for adapter in adapters_for(entity):
        folder = landing / entity.source / adapter.name
        if not folder.is_dir():
            continue
        evidence = adapter.context(folder, entity.name) if adapter.context is not None else ""
        mapping = adapter_fingerprint(settings, adapter.name)
        if mapping:
            contexts[adapter.name] = json.dumps({"settings": mapping, "evidence": evidence}, sort_keys=True)
        elif evidence:  # an adapter without settings: the evidence fingerprint alone, as before
            contexts[adapter.name] = evidence
    return contexts


def _context_parts(context: str | None) -> tuple[dict[str, str] | None, str]:
    """(settings fingerprint, evidence) of a stored context; before the settings were recorded the
    context was the evidence fingerprint alone (or NULL): settings None."""
    if context is None:
        return None, ""
    try:
        data = json.loads(context)
    except ValueError:
        return None, context
    if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
        return None, context
    return data["settings"], str(data.get("evidence") or "")


def reload_reason(stored: str | None, now: str, adapter: str) -> str | None:
    """Why a file read under the `stored` context is read again under `now`; None: it is not."""
    if stored == now:
        return None
    old_settings, old_evidence = _context_parts(stored)
    new_settings, new_evidence = _context_parts(now)
    new_settings = new_settings or {}
    if old_settings is None:
        # Loaded before the adapter's settings were recorded: under the defaults, as far as known.
        old_settings = adapter_fingerprint(default_settings(), adapter)
    changed = changes(old_settings, new_settings)
    if changed:
        return "adapter " + describe_changes(changed)
    if old_evidence != new_evidence:
        return "folder-wide facts the adapter reads changed (e.g. Zendesk agent evidence)"
    return None


def landing_files(landing: Path, entity: Entity) -> list[tuple[Path, str]]:
    """Loadable files of the entity, in load order (hence batch order).

    First the entity folder's files sorted by name, then, per adapter feeding the entity (e.g.
    `telephony/asterisk_queue_log/`), that folder's files sorted by name, any file name.
    """
    found: list[tuple[Path, str]] = []
    for path in _visible_files(entity_folder(landing, entity)):
        fmt = file_format(path)
        if fmt is None:
            logger.warning("ignoring %s: not one of %s", path, ", ".join(SUFFIXES))
            continue
        found.append((path, fmt))
    for adapter in adapters_for(entity):
        found.extend((path, adapter.name) for path in _visible_files(landing / entity.source / adapter.name))
    return found


def _ledger(con: duckdb.DuckDBPyConnection, entity: Entity) -> dict[str, _LedgerEntry]:
    if not ledger_exists(con):
        return {}
    has_context = bool(
        con.execute(
            "select 1 from information_schema.columns where table_schema = ? and table_name = ? "
            "and column_name = 'adapter_context'",
            LEDGER_TABLE.split("."),
        ).fetchall()
    )  # a warehouse from before the column, read before ensure_raw_schema added it
    context = "adapter_context" if has_context else "null"
    rows = con.execute(
        f"select source_file, size_bytes, mtime_ns, sha256, {context} from {LEDGER_TABLE} "
        "where source = ? and entity = ?",
        [entity.source, entity.name],
    ).fetchall()
    return {row[0]: _LedgerEntry(row[1], row[2], row[3], row[4]) for row in rows}


@dataclass(frozen=True)
class Scan:
    pending: list[LandingFile]  # new or changed: to load
    touched: list[LandingFile]  # unchanged content, new mtime: the ledger's mtime is refreshed
    skipped: int  # files that are loaded and unchanged (touched included)


def scan(con: duckdb.DuckDBPyConnection, landing: Path, entity: Entity, settings: Settings | None = None) -> Scan:
    """Compare the entity's landing files with the ledger.

    Size and mtime are compared first; the content hash is computed only when the size is equal
    but the mtime differs (a different size is a change without hashing). An adapter file whose
    folder-wide context or whose adapter settings changed since its load is loaded again, unchanged
    or not (LandingFile.reload_reason says why).
    """
    if settings is None:
        from dagster_project.config import current

        settings = current()
    ledger = _ledger(con, entity)
    contexts = _adapter_contexts(landing, entity, settings)
    pending: list[LandingFile] = []
    touched: list[LandingFile] = []
    files = landing_files(landing, entity)
    for path, fmt in files:
        stat = path.stat()
        relative = path.relative_to(landing).as_posix()
        entry = ledger.get(relative)
        file = LandingFile(
            path=path,
            relative_path=relative,
            format=fmt,
            size_bytes=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
            previously_loaded=entry is not None,
            adapter_context=contexts.get(fmt),
        )
        if entry is None or entry.size_bytes != stat.st_size:
            pending.append(file)
            continue
        if file.adapter_context is not None:
            why = reload_reason(entry.adapter_context, file.adapter_context, fmt)
            if why is not None:
                pending.append(replace(file, reload_reason=why))
                continue
        if entry.mtime_ns == stat.st_mtime_ns:
            continue
        digest = sha256_of(path)
        hashed = replace(file, sha256=digest)
        (touched if digest == entry.sha256 else pending).append(hashed)
    return Scan(pending=pending, touched=touched, skipped=len(files) - len(pending))


def pending_files(
    con: duckdb.DuckDBPyConnection, landing: Path, entity: Entity, settings: Settings | None = None
) -> list[LandingFile]:
    """New or changed files of the entity, in load order. Read-only on the warehouse."""
    return scan(con, landing, entity, settings).pending
