"""Telephony: calls of four queues and the phone agents' state intervals.

Flow: plan and roster the queues (``phone_roster``), draw the inbound calls (phone-channel
tickets bring their own call, the rest follow each queue's arrival curve), simulate every queue
(``phone_sim``), turn shifts, breaks and handled calls into agent states, let idle agents make
outbound calls (a blended dialer fills their idle stretches, so occupancy stays near the
benchmark at every scale), then give the calls their customers and phone numbers.

Ticket links: each helpdesk ticket with channel ``phone`` gets an inbound call from its
requester 2-12 minutes before the ticket's ``created_at`` (the agent logs the ticket during the
call), in billing for billing tickets, vip for enterprise customers, support otherwise. When that
call is answered it carries the ticket_id; when the caller hung up or was blocked the ticket_id
stays null (the ticket then came in another way, e.g. a voicemail). Tickets created while the
queue was closed get no call. Calls not finished by the cut-off are not exported (their agent is
still on_call at the cut-off, so agent states are clipped there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dagster_project.contract.telephony import AGENT_STATES
from demo_generator.crm import COUNTRIES, COUNTRY_WEIGHTS, Customers
from demo_generator.helpdesk import PHONE, Helpdesk
from demo_generator.phone_roster import (
    AVAILABLE,
    HOLD_MEDIAN,
    HOLD_SHARE,
    HOLD_SIGMA,
    ON_CALL,
    QUEUE_NAMES,
    QUEUES,
    TALK_SIGMA,
    WRAP_MEDIAN,
    WRAP_SIGMA,
    WRAP_UP,
    Blocks,
    Roster,
    build_roster,
    home_queue,
    make_plan,
    open_mask,
    plan_blocks,
    queue_weights,
)
from demo_generator.phone_sim import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CallDraws,
    QueueResult,
    Schedule,
    simulate_calls,
)
from demo_generator.staff import GROUP_INDEX, Staff
from demo_generator.world import DAY, World, sample_arrivals
from demo_generator.writer import codes_to_strings, prefixed_ids, timestamps

INBOUND_PER_DAY_AT_SCALE_1 = 400  # ~145k inbound calls a year (about 1.5 per ticket)
SHORT_ABANDON_SHARE = 0.03  # callers who hang up within 5 seconds if not answered at once
NETWORK_FAILURE = 0.0005
REPEAT_CALL_SHARE = 0.15  # calls from a customer who called the same queue in the last 7 days
UNKNOWN_CALLER_SHARE = 0.06  # withheld or unknown numbers
OUTBOUND_MIN_GAP = 3 * 60
OUTBOUND_PICKUP = 0.8
OUTBOUND_PAUSE_MEAN = 15.0  # seconds of idle kept between outbound calls (reserve for inbound)
OUTBOUND_CONTINUE = 0.98  # chance the dialer hands the agent another call in the same stretch
OUTBOUND_MAX_PER_STRETCH = 200
DIRECTIONS = ("inbound", "outbound")
INBOUND, OUTBOUND = 0, 1
# Fake E.164 prefixes per crm country (COUNTRIES order); a 7-digit subscriber part follows.
PHONE_PREFIXES = ("+35840", "+46701", "+47412", "+45201", "+354612", "+372512", "+79161",
                  "+491511", "+447700", "+1555", "+31612", "+48501", "+33612")  # fmt: skip


@dataclass
class Calls:
    """All calls as parallel arrays, sorted by arrival."""

    queue: np.ndarray
    direction: np.ndarray
    arrived: np.ndarray
    answered: np.ndarray  # -1 unless answered
    ended: np.ndarray
    outcome: np.ndarray
    agent: np.ndarray  # staff index, -1 unless answered
    customer: np.ndarray  # customer index, -1 = unknown caller
    number_key: np.ndarray  # customer index, or -(call number + 2) for unknown callers
    number_country: np.ndarray
    wait: np.ndarray
    talk: np.ndarray
    hold: np.ndarray
    wrap: np.ndarray
    ticket: np.ndarray  # ticket index, -1 = none


@dataclass
class States:
    agent: np.ndarray  # staff index
    state: np.ndarray  # AGENT_STATES code
    start: np.ndarray
    end: np.ndarray


@dataclass
class Telephony:
    calls: Calls
    states: States


def simulate(world: World, staff: Staff, customers: Customers, hd: Helpdesk, churned: np.ndarray) -> Telephony:
    """The telephony source; ``churned`` = final churn time per customer (-1 = none)."""
    n_days = world.period.days
    weights = [queue_weights(q, world) for q in QUEUES]
    expected_total = [INBOUND_PER_DAY_AT_SCALE_1 * world.scale * n_days * q.share for q in QUEUES]
    expected = [w * (e / w.sum()) if w.sum() > 0 else w for w, e in zip(weights, expected_total, strict=True)]
    plan = make_plan(world, staff, expected)
    roster = build_roster(world, staff, plan)
    blocks = plan_blocks(world, roster)

    linked = _ticket_calls(world, customers, hd)
    parts: list[tuple[CallDraws, np.ndarray, np.ndarray]] = []
    for q, queue in enumerate(QUEUES):
        rng = world.rng(f"telephony.calls.{queue.name}")
        mine = linked[0] == q
        remaining = max(0.0, expected_total[q] - float(mine.sum()))
        sampled = (
            sample_arrivals(rng, world.clock, weights[q], remaining)
            if weights[q].sum() > 0
            else np.zeros(0, dtype=np.int64)
        )
        arrival = np.concatenate([linked[1][mine], sampled])
        ticket = np.concatenate([linked[2][mine], np.full(sampled.size, -1)])
        customer = np.concatenate([linked[3][mine], np.full(sampled.size, -1)])
        parts.append((_draws(rng, q, arrival), ticket, customer))
    draws = CallDraws(**{k: np.concatenate([vars(p[0])[k] for p in parts]) for k in vars(parts[0][0])})
    ticket = np.concatenate([p[1] for p in parts])
    customer = np.concatenate([p[2] for p in parts])
    order = np.lexsort((draws.queue, draws.arrival))
    draws = CallDraws(**{k: v[order] for k, v in vars(draws).items()})
    ticket, customer = ticket[order], customer[order]
    draws.rejected |= ~_covered(roster, draws.arrival)

    pool = np.unique(roster.agent)
    schedules = _schedules(roster, blocks, pool)
    factors = _agent_factors(world, staff)
    res = simulate_calls(draws, schedules, *(f[pool] for f in factors), max_waiting=plan.max_waiting)

    calls = _inbound_calls(draws, ticket, customer, res, pool)
    segments = _flat_segments(pool, schedules)
    busy = _busy_intervals(calls, segments)
    shifts = _shift_spans(segments)
    outbound = _outbound_calls(world, staff, _gaps(shifts, busy))
    calls = _merge(calls, outbound)
    busy = _concat_states(busy, _call_states(outbound))
    states = _concat_states(busy, _gaps(shifts, busy))
    _assign_callers(world, customers, churned, calls)
    return _cut(calls, states, world.period.cutoff_ts)


# -- inputs ------------------------------------------------------------------------------------


def _agent_factors(world: World, staff: Staff) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Talk, hold and wrap-up multipliers per agent (quick agents talk and type faster)."""
    rng = world.rng("telephony.agents")
    n = staff.n
    talk = rng.lognormal(0.0, 0.2, size=n) * staff.speed**0.3
    hold = rng.lognormal(0.0, 0.4, size=n)
    wrap = rng.lognormal(0.0, 0.35, size=n) * staff.speed**0.5
    return talk, hold, wrap


