"""Adapter: Asterisk CDR csv `Master.csv` (no header; cdr_csv or cdr_custom) -> telephony.calls rows.

Column layouts: asterisk_cdr_layout. A call is all CDR lines of one linkedid (uniqueid when the
file has no linkedid): ring groups and follow-me over Local channels give each leg its own
uniqueid. Mapping rules and limits: docs/asterisk.md.
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
from dagster_project.vendors.asterisk.cdr_layout import CSV_LAYOUT, LAYOUTS, Layout, detect, shifted_reason
from dagster_project.vendors.asterisk.settings import AsteriskSettings

NAME = "asterisk_cdr"
ENTITIES = ("calls",)

OUTCOMES = {
    "ANSWERED": "answered",
    "NO ANSWER": "abandoned",
    "NOANSWER": "abandoned",
    "CANCEL": "abandoned",
    "BUSY": "blocked",
    "FAILED": "blocked",
    "CONGESTION": "blocked",
}
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
    linkedid: str | None = None


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


def parse_record(line: int, values: list[str], zone: ZoneInfo, layout: Layout = CSV_LAYOUT) -> CdrRecord:
    width = len(layout.base)
    if len(values) < width:
        raise _BadRecord("malformed_line", f"expected at least {width} CDR fields ({layout.name}), got {len(values)}")
    fields = layout.fields(values)
    disposition = " ".join(fields["disposition"].upper().split())
    if disposition not in OUTCOMES:
        shifted = shifted_reason(layout, values)
        if shifted:
            raise _BadRecord("shifted_columns", shifted)
        known = ", ".join(OUTCOMES)
        column = layout.disposition_column() + 1
        raise _BadRecord(
            "unknown_disposition", f"column {column}: disposition {fields['disposition'][:40]!r} is not one of {known}"
        )
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
        uniqueid=fields.get("uniqueid", "").strip() or None,
        linkedid=fields.get("linkedid", "").strip() or None,
    )


def call_id(record: CdrRecord) -> str:
    """linkedid (one per call, shared by all its legs); else uniqueid; without either
    (loguniqueid=no), a stable id from channel, start and numbers."""
    if record.linkedid:
        return record.linkedid
    if record.uniqueid:
        return record.uniqueid
    key = "|".join([record.fields["channel"], record.fields["start"], record.fields["src"], record.fields["dst"]])
    return "cdr-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def _is_local(channel: str) -> bool:
    return channel.strip().lower().startswith("local/")


def queue_name(fields: dict[str, str]) -> str | None:
    """Queue(name,...) -> name; otherwise the destination context, else the destination."""
    if fields["lastapp"].strip().lower() == "queue":
        name = re.split(r"[,|]", fields["lastdata"], maxsplit=1)[0].strip()
        if name:
            return name
    return fields["dcontext"].strip() or fields["dst"].strip() or None


def agent_leg(records: list[CdrRecord]) -> CdrRecord | None:
    """The line where an agent took the call: ANSWERED with a destination channel, preferring a
    real device over a Local channel hop, then the last such line. ANSWERED without dstchannel
    only means the caller's channel was answered (Answer(), an IVR, voicemail)."""
    legs = [r for r in records if r.outcome == "answered" and r.fields["dstchannel"].strip()]
    if not legs:
        return None
    devices = [r for r in legs if not _is_local(r.fields["dstchannel"])]
    return (devices or legs)[-1]


