"""Phone queues and their roster: which helpdesk agents take calls, on which shifts, with breaks.

The phone agents are cross-trained helpdesk agents (the phone team first) who take calls of all
four queues. Planning works like a real contact centre's: per day type (Monday .. Sunday,
holiday) and 30-minute slot the *average* expected calls of all queues give the Erlang C agents
needed (80 % in 20 s, occupancy <= 85 %); 8.5-hour shifts are laid greedily over that
requirement; the pool is sized for five shifts a week plus absences. The plan ignores breaks,
season and growth, and agents are sick or on holiday (Nordic summer!), so some slots end up
understaffed and their callers wait longer: that is the point.

Open hours (UTC): support weekdays 07-24 (late calls run past midnight), weekends and holidays
09-17; billing weekdays 08-17; sales weekdays 08-18 and Saturdays 10-14; vip weekdays 07-22,
weekends and holidays 09-17.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from demo_generator.staff import GROUP_INDEX, Staff
from demo_generator.staffing import required_agents
from demo_generator.world import DAY, HOUR, Clock, World, arrival_weights

SLOT = 1800
SLOTS_PER_DAY = DAY // SLOT
SHIFT_SLOTS = 17  # 8.5 hours including 1 hour of breaks
BREAK_SHRINKAGE = 0.0  # planners size shifts on Erlang C alone: breaks leave slots short
ABSENCE_SHARE = 0.14  # holidays and sickness, for sizing the pools
MIN_REST = 11 * HOUR  # between the end of one shift and the start of the next
HOLIDAY = 7  # day type of public holidays (0..6 = Monday..Sunday)

# Agent state codes: positions in the contract's AGENT_STATES.
AVAILABLE, ON_CALL, WRAP_UP, BREAK, LUNCH, TRAINING, MEETING = range(7)


@dataclass(frozen=True)
class Queue:
    name: str
    share: float  # share of inbound calls
    weekday_hours: tuple[int, int]  # open UTC hours [lo, hi); (0, 24) = around the clock
    weekend_hours: tuple[int, int] | None  # Saturday and Sunday (None = closed)
    sunday_open: bool
    holiday_open: bool
    shape: tuple[tuple[int, float], ...]  # (UTC hour, factor) points of the intraday tilt
    talk_median: float  # seconds
    patience_median: float  # seconds a typical caller waits before giving up
    outbound: float  # chance an idle stretch of >= 3 minutes gets outbound work (blended dialer)

    def hour_factor(self) -> np.ndarray:
        hours, factors = zip(*self.shape, strict=True)
        return np.interp(np.arange(24), hours, factors)


QUEUES: tuple[Queue, ...] = (
    Queue("support", 0.62, (7, 24), (9, 17), True, True, ((0, 1.0), (20, 1.0), (23, 1.6)),
          200.0, 150.0, 0.75),
    Queue("billing", 0.20, (8, 17), None, False, False, ((8, 1.35), (11, 1.1), (14, 0.85), (17, 0.8)),
          240.0, 120.0, 0.80),
    Queue("sales", 0.10, (8, 18), (10, 14), False, False, ((8, 0.7), (12, 1.0), (15, 1.3), (18, 1.2)),
          300.0, 100.0, 0.95),
    Queue("vip", 0.08, (7, 22), (9, 17), True, True, ((7, 1.2), (12, 1.0), (22, 0.9)),
          270.0, 240.0, 0.75),
)  # fmt: skip
QUEUE_NAMES = tuple(q.name for q in QUEUES)
HOME_QUEUE_WEIGHTS = np.array([0.5, 0.2, 0.2, 0.1])  # support, billing, sales, vip
PHONE_TEAMS = ("g04", "g02", "g06", "g03", "g01", "g05")  # where phone agents come from, in order
HOLD_SHARE, HOLD_MEDIAN = 0.28, 45.0  # share of answered calls with hold time, its median
WRAP_MEDIAN = 40.0
TALK_SIGMA, HOLD_SIGMA, WRAP_SIGMA = 0.6, 0.7, 0.5


def planned_aht(queue: Queue) -> float:
    """Mean handle time the planners assume (means of the lognormal draws in telephony.py)."""
    talk = queue.talk_median * math.exp(TALK_SIGMA**2 / 2)
    hold = HOLD_SHARE * HOLD_MEDIAN * math.exp(HOLD_SIGMA**2 / 2)
    return talk + hold + WRAP_MEDIAN * math.exp(WRAP_SIGMA**2 / 2)


def day_types(clock: Clock, n_days: int) -> np.ndarray:
    """0..6 = Monday..Sunday, HOLIDAY for public holidays, per day of the period."""
    first_hours = np.arange(n_days) * 24
    return np.where(clock.is_holiday[first_hours], HOLIDAY, clock.weekday[first_hours])


def open_hours(queue: Queue, day_type: int) -> tuple[int, int] | None:
    if day_type == HOLIDAY:
        return queue.weekend_hours if queue.holiday_open else None
    if day_type < 5:
        return queue.weekday_hours
    if day_type == 6 and not queue.sunday_open:
        return None
    return queue.weekend_hours


def open_mask(queue: Queue, clock: Clock, n_days: int) -> np.ndarray:
    """Whether the queue is open, per hour of the period."""
    types = np.repeat(day_types(clock, n_days), 24)
    hod = clock.hour_of_day[: n_days * 24]
    mask = np.zeros(n_days * 24, dtype=bool)
    for t in range(HOLIDAY + 1):
        hours = open_hours(queue, t)
        if hours is not None:
            mask |= (types == t) & (hod >= hours[0]) & (hod < hours[1])
    return mask


def queue_weights(queue: Queue, world: World) -> np.ndarray:
    """Relative inbound intensity per hour of the period (zero while the queue is closed)."""
    n_days = world.period.days
    base = arrival_weights(world.clock, world.period)
    tilt = queue.hour_factor()[world.clock.hour_of_day[: n_days * 24]]
    return base * tilt * open_mask(queue, world.clock, n_days)


def plan_shifts(calls_per_slot: np.ndarray, hours: tuple[int, int] | None, aht: float) -> list[int]:
    """Shift start slots (0..47) covering the Erlang C requirement of one day type."""
    if hours is None:
        return []
    lo, hi = 2 * hours[0], 2 * hours[1]
    around_the_clock = hours == (0, 24)
    length = SHIFT_SLOTS if around_the_clock else min(SHIFT_SLOTS, hi - lo)
    latest = SLOTS_PER_DAY - 1 if around_the_clock else hi - length
    need = np.zeros(SLOTS_PER_DAY, dtype=np.int64)
    for s in range(lo, hi):
        need[s] = math.ceil(required_agents(float(calls_per_slot[s]), aht) / (1.0 - BREAK_SHRINKAGE))
        need[s] = max(need[s], 1)
    cover = np.zeros(SLOTS_PER_DAY + SHIFT_SLOTS, dtype=np.int64)
    starts: list[int] = []
    while True:
        short = np.flatnonzero(cover[:SLOTS_PER_DAY] < need)
        if short.size == 0:
            return starts
        start = min(int(short[0]), latest)
        starts.append(start)
        cover[start : start + length] += 1


@dataclass
class Plan:
    """Shift starts (slots) per day type and the phone agents (staff indices)."""

    shift_starts: list[list[int]]  # per day type
    shift_length: list[int]  # seconds, per day type
    agents: np.ndarray
    max_waiting: np.ndarray  # per queue: callers held before it rejects (blocked calls)


def day_hours(day_type: int) -> tuple[int, int] | None:
    """From the first queue opening to the last one closing on a day type."""
    spans = [h for q in QUEUES if (h := open_hours(q, day_type)) is not None]
    if not spans:
        return None
    return min(lo for lo, _ in spans), max(hi for _, hi in spans)


def make_plan(world: World, staff: Staff, expected: list[np.ndarray]) -> Plan:
    """The roster plan from the expected calls per hour of the period (``expected[q]``).

    The agents are cross-trained and take calls of every queue, so the plan pools the queues:
    Erlang C on the total calls with their blended handle time.
    """
    n_days = world.period.days
    types = day_types(world.clock, n_days)
    totals = np.array([e.sum() for e in expected])
    aht = float((totals * np.array([planned_aht(q) for q in QUEUES])).sum() / max(totals.sum(), 1e-9))
    by_day = np.sum(expected, axis=0).reshape(n_days, 24)
    starts, lengths = [], []
    for t in range(HOLIDAY + 1):
        days = by_day[types == t]
        mean_hour = days.mean(axis=0) if days.shape[0] else np.zeros(24)
        hours = day_hours(t)
        starts.append(plan_shifts(np.repeat(mean_hour / 2.0, 2), hours, aht))
        span = SHIFT_SLOTS if hours is None else (hours[1] - hours[0]) * 2
        lengths.append(min(SHIFT_SLOTS, span) * SLOT)
    weekly = sum(len(s) for s in starts[:7])
    size = max(1, math.ceil(weekly / 5.0 / (1.0 - ABSENCE_SHARE)))
    peak = max((len(s) for s in starts), default=1)
    shares = np.array([q.share for q in QUEUES])
    max_waiting = np.maximum(2, np.ceil(0.25 * peak * shares)).astype(np.int64)
    return Plan(starts, lengths, _pick_agents(staff, size), max_waiting)


def _pick_agents(staff: Staff, size: int) -> np.ndarray:
    """Up to ``size`` phone agents, from the phone team first, then billing, customer success,
    technical support and tier 1 (the quickest agents of each team first)."""
    chosen: list[int] = []
    for group_id in PHONE_TEAMS:
        members = np.flatnonzero(staff.group == GROUP_INDEX[group_id])
        members = members[np.argsort(staff.speed[members], kind="stable")]
        chosen.extend(int(m) for m in members[: size - len(chosen)])
        if len(chosen) >= size:
            break
    return np.array(sorted(chosen), dtype=np.int64)


def home_queue(world: World, staff: Staff) -> np.ndarray:
    """The queue an agent's outbound calls belong to: billing, sales or vip for their teams,
    otherwise drawn (most phone-team agents call back for support)."""
    rng = world.rng("telephony.home_queue")
    home = rng.choice(len(QUEUES), size=staff.n, p=HOME_QUEUE_WEIGHTS)
    home[staff.group == GROUP_INDEX["g02"]] = QUEUE_NAMES.index("billing")
    home[staff.group == GROUP_INDEX["g06"]] = QUEUE_NAMES.index("sales")
    home[staff.group == GROUP_INDEX["g03"]] = QUEUE_NAMES.index("vip")
    return home


# -- who works when ----------------------------------------------------------------------------


def absences(world: World, agents: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Agents x days: on holiday (two summer weeks, one week at another time) or sick."""
    period = world.period
    n_days, n = period.days, agents.size
    absent = np.zeros((n, n_days), dtype=bool)
    day_index = np.arange(n_days)
    for year in range(period.start.year, period.end.year + 1):
        summer = (date(year, 6, 1) - period.start).days
        other = (date(year, 1, 7) - period.start).days
        s_start = summer + rng.integers(0, 75, size=n)
        o_start = other + rng.integers(0, 330, size=n)
        for begin, length in ((s_start, 14), (o_start, 7)):
            absent |= (day_index >= begin[:, None]) & (day_index < begin[:, None] + length)
    spell_start = rng.random((n, n_days)) < 0.012
    spell_length = rng.integers(1, 6, size=(n, n_days))
    for k in range(5):
        absent[:, k:] |= spell_start[:, : n_days - k] & (spell_length[:, : n_days - k] > k)
    return absent


