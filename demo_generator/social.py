"""Social-media interactions: what customers post about and to the company, and its replies.

Inbound mentions, comments, direct messages, replies, likes and shares arrive on each network at
its own mix; most carry a sentiment (likes and shares mostly not). Every helpdesk ticket of the
``social`` channel starts with an inbound direct message or mention on the ticket's network, a
little before the ticket. The social-media team answers many questions and complaints (outbound
replies) in its working hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from demo_generator.crm import Customers
from demo_generator.helpdesk import CATEGORY_GROUP, SOCIAL, SOCIAL_NETWORKS, Helpdesk
from demo_generator.staff import GROUP_INDEX, Staff
from demo_generator.web_common import customers_at, optional_bools
from demo_generator.world import World, arrival_weights, sample_arrivals
from demo_generator.writer import codes_to_strings, prefixed_ids, timestamps

TYPES = ("mention", "comment", "direct_message", "reply", "like", "share")
MENTION, COMMENT, DIRECT_MESSAGE, REPLY, LIKE, SHARE = range(len(TYPES))
PER_DAY_AT_SCALE_1 = np.array([10.0, 13.0, 6.0, 5.0, 18.0, 4.0])  # inbound, besides ticket messages
NETWORKS = ("twitter", "facebook", "instagram", "linkedin", "whatsapp", "other")
NETWORK_WEIGHTS = np.array(
    [
        [0.40, 0.20, 0.25, 0.15, 0.00, 0.00],  # mention
        [0.15, 0.40, 0.35, 0.10, 0.00, 0.00],  # comment
        [0.20, 0.30, 0.20, 0.05, 0.25, 0.00],  # direct_message
        [0.40, 0.30, 0.20, 0.10, 0.00, 0.00],  # reply
        [0.20, 0.35, 0.35, 0.10, 0.00, 0.00],  # like
        [0.35, 0.35, 0.10, 0.20, 0.00, 0.00],  # share
    ]
)
SENTIMENTS = ("positive", "neutral", "negative")
POSITIVE, NEUTRAL, NEGATIVE = range(len(SENTIMENTS))
SENTIMENT_WEIGHTS = np.array(  # positive, neutral, negative, none
    [
        [0.33, 0.40, 0.22, 0.05],
        [0.33, 0.42, 0.20, 0.05],
        [0.10, 0.52, 0.33, 0.05],
        [0.30, 0.43, 0.22, 0.05],
        [0.10, 0.00, 0.00, 0.90],
        [0.14, 0.06, 0.00, 0.80],
    ]
)
TICKET_SENTIMENT = np.array([0.05, 0.45, 0.50])
QUESTION = np.array([0.30, 0.25, 0.70, 0.30, 0.0, 0.0])
TECHNICAL_QUESTION = 0.40
KNOWN_CUSTOMER = 0.20
TICKET_DIRECT_MESSAGE = 0.70  # else the ticket starts with a public mention
# Chance that the social team answers: questions, other complaints, other praise.
ANSWER_QUESTION, ANSWER_NEGATIVE, ANSWER_POSITIVE = 0.65, 0.40, 0.12
ANSWER_WORK_MEDIAN = 25 * 60.0
INBOUND, OUTBOUND = 0, 1
DIRECTIONS = ("inbound", "outbound")
TECHNICAL_GROUP = GROUP_INDEX["g03"]


@dataclass
class Social:
    """Sorted by ``t`` (index = interaction number - 1)."""

    t: np.ndarray
    network: np.ndarray
    kind: np.ndarray
    direction: np.ndarray
    sentiment: np.ndarray  # -1 none
    question: np.ndarray  # 1, 0, -1 null
    technical: np.ndarray  # 1, 0, -1 null
    ticket: np.ndarray  # -1 none
    customer: np.ndarray  # -1 unknown


def _draw(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    """One draw per row of a matrix of cumulative probabilities."""
    return (rng.random(cum.shape[0])[:, None] > cum[:, :-1]).sum(axis=1)


def simulate_social(world: World, staff: Staff, customers: Customers, churned: np.ndarray, hd: Helpdesk) -> Social:
    rng = world.rng("web.social")
    weights = arrival_weights(world.clock, world.period)
    days = world.scale * world.period.days
    times = [sample_arrivals(rng, world.clock, weights, rate * days) for rate in PER_DAY_AT_SCALE_1]
    t = np.concatenate(times)
    kind = np.repeat(np.arange(len(TYPES)), [x.size for x in times])
    network = _draw(rng, np.cumsum(NETWORK_WEIGHTS, axis=1)[kind])
    sentiment = _draw(rng, np.cumsum(SENTIMENT_WEIGHTS, axis=1)[kind])
    sentiment[sentiment == len(SENTIMENTS)] = -1
    question = rng.random(t.size) < QUESTION[kind]
    technical = question & (rng.random(t.size) < TECHNICAL_QUESTION)
    customer = customers_at(rng, customers, churned, t, KNOWN_CUSTOMER)

    # The first message of every social ticket.
    tk = hd.tickets
    st = np.flatnonzero(tk.channel == SOCIAL)
    st_network = np.array([NETWORKS.index(name) for name in SOCIAL_NETWORKS])[tk.social_network[st]]
    st_t = np.maximum(tk.created[st] - rng.integers(30, 600, size=st.size), world.period.start_ts)
    st_kind = np.where(rng.random(st.size) < TICKET_DIRECT_MESSAGE, DIRECT_MESSAGE, MENTION)
    st_sentiment = rng.choice(len(SENTIMENTS), size=st.size, p=TICKET_SENTIMENT)
    st_question = rng.random(st.size) < 0.9
    st_technical = st_question & (CATEGORY_GROUP[tk.category[st]] == TECHNICAL_GROUP)

    # The social team's answers to messages without a ticket.
    p = np.where(question, ANSWER_QUESTION, np.select([sentiment == NEGATIVE, sentiment == POSITIVE],
                                                        [ANSWER_NEGATIVE, ANSWER_POSITIVE], 0.0))  # fmt: skip
    p[kind >= LIKE] = 0.0
    a = np.flatnonzero(rng.random(t.size) < p)
    work = np.maximum(60.0, ANSWER_WORK_MEDIAN * rng.lognormal(0.0, 1.0, size=a.size))
    a_t = np.maximum(staff.calendars[GROUP_INDEX["g05"]].add(t[a], work), t[a] + 60)
    a_sentiment = np.where(rng.random(a.size) < 0.35, POSITIVE, NEUTRAL)

    n, s, m = t.size, st.size, a.size
    cols = {
        "t": np.concatenate([t, st_t, a_t]),
        "network": np.concatenate([network, st_network, network[a]]),
        "kind": np.concatenate([kind, st_kind, np.full(m, REPLY)]),
        "direction": np.repeat([INBOUND, INBOUND, OUTBOUND], [n, s, m]),
        "sentiment": np.concatenate([sentiment, st_sentiment, a_sentiment]),
        "question": np.concatenate([question, st_question, np.full(m, -1)]).astype(np.int64),
        "technical": np.concatenate([technical, st_technical, np.full(m, -1)]).astype(np.int64),
        "ticket": np.concatenate([np.full(n, -1), st, np.full(m, -1)]),
        "customer": np.concatenate([customer, tk.requester[st], customer[a]]),
    }
    keep = cols["t"] < world.period.cutoff_ts
    order = np.lexsort((cols["direction"], cols["ticket"], cols["kind"], cols["t"]))
    order = order[keep[order]]
    return Social(**{k: v[order] for k, v in cols.items()})


def interaction_ids(n: int) -> pa.Array:
    return prefixed_ids("si", np.arange(1, n + 1), 9)


def social_table(social: Social, rows: np.ndarray, interaction_id: pa.Array, ticket_id: pa.Array,
                 customer_id: pa.Array) -> pa.Table:  # fmt: skip
    ticket, customer = social.ticket[rows], social.customer[rows]
    return pa.table(
        {
            "interaction_id": interaction_id.take(pa.array(rows)),
            "network": codes_to_strings(social.network[rows], NETWORKS),
            "occurred_at": timestamps(social.t[rows]),
            "interaction_type": codes_to_strings(social.kind[rows], TYPES),
            "direction": codes_to_strings(social.direction[rows], DIRECTIONS),
            "sentiment": codes_to_strings(social.sentiment[rows], SENTIMENTS),
            "is_question": optional_bools(social.question[rows]),
            "is_technical": optional_bools(social.technical[rows]),
            "ticket_id": ticket_id.take(pa.array(ticket, mask=ticket < 0)),
            "customer_id": customer_id.take(pa.array(customer, mask=customer < 0)),
        }
    )