def _row(records: list[CdrRecord], settings: AsteriskSettings, stats: Counter[str]) -> Row:
    """One call from all CDR lines of one linkedid (or uniqueid)."""
    ordered = sorted(records, key=lambda r: (r.start, r.line))
    origin = next((r for r in ordered if not _is_local(r.fields["channel"])), ordered[0])  # the caller's leg
    agent = agent_leg(records)
    record = agent or ordered[-1]  # without an agent leg, the call's last line decides
    arrived = ordered[0].start
    ends = [r.end for r in records if r.end is not None]
    ended = max(ends) if ends else None
    outbound = settings.is_outbound_context(origin.fields["dcontext"])
    outcome = record.outcome
    if agent is None and any(r.outcome == "answered" for r in records):
        stats["answered_without_agent"] += 1  # answered by the PBX (IVR, Answer() before Queue()) only
        if outcome == "answered":
            outcome = "abandoned"  # the caller hung up without reaching an agent
    queued = next((r for r in [record, *ordered] if r.fields["lastapp"].strip().lower() == "queue"), origin)
    if agent is not None:
        wait = (agent.answer - arrived).total_seconds() if agent.answer else None
    elif outcome == "abandoned":
        wait = (ended - arrived).total_seconds() if ended else record.duration
    else:
        wait = 0.0
    return {
        "call_id": call_id(origin),
        "queue_name": queue_name(queued.fields),
        "direction": "outbound" if outbound else "inbound",
        "arrived_at": iso_utc(arrived),
        "answered_at": iso_utc(agent.answer) if agent is not None and agent.answer else None,
        "ended_at": iso_utc(ended) if ended else None,
        "outcome": outcome,
        # Inbound: the answering channel; outbound: the channel that placed the call.
        "agent_id": (agent_id(origin.fields["channel"] if outbound else agent.fields["dstchannel"]) if agent else None),
        "customer_id": None,
        "caller_number": origin.fields["src"].strip() or None,
        "wait_seconds": seconds_text(wait),
        "talk_seconds": seconds_text(agent.billsec if agent is not None else 0.0),
        "hold_seconds": "0",
        "wrap_up_seconds": "0",
        "ticket_id": None,
    }


def file_layout(rows: list[list[str]], settings: AsteriskSettings) -> Layout:
    """The layout named by the setting, else the one the file's first recognisable line fits."""
    if settings.cdr_layout in LAYOUTS:
        return LAYOUTS[settings.cdr_layout]
    for values in rows:
        layout = detect(values)
        if layout is not None:
            return layout
    return CSV_LAYOUT


def read_cdr(path: Path, entity: str, settings: AsteriskSettings | None = None) -> AdapterOutput:
    """Rows of telephony.calls from one CDR csv file; lines sharing a linkedid make one call."""
    if entity not in ENTITIES:
        raise ValueError(f"{NAME} feeds {', '.join(ENTITIES)}, not {entity}")
    settings = settings or AsteriskSettings.from_env()
    zone = ZoneInfo(settings.cdr_time_zone)
    output = AdapterOutput()
    groups: dict[str, list[CdrRecord]] = {}
    lines = list(open_text(path))
    reader = csv.reader(lines, delimiter=",", quotechar='"', doublequote=True)
    parsed: list[tuple[int, int, list[str]]] = []  # (first line, last line, values)
    line_number = 1
    for values in reader:
        number, line_number = line_number, reader.line_num + 1
        if values and any(value.strip() for value in values):
            parsed.append((number, reader.line_num, values))
    layout = file_layout([values for _, _, values in parsed], settings)
    for number, last, values in parsed:
        output.lines_read += 1
        try:
            record = parse_record(number, values, zone, layout)
        except _BadRecord as error:
            text = "\n".join(lines[number - 1 : last])
            output.rejected.append(RejectedLine(number, error.rule, str(error), text))
            if error.rule == "unknown_disposition":
                output.unknown_events[f"disposition {values[layout.disposition_column()].strip()}"] += 1
            continue
        groups.setdefault(call_id(record), []).append(record)
    stats: Counter[str] = Counter()
    if layout.name != CSV_LAYOUT.name:
        stats[f"layout_{layout.name}"] = 1
    for records in groups.values():
        output.rows.append((records[-1].line, _row(records, settings, stats)))
        stats["merged_lines"] += len(records) - 1
    output.rows.sort(key=lambda item: item[0])
    output.stats.update(+stats)
    return output
