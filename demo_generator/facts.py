"""Per-ticket and per-agent facts the later sources build on (surveys, reviews, churn, discounts).

Derived from the simulated (cut-off) ticket histories, so they match what the helpdesk files say.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo_generator import events as ev
from demo_generator.helpdesk import FIRST_RESPONSE_TARGET_MINUTES, TICKET_TYPES, Helpdesk
from demo_generator.staff import Staff

COMPLAINT = TICKET_TYPES.index("complaint")
REFUND = TICKET_TYPES.index("refund")


@dataclass
class TicketFacts:
    """Index = ticket number - 1; times in epoch seconds, -1 = never."""

    first_reply: np.ndarray  # first public reply by a human agent
    slow: np.ndarray  # first reply later than the priority's target (or none by solve time)
    reopened: np.ndarray  # the customer reopened it after a solve
    escalated: np.ndarray
    solved: np.ndarray  # last time it was solved
    agent: np.ndarray  # last agent who replied (staff index, -1 = none: bot-only or junk)

    @property
    def bad(self) -> np.ndarray:
        """A bad experience: a slow answer, a reopen or an escalation."""
        return self.slow | self.reopened | self.escalated

    @property
    def severe(self) -> np.ndarray:
        """A bad experience that makes customers leave: reopened or escalated."""
        return self.reopened | self.escalated


def _first_and_last(ticket: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the first / last row per ticket of a ticket-sorted selection."""
    if ticket.size == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    change = ticket[1:] != ticket[:-1]
    return np.r_[True, change], np.r_[change, True]


def ticket_facts(hd: Helpdesk) -> TicketFacts:
    tk, e, v = hd.tickets, hd.events, hd.vocabulary
    n = tk.n
    human = (e.event_type == ev.AGENT_REPLY) & (e.actor_type == ev.AGENT)
    rows = np.flatnonzero(human)
    first, last = _first_and_last(e.ticket[rows])
    first_reply = np.full(n, -1, dtype=np.int64)
    first_reply[e.ticket[rows[first]]] = e.t[rows[first]]
    agent = np.full(n, -1, dtype=np.int64)
    agent[e.ticket[rows[last]]] = e.actor[rows[last]] - v.agent_base

    status = e.event_type == ev.STATUS_CHANGED
    solved_rows = np.flatnonzero(status & (e.new == v.status(ev.SOLVED)))
    _, last_solved = _first_and_last(e.ticket[solved_rows])
    solved = np.full(n, -1, dtype=np.int64)
    solved[e.ticket[solved_rows[last_solved]]] = e.t[solved_rows[last_solved]]

    done = np.isin(e.old, [v.status(ev.SOLVED), v.status(ev.CLOSED)])
    again = np.isin(e.new, [v.status(s) for s in (ev.NEW, ev.OPEN, ev.PENDING, ev.ON_HOLD)])
    reopened = np.zeros(n, dtype=bool)
    reopened[e.ticket[status & done & again]] = True
    escalated = np.zeros(n, dtype=bool)
    escalated[e.ticket[e.event_type == ev.ESCALATED]] = True

    due = tk.created + FIRST_RESPONSE_TARGET_MINUTES[tk.priority] * 60
    unanswered_but_solved = (first_reply < 0) & (solved >= 0) & (agent >= 0)
    slow = (first_reply > due) | (unanswered_but_solved & (solved > due))
    return TicketFacts(
        first_reply=first_reply,
        slow=slow,
        reopened=reopened,
        escalated=escalated,
        solved=solved,
        agent=agent,
    )


def agent_skill(staff: Staff) -> np.ndarray:
    """A standardised skill score per agent: solves at first reply (fcr) and answers fast."""
    raw = np.log(staff.fcr) - 0.5 * np.log(staff.speed)
    spread = raw.std()
    return (raw - raw.mean()) / (spread if spread > 0 else 1.0)
