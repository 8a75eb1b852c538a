"""Adapter: Asterisk queue_log -> telephony.calls and telephony.agent_states rows.

The whole file is parsed for either entity (the calls need the agent timeline for their wrap-up
time). Mapping rules and limits: docs/asterisk.md.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from dagster_project.adapters.base import AdapterOutput, Row, iso_utc, seconds_text
from dagster_project.vendors.asterisk.queue_log_agents import AgentInterval, build_agent_intervals
from dagster_project.vendors.asterisk.queue_log_calls import QueueLeg, build_legs
from dagster_project.vendors.asterisk.queue_log_events import parse_queue_log
from dagster_project.vendors.asterisk.settings import AsteriskSettings

NAME = "asterisk_queue_log"
ENTITIES = ("calls", "agent_states")


def _call_row(leg: QueueLeg) -> Row:
    answered = leg.outcome == "answered"
    return {
        "call_id": leg.call_id,
        "queue_name": leg.queue or None,
        "direction": "inbound",
        "arrived_at": iso_utc(leg.arrived_at),
        "answered_at": iso_utc(leg.answered_at) if answered and leg.answered_at is not None else None,
        "ended_at": iso_utc(leg.ended_at) if leg.ended_at is not None else None,
        "outcome": leg.outcome,
        "agent_id": leg.agent if answered else None,
        "customer_id": None,
        "caller_number": leg.caller,
        "wait_seconds": seconds_text(leg.wait or 0.0),
        "talk_seconds": seconds_text(leg.talk if answered else 0.0),
        "hold_seconds": "0",
        "wrap_up_seconds": seconds_text(leg.wrap_up if answered else 0.0),
        "ticket_id": None,
    }


def _state_row(interval: AgentInterval) -> Row:
    return {
        "agent_id": interval.agent_id,
        "state": interval.state,
        "started_at": iso_utc(interval.started_at),
        "ended_at": iso_utc(interval.ended_at),
    }


def read_queue_log(path: Path, entity: str, settings: AsteriskSettings | None = None) -> AdapterOutput:
    """Rows of `entity` ('calls' or 'agent_states') from one queue_log file."""
    if entity not in ENTITIES:
        raise ValueError(f"{NAME} feeds {', '.join(ENTITIES)}, not {entity}")
    settings = settings or AsteriskSettings.from_env()
    parsed = parse_queue_log(path)
    legs = build_legs(parsed.events)
    output = AdapterOutput(lines_read=parsed.lines_read, unknown_events=parsed.unknown_events)
    output.rejected = parsed.rejected[entity]
    start, end = parsed.first_at, parsed.last_at
    intervals: list[AgentInterval] = []
    session_stats: Counter[str] = Counter()
    if start is not None and end is not None:
        intervals = build_agent_intervals(
            parsed.events, legs.ended + legs.open, start, end, settings.wrapup_seconds, session_stats
        )
    if entity == "calls":
        output.rows = [(leg.line, _call_row(leg)) for leg in legs.ended]
        output.stats.update(legs.stats)
    else:
        output.rows = [(interval.line, _state_row(interval)) for interval in intervals]
        output.stats["agent_intervals"] = len(intervals)
        output.stats.update(+session_stats)
    return output
