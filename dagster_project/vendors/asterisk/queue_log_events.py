"""Asterisk queue_log lines -> typed events (`epoch|callid|queue|agent|event|data1|data2|...`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dagster_project.adapters.base import RejectedLine, open_text

MALFORMED = "malformed_line"

# Events this adapter understands, by what they feed. Anything else is counted as unknown.
CALL_EVENTS = frozenset(
    {
        "ENTERQUEUE",
        "CONNECT",
        "RINGNOANSWER",
        "COMPLETEAGENT",
        "COMPLETECALLER",
        "TRANSFER",
        "BLINDTRANSFER",
        "ATTENDEDTRANSFER",
        "ABANDON",
        "EXITWITHTIMEOUT",
        "EXITWITHKEY",
        "EXITEMPTY",
        "JOINEMPTY",
        "FULL",
    }
)
AGENT_EVENTS = frozenset(
    {
        "AGENTLOGIN",
        "AGENTCALLBACKLOGIN",
        "ADDMEMBER",
        "AGENTLOGOFF",
        "AGENTCALLBACKLOGOFF",
        "REMOVEMEMBER",
        "PAUSE",
        "PAUSEALL",
        "UNPAUSE",
        "UNPAUSEALL",
    }
)
# Known, but they carry nothing the contract needs.
IGNORED_EVENTS = frozenset(
    {"QUEUESTART", "CONFIGRELOAD", "DID", "INFO", "SYSCOMPAT", "AGENTDUMP", "PENALTY", "RINGCANCELED"}
)
TRANSFER_EVENTS = frozenset({"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"})

_EPOCH = re.compile(r"^\d{9,11}(\.\d+)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")

# Position of the duration fields in data1..dataN (0-based), per event.
_HOLD_FIELD = {"CONNECT": 0, "COMPLETEAGENT": 0, "COMPLETECALLER": 0}
_TALK_FIELD = {"COMPLETEAGENT": 1, "COMPLETECALLER": 1}
_WAIT_FIELD = {"ABANDON": 2, "EXITWITHTIMEOUT": 2, "EXITEMPTY": 2, "EXITWITHKEY": 3}


class MalformedLine(ValueError):
    pass


@dataclass(frozen=True)
class QueueEvent:
    line: int
    at: float  # epoch seconds (UTC)
    callid: str
    queue: str
    agent: str
    event: str  # upper case
    data: tuple[str, ...]
    hold: float | None = None  # seconds in queue before the answer (CONNECT, COMPLETE*, transfers)
    talk: float | None = None  # seconds connected to the agent (COMPLETE*, transfers)
    wait: float | None = None  # seconds in queue before leaving without an agent (ABANDON, EXIT*)


@dataclass
class ParsedQueueLog:
    events: list[QueueEvent]  # call and agent events, in time order (then line order)
    rejected: dict[str, list[RejectedLine]]  # entity name -> malformed lines attributed to it
    unknown_events: Counter[str]
    lines_read: int

    @property
    def first_at(self) -> float | None:
        return self.events[0].at if self.events else None

    @property
    def last_at(self) -> float | None:
        return max(event.at for event in self.events) if self.events else None


def _timestamp(value: str) -> float:
    text = value.strip()
    if _EPOCH.match(text):
        return float(text)
    if _DATETIME.match(text):  # queue_log exported from a realtime table: a UTC date-time
        return datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=UTC).timestamp()
    raise MalformedLine(f"timestamp {text[:40]!r} is not a unix epoch")


def _number(data: tuple[str, ...], index: int, event: str) -> float | None:
    """data[index] as seconds; None when the field is absent or empty (older Asterisk versions)."""
    if index >= len(data) or not data[index].strip():
        return None
    text = data[index].strip()
    if not _NUMBER.match(text):
        raise MalformedLine(f"{event} data{index + 1} {text[:40]!r} is not a number of seconds")
    return float(text)


def _durations(event: str, data: tuple[str, ...]) -> dict[str, float | None]:
    if event in TRANSFER_EVENTS:
        # Fixed positions in every version (apps/app_queue.c): TRANSFER / BLINDTRANSFER
        # exten|context|holdtime|calltime, with |origposition since 1.8 (1.4/1.6 write four fields);
        # ATTENDEDTRANSFER (12+) BRIDGE|bridge|hold|talk|pos, APP|app|hold|talk|pos or
        # LINK|chan1|chan2|hold|talk|pos.
        first = 3 if event == "ATTENDEDTRANSFER" and data and data[0].strip().upper() == "LINK" else 2
        return {"hold": _number(data, first, event), "talk": _number(data, first + 1, event)}
    durations: dict[str, float | None] = {}
    if event in _HOLD_FIELD:
        durations["hold"] = _number(data, _HOLD_FIELD[event], event)
    if event in _TALK_FIELD:
        durations["talk"] = _number(data, _TALK_FIELD[event], event)
    if event in _WAIT_FIELD:
        durations["wait"] = _number(data, _WAIT_FIELD[event], event)
    return durations


def parse_line(number: int, text: str) -> QueueEvent:
    fields = text.split("|")
    if len(fields) < 5:
        layout = "epoch|callid|queue|agent|event"
        raise MalformedLine(f"expected at least 5 '|'-separated fields ({layout}), got {len(fields)}")
    event = fields[4].strip().upper()
    if not event:
        raise MalformedLine("empty event name")
    at = _timestamp(fields[0])
    data = tuple(fields[5:])
    return QueueEvent(
        line=number,
        at=at,
        callid=fields[1].strip(),
        queue=fields[2].strip(),
        agent=fields[3].strip(),
        event=event,
        data=data,
        **_durations(event, data),
    )


def _entity_of(text: str) -> str:
    """Which entity a malformed line would have fed, judged by its event field when readable."""
    fields = text.split("|")
    event = fields[4].strip().upper() if len(fields) >= 5 else ""
    return "agent_states" if event in AGENT_EVENTS else "calls"


def parse_queue_log(path: Path) -> ParsedQueueLog:
    events: list[QueueEvent] = []
    rejected: dict[str, list[RejectedLine]] = {"calls": [], "agent_states": []}
    unknown: Counter[str] = Counter()
    lines_read = 0
    for number, text in enumerate(open_text(path), start=1):
        if not text.strip():
            continue
        lines_read += 1
        try:
            event = parse_line(number, text)
        except MalformedLine as error:
            rejected[_entity_of(text)].append(RejectedLine(number, MALFORMED, str(error), text))
            continue
        if event.event in CALL_EVENTS or event.event in AGENT_EVENTS:
            events.append(event)
        elif event.event not in IGNORED_EVENTS:
            unknown[event.event] += 1
    events.sort(key=lambda e: (e.at, e.line))
    return ParsedQueueLog(events=events, rejected=rejected, unknown_events=unknown, lines_read=lines_read)
