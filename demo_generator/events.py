"""A columnar, append-only log of ticket events, built phase by phase with numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

EVENT_TYPES = (
    "created", "status_changed", "assigned", "priority_changed",
    "agent_reply", "customer_reply", "internal_note", "escalated",
)  # fmt: skip
ACTOR_TYPES = ("agent", "customer", "bot", "system")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
ESCALATION_REASONS = ("sla_breach", "manual")

(CREATED, STATUS_CHANGED, ASSIGNED, PRIORITY_CHANGED,
 AGENT_REPLY, CUSTOMER_REPLY, INTERNAL_NOTE, ESCALATED) = range(len(EVENT_TYPES))  # fmt: skip
AGENT, CUSTOMER, BOT, SYSTEM = range(len(ACTOR_TYPES))
NEW, OPEN, PENDING, ON_HOLD, SOLVED, CLOSED = range(len(STATUSES))
SLA_BREACH, MANUAL = range(len(ESCALATION_REASONS))
NULL = -1


class Vocabulary:
    """One integer code space for actor_id / old_value / new_value.

    Layout: statuses, priorities, escalation reasons, then agents, then customers.
    """

    status_base = 0
    priority_base = len(STATUSES)
    reason_base = priority_base + len(PRIORITIES)
    agent_base = reason_base + len(ESCALATION_REASONS)

    def __init__(self, agent_ids: list[str], customer_ids: pa.Array) -> None:
        self.customer_base = self.agent_base + len(agent_ids)
        fixed = list(STATUSES) + list(PRIORITIES) + list(ESCALATION_REASONS) + agent_ids
        self.strings = pa.concat_arrays([pa.array(fixed, type=pa.string()), customer_ids])

    def status(self, code: np.ndarray | int) -> np.ndarray | int:
        return code + self.status_base

    def priority(self, code: np.ndarray | int) -> np.ndarray | int:
        return code + self.priority_base

    def reason(self, code: np.ndarray | int) -> np.ndarray | int:
        return code + self.reason_base

    def agent(self, index: np.ndarray) -> np.ndarray:
        return np.where(index >= 0, index + self.agent_base, NULL)

    def customer(self, index: np.ndarray) -> np.ndarray:
        return index + self.customer_base


@dataclass
class Events:
    """Events sorted by (ticket, time); times strictly increase within a ticket."""

    ticket: np.ndarray
    t: np.ndarray
    event_type: np.ndarray
    actor_type: np.ndarray
    actor: np.ndarray
    old: np.ndarray
    new: np.ndarray
    public: np.ndarray  # 1 true, 0 false, -1 null
    seq: np.ndarray  # 1-based position within the ticket

    @property
    def n(self) -> int:
        return self.ticket.size

    def last_value(self, event_type: int, n_tickets: int, default: np.ndarray) -> np.ndarray:
        """``new`` code of each ticket's last event of ``event_type`` (``default`` if none)."""
        sel = self.event_type == event_type
        tickets, values = self.ticket[sel], self.new[sel]
        last = np.r_[tickets[1:] != tickets[:-1], True] if tickets.size else np.zeros(0, bool)
        out = default.copy()
        out[tickets[last]] = values[last]
        return out

    def last_time(self, n_tickets: int) -> np.ndarray:
        out = np.full(n_tickets, -1, dtype=np.int64)
        last = np.r_[self.ticket[1:] != self.ticket[:-1], True]
        out[self.ticket[last]] = self.t[last]
        return out


class EventLog:
    """Collects event chunks; ``finish`` sorts them, enforces time order and applies the cut-off."""

    def __init__(self) -> None:
        self._chunks: list[dict[str, np.ndarray]] = []

    def add(
        self,
        ticket: np.ndarray,
        t: np.ndarray,
        event_type: int,
        actor_type: int | np.ndarray,
        actor: int | np.ndarray = NULL,
        old: int | np.ndarray = NULL,
        new: int | np.ndarray = NULL,
        public: int = NULL,
    ) -> None:
        n = ticket.size
        if n == 0:
            return

        def full(value: int | np.ndarray, dtype: type) -> np.ndarray:
            if np.ndim(value) == 0:
                return np.broadcast_to(np.asarray(value, dtype=dtype), (n,))
            return np.array(value, dtype=dtype)  # a copy

        self._chunks.append(
            {
                # Copies: callers keep adjusting their arrays after logging an event.
                "ticket": ticket.astype(np.int64, copy=True),
                "t": t.astype(np.int64, copy=True),
                "event_type": full(event_type, np.int8),
                "actor_type": full(actor_type, np.int8),
                "actor": full(actor, np.int32),
                "old": full(old, np.int32),
                "new": full(new, np.int32),
                "public": full(public, np.int8),
                "chunk": full(len(self._chunks), np.int32),
            }
        )

    def finish(self, origin: int, cutoff: int) -> Events:
        cols = {k: np.concatenate([c[k] for c in self._chunks]) for k in self._chunks[0]}
        self._chunks = []
        order = np.lexsort((cols.pop("chunk"), cols["t"], cols["ticket"]))
        cols = {k: v[order] for k, v in cols.items()}
        ticket = cols["ticket"]
        first = np.r_[True, ticket[1:] != ticket[:-1]]
        pos = np.arange(ticket.size) - np.maximum.accumulate(np.where(first, np.arange(ticket.size), 0))
        # Strictly increasing times per ticket (ties get +1 s): running max of t - pos per ticket.
        span = np.int64(1) << 36
        shifted = (cols["t"] - origin - pos + (1 << 20)) + ticket * span
        cols["t"] = np.maximum.accumulate(shifted) - ticket * span + pos + origin - (1 << 20)
        keep = cols["t"] < cutoff  # a prefix of each ticket's history: state stays consistent
        cols = {k: v[keep] for k, v in cols.items()}
        return Events(seq=pos[keep] + 1, **cols)
