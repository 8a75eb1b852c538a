"""Adapter: Asterisk cdr-csv `Master.csv` (no header) -> telephony.calls rows.

Column order written by cdr_csv: accountcode, src, dst, dcontext, clid, channel, dstchannel,
lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags, then uniqueid
(cdr.conf loguniqueid), userfield (loguserfield) and peeraccount, linkedid, sequence
(newcdrcolumns). Mapping rules and limits: docs/asterisk.md.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster_project.adapters.base import AdapterOutput, RejectedLine, Row, iso_utc, open_text, seconds_text
from dagster_project.adapters.channels import agent_id
from dagster_project.adapters.settings import AsteriskSettings

NAME = "asterisk_cdr"
ENTITIES = ("calls",)

BASE_FIELDS = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
)
OUTCOMES = {
    "ANSWERED": "answered",
    "NO ANSWER": "abandoned",
    "NOANSWER": "abandoned",
    "CANCEL": "abandoned",
    "BUSY": "blocked",
    "FAILED": "blocked",
    "CONGESTION": "blocked",
}
_UNIQUEID = re.compile(r"^[\w-]*\d+\.\d+$")  # 1700000000.123 (or with a system-name prefix)
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


class _BadRecord(ValueError):
    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule


@dataclass(frozen=True)
class CdrRecord:
    line: int
    fields: dict[str, str]
    start: datetime
    answer: datetime | None
    end: datetime | None
    duration: float
    billsec: float
    outcome: str
    uniqueid: str | None


def _time(fields: dict[str, str], name: str, zone: ZoneInfo, required: bool) -> datetime | None:
    text = fields[name].strip()
    if not text:
        if required:
            raise _BadRecord("malformed_line", f"{name} is empty")
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=zone)
    except ValueError as error:
        raise _BadRecord("malformed_line", f"{name} {text[:40]!r} is not a date-time") from error


def _seconds(fields: dict[str, str], name: str) -> float:
    text = fields[name].strip() or "0"
    if not _NUMBER.match(text):
        raise _BadRecord("malformed_line", f"{name} {text[:40]!r} is not a number of seconds")
    return float(text)


def _uniqueid(values: list[str]) -> str | None:
    extra = [value.strip() for value in values[len(BASE_FIELDS) :]]
    if not extra:
        return None
    if len(extra) == 1:  # uniqueid or userfield, whichever cdr.conf enabled
        return extra[0] if _UNIQUEID.match(extra[0]) else None
    return extra[0] or None


def parse_record(line: int, values: list[str], zone: ZoneInfo) -> CdrRecord:
    if len(values) < len(BASE_FIELDS):
        raise _BadRecord("malformed_line", f"expected at least {len(BASE_FIELDS)} CDR fields, got {len(values)}")
    fields = dict(zip(BASE_FIELDS, values, strict=False))
    disposition = " ".join(fields["disposition"].upper().split())
    if disposition not in OUTCOMES:
        known = ", ".join(OUTCOMES)
        raise _BadRecord("unknown_disposition", f"disposition {fields['disposition'][:40]!r} is not one of {known}")
    start = _time(fields, "start", zone, required=True)
    assert start is not None
    return CdrRecord(
        line=line,
        fields=fields,
        start=start,
        answer=_time(fields, "answer", zone, required=False),
        end=_time(fields, "end", zone, required=False),
        duration=_seconds(fields, "duration"),
        billsec=_seconds(fields, "billsec"),
        outcome=OUTCOMES[disposition],
        uniqueid=_uniqueid(values),
    )


def call_id(record: CdrRecord) -> str:
    """uniqueid; without one (loguniqueid=no), a stable id from channel, start and numbers."""
    if record.uniqueid:
        return record.uniqueid
    key = "|".join([record.fields["channel"], record.fields["start"], record.fields["src"], record.fields["dst"]])
    return "cdr-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def queue_name(fields: dict[str, str]) -> str | None:
    """Queue(name,...) -> name; otherwise the destination context, else the destination."""
    if fields["lastapp"].strip().lower() == "queue":
        name = re.split(r"[,|]", fields["lastdata"], maxsplit=1)[0].strip()
        if name:
            return name
    return fields["dcontext"].strip() or fields["dst"].strip() or None


def _row(records: list[CdrRecord], settings: AsteriskSettings) -> Row:
    """One call from the CDR lines of one uniqueid: the last ANSWERED line, else the last line."""
    answered = [r for r in records if r.outcome == "answered"]
    record = answered[-1] if answered else records[-1]
    arrived = min(r.start for r in records)
    fields = record.fields
    outcome = record.outcome
    is_answered = outcome == "answered"
    outbound = settings.is_outbound_context(fields["dcontext"])
    if is_answered:
        wait = (record.answer - arrived).total_seconds() if record.answer else None
    elif outcome == "abandoned":
        wait = (record.end - arrived).total_seconds() if record.end else record.duration
    else:
        wait = 0.0
    return {
        "call_id": call_id(record),
        "queue_name": queue_name(fields),
        "direction": "outbound" if outbound else "inbound",
        "arrived_at": iso_utc(arrived),
        "answered_at": iso_utc(record.answer) if is_answered and record.answer else None,
        "ended_at": iso_utc(record.end) if record.end else None,
        "outcome": outcome,
        # Inbound: the answering channel; outbound: the channel that placed the call.
        "agent_id": agent_id(fields["channel" if outbound else "dstchannel"]) if is_answered else None,
        "customer_id": None,
        "caller_number": fields["src"].strip() or None,
        "wait_seconds": seconds_text(wait),
        "talk_seconds": seconds_text(record.billsec if is_answered else 0.0),
        "hold_seconds": "0",
        "wrap_up_seconds": "0",
        "ticket_id": None,
    }


def read_cdr(path: Path, entity: str, settings: AsteriskSettings | None = None) -> AdapterOutput:
    """Rows of telephony.calls from one CDR csv file; lines sharing a uniqueid make one call."""
    if entity not in ENTITIES:
        raise ValueError(f"{NAME} feeds {', '.join(ENTITIES)}, not {entity}")
    settings = settings or AsteriskSettings.from_env()
    zone = ZoneInfo(settings.cdr_time_zone)
    output = AdapterOutput()
    groups: dict[str, list[CdrRecord]] = {}
    lines = list(open_text(path))
    reader = csv.reader(lines, delimiter=",", quotechar='"', doublequote=True)
    line_number = 1
    for values in reader:
        number, line_number = line_number, reader.line_num + 1
        if not values or not any(value.strip() for value in values):
            continue
        output.lines_read += 1
        try:
            record = parse_record(number, values, zone)
        except _BadRecord as error:
            text = "\n".join(lines[number - 1 : reader.line_num])
            output.rejected.append(RejectedLine(number, error.rule, str(error), text))
            if error.rule == "unknown_disposition":
                output.unknown_events[f"disposition {values[14].strip()}"] += 1
            continue
        groups.setdefault(call_id(record), []).append(record)
    merged: Counter[str] = Counter()
    for records in groups.values():
        output.rows.append((records[-1].line, _row(records, settings)))
        merged["merged_lines"] += len(records) - 1
    output.rows.sort(key=lambda item: item[0])
    output.stats.update(+merged)
    return output