def _draws(rng: np.random.Generator, q: int, arrival: np.ndarray) -> CallDraws:
    n = arrival.size
    talk_median, patience_median = QUEUES[q].talk_median, QUEUES[q].patience_median
    short = rng.random(n) < SHORT_ABANDON_SHARE
    patience = np.where(short, rng.uniform(0.5, 5.0, size=n), patience_median * rng.lognormal(0.0, 0.9, size=n))
    held = rng.random(n) < HOLD_SHARE
    return CallDraws(
        queue=np.full(n, q, dtype=np.int64),
        arrival=arrival,
        patience=patience,
        ring=rng.integers(2, 8, size=n),
        talk=talk_median * rng.lognormal(0.0, TALK_SIGMA, size=n),
        hold=np.where(held, HOLD_MEDIAN * rng.lognormal(0.0, HOLD_SIGMA, size=n), 0.0),
        wrap=WRAP_MEDIAN * rng.lognormal(0.0, WRAP_SIGMA, size=n),
        rejected=rng.random(n) < NETWORK_FAILURE,
    )


def _ticket_calls(world: World, customers: Customers, hd: Helpdesk) -> tuple[np.ndarray, ...]:
    """(queue, arrival, ticket, customer) of the calls behind phone-channel tickets."""
    rng = world.rng("telephony.ticket_calls")
    tk = hd.tickets
    phone = np.flatnonzero(tk.channel == PHONE)
    arrival = tk.created[phone] - rng.integers(120, 720, size=phone.size)
    customer = tk.requester[phone]
    arrival = np.maximum(arrival, customers.created_ts[customer] + 1)
    queue = np.where(
        tk.group[phone] == GROUP_INDEX["g02"],
        QUEUE_NAMES.index("billing"),
        QUEUE_NAMES.index("support"),
    )
    queue[customers.segment[customer] == 3] = QUEUE_NAMES.index("vip")
    start = world.period.start_ts
    hour = (arrival - start) // 3600
    inside = (hour >= 0) & (hour < world.period.days * 24)
    is_open = np.zeros(phone.size, dtype=bool)
    for q, qu in enumerate(QUEUES):
        mask = open_mask(qu, world.clock, world.period.days)
        rows = inside & (queue == q)
        is_open[rows] = mask[hour[rows]]
    keep = np.flatnonzero(is_open)
    return queue[keep], arrival[keep], phone[keep], customer[keep]


