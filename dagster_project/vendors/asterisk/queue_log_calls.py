"""queue_log events -> queue legs (one per ENTERQUEUE .. end event), the rows of telephony.calls.

The end event decides the row: it carries the durations Asterisk measured (hold, talk or wait), so
a call whose ENTERQUEUE is in an earlier file (log rotation) is still rebuilt from its end event.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass

from dagster_project.adapters.channels import agent_id
from dagster_project.vendors.asterisk.queue_log_events import TRANSFER_EVENTS, QueueEvent

ANSWER_END_EVENTS = frozenset({"COMPLETEAGENT", "COMPLETECALLER"}) | TRANSFER_EVENTS
ABANDON_EVENTS = frozenset({"ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"})
BLOCK_EVENTS = frozenset({"JOINEMPTY", "FULL"})


@dataclass
class QueueLeg:
    call_id: str
    queue: str
    arrived_at: float
    line: int  # line of the event that ended the leg (or opened it, while open)
    caller: str | None = None
    answered_at: float | None = None
    agent: str | None = None
    wait: float | None = None
    talk: float | None = None
    ended_at: float | None = None
    outcome: str | None = None  # None while open
    connect_line: int | None = None
    wrap_up: float = 0.0


@dataclass
class LegResult:
    ended: list[QueueLeg]  # legs with an outcome, in end order
    open: list[QueueLeg]  # ENTERQUEUE (and maybe CONNECT) without an end event in the file
    stats: Counter[str]


class _Builder:
    def __init__(self) -> None:
        self.open: dict[str, QueueLeg] = {}
        self.legs_per_callid: Counter[str] = Counter()
        self.ended: list[QueueLeg] = []
        self.stats: Counter[str] = Counter()
        self.superseded: list[tuple[QueueLeg, float]] = []  # answered legs whose call re-entered a queue

    def _new_leg(self, event: QueueEvent, arrived_at: float) -> QueueLeg:
        self.legs_per_callid[event.callid] += 1
        number = self.legs_per_callid[event.callid]
        call_id = event.callid if number == 1 else f"{event.callid}-{number}"
        return QueueLeg(call_id=call_id, queue=event.queue, arrived_at=arrived_at, line=event.line)

    def _leg_ending(self, event: QueueEvent, seconds_in_queue: float | None) -> QueueLeg:
        """The open leg of the call, or one rebuilt from the end event alone (ENTERQUEUE not seen)."""
        leg = self.open.pop(event.callid, None)
        if leg is None:
            self.stats["calls_without_enterqueue"] += 1
            leg = self._new_leg(event, event.at - (seconds_in_queue or 0.0))
        return leg

    def enter(self, event: QueueEvent) -> None:
        previous = self.open.pop(event.callid, None)
        if previous is not None and previous.answered_at is not None:
            self.superseded.append((previous, event.at))  # back in a queue: the agent's part is over
        elif previous is not None:
            self.stats["incomplete_calls"] += 1  # re-entered before its previous leg ended
        leg = self._new_leg(event, event.at)
        leg.caller = event.data[1].strip() if len(event.data) > 1 and event.data[1].strip() else None
        self.open[event.callid] = leg

    def connect(self, event: QueueEvent) -> None:
        leg = self.open.get(event.callid)
        if leg is None:
            self.stats["calls_without_enterqueue"] += 1
            leg = self._new_leg(event, event.at - (event.hold or 0.0))
            self.open[event.callid] = leg
        leg.answered_at = event.at
        leg.agent = agent_id(event.agent)
        leg.wait = event.hold if event.hold is not None else event.at - leg.arrived_at
        leg.connect_line = event.line

    def answered_end(self, event: QueueEvent) -> None:
        talk = event.talk
        leg = self.open.get(event.callid)
        if leg is None or leg.answered_at is None:
            hold = event.hold or 0.0
            answered_at = event.at - (talk or 0.0)
            if leg is None:
                self.stats["calls_without_enterqueue"] += 1
                leg = self._new_leg(event, answered_at - hold)
            leg.answered_at = answered_at
            leg.wait = event.hold if event.hold is not None else answered_at - leg.arrived_at
        self.open.pop(event.callid, None)
        leg.agent = leg.agent or agent_id(event.agent)
        leg.talk = talk if talk is not None else event.at - leg.answered_at
        self._end(leg, event, "answered")

    def abandoned(self, event: QueueEvent) -> None:
        leg = self._leg_ending(event, event.wait)
        leg.wait = event.wait if event.wait is not None else event.at - leg.arrived_at
        self._end(leg, event, "abandoned")

    def blocked(self, event: QueueEvent) -> None:
        leg = self._leg_ending(event, 0.0)
        leg.wait = 0.0
        self._end(leg, event, "blocked")

    def end_without_end_event(self, leg: QueueLeg, at: float) -> None:
        """An answered leg whose COMPLETE*/TRANSFER is missing ends at `at` (the agent's or the
        call's next event); its row keeps the CONNECT line."""
        answered_at = leg.answered_at if leg.answered_at is not None else at
        leg.talk = max(at - answered_at, 0.0)
        leg.outcome = "answered"
        leg.ended_at = max(at, answered_at)
        leg.line = leg.connect_line or leg.line
        self.ended.append(leg)
        self.stats["calls_answered"] += 1
        self.stats["calls_without_end_event"] += 1

    def close_unended(self, events: list[QueueEvent]) -> None:
        """Answered legs still open at the end of the file end at their agent's next event, when the
        agent has one (a later call, pause, logoff...): the agent cannot still be on this call.
        A leg whose call re-entered a queue ends there, or at its agent's next event if earlier."""
        agent_events: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for event in events:  # in (time, line) order
            agent = agent_id(event.agent)
            if agent:
                agent_events[agent].append((event.at, event.line))

        def next_agent_event(leg: QueueLeg) -> float:
            times = agent_events.get(leg.agent or "", [])
            index = bisect.bisect_right(times, (leg.answered_at or 0.0, leg.connect_line or 0))
            return times[index][0] if index < len(times) else float("inf")

        for leg, re_entered_at in self.superseded:
            self.end_without_end_event(leg, min(re_entered_at, next_agent_event(leg)))
        for callid, leg in list(self.open.items()):
            if leg.answered_at is None or leg.agent is None:
                continue
            ended_at = next_agent_event(leg)
            if ended_at != float("inf"):
                del self.open[callid]
                self.end_without_end_event(leg, ended_at)

    def _end(self, leg: QueueLeg, event: QueueEvent, outcome: str) -> None:
        leg.outcome = outcome
        leg.ended_at = event.at
        leg.line = event.line
        self.ended.append(leg)
        self.stats[f"calls_{outcome}"] += 1


def build_legs(events: list[QueueEvent]) -> LegResult:
    builder = _Builder()
    for event in events:
        name = event.event
        if name == "ENTERQUEUE":
            builder.enter(event)
        elif name == "CONNECT":
            builder.connect(event)
        elif name == "RINGNOANSWER":
            builder.stats["ring_no_answer"] += 1
        elif name in ANSWER_END_EVENTS:
            builder.answered_end(event)
        elif name in ABANDON_EVENTS:
            builder.abandoned(event)
        elif name in BLOCK_EVENTS:
            builder.blocked(event)
    builder.close_unended(events)
    open_legs = list(builder.open.values())
    builder.stats["incomplete_calls"] += len(open_legs)
    return LegResult(ended=builder.ended, open=open_legs, stats=builder.stats)
