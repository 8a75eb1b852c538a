"""Helpdesk tickets and their event histories, simulated phase by phase for all tickets at once.

Each phase (bot dialogue, triage, assignment, conversation rounds, reopen, close, escalation)
is a numpy operation over the tickets it concerns; Python loops only run over rounds (≤ 8)
and teams (6), never over tickets. Histories are then cut at the period end, which leaves the
recent tickets new, open or pending.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from demo_generator import events as ev
from demo_generator.crm import COUNTRIES, Customers
from demo_generator.events import EventLog, Events, Vocabulary
from demo_generator.staff import GROUP_INDEX, GROUPS, Staff
from demo_generator.world import (
    DAY,
    HOUR,
    Shift,
    WorkCalendar,
    World,
    arrival_weights,
    sample_arrivals,
)
from demo_generator.writer import codes_to_strings, month_keys, prefixed_ids, timestamps

TICKETS_PER_DAY_AT_SCALE_1 = 274

CHANNELS = ("email", "web_form", "chat", "phone", "social", "bot", "api", "forum", "other")
EMAIL, WEB_FORM, CHAT, PHONE, SOCIAL, BOT, API, FORUM, OTHER = range(len(CHANNELS))
# Chat and phone are staffed in the daytime; outside it customers write instead.
CHANNEL_WEIGHTS_STAFFED = np.array([0.30, 0.17, 0.18, 0.15, 0.06, 0.07, 0.02, 0.02, 0.03])
CHANNEL_WEIGHTS_UNSTAFFED = np.array([0.42, 0.24, 0.04, 0.01, 0.09, 0.13, 0.03, 0.02, 0.02])
SOCIAL_NETWORKS = ("twitter", "facebook", "instagram", "linkedin", "other")
SOCIAL_NETWORK_WEIGHTS = np.array([0.30, 0.30, 0.22, 0.10, 0.08])
TICKET_TYPES = (
    "question", "incident", "problem", "bug_report",
    "feature_request", "refund", "complaint", "other",
)  # fmt: skip
PRIORITY_BY_TYPE = np.array(
    [
        [0.30, 0.60, 0.09, 0.01],  # question
        [0.05, 0.45, 0.35, 0.15],  # incident
        [0.08, 0.52, 0.30, 0.10],  # problem
        [0.15, 0.55, 0.25, 0.05],  # bug_report
        [0.60, 0.38, 0.02, 0.00],  # feature_request
        [0.10, 0.65, 0.22, 0.03],  # refund
        [0.05, 0.50, 0.35, 0.10],  # complaint
        [0.35, 0.58, 0.06, 0.01],  # other
    ]
)
# Fallback types when a ticket's type differs from its category's usual one.
FALLBACK_TYPE_WEIGHTS = np.array([0.50, 0.12, 0.03, 0.03, 0.02, 0.02, 0.13, 0.15])
FIRST_RESPONSE_TARGET_MINUTES = np.array([1440, 480, 240, 60])  # low .. urgent (sla_policies)


@dataclass(frozen=True)
class Category:
    name: str
    weight: float
    ticket_type: str
    group_id: str
    one_reply: float  # chance the first reply solves it (before agent skill)
    subjects: tuple[str, str]


CATEGORIES: tuple[Category, ...] = (
    Category("password_reset", 9, "question", "g01", 0.75,
             ("Password reset link not arriving", "Forgot my password")),
    Category("login_failure", 8, "incident", "g03", 0.45,
             ("Cannot log in to my account", "Login fails with an error")),
    Category("account_update", 6, "question", "g01", 0.70,
             ("Please update my account details", "Change of address")),
    Category("billing_question", 9, "question", "g02", 0.55,
             ("Question about my invoice", "Why was I charged twice?")),
    Category("invoice_request", 4, "question", "g02", 0.80,
             ("Copy of invoice needed", "Invoice for last month")),
    Category("payment_failed", 5, "incident", "g02", 0.40,
             ("Card payment failed", "Payment declined at checkout")),
    Category("refund_request", 5, "refund", "g02", 0.35,
             ("Requesting a refund", "Money back for cancelled order")),
    Category("subscription_cancel", 4, "question", "g02", 0.50,
             ("How do I cancel my subscription?", "Please end my contract")),
    Category("order_status", 8, "question", "g01", 0.70,
             ("Where is my order?", "Order status?")),
    Category("delivery_delay", 5, "complaint", "g01", 0.35,
             ("My delivery is late", "Still waiting for the parcel")),
    Category("product_defect", 4, "problem", "g03", 0.25,
             ("Product stopped working", "Device is broken")),
    Category("app_crash", 4, "bug_report", "g03", 0.30,
             ("App crashes on start", "Mobile app closes itself")),
    Category("performance_issue", 3, "incident", "g03", 0.25,
             ("Everything is very slow", "Pages take ages to load")),
    Category("integration_error", 3, "problem", "g03", 0.20,
             ("API integration returns errors", "Webhook not delivered")),
    Category("data_export", 2, "question", "g03", 0.55,
             ("How to export my data", "CSV export is empty")),
    Category("service_outage", 2, "incident", "g03", 0.45,
             ("Service is down", "Nothing works right now")),
    Category("how_to", 7, "question", "g01", 0.70,
             ("How do I set this up?", "Where do I find the settings?")),
    Category("feature_request", 3, "feature_request", "g01", 0.70,
             ("Feature suggestion", "Please add dark mode")),
    Category("complaint_service", 3, "complaint", "g06", 0.30,
             ("Unhappy with the service", "Nobody answers me")),
    Category("privacy_request", 2, "other", "g01", 0.50,
             ("Delete my personal data", "GDPR data request")),
    Category("other", 4, "other", "g01", 0.60,
             ("General enquiry", "Question")),
)  # fmt: skip
CATEGORY_NAMES = tuple(c.name for c in CATEGORIES)
CATEGORY_WEIGHTS = np.array([c.weight for c in CATEGORIES]) / sum(c.weight for c in CATEGORIES)
CATEGORY_TYPE = np.array([TICKET_TYPES.index(c.ticket_type) for c in CATEGORIES])
CATEGORY_GROUP = np.array([GROUP_INDEX[c.group_id] for c in CATEGORIES])
CATEGORY_ONE_REPLY = np.array([c.one_reply for c in CATEGORIES])
API_CATEGORIES = np.array([CATEGORY_NAMES.index(c) for c in ("integration_error", "data_export")])
FORUM_CATEGORIES = np.array([CATEGORY_NAMES.index(c) for c in ("how_to", "feature_request")])

# Median agent work (seconds of working time) before a reply, by channel; scaled by priority,
# the agent's speed factor and lognormal noise.
REPLY_WORK_MEDIAN = np.array(
    [45 * 60, 45 * 60, 180, 120, 1500, 600, 1.5 * HOUR, 2 * HOUR, 1.5 * HOUR]
)  # email, web_form, chat, phone, social, bot, api, forum, other
PRIORITY_SPEED = np.array([1.6, 1.0, 0.5, 0.25])
# Median customer time (awake seconds) before they answer, by channel.
CUSTOMER_REPLY_MEDIAN = np.array([5 * HOUR, 6 * HOUR, 90, 3 * HOUR, 40 * 60, 120, 8 * HOUR,
                                  10 * HOUR, 6 * HOUR])  # fmt: skip
CHANNEL_ONE_REPLY = np.array([1.0, 1.0, 1.15, 1.3, 1.0, 1.1, 0.8, 1.0, 1.0])
CUSTOMER_AWAKE = Shift(weekday_hours=(7, 23), weekend_hours=(9, 23), weekend_capacity=1.0,
                       holiday_capacity=1.0)  # fmt: skip
MAX_ROUNDS = 8
AUTO_CLOSE_AFTER = 4 * DAY  # solved -> closed
PENDING_AUTO_SOLVE = 5 * DAY  # pending without an answer -> solved
STALE_HOLD_SHARE = 0.4  # on-hold waits that last many months instead of hours
STALE_HOLD_MEDIAN = 4000 * HOUR  # working time: about two years of office days (beyond any demo period)
REPEAT_CONTACT_SHARE = 0.12  # tickets that follow up a ticket of the same requester and category


@dataclass
class Tickets:
    """Per-ticket attributes fixed at creation (index = ticket number - 1)."""

    created: np.ndarray
    channel: np.ndarray
    social_network: np.ndarray
    ticket_type: np.ndarray
    priority: np.ndarray
    category: np.ndarray
    requester: np.ndarray
    group: np.ndarray
    subject: np.ndarray

    @property
    def n(self) -> int:
        return self.created.size


@dataclass
class Helpdesk:
    tickets: Tickets
    events: Events
    vocabulary: Vocabulary


def simulate(world: World, staff: Staff, customers: Customers) -> Helpdesk:
    rng = world.rng("helpdesk.tickets")
    expected = TICKETS_PER_DAY_AT_SCALE_1 * world.scale * world.period.days
    created = sample_arrivals(rng, world.clock, arrival_weights(world.clock, world.period), expected)
    tickets = _ticket_attributes(rng, world, staff, customers, created)
    vocab = Vocabulary(staff.agent_id, customers.ids())
    flow = _Flow(world.rng("helpdesk.events"), world, staff, customers, tickets, vocab)
    events = flow.run().finish(world.period.start_ts, world.period.cutoff_ts)
    return Helpdesk(tickets=tickets, events=events, vocabulary=vocab)


def _sample_rows(rng: np.random.Generator, cum_probs: np.ndarray) -> np.ndarray:
    """One draw per row of a matrix of cumulative probabilities."""
    return (rng.random(cum_probs.shape[0])[:, None] > cum_probs[:, :-1]).sum(axis=1)


def _ticket_attributes(
    rng: np.random.Generator, world: World, staff: Staff, customers: Customers, t: np.ndarray
) -> Tickets:
    n = t.size
    staffed = staff.calendars[GROUP_INDEX["g04"]].is_open(t)
    channel = np.where(
        staffed,
        rng.choice(len(CHANNELS), size=n, p=CHANNEL_WEIGHTS_STAFFED),
        rng.choice(len(CHANNELS), size=n, p=CHANNEL_WEIGHTS_UNSTAFFED),
    )
    social_network = np.where(channel == SOCIAL, rng.choice(len(SOCIAL_NETWORKS), size=n, p=SOCIAL_NETWORK_WEIGHTS), -1)
    category = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_WEIGHTS)
    api = np.flatnonzero((channel == API) & (rng.random(n) < 0.7))
    category[api] = API_CATEGORIES[rng.integers(0, API_CATEGORIES.size, size=api.size)]
    forum = np.flatnonzero((channel == FORUM) & (rng.random(n) < 0.6))
    category[forum] = FORUM_CATEGORIES[rng.integers(0, FORUM_CATEGORIES.size, size=forum.size)]
    requester = customers.pick_requesters(rng, t)

    # Follow-ups: the same requester about the same thing within 30 days.
    follow = rng.random(n) < REPEAT_CONTACT_SHARE
    lo = np.searchsorted(t, t - 30 * DAY, side="left")
    rows = np.flatnonzero(follow & (np.arange(n) > lo))
    source = lo[rows] + (rng.random(rows.size) * (rows - lo[rows])).astype(np.int64)
    for _ in range(64):  # resolve chains of follow-ups (each source precedes its row)
        before = (requester[rows], category[rows])
        requester[rows] = requester[source]
        category[rows] = category[source]
        if np.array_equal(before[0], requester[rows]) and np.array_equal(before[1], category[rows]):
            break

    ticket_type = np.where(
        rng.random(n) < 0.8,
        CATEGORY_TYPE[category],
        rng.choice(len(TICKET_TYPES), size=n, p=FALLBACK_TYPE_WEIGHTS),
    )
    priority = _sample_rows(rng, np.cumsum(PRIORITY_BY_TYPE, axis=1)[ticket_type])
    enterprise = customers.segment[requester] == 3
    bump = enterprise & (rng.random(n) < 0.3)
    priority = np.where(bump, np.minimum(priority + 1, 3), priority)

    group = CATEGORY_GROUP[category].copy()
    group[np.isin(channel, (CHAT, PHONE, BOT))] = GROUP_INDEX["g04"]
    group[channel == SOCIAL] = GROUP_INDEX["g05"]
    key_account = enterprise & ~np.isin(channel, (CHAT, PHONE, BOT, SOCIAL))
    group[key_account & (rng.random(n) < 0.6)] = GROUP_INDEX["g06"]
    subject = category * 2 + rng.integers(0, 2, size=n)
    return Tickets(
        created=t,
        channel=channel,
        social_network=social_network,
        ticket_type=ticket_type,
        priority=priority,
        category=category,
        requester=requester,
        group=group,
        subject=subject,
    )


class _Flow:
    """The event simulation. State arrays are indexed by ticket; phases act on index subsets."""

    def __init__(
        self,
        rng: np.random.Generator,
        world: World,
        staff: Staff,
        customers: Customers,
        tickets: Tickets,
        vocab: Vocabulary,
    ) -> None:
        self.rng, self.staff, self.tk, self.vocab = rng, staff, tickets, vocab
        self.customer_calendar = WorkCalendar(world.clock, CUSTOMER_AWAKE)
        self.log = EventLog()
        n = tickets.n
        self.priority = tickets.priority.copy()
        self.status = np.full(n, ev.NEW, dtype=np.int64)
        self.agent = np.full(n, -1, dtype=np.int64)
        self.first_reply = np.full(n, -1, dtype=np.int64)
        self.first_solved = np.full(n, -1, dtype=np.int64)
        self.last_solved = np.full(n, -1, dtype=np.int64)

    # -- helpers ---------------------------------------------------------------------------
    def lognormal(self, median: float | np.ndarray, sigma: float, size: int) -> np.ndarray:
        return median * self.rng.lognormal(0.0, sigma, size=size)

    def work_until(self, group: np.ndarray, t: np.ndarray, work: np.ndarray) -> np.ndarray:
        """When a team member starting at ``t`` has done ``work`` seconds (team's hours)."""
        out = np.empty_like(t)
        for g in range(len(GROUPS)):
            m = group == g
            if m.any():
                out[m] = self.staff.calendars[g].add(t[m], work[m])
        return out

    def customer_until(self, idx: np.ndarray, t: np.ndarray, first: bool = True) -> np.ndarray:
        median = CUSTOMER_REPLY_MEDIAN[self.tk.channel[idx]] * (1.0 if first else 0.1)
        awake = np.maximum(30.0, self.lognormal(median, 1.1, idx.size))
        return np.maximum(self.customer_calendar.add(t, awake), t + 30)

    def reply_work(self, idx: np.ndarray, agent: np.ndarray, first: bool) -> np.ndarray:
        median = (
            REPLY_WORK_MEDIAN[self.tk.channel[idx]]
            * PRIORITY_SPEED[self.priority[idx]]
            * self.staff.speed[agent]
            * (1.0 if first else 0.7)
        )
        return np.maximum(30.0, self.lognormal(median, 0.9, idx.size))

    def requester(self, idx: np.ndarray) -> np.ndarray:
        return self.vocab.customer(self.tk.requester[idx])

    def set_status(self, idx: np.ndarray, t: np.ndarray, new: int, actor_type: int, actor: np.ndarray | int) -> None:
        v = self.vocab
        self.log.add(idx, t, ev.STATUS_CHANGED, actor_type, actor,
                     v.status(self.status[idx]), v.status(new))  # fmt: skip
        self.status[idx] = new

    def reply(self, idx: np.ndarray, t: np.ndarray, agent: np.ndarray) -> None:
        self.log.add(idx, t, ev.AGENT_REPLY, ev.AGENT, self.vocab.agent(agent), public=1)

    def customer_reply(self, idx: np.ndarray, t: np.ndarray) -> None:
        self.log.add(idx, t, ev.CUSTOMER_REPLY, ev.CUSTOMER, self.requester(idx), public=1)

    def solve(self, idx: np.ndarray, t: np.ndarray, actor_type: int, actor: np.ndarray | int) -> None:
        self.set_status(idx, t, ev.SOLVED, actor_type, actor)
        self.first_solved[idx] = np.where(self.first_solved[idx] < 0, t, self.first_solved[idx])
        self.last_solved[idx] = t

    # -- phases ----------------------------------------------------------------------------
    def run(self) -> EventLog:
        tk, rng = self.tk, self.rng
        everyone = np.arange(tk.n)
        self.log.add(everyone, tk.created, ev.CREATED, ev.CUSTOMER, self.requester(everyone))
        bots = np.flatnonzero(tk.channel == BOT)
        handed_off, handoff_t = self.bot_dialogue(bots)
        humans = np.flatnonzero(tk.channel != BOT)
        junk = humans[rng.random(humans.size) < 0.03]
        self.close_unanswered(junk)
        people = np.setdiff1d(humans, junk)
        ready = np.concatenate([tk.created[people], handoff_t])
        people = np.concatenate([people, handed_off])
        order = np.argsort(people, kind="stable")
        people, ready = people[order], ready[order]
        assigned_at = self.assign(people, ready)
        self.conversation(people, ready, assigned_at)
        self.reopen_and_close(np.flatnonzero(self.first_solved >= 0))
        self.escalate(people)
        return self.log

    def bot_dialogue(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bot answers at once; it solves ~55%, loses ~10%, hands the rest to a human."""
        rng = self.rng
        t_bot = self.tk.created[idx] + rng.integers(3, 25, size=idx.size)
        self.log.add(idx, t_bot, ev.AGENT_REPLY, ev.BOT, public=1)
        u = rng.random(idx.size)
        solved, lost = u < 0.55, (u >= 0.55) & (u < 0.65)

        s, t_s = idx[solved], t_bot[solved]
        more = rng.random(s.size) < 0.4
        t_c = t_s[more] + 5 + self.lognormal(40.0, 0.6, int(more.sum())).astype(np.int64)
        self.customer_reply(s[more], t_c)
        t_s[more] = t_c + rng.integers(2, 15, size=t_c.size)
        self.log.add(s[more], t_s[more], ev.AGENT_REPLY, ev.BOT, public=1)
        self.solve(s, t_s + rng.integers(30, 300, size=s.size), ev.BOT, ev.NULL)

        self.set_status(idx[lost], t_bot[lost] + DAY, ev.CLOSED, ev.SYSTEM, ev.NULL)

        h = idx[~solved & ~lost]
        t_h = t_bot[~solved & ~lost] + rng.integers(20, 120, size=h.size)
        self.customer_reply(h, t_h)  # "talk to a human"
        return h, t_h

    def close_unanswered(self, idx: np.ndarray) -> None:
        """Spam and duplicates: closed by an agent without a reply."""
        tk = self.tk
        agent = self.staff.pick(self.rng, tk.group[idx], tk.created[idx])
        work = self.lognormal(1800.0, 1.0, idx.size)
        t = self.work_until(tk.group[idx], tk.created[idx], work)
        self.set_status(idx, t, ev.CLOSED, ev.AGENT, self.vocab.agent(agent))

    def assign(self, idx: np.ndarray, ready: np.ndarray) -> np.ndarray:
        """Routing rules assign most tickets within minutes of working time; triage the rest."""
        rng, tk, v = self.rng, self.tk, self.vocab
        agent = self.staff.pick(rng, tk.group[idx], ready)
        auto = rng.random(idx.size) < 0.75
        work = np.where(auto, self.lognormal(90.0, 0.8, idx.size), self.lognormal(1500.0, 1.0, idx.size))
        t = np.maximum(self.work_until(tk.group[idx], ready, work), ready + 1)
        actor_type = np.where(auto, ev.SYSTEM, ev.AGENT)
        self.log.add(idx, t, ev.ASSIGNED, actor_type, np.where(auto, ev.NULL, v.agent(agent)),
                     ev.NULL, v.agent(agent))  # fmt: skip
        self.agent[idx] = agent

        # Triage corrects some priorities right after assignment (mostly upwards).
        tri = rng.random(idx.size) < 0.05
        ti, old = idx[tri], self.priority[idx[tri]]
        new = np.clip(old + np.where(rng.random(ti.size) < 0.7, 1, -1), 0, 3)
        changed = new != old
        ti, old, new = ti[changed], old[changed], new[changed]
        t_tri = t[tri][changed] + rng.integers(20, 300, size=ti.size)
        self.log.add(ti, t_tri, ev.PRIORITY_CHANGED, ev.AGENT, v.agent(self.agent[ti]),
                     v.priority(old), v.priority(new))  # fmt: skip
        self.priority[ti] = new
        return t

    def conversation(self, idx: np.ndarray, ready: np.ndarray, assigned_at: np.ndarray) -> None:
        """Rounds of agent reply -> (pending) -> customer reply, until the ticket is solved."""
        rng, tk, staff, v = self.rng, self.tk, self.staff, self.vocab
        n = tk.n
        p_one = CATEGORY_ONE_REPLY[tk.category[idx]] * CHANNEL_ONE_REPLY[tk.channel[idx]]
        p_one = np.clip(p_one * staff.fcr[self.agent[idx]], 0.05, 0.92)
        rounds = np.where(rng.random(idx.size) < p_one, 1, 1 + rng.geometric(0.42, size=idx.size))
        rounds_left = np.zeros(n, dtype=np.int64)
        rounds_left[idx] = np.minimum(rounds, MAX_ROUNDS)
        reassign_round = np.full(n, -1, dtype=np.int64)
        re = rng.random(idx.size) < 0.09
        reassign_round[idx[re]] = (rng.random(int(re.sum())) * rounds[re]).astype(np.int64)
        waiting_since = np.zeros(n, dtype=np.int64)  # earliest unanswered customer message
        last_customer = np.zeros(n, dtype=np.int64)  # the agent replies after this
        waiting_since[idx] = ready
        last_customer[idx] = np.maximum(ready, assigned_at)

        for k in range(MAX_ROUNDS):
            a = np.flatnonzero(rounds_left > 0)
            if a.size == 0:
                break
            agent = self.agent[a]
            start = last_customer[a]
            t_rep = self.work_until(staff.group[agent], start, self.reply_work(a, agent, k == 0))
            t_rep = np.maximum(t_rep, start + 30)
            prev = start.copy()

            m = reassign_round[a] == k
            if m.any():
                ra = a[m]
                t_ra = start[m] + (t_rep[m] - start[m]) // 3 + 1
                new_agent = staff.pick_other(rng, agent[m], t_ra)
                by_agent = rng.random(ra.size) < 0.6
                self.log.add(ra, t_ra, ev.ASSIGNED, np.where(by_agent, ev.AGENT, ev.SYSTEM),
                             np.where(by_agent, v.agent(agent[m]), ev.NULL),
                             v.agent(agent[m]), v.agent(new_agent))  # fmt: skip
                self.agent[ra] = new_agent
                agent[m] = new_agent
                work = self.reply_work(ra, new_agent, k == 0)
                t_rep[m] = np.maximum(self.work_until(staff.group[new_agent], t_ra, work), t_ra + 30)
                prev[m] = t_ra

            note = rng.random(a.size) < 0.12
            t_note = prev[note] + (t_rep[note] - prev[note]) * 3 // 4
            self.log.add(a[note], t_note, ev.INTERNAL_NOTE, ev.AGENT, v.agent(agent[note]),
                         public=0)  # fmt: skip

            fresh = self.status[a] == ev.NEW
            self.set_status(a[fresh], t_rep[fresh], ev.OPEN, ev.AGENT, v.agent(agent[fresh]))
            self.reply(a, t_rep + 1, agent)
            if k == 0:
                self.first_reply[a] = t_rep + 1
            rounds_left[a] -= 1

            last = rounds_left[a] == 0
            self.solve(a[last], t_rep[last] + 2, ev.AGENT, v.agent(agent[last]))
            self._await_customer(a[~last], t_rep[~last] + 2, agent[~last], rounds_left,
                                 waiting_since, last_customer)  # fmt: skip

    def _await_customer(
        self,
        c: np.ndarray,
        t: np.ndarray,
        agent: np.ndarray,
        rounds_left: np.ndarray,
        waiting_since: np.ndarray,
        last_customer: np.ndarray,
    ) -> None:
        """After a non-final reply: maybe a follow-up reply, then pending/open/on-hold."""
        rng, staff, v = self.rng, self.staff, self.vocab
        group = staff.group[agent]
        follow = rng.random(c.size) < 0.08  # two agent replies in a row
        t_fu = self.work_until(group[follow], t[follow], self.lognormal(1200.0, 0.7, int(follow.sum())))
        t[follow] = np.maximum(t_fu, t[follow] + 30)
        self.reply(c[follow], t[follow], agent[follow])

        u = rng.random(c.size)
        pending, hold = u < 0.72, u >= 0.93
        self.set_status(c[pending], t[pending] + 1, ev.PENDING, ev.AGENT, v.agent(agent[pending]))
        ghost = pending & (rng.random(c.size) < 0.07)  # the customer never answers
        self.solve(c[ghost], t[ghost] + PENDING_AUTO_SOLVE, ev.SYSTEM, ev.NULL)
        rounds_left[c[ghost]] = 0

        self.set_status(c[hold], t[hold] + 1, ev.ON_HOLD, ev.AGENT, v.agent(agent[hold]))
        work = self.lognormal(4.0 * HOUR, 0.7, int(hold.sum()))
        # Some wait for a roadmap item or a supplier for many months: a stale part of the backlog
        # (so fewer tickets get resolved than are created, as in a real helpdesk).
        stale = rng.random(work.size) < STALE_HOLD_SHARE
        work[stale] = self.lognormal(STALE_HOLD_MEDIAN, 0.4, int(stale.sum()))
        t_back = np.maximum(self.work_until(group[hold], t[hold] + 1, work), t[hold] + 60)
        self.set_status(c[hold], t_back, ev.OPEN, ev.AGENT, v.agent(agent[hold]))
        last_customer[c[hold]] = t_back  # the next reply follows the third party's answer
        waiting_since[c[hold]] = t_back

        answers = ~ghost & ~hold
        ca = c[answers]
        t_c = self.customer_until(ca, t[answers] + 2)
        self.customer_reply(ca, t_c)
        was_pending = self.status[ca] == ev.PENDING
        self.set_status(ca[was_pending], t_c[was_pending] + 1, ev.OPEN, ev.SYSTEM, ev.NULL)
        waiting_since[ca] = t_c
        twice = rng.random(ca.size) < 0.12  # two customer messages in a row
        t_c2 = self.customer_until(ca[twice], t_c[twice] + 2, first=False)
        self.customer_reply(ca[twice], t_c2)
        t_c[twice] = t_c2
        last_customer[ca] = t_c

    def reopen_and_close(self, solved: np.ndarray) -> None:
        """Some customers answer a solved ticket (reopen); every solved ticket closes later."""
        rng, staff, v = self.rng, self.staff, self.vocab
        r = solved[(rng.random(solved.size) < 0.07) & (self.agent[solved] >= 0)]
        t_s = self.last_solved[r]
        t_c = np.minimum(self.customer_until(r, t_s + 1), t_s + 80 * HOUR)
        self.customer_reply(r, t_c)
        self.set_status(r, t_c + 1, ev.OPEN, ev.CUSTOMER, self.requester(r))
        agent = self.agent[r]
        t_rep = self.work_until(staff.group[agent], t_c + 1, self.reply_work(r, agent, False))
        t_rep = np.maximum(t_rep, t_c + 30)
        self.reply(r, t_rep, agent)
        self.solve(r, t_rep + 1, ev.AGENT, v.agent(agent))
        closing = solved[self.status[solved] == ev.SOLVED]
        self.set_status(closing, self.last_solved[closing] + AUTO_CLOSE_AFTER, ev.CLOSED,
                        ev.SYSTEM, ev.NULL)  # fmt: skip

    def escalate(self, idx: np.ndarray) -> None:
        """Some SLA breaches escalate automatically; agents escalate a few tickets by hand."""
        rng, tk, v = self.rng, self.tk, self.vocab
        target = FIRST_RESPONSE_TARGET_MINUTES[self.priority[idx]] * 60
        due = tk.created[idx] + target
        late = (self.first_reply[idx] > due) & (rng.random(idx.size) < 0.2)
        t_late = due[late] + rng.integers(0, 120, size=int(late.sum()))
        self.log.add(idx[late], t_late, ev.ESCALATED, ev.SYSTEM, ev.NULL, ev.NULL,
                     v.reason(ev.SLA_BREACH))  # fmt: skip

        complaint = tk.ticket_type[idx] == TICKET_TYPES.index("complaint")
        p = 0.025 + 0.15 * complaint + 0.05 * (self.priority[idx] == 3)
        m = (rng.random(idx.size) < p) & (self.first_solved[idx] > self.first_reply[idx])
        m &= self.first_reply[idx] > 0
        e = idx[m]
        span = self.first_solved[e] - self.first_reply[e]
        t_e = self.first_reply[e] + (span * rng.uniform(0.1, 0.9, size=e.size)).astype(np.int64)
        agent = v.agent(self.agent[e])
        self.log.add(e, t_e, ev.ESCALATED, ev.AGENT, agent, ev.NULL, v.reason(ev.MANUAL))
        up = (rng.random(e.size) < 0.6) & (self.priority[e] < 3)
        eu = e[up]
        self.log.add(eu, t_e[up] + 1, ev.PRIORITY_CHANGED, ev.AGENT, agent[up],
                     v.priority(self.priority[eu]), v.priority(self.priority[eu] + 1))  # fmt: skip
        self.priority[eu] += 1


# -- landing tables ----------------------------------------------------------------------------


@dataclass
class TicketVersions:
    """Creation and latest versions of every ticket, as arrays ready for the writer."""

    ticket: np.ndarray
    updated: np.ndarray
    status: np.ndarray
    priority: np.ndarray
    assignee: np.ndarray
    group: np.ndarray


def ticket_versions(hd: Helpdesk, staff: Staff) -> TicketVersions:
    """Each ticket's latest state from its (cut-off) history, plus its creation version when
    the latest one falls in another month."""
    tk, e, v = hd.tickets, hd.events, hd.vocabulary
    n = tk.n
    last_t = e.last_time(n)
    status = e.last_value(ev.STATUS_CHANGED, n, np.full(n, v.status(ev.NEW))) - v.status_base
    priority = e.last_value(ev.PRIORITY_CHANGED, n, v.priority(tk.priority)) - v.priority_base
    assignee_code = e.last_value(ev.ASSIGNED, n, np.full(n, ev.NULL))
    assignee = np.where(assignee_code >= 0, assignee_code - v.agent_base, -1)
    # Only agents of the current team can hold the ticket: a hand-over moves the group too.
    group = np.where(assignee >= 0, staff.group[np.maximum(assignee, 0)], tk.group)
    months_differ = month_keys(tk.created) != month_keys(last_t)
    first = np.flatnonzero(months_differ)
    everyone = np.arange(n)
    return TicketVersions(
        ticket=np.concatenate([first, everyone]),
        updated=np.concatenate([tk.created[first], last_t]),
        status=np.concatenate([np.full(first.size, ev.NEW), status]),
        priority=np.concatenate([tk.priority[first], priority]),
        assignee=np.concatenate([np.full(first.size, -1), assignee]),
        group=np.concatenate([tk.group[first], group]),
    )


def ticket_ids(n: int) -> pa.Array:
    return prefixed_ids("t", np.arange(1, n + 1), 8)


def tickets_table(
    hd: Helpdesk,
    versions: TicketVersions,
    rows: np.ndarray,
    *,
    ticket_id: pa.Array,
    customer_id: pa.Array,
    customer_country: np.ndarray,
    staff: Staff,
) -> pa.Table:
    """The ``helpdesk/tickets`` rows for the given version rows."""
    tk = hd.tickets
    ticket = versions.ticket[rows]
    take = pa.array(ticket)
    subjects = [s for c in CATEGORIES for s in c.subjects]
    requester = tk.requester[ticket]
    return pa.table(
        {
            "ticket_id": ticket_id.take(take),
            "created_at": timestamps(tk.created[ticket]),
            "updated_at": timestamps(versions.updated[rows]),
            "channel": codes_to_strings(tk.channel[ticket], CHANNELS),
            "social_network": codes_to_strings(tk.social_network[ticket], SOCIAL_NETWORKS),
            "ticket_type": codes_to_strings(tk.ticket_type[ticket], TICKET_TYPES),
            "priority": codes_to_strings(versions.priority[rows], ev.PRIORITIES),
            "status": codes_to_strings(versions.status[rows], ev.STATUSES),
            "category": codes_to_strings(tk.category[ticket], CATEGORY_NAMES),
            "requester_id": customer_id.take(pa.array(requester)),
            "group_id": codes_to_strings(versions.group[rows], [g.group_id for g in GROUPS]),
            "assignee_id": codes_to_strings(versions.assignee[rows], staff.agent_id),
            "country_code": codes_to_strings(customer_country[requester], COUNTRIES),
            "subject": codes_to_strings(tk.subject[ticket], subjects),
        }
    )


def events_table(hd: Helpdesk, rows: np.ndarray, ticket_ids: pa.Array) -> pa.Table:
    """The ``helpdesk/ticket_events`` rows; event_id = ticket_id + position in its history."""
    e, v = hd.events, hd.vocabulary
    ticket_id = ticket_ids.take(pa.array(e.ticket[rows]))
    seq = pc.utf8_lpad(pc.cast(pa.array(e.seq[rows]), pa.string()), 3, "0")
    public = e.public[rows]
    return pa.table(
        {
            "event_id": pc.binary_join_element_wise(ticket_id, seq, "-"),
            "ticket_id": ticket_id,
            "occurred_at": timestamps(e.t[rows]),
            "event_type": codes_to_strings(e.event_type[rows], ev.EVENT_TYPES),
            "actor_type": codes_to_strings(e.actor_type[rows], ev.ACTOR_TYPES),
            "actor_id": codes_to_strings(e.actor[rows], v.strings),
            "old_value": codes_to_strings(e.old[rows], v.strings),
            "new_value": codes_to_strings(e.new[rows], v.strings),
            "is_public": pa.array(public == 1, mask=public < 0),
        }
    )