def _covered(roster: Roster, t: np.ndarray) -> np.ndarray:
    """Whether any phone agent is rostered at each time."""
    if roster.start.size == 0:
        return np.zeros(t.size, dtype=bool)
    order = np.argsort(roster.start, kind="stable")
    starts = roster.start[order]
    reach = np.maximum.accumulate(roster.end[order])
    idx = np.searchsorted(starts, t, side="right") - 1
    return (idx >= 0) & (reach[np.maximum(idx, 0)] > t)


def _schedules(roster: Roster, blocks: Blocks, pool: np.ndarray) -> list[Schedule]:
    """Working segments between blocks, per agent of ``pool`` (roster rows are agent-sorted)."""
    n_shift = roster.start.size
    shift_ids = np.arange(n_shift)
    seg_start = np.concatenate([roster.start, blocks.start + blocks.length])
    start_shift = np.concatenate([shift_ids, blocks.shift])
    seg_end = np.concatenate([blocks.start, roster.end])
    end_shift = np.concatenate([blocks.shift, shift_ids])
    gap = np.concatenate([blocks.length, np.zeros(n_shift, dtype=np.int64)])
    kind = np.concatenate([blocks.kind, np.full(n_shift, -1, dtype=np.int64)])
    o1 = np.lexsort((seg_start, start_shift))
    o2 = np.lexsort((seg_end, end_shift))
    agent = roster.agent[start_shift[o1]]
    out = []
    for a in pool:
        lo, hi = np.searchsorted(agent, [a, a + 1])
        s, e = o1[lo:hi], o2[lo:hi]
        out.append(Schedule(seg_start[s].tolist(), seg_end[e].tolist(), gap[e].tolist(), kind[e].tolist()))
    return out


# -- results into calls and states -------------------------------------------------------------


def _inbound_calls(
    draws: CallDraws, ticket: np.ndarray, customer: np.ndarray, res: QueueResult, pool: np.ndarray
) -> Calls:
    answered = res.outcome == ANSWERED
    agent = np.where(answered, pool[np.maximum(res.agent, 0)] if pool.size else -1, -1)
    n = draws.arrival.size
    empty = np.full(n, -1, dtype=np.int64)
    return Calls(
        queue=draws.queue,
        direction=np.full(n, INBOUND),
        arrived=draws.arrival,
        answered=res.answered,
        ended=np.where(answered, res.answered + res.talk + res.hold, res.wait_end),
        outcome=res.outcome,
        agent=agent,
        customer=customer.astype(np.int64),
        number_key=empty,
        number_country=empty.copy(),
        wait=np.where(res.outcome == BLOCKED, 0, res.wait_end - draws.arrival),
        talk=res.talk,
        hold=res.hold,
        wrap=res.wrap,
        ticket=np.where(answered, ticket, -1).astype(np.int64),
    )


def _sorted(calls: Calls) -> Calls:
    order = np.lexsort((calls.queue, calls.arrived))
    return Calls(**{k: v[order] for k, v in vars(calls).items()})


