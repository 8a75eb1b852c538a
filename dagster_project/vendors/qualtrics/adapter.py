"""Adapter: Qualtrics CSV export (`survey/qualtrics/`) -> survey.survey_responses rows.

The export has three header rows: column ids (`ResponseId`, `StartDate`, `Q1`, ...), question
texts, and `{"ImportId": ..., "timeZone": ...}` JSON (an older export without the third row is
read too). Mapping, status and time-zone rules: docs/surveys.md.

The legacy exporter (Qualtrics' "Legacy Exporter" / "Use legacy format" option, and every export
before 2017) writes two header rows instead: row 1 is `V1` ... `V10` for the ten metadata columns,
then the question ids (`Q1`, `Q2_1`, ...) and embedded-data names; row 2 names the metadata columns
(`ResponseID`, `ResponseSet`, `Name`, `ExternalDataReference`, `EmailAddress`, `IPAddress`,
`Status`, `StartDate`, `EndDate`, `Finished`) and gives each question's text. Dates are
`YYYY-MM-DD hh:mm:ss` in the account's time zone (no ImportId row to say which: the default
survey zone applies). Such a file is read with each `V<n>` column named by its row-2 name.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster_project.adapters.base import AdapterOutput, RejectedLine, Row, UnreadableFile
from dagster_project.adapters.survey_export import (
    ENTITIES,
    Layout,
    Record,
    Respondent,
    build_rows,
    count_unmapped,
    default_zone,
    load_mapping,
    log_unmapped,
    parse_time,
    read_records,
    record_text,
    resolve_layout,
    zone_named,
)

NAME = "qualtrics"
PREFIX = "qualtrics:"
HEADER_ROWS = 3
TWO_HEADER_ROWS = 2
_LEGACY_ID = re.compile(r"V[0-9]+")
TIME_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")  # a file re-saved by a spreadsheet

# Qualtrics response types (Status, as code or label): kept, or dropped with the stat it counts in.
KEPT_STATUSES = {"0": "ip address", "4": "imported", "16": "offline"}
DROPPED_STATUSES = {
    "1": ("survey preview", "dropped_preview"),
    "17": ("offline survey preview", "dropped_preview"),
    "2": ("survey test", "dropped_test"),
    "8": ("spam", "dropped_spam"),
    "9": ("preview spam", "dropped_spam"),
    "12": ("imported spam", "dropped_spam"),
}
_KEPT = set(KEPT_STATUSES) | set(KEPT_STATUSES.values()) | {""}
_DROPPED = {key: stat for code, (label, stat) in DROPPED_STATUSES.items() for key in (code, label)}
UNFINISHED = {"0", "false"}

# Export columns that are neither questions nor embedded data: never reported as unmapped.
METADATA = {
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished",
    "recordeddate", "responseid", "recipientlastname", "recipientfirstname", "recipientemail",
    "externalreference", "externaldatareference", "locationlatitude", "locationlongitude",
    "distributionchannel", "userlanguage", "responseset", "name", "emailaddress", "locationaccuracy",
}  # fmt: skip


class _Rejected(ValueError):
    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule


def _is_import_row(values: list[str]) -> bool:
    return any(value.strip().startswith('{"ImportId"') for value in values)


def _zones(import_row: list[str] | None, ids: list[str]) -> dict[str, ZoneInfo]:
    """Time zone of each date column: the ImportId row's timeZone, else the default zone."""
    fallback = default_zone()
    zones = {name: fallback for name in ids}
    for name, cell in zip(ids, import_row or [], strict=False):
        try:
            info = json.loads(cell) if cell.strip().startswith("{") else {}
        except json.JSONDecodeError:
            continue
        zone = info.get("timeZone") if isinstance(info, dict) else None
        if isinstance(zone, str) and zone.strip():
            zones[name] = zone_named(zone.strip(), f"the ImportId row of column {name}")
    return zones


def _legacy_ids(first: list[str], second: list[str]) -> list[str] | None:
    """Column ids of a legacy export (`V1`... named by row 2), or None if it is not one."""
    ids = [value.strip() for value in first]
    if not ids or ids[0] != "V1" or "responseid" not in {value.strip().lower() for value in second}:
        return None
    names = [value.strip() for value in second] + [""] * (len(ids) - len(second))
    return [names[i] if _LEGACY_ID.fullmatch(name) and names[i] else name for i, name in enumerate(ids)]


