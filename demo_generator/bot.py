"""Chat-bot conversations on the web chat and on social networks.

Every ``bot`` ticket the helpdesk's bot handed to a human (the customer asked for one, see
``helpdesk._Flow.bot_dialogue``) has its conversation, started shortly before the ticket and ended
at the hand-over. Many more conversations never become a ticket: the bot resolves them, or the
customer leaves; how often depends on the intent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from demo_generator import events as ev
from demo_generator.crm import Customers
from demo_generator.helpdesk import BOT, CATEGORY_NAMES, Helpdesk
from demo_generator.web_common import customers_at
from demo_generator.world import World, arrival_weights, sample_arrivals
from demo_generator.writer import codes_to_strings, prefixed_ids, timestamps

CONVERSATIONS_PER_DAY_AT_SCALE_1 = 42.0  # besides the hand-overs
CHANNELS = ("web_chat", "twitter", "facebook", "instagram", "whatsapp", "other")
CHANNEL_WEIGHTS = np.array([0.70, 0.04, 0.10, 0.05, 0.10, 0.01])
HANDOFF_CHANNEL_WEIGHTS = np.array([0.85, 0.02, 0.05, 0.02, 0.06, 0.00])
KNOWN_CUSTOMER = np.array([0.45, 0.25, 0.25, 0.25, 0.25, 0.25])  # by channel
OUTCOMES = ("resolved", "handed_off", "abandoned")
RESOLVED, HANDED_OFF, ABANDONED = range(len(OUTCOMES))
# intent: (share of the conversations without a ticket, chance the bot resolves it)
INTENTS: dict[str, tuple[float, float]] = {
    "order_status": (0.22, 0.88),
    "password_reset": (0.12, 0.88),
    "login_problem": (0.06, 0.60),
    "account_update": (0.06, 0.75),
    "billing_question": (0.10, 0.70),
    "payment_problem": (0.04, 0.55),
    "refund_request": (0.05, 0.50),
    "cancel_subscription": (0.04, 0.65),
    "delivery_delay": (0.07, 0.65),
    "product_info": (0.10, 0.85),
    "opening_hours": (0.05, 0.97),
    "technical_issue": (0.05, 0.50),
    "talk_to_human": (0.02, 0.10),
    "other": (0.02, 0.50),
}
INTENT_NAMES = tuple(INTENTS)
INTENT_WEIGHTS = np.array([w for w, _ in INTENTS.values()])
INTENT_RESOLVED = np.array([p for _, p in INTENTS.values()])
INTENT_OF_CATEGORY = {
    "password_reset": "password_reset", "login_failure": "login_problem", "account_update": "account_update",
    "billing_question": "billing_question", "invoice_request": "billing_question",
    "payment_failed": "payment_problem", "refund_request": "refund_request",
    "subscription_cancel": "cancel_subscription", "order_status": "order_status",
    "delivery_delay": "delivery_delay", "how_to": "product_info", "complaint_service": "talk_to_human",
    "product_defect": "technical_issue", "app_crash": "technical_issue", "performance_issue": "technical_issue",
    "integration_error": "technical_issue", "data_export": "technical_issue", "service_outage": "technical_issue",
}  # fmt: skip
CATEGORY_INTENT = np.array([INTENT_NAMES.index(INTENT_OF_CATEGORY.get(c, "other")) for c in CATEGORY_NAMES])
ASKED_FOR_HUMAN = 0.15  # hand-overs whose detected intent is simply 'talk_to_human'


@dataclass
class BotConversations:
    """Sorted by ``started`` (index = conversation number - 1)."""

    started: np.ndarray
    ended: np.ndarray
    channel: np.ndarray
    customer: np.ndarray  # -1 unknown
    intent: np.ndarray
    outcome: np.ndarray
    ticket: np.ndarray  # -1 none


def handed_off_tickets(hd: Helpdesk) -> tuple[np.ndarray, np.ndarray]:
    """``bot`` tickets the bot handed to a human, and when the customer asked for one: the first
    customer reply of a bot ticket the bot did not solve (lost ones get no reply)."""
    tk, e, v = hd.tickets, hd.events, hd.vocabulary
    on_bot = tk.channel[e.ticket] == BOT
    bot_solved = on_bot & (e.event_type == ev.STATUS_CHANGED) & (e.actor_type == ev.BOT)
    bot_solved &= e.new == v.status(ev.SOLVED)
    solved = np.zeros(tk.n, dtype=bool)
    solved[e.ticket[bot_solved]] = True
    replies = np.flatnonzero(on_bot & (e.event_type == ev.CUSTOMER_REPLY))
    tickets, first = np.unique(e.ticket[replies], return_index=True)  # events are sorted by (ticket, t)
    asked = e.t[replies[first]]
    keep = ~solved[tickets]
    return tickets[keep], asked[keep]


def simulate_bot(world: World, customers: Customers, churned: np.ndarray, hd: Helpdesk) -> BotConversations:
    rng = world.rng("web.bot")
    tk = hd.tickets
    tickets, asked = handed_off_tickets(hd)
    h = tickets.size
    h_start = np.maximum(tk.created[tickets] - rng.integers(15, 120, size=h), world.period.start_ts)
    h_intent = np.where(rng.random(h) < ASKED_FOR_HUMAN, INTENT_NAMES.index("talk_to_human"),
                        CATEGORY_INTENT[tk.category[tickets]])  # fmt: skip

    expected = CONVERSATIONS_PER_DAY_AT_SCALE_1 * world.scale * world.period.days
    start = sample_arrivals(rng, world.clock, arrival_weights(world.clock, world.period), expected)
    n = start.size
    channel = rng.choice(len(CHANNELS), size=n, p=CHANNEL_WEIGHTS)
    customer = np.where(rng.random(n) < KNOWN_CUSTOMER[channel], customers_at(rng, customers, churned, start, 1.0), -1)
    intent = rng.choice(len(INTENT_NAMES), size=n, p=INTENT_WEIGHTS)
    resolved = rng.random(n) < INTENT_RESOLVED[intent]
    length = np.where(resolved, rng.lognormal(np.log(150.0), 0.6, size=n), rng.lognormal(np.log(70.0), 0.8, size=n))

    cols = {
        "started": np.concatenate([h_start, start]),
        "ended": np.concatenate([asked + rng.integers(2, 10, size=h), start + 10 + length.astype(np.int64)]),
        "channel": np.concatenate([rng.choice(len(CHANNELS), size=h, p=HANDOFF_CHANNEL_WEIGHTS), channel]),
        "customer": np.concatenate([tk.requester[tickets], customer]),
        "intent": np.concatenate([h_intent, intent]),
        "outcome": np.concatenate([np.full(h, HANDED_OFF), np.where(resolved, RESOLVED, ABANDONED)]),
        "ticket": np.concatenate([tickets, np.full(n, -1)]),
    }
    keep = cols["ended"] < world.period.cutoff_ts
    order = np.lexsort((cols["ticket"], cols["started"]))
    order = order[keep[order]]
    return BotConversations(**{k: v[order] for k, v in cols.items()})


def conversation_ids(n: int) -> pa.Array:
    return prefixed_ids("bc", np.arange(1, n + 1), 8)


def bot_table(bot: BotConversations, rows: np.ndarray, conversation_id: pa.Array, customer_id: pa.Array,
              ticket_id: pa.Array) -> pa.Table:  # fmt: skip
    customer, ticket = bot.customer[rows], bot.ticket[rows]
    return pa.table(
        {
            "conversation_id": conversation_id.take(pa.array(rows)),
            "started_at": timestamps(bot.started[rows]),
            "ended_at": timestamps(bot.ended[rows]),
            "channel": codes_to_strings(bot.channel[rows], CHANNELS),
            "customer_id": customer_id.take(pa.array(customer, mask=customer < 0)),
            "intent": codes_to_strings(bot.intent[rows], INTENT_NAMES),
            "outcome": codes_to_strings(bot.outcome[rows], OUTCOMES),
            "ticket_id": ticket_id.take(pa.array(ticket, mask=ticket < 0)),
        }
    )