def _merge(a: Calls, b: Calls) -> Calls:
    return _sorted(Calls(**{k: np.concatenate([v, getattr(b, k)]) for k, v in vars(a).items()}))


def _call_states(calls: Calls) -> States:
    """on_call from answer to end, then wrap_up, for every answered call."""
    m = calls.outcome == ANSWERED
    agent, answered, ended = calls.agent[m], calls.answered[m], calls.ended[m]
    return States(
        agent=np.concatenate([agent, agent]),
        state=np.concatenate([np.full(agent.size, ON_CALL), np.full(agent.size, WRAP_UP)]),
        start=np.concatenate([answered, ended]),
        end=np.concatenate([ended, ended + calls.wrap[m]]),
    )


def _flat_segments(pool: np.ndarray, schedules: list[Schedule]) -> dict[str, np.ndarray]:
    """The simulated schedules (breaks moved by late calls) as flat arrays."""
    cols: dict[str, list] = {"agent": [], "start": [], "end": [], "gap": [], "kind": []}
    for a, sched in zip(pool, schedules, strict=True):
        cols["agent"].append(np.full(len(sched.start), a, dtype=np.int64))
        cols["start"].append(np.array(sched.start, dtype=np.int64))
        cols["end"].append(np.array(sched.end, dtype=np.int64))
        cols["gap"].append(np.array(sched.gap, dtype=np.int64))
        cols["kind"].append(np.array(sched.kind, dtype=np.int64))
    if not cols["agent"]:
        return {k: np.zeros(0, dtype=np.int64) for k in cols}
    return {k: np.concatenate(v) for k, v in cols.items()}


def _busy_intervals(calls: Calls, seg: dict[str, np.ndarray]) -> States:
    """Blocks (breaks, lunch, training, meetings: where the simulation left them) and calls."""
    b = seg["gap"] > 0
    blocks = States(agent=seg["agent"][b], state=seg["kind"][b], start=seg["end"][b], end=seg["end"][b] + seg["gap"][b])
    return _concat_states(blocks, _call_states(calls))


def _shift_spans(seg: dict[str, np.ndarray]) -> States:
    """Each shift as it was really worked (late calls extend it)."""
    last = seg["gap"] == 0
    first = np.r_[True, last[:-1]] if last.size else last
    return States(agent=seg["agent"][first], state=np.full(int(first.sum()), AVAILABLE),
                  start=seg["start"][first], end=seg["end"][last])  # fmt: skip


def _concat_states(a: States, b: States) -> States:
    return States(**{k: np.concatenate([v, getattr(b, k)]) for k, v in vars(a).items()})


def _gaps(shifts: States, busy: States) -> States:
    """The 'available' intervals: the rest of each shift."""
    if shifts.start.size == 0:
        return States(*(np.zeros(0, dtype=np.int64) for _ in range(4)))
    base = shifts.start.min()
    key_shift = (shifts.agent << 40) + (shifts.start - base)
    order = np.argsort(key_shift, kind="stable")
    key_sorted = key_shift[order]
    shift_of_busy = order[np.searchsorted(key_sorted, (busy.agent << 40) + (busy.start - base), side="right") - 1]
    n = shifts.start.size
    sid = np.concatenate([np.arange(n), shift_of_busy, np.arange(n)])
    start = np.concatenate([shifts.start, busy.start, shifts.end])
    end = np.concatenate([shifts.start, busy.end, shifts.end])
    o = np.lexsort((end, start, sid))
    sid, start, end = sid[o], start[o], end[o]
    gap = (sid[1:] == sid[:-1]) & (start[1:] > end[:-1])
    return States(
        agent=shifts.agent[sid[:-1][gap]],
        state=np.full(int(gap.sum()), AVAILABLE),
        start=end[:-1][gap],
        end=start[1:][gap],
    )