def _index(ids: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, name in enumerate(ids):
        positions.setdefault(name.strip().lower(), position)
    return positions


def _respondent(
    values: list[str], ids: list[str], at: dict[str, int], zones: dict[str, ZoneInfo], finished: bool
) -> Respondent:
    response_id = values[at["responseid"]].strip()
    if not response_id:
        raise _Rejected("malformed_line", "ResponseId is empty")

    def moment(key: str, required: bool) -> datetime | None:
        if key not in at or not values[at[key]].strip():
            if required:
                raise _Rejected("malformed_line", f"{ids[at[key]] if key in at else key} is empty")
            return None
        try:
            return parse_time(values[at[key]], zones[ids[at[key]]], TIME_FORMATS)
        except ValueError as error:
            raise _Rejected("malformed_line", f"{ids[at[key]]} {error}") from error

    started = moment("startdate", required=True)
    assert started is not None
    # A finished response is recorded when submitted; an unfinished one when Qualtrics closes it
    # (possibly days later), so its last activity (EndDate) is the better answer time.
    order = ("recordeddate", "enddate") if finished else ("enddate", "recordeddate")
    answered = moment(order[0], required=False) or moment(order[1], required=False)
    return Respondent(PREFIX + response_id, started, answered)


def read_qualtrics(path: Path, entity: str) -> AdapterOutput:
    """survey_responses rows of one Qualtrics export; UnreadableFile if it is not one."""
    if entity not in ENTITIES:
        raise ValueError(f"{NAME} feeds {', '.join(ENTITIES)}, not {entity}")
    records = [record for record in read_records(path) if any(value.strip() for value in record.values)]
    if len(records) < 2:
        raise UnreadableFile("expected the Qualtrics header rows (column ids, question texts, ImportIds)")
    legacy = _legacy_ids(records[0].values, records[1].values)
    ids = legacy or [value.strip() for value in records[0].values]
    at = _index(ids)
    missing = [name for name in ("ResponseId", "StartDate") if name.lower() not in at]
    if missing:
        where = "the second header row of this legacy export" if legacy else "the first header row"
        raise UnreadableFile(f"missing column {', '.join(missing)} in {where}")
    has_import_row = legacy is None and len(records) > 2 and _is_import_row(records[2].values)
    zones = _zones(records[2].values if has_import_row else None, ids)
    data = records[HEADER_ROWS if has_import_row else TWO_HEADER_ROWS :]

    mapping = load_mapping(NAME)
    scored = {key for key, entry in mapping.items() if entry.role == "score"}
    ignored = {
        index
        for index, name in enumerate(ids)
        if name.lower() in METADATA
        or name.startswith("Q_")  # Qualtrics system columns (Q_RecaptchaScore, ...)
        or (name.lower().endswith("_nps_group") and name.lower()[: -len("_nps_group")] in scored)
    }
    layout = resolve_layout(list(enumerate(ids)), mapping, ignored)
    log_unmapped(path, layout)

    output = AdapterOutput()
    output.lines_read = records[-1].end_line if records else 0
    if legacy is not None:
        output.stats["legacy_export_files"] += 1
    for record in data:
        output.stats["export_rows"] += 1
        try:
            rows = _record_rows(record, ids, at, zones, layout, output)
        except _Rejected as error:
            output.rejected.append(RejectedLine(record.line, error.rule, str(error), record_text(record.values)))
            continue
        output.rows.extend((record.line, row) for row in rows)
    return output


def _record_rows(
    record: Record,
    ids: list[str],
    at: dict[str, int],
    zones: dict[str, ZoneInfo],
    layout: Layout,
    output: AdapterOutput,
) -> list[Row]:
    values = record.values
    if len(values) != len(ids):
        raise _Rejected("malformed_line", f"expected {len(ids)} fields, got {len(values)}")
    status = values[at["status"]].strip().lower() if "status" in at else ""
    if status in _DROPPED:
        output.stats[_DROPPED[status]] += 1
        return []
    if status not in _KEPT:
        output.unknown_events[f"status {status}"] += 1
        raise _Rejected("unknown_status", f"Status {status!r} is not a known Qualtrics response type")
    finished = "finished" not in at or values[at["finished"]].strip().lower() not in UNFINISHED
    respondent = _respondent(values, ids, at, zones, finished)
    if not finished:
        output.stats["unfinished_responses"] += 1
    count_unmapped(layout, values, output.unknown_events)
    return build_rows(respondent, values, layout, output.stats)
