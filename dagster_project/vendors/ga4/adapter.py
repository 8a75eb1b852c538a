"""Adapter: Google Analytics 4 BigQuery export (`web/ga4/`) -> web.web_events rows.

Reads the `events_*` export rows as newline-delimited JSON (`bq extract
--destination_format NEWLINE_DELIMITED_JSON`: INT64 written as JSON strings; `.json`, `.jsonl`,
`.ndjson`, optionally `.gz`) or as Parquet (`event_params` a list of `{key, value}` structs).
One event gives one row. Mapping, ids and page rules: docs/ga4.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq

from dagster_project.adapters.base import AdapterOutput, RejectedLine, Row, UnreadableFile, iso_utc, open_text
from dagster_project.vendors.ga4.settings import Ga4Settings, Ga4SettingsError

NAME = "ga4"
ENTITIES = ("web_events",)
ID_PREFIX = "ga4:"
NDJSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
PARQUET_SUFFIX = ".parquet"
REQUIRED_COLUMNS = ("event_timestamp", "event_name", "event_params", "user_pseudo_id")
OPTIONAL_COLUMNS = ("user_id", "event_bundle_sequence_id", "batch_event_index")
PARQUET_BATCH_ROWS = 10_000

# GA4 event names with a contract name of their own (compared lower-case); the custom vote
# event names come from the settings. Any other name is passed on lower-case: the loader keeps it
# as `other` and counts it (mapped_to_fallback).
KNOWN_EVENTS = {
    "page_view": "page_view",
    "user_engagement": "user_engagement",
    "search": "search",
    "view_search_results": "search",  # GA4 enhanced measurement (site search)
}
HELPFUL_PARAM = "helpful"
HELPFUL_VOTES = {"yes": "up", "true": "up", "1": "up", "no": "down", "false": "down", "0": "down"}
SESSION_ENGAGED = {"1": "true", "0": "false"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INTEGER = re.compile(r"^[+-]?\d+$")


class _Rejected(ValueError):
    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule


@dataclass(frozen=True)
class _Record:
    line: int  # NDJSON: physical line; Parquet: row ordinal from 1
    event: Any  # the decoded event (a dict when well-formed)
    text: str | None  # the line as read (NDJSON); None for Parquet (dumped when rejected)
    error: str | None = None  # why the line is not JSON


def _scalar_text(value: object) -> str | None:
    """A JSON/Parquet scalar as text: integral floats without `.0`, blanks as None."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    return None


