"""queue_log events -> non-overlapping agent state intervals, and each call's wrap-up time.

Per agent three layers are combined, the first that applies wins:
1. on_call while connected to a caller (CONNECT .. COMPLETE*/TRANSFER),
2. wrap_up during the queue's `wrapuptime` after a call (setting; ends at the agent's next event),
3. the session state from login/logoff and pause events: offline, available, or the pause state.
Only session events make the state known: before an agent's first login, logoff or pause event in
the file the state is unknown and no interval is produced, and calls answered then give no
on_call interval either (a static member never logs in; counting it logged in from its first call
to the end of the file made occupancy meaningless). Every interval still open at the end of the
file is closed at the file's last event time.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from dagster_project.adapters.channels import agent_id
from dagster_project.vendors.asterisk.queue_log_calls import QueueLeg
from dagster_project.vendors.asterisk.queue_log_events import QueueEvent

LOGIN_EVENTS = frozenset({"AGENTLOGIN", "AGENTCALLBACKLOGIN", "ADDMEMBER"})
LOGOFF_EVENTS = frozenset({"AGENTLOGOFF", "AGENTCALLBACKLOGOFF"})
PAUSE_EVENTS = frozenset({"PAUSE", "PAUSEALL"})
UNPAUSE_EVENTS = frozenset({"UNPAUSE", "UNPAUSEALL"})
AGENT_LOGIN_QUEUE = "*agent"  # chan_agent / app_agent_pool logins are not tied to one queue
IMPLIED_QUEUE = "*implied"  # logged in before the file started, seen through a pause or a call
SESSION_EVENTS = LOGIN_EVENTS | LOGOFF_EVENTS | PAUSE_EVENTS | UNPAUSE_EVENTS | {"REMOVEMEMBER"}


def pause_state(reason: str) -> str:
    """PAUSE data1 (the reason) -> contract state; unknown or empty reasons count as break."""
    key = re.sub(r"[^a-z]", "", reason.lower())
    if "wrap" in key or key in {"acw", "aftercallwork", "postcall"}:
        return "wrap_up"
    for word, state in (("lunch", "lunch"), ("train", "training"), ("meeting", "meeting")):
        if word in key:
            return state
    return "break"


@dataclass(frozen=True)
class AgentInterval:
    agent_id: str
    state: str
    started_at: float
    ended_at: float
    line: int  # line of the event that started it


@dataclass
class _Session:
    known: bool = False
    queues: set[str] = field(default_factory=set)
    paused: str | None = None

    def state(self) -> str | None:
        if not self.known:
            return None
        if not self.queues:
            return "offline"
        return self.paused or "available"

    def implied_login(self) -> None:
        if not self.known or not self.queues:
            self.known = True
            self.queues.add(IMPLIED_QUEUE)

    def apply(self, event: QueueEvent) -> None:
        name = event.event
        if name in LOGIN_EVENTS:
            self.known = True
            self.queues.add(event.queue if name == "ADDMEMBER" else AGENT_LOGIN_QUEUE)
        elif name in LOGOFF_EVENTS:
            self.known, self.queues, self.paused = True, set(), None
        elif name == "REMOVEMEMBER":
            self.known = True
            self.queues.discard(event.queue)
            self.queues.discard(IMPLIED_QUEUE)
            if not self.queues:
                self.paused = None
        elif name in PAUSE_EVENTS:
            self.implied_login()
            self.paused = pause_state(event.data[0] if event.data else "")
        elif name in UNPAUSE_EVENTS:
            self.implied_login()
            self.paused = None


# A mark changes one layer at a time t: ("base", state), ("call", +1/-1) or ("wrap", +1/-1).
_Mark = tuple[float, int, str, str | int | None]  # (time, line, layer, value)


def _agent_marks(
    agent_events: list[QueueEvent], legs: list[QueueLeg], start: float, end: float, wrapup: float
) -> list[_Mark]:
    marks: list[_Mark] = []
    session = _Session()
    calls_by_start = sorted((leg for leg in legs if leg.answered_at is not None), key=lambda leg: leg.answered_at or 0)
    previous: str | None = None
    for event in agent_events:  # in (time, line) order; calls do not open a session
        session.apply(event)
        state = session.state()
        if state != previous:
            marks.append((event.at, event.line, "base", state))
            previous = state
    event_times = sorted(e.at for e in agent_events)
    call_starts = sorted(max(leg.answered_at or start, start) for leg in calls_by_start)
    for leg in calls_by_start:
        call_start = max(leg.answered_at or start, start)
        call_end = min(leg.ended_at if leg.ended_at is not None else end, end)
        marks.append((call_start, leg.connect_line or leg.line, "call", 1))
        marks.append((call_end, leg.line, "call", -1))
        if wrapup > 0 and leg.ended_at is not None:
            stops = [call_end + wrapup, end]
            for times in (event_times, call_starts):
                index = bisect.bisect_left(times, call_end)
                if index < len(times):
                    stops.append(times[index])
            marks.append((call_end, leg.line, "wrap", 1))
            marks.append((min(stops), leg.line, "wrap", -1))
    return marks


def _sweep(agent: str, marks: list[_Mark], end: float) -> list[AgentInterval]:
    marks.sort(key=lambda mark: (mark[0], mark[1]))
    times = sorted({mark[0] for mark in marks if mark[0] < end} | {end})
    base: str | None = None
    calls = wraps = 0
    index = 0
    intervals: list[AgentInterval] = []
    for position, at in enumerate(times[:-1]):
        line = None
        while index < len(marks) and marks[index][0] <= at:
            _, mark_line, layer, value = marks[index]
            line = mark_line if line is None else max(line, mark_line)  # the latest line at that instant
            step = value if isinstance(value, int) else 0
            if layer == "base":
                base = value if isinstance(value, str) else None
            elif layer == "call":
                calls += step
            else:
                wraps += step
            index += 1
        logged_in = base is not None and base != "offline"
        state = "on_call" if calls > 0 and logged_in else "wrap_up" if wraps > 0 and logged_in else base
        following = times[position + 1]
        if state is None or following <= at:
            continue
        last = intervals[-1] if intervals else None
        if last and last.state == state and last.ended_at == at:
            intervals[-1] = AgentInterval(agent, state, last.started_at, following, last.line)
        else:
            intervals.append(AgentInterval(agent, state, at, following, line or 0))
    return intervals


def build_agent_intervals(
    events: list[QueueEvent],
    legs: list[QueueLeg],
    start: float,
    end: float,
    wrapup_seconds: float,
    stats: Counter[str] | None = None,
) -> list[AgentInterval]:
    """Intervals of every agent, sorted by agent then start; sets `wrap_up` on the legs and counts
    answered calls outside any known session in stats['answered_calls_outside_session']."""
    agent_events: dict[str, list[QueueEvent]] = defaultdict(list)
    for event in events:
        agent = agent_id(event.agent)
        if agent and event.event in SESSION_EVENTS:
            agent_events[agent].append(event)
    agent_legs: dict[str, list[QueueLeg]] = defaultdict(list)
    for leg in legs:
        if leg.agent and leg.answered_at is not None:
            agent_legs[leg.agent].append(leg)
    intervals: list[AgentInterval] = []
    for agent in sorted(set(agent_events) | set(agent_legs)):
        marks = _agent_marks(agent_events[agent], agent_legs[agent], start, end, wrapup_seconds)
        own = _sweep(agent, marks, end)
        _assign_wrap_up(agent_legs[agent], own)
        if stats is not None:
            stats["answered_calls_outside_session"] += _outside_session(agent_legs[agent], own)
        intervals.extend(own)
    return intervals


def _outside_session(legs: list[QueueLeg], intervals: list[AgentInterval]) -> int:
    """Answered legs whose answer falls in no interval of a logged-in state (unknown or offline)."""
    inside = [interval for interval in intervals if interval.state != "offline"]  # sorted, disjoint
    starts = [interval.started_at for interval in inside]
    count = 0
    for leg in legs:
        at = leg.answered_at
        index = bisect.bisect_right(starts, at) - 1 if at is not None else -1
        if index < 0 or not (inside[index].started_at <= (at or 0.0) < inside[index].ended_at):
            count += 1
    return count


def _assign_wrap_up(legs: list[QueueLeg], intervals: list[AgentInterval]) -> None:
    """A call's wrap-up = the agent's wrap_up seconds between its end and the agent's next call."""
    starts = sorted(leg.answered_at for leg in legs if leg.answered_at is not None)
    wraps = [interval for interval in intervals if interval.state == "wrap_up"]  # sorted, disjoint
    wrap_ends = [interval.ended_at for interval in wraps]
    for leg in legs:
        if leg.ended_at is None:
            continue
        ended = leg.ended_at
        index = bisect.bisect_left(starts, ended)
        until = starts[index] if index < len(starts) else float("inf")
        total = 0.0
        for wrap in itertools.islice(wraps, bisect.bisect_right(wrap_ends, ended), None):
            if wrap.started_at >= until:
                break
            total += min(wrap.ended_at, until) - max(wrap.started_at, ended)
        leg.wrap_up = total