def _outbound_calls(world: World, staff: Staff, available: States) -> Calls:
    """Idle agents call customers back (support, billing, vip) or sell (sales).

    A blended dialer: inbound calls come first (the queue simulation already placed them), and in
    an idle stretch of at least ``OUTBOUND_MIN_GAP`` the agent is given outbound work - call after
    call, each after a short idle pause (the reserve kept for inbound), until the stretch is nearly
    used up. So logged-in agents stay busy about as much as in a real blended centre, whatever the
    inbound volume, while the quiet evening and weekend hours still show some idle time.
    """
    rng = world.rng("telephony.outbound")
    queue_of_agent = home_queue(world, staff)
    rate = np.array([q.outbound for q in QUEUES])
    median_of_queue = np.array([q.talk_median for q in QUEUES]) * 1.1
    q_all = queue_of_agent[available.agent]
    length = available.end - available.start
    # Whether the stretch gets outbound work at all (per queue), then call after call.
    active = np.flatnonzero((length >= OUTBOUND_MIN_GAP) & (rng.random(q_all.size) < rate[q_all]))
    cur = available.start.copy()
    parts: list[tuple[np.ndarray, ...]] = []
    for _ in range(OUTBOUND_MAX_PER_STRETCH):
        if active.size == 0:
            break
        g1 = available.end[active]
        pause = (rng.exponential(OUTBOUND_PAUSE_MEAN, size=active.size)).astype(np.int64) + 10
        dial = cur[active] + pause
        room = g1 - dial
        fits = room >= OUTBOUND_MIN_GAP - 10
        active, dial, g1, room = active[fits], dial[fits], g1[fits], room[fits]
        if active.size == 0:
            break
        n = active.size
        q = q_all[active]
        picked = rng.random(n) < OUTBOUND_PICKUP
        ring = np.where(picked, rng.integers(6, 25, size=n), rng.integers(20, 40, size=n))
        answered = dial + ring
        wrap = np.minimum((40 * rng.lognormal(0.0, 0.4, size=n)).astype(np.int64) + 1, room // 5)
        talk = (median_of_queue[q] * rng.lognormal(0.0, 0.6, size=n)).astype(np.int64)
        talk = np.clip(talk, 5, g1 - 10 - wrap - answered)  # the call fits the idle stretch
        ended = np.where(picked, answered + talk, answered)
        wrap = np.where(picked, wrap, 0)
        parts.append((available.agent[active], q, dial, answered, ended, picked, ring, talk, wrap))
        cur[active] = ended + wrap
        active = active[rng.random(n) < OUTBOUND_CONTINUE]
    if parts:
        cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
        agent, q, dial, answered, ended, picked, ring, talk, wrap = cols
    else:
        agent, q, dial, answered, ended, ring, talk, wrap = (np.zeros(0, dtype=np.int64) for _ in range(8))
        picked = np.zeros(0, dtype=bool)
    n = agent.size
    zero = np.zeros(n, dtype=np.int64)
    return Calls(
        queue=q,
        direction=np.full(n, OUTBOUND),
        arrived=dial,
        answered=np.where(picked, answered, -1),
        ended=ended,
        outcome=np.where(picked, ANSWERED, ABANDONED),
        agent=np.where(picked, agent, -1),
        customer=np.full(n, -1),
        number_key=np.full(n, -1),
        number_country=np.full(n, -1),
        wait=ring,
        talk=np.where(picked, talk, 0),
        hold=zero,
        wrap=wrap,
        ticket=np.full(n, -1),
    )


def _assign_callers(world: World, customers: Customers, churned: np.ndarray, calls: Calls) -> None:
    """Customers for calls without one (ticket calls already have theirs), repeat callers,
    unknown callers and a phone number per caller."""
    rng = world.rng("telephony.callers")
    todo = np.flatnonzero(calls.customer < 0)
    t = calls.arrived[todo]
    picked = customers.pick_requesters(rng, t)
    vip = calls.queue[todo] == QUEUE_NAMES.index("vip")
    for _ in range(30):  # the vip line is for key accounts
        redo = np.flatnonzero(vip & (customers.segment[picked] < 2))
        if redo.size == 0:
            break
        picked[redo] = customers.pick_requesters(rng, t[redo])
    calls.customer[todo] = picked

    # Repeat callers: the customer of an earlier inbound call to the same queue within 7 days.
    inbound = np.flatnonzero((calls.direction == INBOUND) & (calls.ticket < 0))
    for q in range(len(QUEUES)):
        rows = inbound[calls.queue[inbound] == q]
        if rows.size < 2:
            continue
        ts = calls.arrived[rows]
        lo = np.searchsorted(ts, ts - 7 * DAY, side="left")
        pos = np.arange(rows.size)
        again = np.flatnonzero((rng.random(rows.size) < REPEAT_CALL_SHARE) & (pos > lo))
        source = lo[again] + (rng.random(again.size) * (again - lo[again])).astype(np.int64)
        calls.customer[rows[again]] = calls.customer[rows[source]]

    unknown = rng.random(calls.customer.size) < UNKNOWN_CALLER_SHARE
    unknown &= (calls.direction == INBOUND) & (calls.ticket < 0)
    c = np.maximum(calls.customer, 0)
    gone = (churned[c] >= 0) & (calls.arrived >= churned[c])
    unborn = customers.created_ts[c] > calls.arrived
    calls.customer[unknown | ((gone | unborn) & (calls.ticket < 0))] = -1
    known = calls.customer >= 0
    calls.number_key[:] = np.where(known, calls.customer, -(np.arange(calls.customer.size) + 2))
    random_country = rng.choice(len(COUNTRIES), size=calls.customer.size, p=COUNTRY_WEIGHTS)
    calls.number_country[:] = np.where(known, customers.country[c], random_country)


def _cut(calls: Calls, states: States, cutoff: int) -> Telephony:
    """Only calls finished (wrap-up included) by the cut-off; states clipped at it."""
    keep = calls.ended + calls.wrap <= cutoff
    calls = Calls(**{k: v[keep] for k, v in vars(calls).items()})
    s = states.start < cutoff
    states = States(states.agent[s], states.state[s], states.start[s], np.minimum(states.end[s], cutoff))
    order = np.lexsort((states.start, states.agent))
    return Telephony(calls, States(**{k: v[order] for k, v in vars(states).items()}))


# -- landing tables ----------------------------------------------------------------------------


def phone_numbers(key: np.ndarray, country: np.ndarray) -> pa.Array:
    """A stable fake E.164 number per caller key (a customer keeps their number)."""
    subscriber = (key.astype(np.uint64) * np.uint64(2_654_435_761) + np.uint64(1_234_567)) % np.uint64(10_000_000)
    digits = pc.utf8_lpad(pc.cast(pa.array(subscriber.astype(np.int64)), pa.string()), 7, "0")
    return pc.binary_join_element_wise(codes_to_strings(country, PHONE_PREFIXES), digits, "")


def call_ids(n: int) -> pa.Array:
    return prefixed_ids("call", np.arange(1, n + 1), 8)


def calls_table(
    calls: Calls,
    rows: np.ndarray,
    *,
    call_id: pa.Array,
    agent_id: list[str],
    customer_id: pa.Array,
    ticket_id: pa.Array,
) -> pa.Table:
    """The ``telephony/calls`` rows for the given call rows."""
    answered = calls.answered[rows]
    customer = calls.customer[rows]
    ticket = calls.ticket[rows]
    return pa.table(
        {
            "call_id": call_id.take(pa.array(rows)),
            "queue_name": codes_to_strings(calls.queue[rows], QUEUE_NAMES),
            "direction": codes_to_strings(calls.direction[rows], DIRECTIONS),
            "arrived_at": timestamps(calls.arrived[rows]),
            "answered_at": timestamps(answered, null_below=0),
            "ended_at": timestamps(calls.ended[rows]),
            "outcome": codes_to_strings(calls.outcome[rows], ("answered", "abandoned", "blocked")),
            "agent_id": codes_to_strings(calls.agent[rows], agent_id),
            "customer_id": customer_id.take(pa.array(np.maximum(customer, 0), mask=customer < 0)),
            "caller_number": phone_numbers(calls.number_key[rows], calls.number_country[rows]),
            "wait_seconds": pa.array(calls.wait[rows].astype(np.float64)),
            "talk_seconds": pa.array(calls.talk[rows].astype(np.float64)),
            "hold_seconds": pa.array(calls.hold[rows].astype(np.float64)),
            "wrap_up_seconds": pa.array(calls.wrap[rows].astype(np.float64)),
            "ticket_id": ticket_id.take(pa.array(np.maximum(ticket, 0), mask=ticket < 0)),
        }
    )


def states_table(states: States, rows: np.ndarray, agent_id: list[str]) -> pa.Table:
    return pa.table(
        {
            "agent_id": codes_to_strings(states.agent[rows], agent_id),
            "state": codes_to_strings(states.state[rows], AGENT_STATES),
            "started_at": timestamps(states.start[rows]),
            "ended_at": timestamps(states.end[rows]),
        }
    )
