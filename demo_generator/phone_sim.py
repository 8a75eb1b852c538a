"""The phone queues as a discrete-event simulation: callers in arrival order, agents as servers.

The agents take calls of every queue. Calls are handled first come, first served (across the
queues) by the longest-idle agent who is logged in and not on a break (the usual ACD rule).
Processing callers in arrival order and giving each the earliest moment any agent can start
is exactly that discipline (a later caller can never be served before an earlier one), so one
pass with a heap of agents suffices:

- an agent's working time is a list of segments between planned breaks; a call that runs into
  a break or past the shift end pushes the break (which keeps its length) or the shift end;
- a caller hangs up when the wait exceeds their patience (abandoned, no agent consumed);
- a caller is rejected (blocked) when their queue already holds ``max_waiting`` callers, when
  no agent is logged in, or on a network failure.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

ANSWERED, ABANDONED, BLOCKED = 0, 1, 2
NEVER = np.iinfo(np.int64).max // 4


@dataclass
class Schedule:
    """Working segments of one agent, in time order; ``gap[k]`` is the length of the planned
    block after segment ``k`` (0 = the shift ends there). Mutated by the simulation."""

    start: list[int]
    end: list[int]
    gap: list[int]
    kind: list[int]  # agent state of the block after each segment (-1 after the shift end)


@dataclass
class CallDraws:
    """Per-call random draws, calls sorted by arrival."""

    queue: np.ndarray
    arrival: np.ndarray  # epoch seconds
    patience: np.ndarray  # seconds
    ring: np.ndarray  # seconds from an agent picking the call to answer
    talk: np.ndarray  # talk seconds of an average agent
    hold: np.ndarray
    wrap: np.ndarray
    rejected: np.ndarray  # blocked before queueing (no agent logged in, network failure)


@dataclass
class QueueResult:
    outcome: np.ndarray
    agent: np.ndarray  # index into the schedules, -1 unless answered
    answered: np.ndarray  # epoch seconds, -1 unless answered
    wait_end: np.ndarray  # answer, hang-up or rejection time
    talk: np.ndarray
    hold: np.ndarray
    wrap: np.ndarray


def _next_segment(sched: Schedule, t: int, k: int) -> tuple[int, int]:
    """(idle-from time, segment) of the first non-empty segment ending after ``t``."""
    ends, starts = sched.end, sched.start
    k = bisect_right(ends, t, k)
    while k < len(ends) and starts[k] >= ends[k]:
        k += 1
    if k == len(ends):
        return NEVER, k
    return starts[k], k


def _push_back_blocks(sched: Schedule, k: int, free: int) -> None:
    """Segment ``k`` now ends at ``free``: later blocks of the shift move with it."""
    starts, ends, gap = sched.start, sched.end, sched.gap
    ends[k] = free
    j = k
    while gap[j] > 0:
        moved = ends[j] + gap[j]
        if moved <= starts[j + 1]:
            return
        starts[j + 1] = moved
        if moved < ends[j + 1]:
            return
        ends[j + 1] = moved  # the segment vanished: the next block follows at once
        j += 1


def simulate_calls(
    draws: CallDraws,
    schedules: list[Schedule],
    talk_factor: np.ndarray,
    hold_factor: np.ndarray,
    wrap_factor: np.ndarray,
    max_waiting: np.ndarray,
) -> QueueResult:
    n = draws.arrival.size
    outcome = np.full(n, BLOCKED, dtype=np.int64)
    agent_out = np.full(n, -1, dtype=np.int64)
    answered = np.full(n, -1, dtype=np.int64)
    wait_end = draws.arrival.copy()
    talk_out = np.zeros(n, dtype=np.int64)
    hold_out = np.zeros(n, dtype=np.int64)
    wrap_out = np.zeros(n, dtype=np.int64)

    arrival = draws.arrival.tolist()
    patience, ring = draws.patience.tolist(), draws.ring.tolist()
    talk, hold, wrap = draws.talk.tolist(), draws.hold.tolist(), draws.wrap.tolist()
    rejected = draws.rejected.tolist()
    queue, limit = draws.queue.tolist(), max_waiting.tolist()
    tf, hf, wf = talk_factor.tolist(), hold_factor.tolist(), wrap_factor.tolist()

    agents: list[tuple[int, int, int]] = []  # (idle from, agent, segment)
    for a, sched in enumerate(schedules):
        f, k = _next_segment(sched, -1, 0)
        agents.append((f, a, k))
    heapq.heapify(agents)
    queued: list[list[int]] = [[] for _ in limit]  # per queue: when waiting callers leave it

    for i in range(n):
        t_arr = arrival[i]
        if rejected[i] or not agents:
            continue
        line = queued[queue[i]]
        while line and line[0] <= t_arr:
            heapq.heappop(line)
        if len(line) >= limit[queue[i]]:
            continue  # every line busy: blocked
        # The longest-idle agent who can still take a call at or after the arrival.
        while True:
            f, a, k = agents[0]
            if f >= NEVER:
                start = NEVER
                break
            start = f if f > t_arr else t_arr
            if start < schedules[a].end[k]:
                break
            f2, k2 = _next_segment(schedules[a], start, k)
            heapq.heapreplace(agents, (f2, a, k2))
        pick_up = start + ring[i]
        if pick_up - t_arr > patience[i]:
            outcome[i] = ABANDONED
            gone = t_arr + max(1, int(patience[i]))
            wait_end[i] = gone
            heapq.heappush(line, gone)
            continue
        on_talk = max(5, int(talk[i] * tf[a]))
        on_hold = int(hold[i] * hf[a])
        after = max(1, int(wrap[i] * wf[a]))
        free = pick_up + on_talk + on_hold + after
        sched = schedules[a]
        if free < sched.end[k]:
            heapq.heapreplace(agents, (free, a, k))
        else:
            _push_back_blocks(sched, k, free)
            f2, k2 = _next_segment(sched, free, k)
            heapq.heapreplace(agents, (f2, a, k2))
        outcome[i] = ANSWERED
        agent_out[i] = a
        answered[i] = pick_up
        wait_end[i] = pick_up
        talk_out[i], hold_out[i], wrap_out[i] = on_talk, on_hold, after
        heapq.heappush(line, pick_up)
    return QueueResult(outcome, agent_out, answered, wait_end, talk_out, hold_out, wrap_out)