def _params(raw: object) -> dict[str, str]:
    """event_params as key -> value text (the first set one of string/int/float/double_value)."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise _Rejected("malformed_line", "event_params is not a list")
    params: dict[str, str] = {}
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise _Rejected("malformed_line", "an event_params entry has no key")
        value = item.get("value")
        if not isinstance(value, dict):
            continue
        for field in ("string_value", "int_value", "float_value", "double_value"):
            text = _scalar_text(value.get(field))
            if text is not None:
                params.setdefault(item["key"], text)
                break
    return params


def _event_at(event: dict[str, Any]) -> tuple[int, str]:
    raw = event.get("event_timestamp")
    micros = _integer(raw)
    if micros is None:
        raise _Rejected("malformed_line", f"event_timestamp {str(raw)[:40]!r} is not a number of microseconds")
    try:
        moment = _EPOCH + timedelta(milliseconds=micros // 1000)  # millisecond precision
    except OverflowError as error:
        raise _Rejected("malformed_line", f"event_timestamp {micros} is out of range") from error
    return micros, iso_utc(moment)


class _Mapper:
    """Turns decoded events of one file into web_events rows, counting what it does."""

    def __init__(self, settings: Ga4Settings, output: AdapterOutput) -> None:
        self.settings = settings
        self.output = output
        self.stats = output.stats
        self.seen: Counter[str] = Counter()

    def event_name(self, name: str) -> str:
        lowered = name.lower()
        if lowered in self.settings.vote_events:
            return "article_vote"
        if lowered == "view_search_results":
            self.stats["search_results_as_search"] += 1
        mapped = KNOWN_EVENTS.get(lowered)
        if mapped is None:
            self.stats["events_passed_through"] += 1
            return lowered
        return mapped

    def vote(self, params: dict[str, str]) -> str | None:
        value = params.get(self.settings.vote_param)
        if value is not None:
            return value.lower()
        helpful = params.get(HELPFUL_PARAM)
        if helpful is None:
            return None
        self.stats["votes_from_helpful"] += 1
        return HELPFUL_VOTES.get(helpful.lower(), helpful.lower())

    def page(self, location: str | None) -> tuple[str | None, str | None, str | None]:
        """(page_path, page_type, article_id) of page_location; query and fragment dropped."""
        if location is None:
            return None, None, None
        parts = urlsplit(location)
        if parts.query or parts.fragment:
            self.stats["query_or_fragment_dropped"] += 1
        path = parts.path or "/"
        page_type, article_id = self.settings.classify(path)
        return path, page_type, article_id

    def event_id(self, event: dict[str, Any], pseudo_id: str, session: str, micros: int, name: str) -> str:
        parts = [
            pseudo_id,
            session,
            str(micros),
            name,
            _scalar_text(event.get("event_bundle_sequence_id")) or "",
            _scalar_text(event.get("batch_event_index")) or "",
        ]
        key = "\x1f".join(parts)
        self.seen[key] += 1
        ordinal = self.seen[key]
        if ordinal > 1:  # an exact twin earlier in this file
            self.stats["twin_events"] += 1
            key = f"{key}\x1f{ordinal}"
        return ID_PREFIX + hashlib.sha1(key.encode("utf-8")).hexdigest()

    def row(self, event: object) -> Row:
        if not isinstance(event, dict):
            raise _Rejected("malformed_line", "not a JSON object")
        micros, event_at = _event_at(event)
        raw_name = _scalar_text(event.get("event_name"))
        if raw_name is None:
            raise _Rejected("malformed_line", "event_name is empty")
        params = _params(event.get("event_params"))
        pseudo_id = _scalar_text(event.get("user_pseudo_id"))
        if pseudo_id is None:
            raise _Rejected("missing_session", "user_pseudo_id is empty (no session without it)")
        session = params.get("ga_session_id")
        if session is None:
            raise _Rejected("missing_session", "event parameter ga_session_id is missing")
        name = self.event_name(raw_name)
        page_path, page_type, article_id = self.page(params.get("page_location"))
        engaged = params.get("session_engaged")
        return {
            "event_id": self.event_id(event, pseudo_id, session, micros, raw_name),
            "event_at": event_at,
            "event_name": name,
            "session_id": f"{pseudo_id}.{session}",
            "user_pseudo_id": pseudo_id,
            "customer_id": _scalar_text(event.get("user_id")),
            "page_path": page_path,
            "page_type": page_type,
            "article_id": article_id,
            "engagement_time_ms": params.get("engagement_time_msec"),
            "vote": self.vote(params) if name == "article_vote" else None,
            "session_engaged": SESSION_ENGAGED.get(engaged, engaged) if engaged is not None else None,
        }


def _file_kind(path: Path) -> str:
    name = path.name.lower()
    if name.removesuffix(".gz").endswith(NDJSON_SUFFIXES):
        return "ndjson"
    if name.endswith(PARQUET_SUFFIX):
        return "parquet"
    raise UnreadableFile(
        f"not a GA4 export file: expected {', '.join(NDJSON_SUFFIXES)} (optionally .gz) or {PARQUET_SUFFIX}"
    )


def _ndjson_records(path: Path, output: AdapterOutput) -> Iterator[_Record]:
    for number, line in enumerate(open_text(path), start=1):
        text = line.lstrip("\ufeff") if number == 1 else line
        if not text.strip():
            continue
        output.lines_read += 1
        try:
            yield _Record(number, json.loads(text), text)
        except json.JSONDecodeError as error:
            yield _Record(number, None, text, f"not valid JSON: {error.msg} (column {error.colno})")


def _parquet_records(path: Path, output: AdapterOutput) -> Iterator[_Record]:
    try:
        parquet = pq.ParquetFile(path)
    except pa.ArrowException as error:
        raise UnreadableFile(f"not a readable Parquet file ({error})") from error
    names = set(parquet.schema_arrow.names)
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise UnreadableFile(f"not a GA4 export: missing column {', '.join(missing)}")
    columns = [column for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if column in names]
    ordinal = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns):
            for event in batch.to_pylist():
                ordinal += 1
                output.lines_read += 1
                yield _Record(ordinal, event, None)
    except pa.ArrowException as error:
        raise UnreadableFile(f"Parquet file unreadable after row {ordinal} ({error})") from error


def read_ga4(path: Path, entity: str, settings: Ga4Settings | None = None) -> AdapterOutput:
    """web_events rows of one GA4 export file; UnreadableFile if it is not one (or a setting is bad)."""
    if entity not in ENTITIES:
        raise ValueError(f"{NAME} feeds {', '.join(ENTITIES)}, not {entity}")
    try:
        settings = settings or Ga4Settings.from_env()
    except Ga4SettingsError as error:
        raise UnreadableFile(str(error)) from error
    kind = _file_kind(path)
    output = AdapterOutput()
    mapper = _Mapper(settings, output)
    records = _ndjson_records(path, output) if kind == "ndjson" else _parquet_records(path, output)
    for record in records:
        output.stats["events_read"] += 1
        try:
            if record.error is not None:
                raise _Rejected("malformed_line", record.error)
            row = mapper.row(record.event)
        except _Rejected as error:
            output.stats["events_without_session" if error.rule == "missing_session" else "malformed_lines"] += 1
            text = record.text if record.text is not None else json.dumps(record.event, default=str)
            output.rejected.append(RejectedLine(record.line, error.rule, str(error), text))
            continue
        output.rows.append((record.line, row))
    return output