@dataclass
class Roster:
    """Shifts as parallel arrays (agent = staff index), sorted by agent then start."""

    agent: np.ndarray
    start: np.ndarray
    end: np.ndarray


def build_roster(world: World, staff: Staff, plan: Plan) -> Roster:
    rng = world.rng("telephony.roster")
    n_days = world.period.days
    types = day_types(world.clock, n_days)
    day0 = world.period.start_ts
    agent_l: list[int] = []
    start_l: list[int] = []
    len_l: list[int] = []
    pool = plan.agents
    if pool.size:
        absent = absences(world, pool, rng)
        worked = np.zeros(pool.size, dtype=np.int64)
        last_end = np.full(pool.size, np.iinfo(np.int64).min // 2, dtype=np.int64)
        for d in range(n_days):
            t0 = day0 + d * DAY
            if (world.period.start + timedelta(days=d)).weekday() == 0:
                worked[:] = 0
            starts = plan.shift_starts[types[d]]
            length = plan.shift_length[types[d]]
            free = ~absent[:, d] & (worked < 5) & (staff.hired_ts[pool] <= t0) & (staff.left_ts[pool] > t0 + DAY)
            tiebreak = rng.random(pool.size)
            for slot in starts:
                begin = t0 + slot * SLOT
                ok = np.flatnonzero(free & (last_end + MIN_REST <= begin))
                if ok.size == 0:
                    continue  # nobody left: the slot runs short-handed
                pick = ok[np.lexsort((tiebreak[ok], worked[ok]))[0]]
                free[pick] = False
                worked[pick] += 1
                last_end[pick] = begin + length
                agent_l.append(int(pool[pick]))
                start_l.append(begin)
                len_l.append(length)
    agent = np.array(agent_l, dtype=np.int64)
    start = np.array(start_l, dtype=np.int64)
    end = start + np.array(len_l, dtype=np.int64)
    order = np.lexsort((start, agent))
    return Roster(agent[order], start[order], end[order])


@dataclass
class Blocks:
    """Planned non-phone time inside shifts (breaks, lunch, training, meetings)."""

    shift: np.ndarray  # roster row
    start: np.ndarray
    length: np.ndarray
    kind: np.ndarray


def plan_blocks(world: World, roster: Roster) -> Blocks:
    """Two 15-minute breaks and a 30-minute lunch per full shift; sometimes a 30-minute team
    meeting early in the shift or an hour of training after lunch. Short shifts get one break."""
    rng = world.rng("telephony.breaks")
    n = roster.start.size
    length = roster.end - roster.start
    full = length >= 8 * HOUR
    minutes = 60

    def at(lo_h: float, hi_h: float) -> np.ndarray:
        return roster.start + (rng.uniform(lo_h, hi_h, size=n) * 60).astype(np.int64) * minutes

    spec = [
        (at(0.25, 1.0), 30 * minutes, MEETING, full & (rng.random(n) < 0.10)),
        (at(1.6, 2.5), 15 * minutes, BREAK, np.ones(n, dtype=bool)),
        (at(3.5, 4.5), 30 * minutes, LUNCH, full),
        (at(5.05, 5.25), 60 * minutes, TRAINING, full & (rng.random(n) < 0.05)),
        (at(6.3, 7.0), 15 * minutes, BREAK, full),
    ]
    # Short shifts: the one break in the middle.
    short_break = roster.start + length // 2 - 7 * minutes
    spec[1] = (np.where(full, spec[1][0], short_break), spec[1][1], BREAK, spec[1][3])
    shift = np.concatenate([np.flatnonzero(m) for *_, m in spec])
    start = np.concatenate([s[m] for s, _, _, m in spec])
    dur = np.concatenate([np.full(int(m.sum()), d) for _, d, _, m in spec])
    kind = np.concatenate([np.full(int(m.sum()), k) for _, _, k, m in spec])
    order = np.lexsort((start, shift))
    return Blocks(shift[order], start[order], dur[order].astype(np.int64), kind[order].astype(np.int64))
